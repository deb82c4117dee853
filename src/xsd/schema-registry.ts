import { existsSync } from 'node:fs';
import { GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import { NDC_VERSIONS } from '../ndc/ndc-versions.ts';
import { compileCombinedSchema } from './compile-combined-schema.ts';
import { readPackageMessages, resolveSchemaFile, type PackageMessageSchema } from './package-messages.ts';
import { readSchemaHeader } from './read-schema-header.ts';
import type { CompiledSchema, CompiledSchemaSet, RootElement, XsdEngine } from './xsd-types.ts';

/** A message whose schema could not be compiled; only that message is refused. */
export interface SchemaFailure {
  readonly version: string;
  readonly message: string;
  readonly error: string;
}

/** How a message with a compiled schema is validated. */
export type SchemaRoute =
  /** Through the one schema of its version and namespace, compiled from `files` (its own among them). */
  | { readonly kind: 'combined'; readonly file: string; readonly namespace: string; readonly files: readonly string[] }
  /** Against its own XSD, compiled on its own, for `reason`. */
  | { readonly kind: 'alone'; readonly file: string; readonly reason: string };

/** One compiled schema of a version and namespace. */
export interface CombinedSchemaInfo {
  readonly version: string;
  readonly namespace: string;
  /** Messages it validates. */
  readonly messages: readonly string[];
  /** Messages of that namespace taken out of it (each compiled on its own when served), and why. */
  readonly excluded: readonly { readonly message: string; readonly reason: string }[];
}

export interface SchemaRegistryOptions {
  readonly engine: XsdEngine;
  /** Folder holding the packages as `<version>/<files>`. */
  readonly schemaPath: string;
  readonly versions: readonly string[];
  /** Messages to compile in every version, e.g. `['AirShoppingRQ', 'AirShoppingRS']`. */
  readonly messages: readonly string[];
  readonly logger?: Logger;
}

/** The compiled schemas of every served (version, message). */
export interface SchemaRegistry {
  /**
   * The schema of one message: it refuses a document whose root is not that message's root.
   * Throws GatewayError UNSUPPORTED_VERSION for a version not served, MESSAGE_UNAVAILABLE for a message without a compiled schema.
   */
  get(version: string, message: string): CompiledSchema;
  has(version: string, message: string): boolean;
  /**
   * Makes a message's schema ready if it was never tried, so a message added by a mapping reload
   * can be served without a restart. The first message of a version and namespace compiles the
   * one schema of that namespace, which holds every message schema of the package; later ones
   * cost nothing. A schema that failed before is not tried again (the package is read once).
   * Returns whether the schema is ready.
   */
  ensure(version: string, message: string): boolean;
  /** How a message is validated; undefined when it has no compiled schema. */
  route(version: string, message: string): SchemaRoute | undefined;
  /** Frozen; a new array after each new failure. */
  readonly failures: readonly SchemaFailure[];
  /** Messages with a compiled schema. */
  readonly compiledCount: number;
  /** Compiled schemas held: one per version and namespace, plus one per message compiled on its own. */
  readonly schemaCount: number;
  /** The combined schemas compiled so far. Frozen; a new array after each. */
  readonly combined: readonly CombinedSchemaInfo[];
  dispose(): void;
}

interface Entry {
  readonly schema: CompiledSchema;
  readonly route: SchemaRoute;
}

/** What a version and namespace came to: a combined schema (or none) and why members are not in it. */
interface NamespaceSchema {
  readonly schema: CompiledSchemaSet | undefined;
  readonly files: readonly string[];
  readonly included: ReadonlySet<string>;
  readonly excluded: ReadonlyMap<string, string>;
}

function keyOf(version: string, message: string): string {
  return `${version}\u0000${message}`;
}

/** A schema compiled on its own, as seen by one message: only that message's root is accepted. */
function forRoot(schema: CompiledSchema, root: RootElement): CompiledSchema {
  let disposed = false;
  return {
    validate(xml, options) {
      if (disposed) throw new Error(`${root.name}: schema used after dispose()`);
      return schema.validate(xml, { ...options, root });
    },
    dispose(): void {
      disposed = true;
    },
  };
}

/**
 * Compiles the schemas of every requested (version, message), and more on demand (`ensure`): one
 * schema per version and namespace that includes every message schema of that namespace, so the
 * large common-types files are compiled once per version, not once per message. A message whose
 * schema conflicts with the others (26.1 OrderHistoryRS and OrderChangeNotifRQ both define
 * `ChangeGroupType`) or does not parse (17.2 AirDocDisplayRQ) is taken out and compiled on its own,
 * and so is the only message schema of a namespace (the PaymentClearance messages). A message
 * whose schema compiles neither way is recorded in `failures` and logged; that message is refused
 * and every other one works. A message schema that does not compile on its own as published but
 * does in the combined schema (24.4 OrderChangeNotifRQ) is served.
 */
export function createSchemaRegistry(options: SchemaRegistryOptions): SchemaRegistry {
  const { engine, schemaPath, versions, messages, logger } = options;
  const compiled = new Map<string, Entry>();
  const failed = new Set<string>();
  const held: CompiledSchema[] = [];
  const packages = new Map<string, ReadonlyMap<string, PackageMessageSchema>>();
  const namespaces = new Map<string, NamespaceSchema>();
  let failures: readonly SchemaFailure[] = Object.freeze([]);
  let combined: readonly CombinedSchemaInfo[] = Object.freeze([]);
  const served = new Set(versions);

  const packageOf = (version: string): ReadonlyMap<string, PackageMessageSchema> => {
    let found = packages.get(version);
    if (!found) {
      found = new Map(readPackageMessages(schemaPath, version).map((m) => [m.message, m]));
      packages.set(version, found);
    }
    return found;
  };

  const namespaceSchemaOf = (version: string, namespace: string): NamespaceSchema => {
    const key = keyOf(version, namespace);
    const known = namespaces.get(key);
    if (known) return known;
    const members = [...packageOf(version).values()].filter((m) => m.namespace === namespace);
    let result: NamespaceSchema;
    if (members.length < 2) {
      const only = members.map((m): [string, string] => [m.message, `the only message schema of ${namespace || 'no namespace'} in ${version}`]);
      result = { schema: undefined, files: [], included: new Set(), excluded: new Map(only) };
    } else {
      const started = performance.now();
      const outcome = compileCombinedSchema(engine, namespace, members);
      if (outcome.schema) held.push(outcome.schema);
      const excluded = outcome.excluded.map(({ member, reason }) => ({ message: member.message, reason: `it does not compile together with the other message schemas of its namespace: ${reason}` }));
      result = {
        schema: outcome.schema,
        files: outcome.included.map((m) => m.file),
        included: new Set(outcome.included.map((m) => m.message)),
        excluded: new Map(excluded.map((e) => [e.message, e.reason])),
      };
      if (outcome.schema) {
        combined = Object.freeze([...combined, Object.freeze({ version, namespace, messages: Object.freeze(outcome.included.map((m) => m.message)), excluded: Object.freeze(excluded) })]);
      }
      logger?.info({
        version, namespace, engine: engine.name, messages: outcome.included.length, excluded, attempts: outcome.attempts, ms: Math.round(performance.now() - started),
      }, outcome.schema ? 'combined schema compiled' : 'no combined schema: its message schemas do not compile together');
    }
    namespaces.set(key, result);
    return result;
  };

  /** The schema of a message compiled from its own XSD; a string is why it is not there. */
  const compileAlone = (version: string, message: string, member: PackageMessageSchema | undefined, reason: string): Entry | string => {
    const file = member?.file ?? resolveSchemaFile(schemaPath, version, message);
    if (file === undefined) return `NDC version ${version} is unknown`;
    if (!existsSync(file)) return `schema file not found: ${file}`;
    try {
      const schema = engine.compile(file);
      held.push(schema);
      const root = member?.root ?? { namespace: readSchemaHeader(file).targetNamespace ?? '', name: NDC_VERSIONS[version]?.rootName(message) ?? message };
      return { schema: forRoot(schema, root), route: { kind: 'alone', file, reason } };
    } catch (cause) {
      return cause instanceof Error ? cause.message : String(cause);
    }
  };

  const prepare = (version: string, message: string): Entry | string => {
    if (!served.has(version)) return `NDC version ${version} is not served`;
    const member = packageOf(version).get(message);
    if (!member) return compileAlone(version, message, undefined, 'not among the message schemas of the package');
    const namespaceSchema = namespaceSchemaOf(version, member.namespace);
    if (namespaceSchema.schema && namespaceSchema.included.has(message)) {
      return {
        schema: namespaceSchema.schema.member(member.file, member.root),
        route: { kind: 'combined', file: member.file, namespace: member.namespace, files: namespaceSchema.files },
      };
    }
    return compileAlone(version, message, member, namespaceSchema.excluded.get(message) ?? 'not in the combined schema of its namespace');
  };

  const ensure = (version: string, message: string): boolean => {
    const key = keyOf(version, message);
    if (compiled.has(key)) return true;
    if (failed.has(key)) return false;
    const entry = prepare(version, message);
    if (typeof entry !== 'string') {
      compiled.set(key, entry);
      if (entry.route.kind === 'alone') logger?.info({ version, message, engine: engine.name, reason: entry.route.reason }, 'schema compiled on its own');
      return true;
    }
    failed.add(key);
    failures = Object.freeze([...failures, Object.freeze({ version, message, error: entry })]);
    logger?.warn({ version, message, engine: engine.name, error: entry }, 'schema not available; this message will be refused');
    return false;
  };

  for (const version of versions) {
    for (const message of messages) ensure(version, message);
  }

  return {
    get(version: string, message: string): CompiledSchema {
      const entry = compiled.get(keyOf(version, message));
      if (entry) return entry.schema;
      if (!served.has(version)) {
        throw new GatewayError('UNSUPPORTED_VERSION', `NDC version ${version} is not served by this gateway`);
      }
      // the reason (file names, libxml2 text) went to the log; clients only learn that the message is refused
      throw new GatewayError(
        'MESSAGE_UNAVAILABLE',
        failed.has(keyOf(version, message))
          ? `The ${version} schema of ${message} did not compile, so the message is refused`
          : `No ${version} schema of ${message} is loaded, so the message is refused`,
      );
    },
    has(version: string, message: string): boolean {
      return compiled.has(keyOf(version, message));
    },
    ensure,
    route(version: string, message: string): SchemaRoute | undefined {
      return compiled.get(keyOf(version, message))?.route;
    },
    get failures(): readonly SchemaFailure[] {
      return failures;
    },
    get compiledCount(): number {
      return compiled.size;
    },
    get schemaCount(): number {
      return held.length;
    },
    get combined(): readonly CombinedSchemaInfo[] {
      return combined;
    },
    dispose(): void {
      for (const schema of held) schema.dispose();
      held.length = 0;
      compiled.clear();
      namespaces.clear();
    },
  };
}
