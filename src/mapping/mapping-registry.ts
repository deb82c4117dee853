import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import { loadCodeTables } from './load-code-tables.ts';
import { loadMappingFile } from './load-mapping.ts';
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
}

/** The mappings in force. Lookups are synchronous map reads; `reload` swaps in a whole new set at once. */
export interface MappingRegistry {
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
  /** Loads everything again; on any error the current set stays in force and the errors are returned. */
  reload(): Promise<{ loaded: number; errors: string[] }>;
}

interface MessageMappings {
  request?: CompiledRequestMapping;
  response?: CompiledResponseMapping;
}

interface MappingSet {
  readonly versions: ReadonlyMap<string, ReadonlyMap<string, MessageMappings>>;
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
  readonly own: Map<string, MessageMappings>;
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
  let inherits: string | undefined;
  const own = new Map<string, MessageMappings>();
  const seen = new Map<string, string>();
  let files = 0;
  for (const name of names) {
    const file = join(folder, name);
    if (VERSION_FILE.test(name)) {
      const source = parseSource(await readFile(file, 'utf8'), file);
      const problems = source.issues.length > 0 ? source.issues : validateSource(source, getMappingValidators().versionFile);
      if (problems.length > 0) issues.push(...problems);
      else inherits = (source.value as { inherits?: string } | null)?.inherits;
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
      const mapping = await loadMappingFile(file, { ...shared, direction });
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
  return { folder: { inherits, own }, files };
}

/** Reads every file of a new set; returns the set, or the problems that prevent it from being used. */
async function buildMappingSet(options: MappingRegistryOptions, transforms: TransformRegistry): Promise<{ set?: MappingSet; issues: MappingLoadIssue[] }> {
  const issues: MappingLoadIssue[] = [];
  let codeTables: CodeTables = new Map();
  try {
    codeTables = await loadCodeTables(join(options.mappingsPath, 'code-tables'));
  } catch (error) {
    if (error instanceof MappingLoadError) issues.push(...error.issues);
    else throw error;
  }
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
  if (issues.length > 0) return { issues };
  return { set: { versions, loaded }, issues };
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
  let current: MappingSet = first.set;
  options.logger?.info({ loaded: current.loaded, versions: options.versions }, 'mappings loaded');

  const lookup = (version: string, message: string): MessageMappings | undefined => {
    const messages = current.versions.get(version);
    if (!messages) throw new GatewayError('UNSUPPORTED_VERSION', `NDC ${version} is not served`);
    return messages.get(normaliseMessageName(message));
  };
  const missing = (version: string, message: string, direction: MappingDirection): GatewayError =>
    new GatewayError('UNKNOWN_MESSAGE', `No ${direction} mapping for ${message} in NDC ${version}`);

  let reloading: Promise<unknown> = Promise.resolve();

  return {
    request(version, message) {
      const mapping = lookup(version, message)?.request;
      if (!mapping) throw missing(version, message, 'request');
      return mapping;
    },
    response(version, message) {
      const mapping = lookup(version, message)?.response;
      if (!mapping) throw missing(version, message, 'response');
      return mapping;
    },
    has(version, message, direction) {
      const entry = current.versions.get(version)?.get(normaliseMessageName(message));
      return (direction === 'request' ? entry?.request : entry?.response) !== undefined;
    },
    messages(version) {
      return [...(current.versions.get(version)?.keys() ?? [])].sort();
    },
    reload() {
      const run = reloading.then(async () => {
        const next = await buildMappingSet(options, transforms);
        if (!next.set) {
          const errors = next.issues.map(formatLoadIssue);
          options.logger?.error({ errors }, 'mapping reload failed; the previous mappings stay in force');
          return { loaded: 0, errors };
        }
        current = next.set;
        options.logger?.info({ loaded: current.loaded, versions: options.versions }, 'mappings reloaded');
        return { loaded: current.loaded, errors: [] as string[] };
      });
      reloading = run.catch(() => undefined);
      return run;
    },
  };
}

export type { CompiledMapping };
