import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ERROR_TABLE } from '../errors/index.ts';
import { compileMappingSpec } from './compile-mapping.ts';
import { loadSharedCodeTables } from './load-code-tables.ts';
import { parseMappingSource } from './load-mapping.ts';
import { MappingLoadError, type MappingLoadIssue } from './mapping-error.ts';
import { getMappingValidators } from './mapping-schema.ts';
import { parseSource, validateSource } from './mapping-source.ts';
import type { CodeTables, CompiledRequestMapping, CompiledResponseMapping, MappingSpec, RuleSpec } from './mapping-types.ts';
import { createTransformRegistry, type TransformRegistry } from './transforms/index.ts';

/**
 * The two mappings of one airline command in an airline's NDC version, the other way round from
 * the inbound ones: `<command>.request.yaml` has `message:` and builds the RQ content from the
 * command (the engine's "response" direction), `<command>.response.yaml` has `command:` and reads
 * the RS content into the result (the engine's "request" direction).
 */
export interface OutboundCommandMappings {
  readonly command: string;
  /** Command JSON → RQ content; `request.message` is the RQ, e.g. `AirShoppingRQ`. */
  readonly request: CompiledResponseMapping;
  /** RS content → result JSON; `response.command` is the command. */
  readonly response: CompiledRequestMapping;
}

/** A command field with no counterpart in the version (`version.yaml` `untranslated:`). */
export interface UntranslatedField {
  /** Dotted path in the command, e.g. `journeys.cabin`; lists are looked through. */
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/** What a version cannot send (`version.yaml` `unsupported:`): a command with a value at `path` (with `missing`, without one) is refused. */
export interface UnsupportedField {
  /** Dotted path in the command, e.g. `services`; lists are looked through. */
  readonly path: string;
  readonly missing: boolean;
  readonly message: string;
}

/** The outbound mappings of one NDC version, inherited ones included. Never changed once loaded. */
export interface OutboundMappings {
  readonly version: string;
  /** The mappings of a command, when both files exist. */
  find(command: string): OutboundCommandMappings | undefined;
  /** Commands with both mappings, sorted. */
  commands(): string[];
  /** The airline's error code → the gateway's error code (`errors:`, merged over inherited tables). */
  readonly errors: ReadonlyMap<string, string>;
  /**
   * Reads the errors an RS carries (`errorsFrom:` of version.yaml, a rule over the RS content,
   * giving `{ errors: [{ code, text }] }`); undefined when no version of the chain says.
   */
  readonly errorsFrom: CompiledRequestMapping | undefined;
  untranslated(command: string): readonly UntranslatedField[];
  unsupported(command: string): readonly UnsupportedField[];
  /** Mapping files the set was built from. */
  readonly loaded: number;
}

export interface LoadOutboundOptions {
  /** The mappings folder: `outbound/<version>/` and `code-tables/` are below it. */
  readonly mappingsPath: string;
  readonly version: string;
  /** @defaultValue the built-in transforms */
  readonly transforms?: TransformRegistry;
}

/** `offer.shop.request.yaml`, `inventory.refund-quote.response.yaml`. */
const OUTBOUND_FILE = /^([a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+)\.(request|response)\.(ya?ml|json)$/;
const VERSION_FILE = /^version\.(ya?ml|json)$/;
const DATA_FILE = /\.(ya?ml|json)$/;

interface OutboundFolder {
  readonly inherits: string | undefined;
  readonly errors: Record<string, string>;
  readonly errorsFrom: CompiledRequestMapping | undefined;
  readonly untranslated: Record<string, UntranslatedField[]>;
  readonly unsupported: Record<string, UnsupportedField[]>;
  readonly request: Map<string, CompiledResponseMapping>;
  readonly response: Map<string, CompiledRequestMapping>;
  readonly files: number;
}

/** The folder of a version's outbound mappings. */
export function outboundFolder(mappingsPath: string, version: string): string {
  return join(mappingsPath, 'outbound', version);
}

/** The versions that have a folder under `outbound/`, sorted. */
export async function listOutboundVersions(mappingsPath: string): Promise<string[]> {
  try {
    const entries = await readdir(join(mappingsPath, 'outbound'), { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function readOutboundFolder(folder: string, shared: { codeTables: CodeTables; transforms: TransformRegistry }, issues: MappingLoadIssue[]): Promise<OutboundFolder | undefined> {
  let names: string[];
  try {
    names = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const result: OutboundFolder = { inherits: undefined, errors: {}, errorsFrom: undefined, untranslated: {}, unsupported: {}, request: new Map(), response: new Map(), files: 0 };
  let inherits: string | undefined;
  let errorsFrom: CompiledRequestMapping | undefined;
  let files = 0;
  for (const name of names) {
    const file = join(folder, name);
    if (!DATA_FILE.test(name)) continue;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      issues.push({ file, message: `cannot read: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    if (VERSION_FILE.test(name)) {
      const source = parseSource(text, file);
      const problems = source.issues.length > 0 ? source.issues : validateSource(source, getMappingValidators().outboundVersionFile);
      if (problems.length > 0) {
        issues.push(...problems);
        continue;
      }
      const spec = (source.value ?? {}) as { inherits?: string; errorsFrom?: RuleSpec; errors?: Record<string, string>; untranslated?: Record<string, UntranslatedField[]>; unsupported?: Record<string, { path: string; missing?: boolean; message: string }[]> };
      inherits = spec.inherits;
      if (spec.errorsFrom !== undefined) {
        // The rule is compiled as the one field of a mapping, so it is the engine's rule in every respect.
        const wrapped: MappingSpec = { command: 'ndc.errors', map: { errors: spec.errorsFrom } };
        const compiled = compileMappingSpec(wrapped, { file, ...shared, direction: 'request' });
        issues.push(...compiled.issues.map((issue) => source.issue(['errorsFrom', ...issue.pointer.slice(2)], issue.message)));
        if (compiled.mapping?.direction === 'request') errorsFrom = compiled.mapping;
      }
      for (const [code, gatewayCode] of Object.entries(spec.errors ?? {})) {
        if (!(gatewayCode in ERROR_TABLE)) issues.push(source.issue(['errors', code], `'${gatewayCode}' is not a gateway error code (src/errors/error-table.ts)`));
        else result.errors[code] = gatewayCode;
      }
      for (const [command, fields] of Object.entries(spec.untranslated ?? {})) {
        result.untranslated[command] = fields.map(({ path, code, message }) => ({ path, code, message }));
      }
      for (const [command, fields] of Object.entries(spec.unsupported ?? {})) {
        result.unsupported[command] = fields.map(({ path, missing, message }) => ({ path, missing: missing === true, message }));
      }
      continue;
    }
    const match = OUTBOUND_FILE.exec(name);
    if (!match) {
      issues.push({ file, message: 'not an outbound mapping file name: use <command>.request.yaml or <command>.response.yaml (or version.yaml)' });
      continue;
    }
    const command = match[1] as string;
    // The RQ is built from the command (the engine's response direction), the RS read into the result.
    const direction = match[2] === 'request' ? 'response' : 'request';
    try {
      const mapping = parseMappingSource(text, file, { ...shared, direction });
      if (mapping.direction === 'response') {
        if (!/RQ$/.test(mapping.message)) issues.push({ file, message: `message: '${mapping.message}' is not a request message (…RQ)` });
        result.request.set(command, mapping);
      } else {
        if (mapping.command !== command) issues.push({ file, message: `command: '${mapping.command}' is not the command the file is named after (${command})` });
        result.response.set(command, mapping);
      }
      files += 1;
    } catch (error) {
      if (error instanceof MappingLoadError) issues.push(...error.issues);
      else throw error;
    }
  }
  return { ...result, inherits, errorsFrom, files };
}

/**
 * Loads `outbound/<version>/` of a mappings folder with the versions it inherits (`version.yaml`
 * `inherits:`, file by file as the inbound folders), using the shared code tables and the same
 * engine as the inbound mappings.
 * @throws MappingLoadError listing every problem, each with file, line and column.
 */
export async function loadOutboundMappings(options: LoadOutboundOptions): Promise<OutboundMappings> {
  const issues: MappingLoadIssue[] = [];
  const codeTables = await loadSharedCodeTables(options.mappingsPath, issues);
  const shared = { codeTables, transforms: options.transforms ?? createTransformRegistry() };
  const chain: { version: string; folder: OutboundFolder }[] = [];
  for (let version: string | undefined = options.version; version !== undefined;) {
    if (chain.some((c) => c.version === version)) {
      issues.push({ file: join(outboundFolder(options.mappingsPath, version), 'version.yaml'), message: `inheritance cycle: ${[...chain.map((c) => c.version), version].join(' → ')}` });
      break;
    }
    const folder = await readOutboundFolder(outboundFolder(options.mappingsPath, version), shared, issues);
    if (!folder) {
      const from = chain.at(-1);
      issues.push(from
        ? { file: join(outboundFolder(options.mappingsPath, from.version), 'version.yaml'), message: `inherits '${version}', but ${outboundFolder(options.mappingsPath, version)} does not exist` }
        : { file: outboundFolder(options.mappingsPath, version), message: `no outbound mappings for NDC ${version}` });
      break;
    }
    chain.push({ version, folder });
    version = folder.inherits;
  }
  if (issues.length > 0) throw new MappingLoadError(issues);

  // The base version first, so each folder overrides what it inherits.
  const request = new Map<string, CompiledResponseMapping>();
  const response = new Map<string, CompiledRequestMapping>();
  const errors = new Map<string, string>();
  const untranslated = new Map<string, readonly UntranslatedField[]>();
  const unsupported = new Map<string, readonly UnsupportedField[]>();
  let loaded = 0;
  let errorsFrom: CompiledRequestMapping | undefined;
  for (const { folder } of [...chain].reverse()) {
    errorsFrom = folder.errorsFrom ?? errorsFrom;
    for (const [command, mapping] of folder.request) request.set(command, mapping);
    for (const [command, mapping] of folder.response) response.set(command, mapping);
    for (const [code, gatewayCode] of Object.entries(folder.errors)) errors.set(code, gatewayCode);
    for (const [command, fields] of Object.entries(folder.untranslated)) untranslated.set(command, Object.freeze(fields));
    for (const [command, fields] of Object.entries(folder.unsupported)) unsupported.set(command, Object.freeze(fields));
    loaded += folder.files;
  }
  const pairs = new Map<string, OutboundCommandMappings>();
  for (const [command, rq] of request) {
    const rs = response.get(command);
    if (rs) pairs.set(command, Object.freeze({ command, request: rq, response: rs }));
  }
  const commands = [...pairs.keys()].sort();
  return Object.freeze({
    version: options.version,
    find: (command: string) => pairs.get(command),
    commands: () => [...commands],
    errors,
    errorsFrom,
    untranslated: (command: string) => untranslated.get(command) ?? [],
    unsupported: (command: string) => unsupported.get(command) ?? [],
    loaded,
  });
}
