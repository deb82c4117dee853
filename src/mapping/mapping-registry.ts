import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import { compileIdempotencyRules, type IdempotencyRules, type IdempotencySpec } from './idempotency-rules.ts';
import { loadSharedCodeTables } from './load-code-tables.ts';
import { parseMappingSource } from './load-mapping.ts';
import { formatLoadIssue, MappingLoadError, type MappingDirection, type MappingLoadIssue } from './mapping-error.ts';
import { getMappingValidators } from './mapping-schema.ts';
import { parseSource, validateSource } from './mapping-source.ts';
import type { CodeTables, CompiledMapping, CompiledRequestMapping, CompiledResponseMapping } from './mapping-types.ts';
import { createTransformRegistry, type TransformDefinition, type TransformRegistry } from './transforms/index.ts';

export interface MappingRegistryOptions {
  /** Folder holding `<version>/` folders and `code-tables/`. */
  readonly mappingsPath: string;
  /** NDC versions served; inherited versions are loaded as well. */
  readonly versions: readonly string[];
  readonly logger?: Logger;
  /** Extra transforms, added to the built-in ones. */
  readonly transforms?: readonly TransformDefinition[];
  /**
   * Runs on every complete new set before it is put in force, at start-up and on each reload, so
   * whatever a newly mapped message needs (its XSDs, for the gateway) is ready before the first
   * request can reach it. A rejection at start-up fails the load; on a reload it keeps the old set.
   */
  readonly prepare?: (next: MappingSnapshot) => void | Promise<void>;
}

/**
 * A message the mappings of a version serve: both directions are mapped. This is the whole
 * definition of a served message, so adding one is adding two files.
 */
export interface MappedMessage {
  /** The file-name stem, e.g. `AirShopping`; also the per-message route name. */
  readonly name: string;
  /**
   * The request message, from the file name: `AirShopping.request.yaml` → `AirShoppingRQ`, or the
   * request mapping's `message:` for one not named `<Name>RQ` (17.2's `OrderChangeNotif`).
   */
  readonly request: string;
  /** The response message, from the response mapping's `message:`, e.g. `AirShoppingRS` or `OrderViewRS`. */
  readonly response: string;
  /** The internal command, from the request mapping's `command:`. */
  readonly command: string;
}

/**
 * One complete set of mappings, never changed once loaded. A request takes the snapshot in force
 * when it starts and uses it to the end, so a reload never mixes old and new files in one answer.
 */
export interface MappingSnapshot {
  /**
   * The request mapping of a message (`AirShopping`, `AirShoppingRQ` and `IATA_AirShoppingRQ` are the same).
   * @throws GatewayError UNKNOWN_MESSAGE when there is none; UNSUPPORTED_VERSION for a version not served.
   */
  request(version: string, message: string): CompiledRequestMapping;
  /** The response mapping answering a request message (e.g. `OrderCreate` → an OrderViewRS mapping). */
  response(version: string, message: string): CompiledResponseMapping;
  has(version: string, message: string, direction: MappingDirection): boolean;
  /** Messages with at least one mapping in a version, inherited ones included, sorted. */
  messages(version: string): string[];
  /** Messages with both mappings in a version, sorted by name. */
  mapped(version: string): readonly MappedMessage[];
  /** The mapped message a request message (`AirShoppingRQ`, `IATA_AirShoppingRQ`) names, if both directions are mapped. */
  find(version: string, message: string): MappedMessage | undefined;
  /**
   * Where the version's documents name their sender and message id (`version.yaml`: `idempotency`,
   * inherited like the mappings), for the request mappings marked `idempotent`.
   */
  idempotency(version: string): IdempotencyRules | undefined;
  /** Number of mapping files the set was built from. */
  readonly loaded: number;
}

/** What a reload reports: files loaded, or the problems (`file:line:column: message`) that kept the old set in force. */
export interface MappingReloadResult {
  readonly loaded: number;
  readonly errors: string[];
}

/**
 * The mappings in force. Lookups read the current snapshot; `reload` swaps in a whole new set at
 * once, after `prepare` has run on it.
 */
export interface MappingRegistry extends MappingSnapshot {
  /** The snapshot in force now; hold on to it for the length of one request. */
  current(): MappingSnapshot;
  /** Loads everything again; on any error the current set stays in force and the errors are returned. */
  reload(): Promise<MappingReloadResult>;
}

interface MessageMappings {
  request?: CompiledRequestMapping;
  response?: CompiledResponseMapping;
}

interface MappingSet {
  readonly versions: ReadonlyMap<string, ReadonlyMap<string, MessageMappings>>;
  readonly idempotency: ReadonlyMap<string, IdempotencyRules | undefined>;
  readonly loaded: number;
}

const MAPPING_FILE = /^([A-Z][A-Za-z0-9]*)\.(request|response)\.(ya?ml|json)$/;
const VERSION_FILE = /^version\.(ya?ml|json)$/;
const DATA_FILE = /\.(ya?ml|json)$/;

/** `IATA_AirShoppingRQ`, `AirShoppingRQ` and `AirShopping` all name the `AirShopping` files. */
export function normaliseMessageName(message: string): string {
  return message.replace(/^IATA_/, '').replace(/R[QS]$/, '');
}

async function listFolder(folder: string): Promise<string[] | undefined> {
  try {
    return (await readdir(folder, { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

interface VersionFolder {
  readonly inherits: string | undefined;
  readonly idempotency: IdempotencyRules | undefined;
  readonly own: Map<string, MessageMappings>;
}

/**
 * Reads the data files of a folder all at once. Under load every await waits for a turn of a busy
 * event loop, so reading files one after the other made a reload take seconds; in parallel it
 * takes a few turns.
 */
interface FileText {
  readonly text?: string;
  readonly error?: string;
}

async function readDataFiles(folder: string, names: readonly string[]): Promise<Map<string, FileText>> {
  const read = await Promise.all(names.filter((name) => DATA_FILE.test(name)).map(async (name): Promise<[string, FileText]> => {
    try {
      return [name, { text: await readFile(join(folder, name), 'utf8') }];
    } catch (error) {
      return [name, { error: describeError(error) }];
    }
  }));
  return new Map(read);
}

async function readVersionFolder(
  mappingsPath: string,
  version: string,
  shared: { codeTables: CodeTables; transforms: TransformRegistry },
  issues: MappingLoadIssue[],
): Promise<{ folder: VersionFolder; files: number } | undefined> {
  const folder = join(mappingsPath, version);
  const names = await listFolder(folder);
  if (!names) return undefined;
  const texts = await readDataFiles(folder, names);
  let inherits: string | undefined;
  let idempotency: IdempotencyRules | undefined;
  const own = new Map<string, MessageMappings>();
  const seen = new Map<string, string>();
  let files = 0;
  for (const name of names) {
    const file = join(folder, name);
    const read = texts.get(name);
    if (read?.error !== undefined) {
      issues.push({ file, message: `cannot read: ${read.error}` });
      continue;
    }
    if (VERSION_FILE.test(name)) {
      const source = parseSource(read?.text ?? '', file);
      const problems = source.issues.length > 0 ? source.issues : validateSource(source, getMappingValidators().versionFile);
      if (problems.length > 0) {
        issues.push(...problems);
        continue;
      }
      const spec = source.value as { inherits?: string; idempotency?: IdempotencySpec } | null;
      inherits = spec?.inherits;
      if (spec?.idempotency) {
        const compiled = compileIdempotencyRules(spec.idempotency, source, shared);
        issues.push(...compiled.issues);
        idempotency = compiled.rules;
      }
      continue;
    }
    const match = MAPPING_FILE.exec(name);
    if (!match) {
      if (DATA_FILE.test(name)) issues.push({ file, message: 'not a mapping file name: use <Message>.request.yaml or <Message>.response.yaml (or version.yaml)' });
      continue;
    }
    const message = match[1] as string;
    const direction = match[2] as MappingDirection;
    const key = `${message}.${direction}`;
    const earlier = seen.get(key);
    if (earlier) {
      issues.push({ file, message: `${message} already has a ${direction} mapping in ${earlier}` });
      continue;
    }
    seen.set(key, file);
    try {
      const mapping = parseMappingSource(read?.text ?? '', file, { ...shared, direction });
      const entry = own.get(message) ?? {};
      if (mapping.direction === 'request') entry.request = mapping;
      else entry.response = mapping;
      own.set(message, entry);
      files += 1;
    } catch (error) {
      if (error instanceof MappingLoadError) issues.push(...error.issues);
      else throw error;
    }
  }
  return { folder: { inherits, idempotency, own }, files };
}

/** Reads every file of a new set; returns the set, or the problems that prevent it from being used. */
async function buildMappingSet(options: MappingRegistryOptions, transforms: TransformRegistry): Promise<{ set?: MappingSet; issues: MappingLoadIssue[] }> {
  const issues: MappingLoadIssue[] = [];
  const codeTables = await loadSharedCodeTables(options.mappingsPath, issues);
  if (!(await listFolder(options.mappingsPath))) {
    issues.push({ file: options.mappingsPath, message: 'the mappings folder does not exist' });
    return { issues };
  }

  const folders = new Map<string, VersionFolder | undefined>();
  let loaded = 0;
  const queue = [...options.versions];
  while (queue.length > 0) {
    const version = queue.shift() as string;
    if (folders.has(version)) continue;
    const read = await readVersionFolder(options.mappingsPath, version, { codeTables, transforms }, issues);
    folders.set(version, read?.folder);
    loaded += read?.files ?? 0;
    if (read?.folder.inherits) queue.push(read.folder.inherits);
  }

  const resolved = new Map<string, Map<string, MessageMappings>>();
  const resolve = (version: string, chain: readonly string[]): Map<string, MessageMappings> => {
    const done = resolved.get(version);
    if (done) return done;
    const folder = folders.get(version);
    const versionFile = join(options.mappingsPath, version, 'version.yaml');
    const merged = new Map<string, MessageMappings>();
    if (folder?.inherits) {
      if (chain.includes(folder.inherits)) {
        issues.push({ file: versionFile, message: `inheritance cycle: ${[...chain, version, folder.inherits].join(' → ')}` });
      } else if (!folders.get(folder.inherits)) {
        issues.push({ file: versionFile, message: `inherits '${folder.inherits}', but ${join(options.mappingsPath, folder.inherits)} does not exist` });
      } else {
        for (const [message, entry] of resolve(folder.inherits, [...chain, version])) merged.set(message, { ...entry });
      }
    }
    for (const [message, entry] of folder?.own ?? []) {
      const base = merged.get(message) ?? {};
      merged.set(message, { ...base, ...entry });
    }
    resolved.set(version, merged);
    return merged;
  };
  const versions = new Map<string, ReadonlyMap<string, MessageMappings>>();
  for (const version of options.versions) versions.set(version, resolve(version, []));
  // A version's own rules, else the nearest inherited ones.
  const idempotencyOf = (version: string, seen: readonly string[]): IdempotencyRules | undefined => {
    const folder = folders.get(version);
    if (!folder || seen.includes(version)) return undefined;
    return folder.idempotency ?? (folder.inherits ? idempotencyOf(folder.inherits, [...seen, version]) : undefined);
  };
  const idempotency = new Map(options.versions.map((version) => [version, idempotencyOf(version, [])]));
  if (issues.length > 0) return { issues };
  return { set: { versions, idempotency, loaded }, issues };
}

function requestMessageOf(name: string, mapping: CompiledRequestMapping): string {
  return mapping.message?.replace(/^IATA_/, '') ?? `${name}RQ`;
}

/** Wraps a loaded set in the read-only view requests use. */
function toSnapshot(set: MappingSet): MappingSnapshot {
  const lookup = (version: string, message: string): MessageMappings | undefined => {
    const messages = set.versions.get(version);
    if (!messages) throw new GatewayError('UNSUPPORTED_VERSION', `NDC ${version} is not served`);
    return messages.get(normaliseMessageName(message));
  };
  const missing = (version: string, message: string, direction: MappingDirection): GatewayError =>
    new GatewayError('UNKNOWN_MESSAGE', `No ${direction} mapping for ${message} in NDC ${version}`);
  const mapped = new Map<string, readonly MappedMessage[]>();
  for (const [version, messages] of set.versions) {
    const list: MappedMessage[] = [];
    for (const [name, entry] of [...messages].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!entry.request || !entry.response) continue;
      list.push(Object.freeze({ name, request: requestMessageOf(name, entry.request), response: entry.response.message.replace(/^IATA_/, ''), command: entry.request.command }));
    }
    mapped.set(version, Object.freeze(list));
  }

  return Object.freeze({
    loaded: set.loaded,
    request(version: string, message: string) {
      const mapping = lookup(version, message)?.request;
      if (!mapping) throw missing(version, message, 'request');
      return mapping;
    },
    response(version: string, message: string) {
      const mapping = lookup(version, message)?.response;
      if (!mapping) throw missing(version, message, 'response');
      return mapping;
    },
    has(version: string, message: string, direction: MappingDirection) {
      const entry = set.versions.get(version)?.get(normaliseMessageName(message));
      return (direction === 'request' ? entry?.request : entry?.response) !== undefined;
    },
    messages(version: string) {
      return [...(set.versions.get(version)?.keys() ?? [])].sort();
    },
    mapped(version: string) {
      return mapped.get(version) ?? [];
    },
    find(version: string, message: string) {
      const name = normaliseMessageName(message);
      const found = mapped.get(version)?.find((m) => m.name === name);
      return found && found.request === message.replace(/^IATA_/, '') ? found : undefined;
    },
    idempotency(version: string) {
      return set.idempotency.get(version);
    },
  });
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Loads every mapping of the served versions, with their code tables, compiled once.
 * A version folder with `version.yaml` saying `inherits: '21.3'` falls back, file by file, to the
 * inherited version for any message/direction it does not define itself.
 *
 * @throws MappingLoadError at start-up when any file is wrong: the gateway does not start half-mapped.
 */
export async function loadMappingRegistry(options: MappingRegistryOptions): Promise<MappingRegistry> {
  const transforms = createTransformRegistry(options.transforms);
  const first = await buildMappingSet(options, transforms);
  if (!first.set) throw new MappingLoadError(first.issues);
  let current = toSnapshot(first.set);
  await options.prepare?.(current);
  options.logger?.info({ loaded: current.loaded, versions: options.versions }, 'mappings loaded');

  let reloading: Promise<unknown> = Promise.resolve();

  return {
    current: () => current,
    get loaded() {
      return current.loaded;
    },
    request: (version, message) => current.request(version, message),
    response: (version, message) => current.response(version, message),
    has: (version, message, direction) => current.has(version, message, direction),
    messages: (version) => current.messages(version),
    mapped: (version) => current.mapped(version),
    find: (version, message) => current.find(version, message),
    idempotency: (version) => current.idempotency(version),
    reload() {
      const run = reloading.then(async (): Promise<MappingReloadResult> => {
        const refuse = (errors: string[]): MappingReloadResult => {
          options.logger?.error({ errors }, 'mapping reload failed; the previous mappings stay in force');
          return { loaded: 0, errors };
        };
        let snapshot: MappingSnapshot;
        try {
          const next = await buildMappingSet(options, transforms);
          if (!next.set) return refuse(next.issues.map(formatLoadIssue));
          snapshot = toSnapshot(next.set);
          await options.prepare?.(snapshot);
        } catch (error) {
          // A folder that vanished mid-read or a failing prepare must not take the running set down.
          return refuse([`${options.mappingsPath}: ${describeError(error)}`]);
        }
        // One assignment: a request sees either the old snapshot or the new one, never a mix.
        current = snapshot;
        options.logger?.info({ loaded: current.loaded, versions: options.versions }, 'mappings reloaded');
        return { loaded: current.loaded, errors: [] };
      });
      reloading = run.catch(() => undefined);
      return run;
    },
  };
}
