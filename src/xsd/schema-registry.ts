import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import { NDC_VERSIONS } from '../ndc/ndc-versions.ts';
import type { CompiledSchema, XsdEngine } from './xsd-types.ts';

/** A message whose schema could not be compiled at start-up; only that message is refused. */
export interface SchemaFailure {
  readonly version: string;
  readonly message: string;
  readonly error: string;
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

/** The compiled schemas of every served (version, message), compiled once. */
export interface SchemaRegistry {
  /** Throws GatewayError UNSUPPORTED_VERSION for a version not served, MESSAGE_UNAVAILABLE for a message without a compiled schema. */
  get(version: string, message: string): CompiledSchema;
  has(version: string, message: string): boolean;
  /**
   * Compiles a message's schema if it was never tried, so a message added by a mapping reload
   * can be served without a restart. A schema that failed before is not tried again (the package
   * is read once). Returns whether the schema is compiled.
   */
  ensure(version: string, message: string): boolean;
  /** Frozen; a new array after each new failure. */
  readonly failures: readonly SchemaFailure[];
  readonly compiledCount: number;
  dispose(): void;
}

function keyOf(version: string, message: string): string {
  return `${version}\u0000${message}`;
}

/** Path of a message schema in a package, e.g. `<schemaPath>/21.3/IATA_AirShoppingRQ.xsd`. */
export function resolveSchemaFile(schemaPath: string, version: string, message: string): string | undefined {
  const info = NDC_VERSIONS[version];
  return info ? join(schemaPath, version, info.schemaFile(info.rootName(message))) : undefined;
}

/**
 * Messages a version's package contains: every `<root>.xsd` that declares a global element `<root>`
 * which is a root name of that version. Shared type libraries (common types, xmldsig) are left out.
 */
export function listSchemaMessages(schemaPath: string, version: string): string[] {
  const info = NDC_VERSIONS[version];
  const folder = join(schemaPath, version);
  if (!info || !existsSync(folder)) return [];
  const messages: string[] = [];
  for (const file of readdirSync(folder).sort()) {
    if (!file.endsWith('.xsd')) continue;
    const root = file.slice(0, -'.xsd'.length);
    const message = info.messageOf(root);
    if (info.rootName(message) !== root || info.schemaFile(root) !== file) continue;
    const text = readFileSync(join(folder, file), 'utf8');
    if (new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?element\\s+name="${root.replace(/[.]/g, '\\.')}"`).test(text)) messages.push(message);
  }
  return messages;
}

/**
 * Compiles every requested (version, message) once, and more on demand (`ensure`). A schema that
 * is missing or does not compile (24.4 IATA_OrderChangeNotifRQ and 17.2 AirDocDisplayRQ do not,
 * as published) is recorded in `failures` and logged; that message is refused and every other one works.
 */
export function createSchemaRegistry(options: SchemaRegistryOptions): SchemaRegistry {
  const { engine, schemaPath, versions, messages, logger } = options;
  const compiled = new Map<string, CompiledSchema>();
  const failed = new Set<string>();
  let failures: readonly SchemaFailure[] = Object.freeze([]);
  const served = new Set(versions);

  const compile = (version: string, message: string): boolean => {
    const key = keyOf(version, message);
    if (compiled.has(key)) return true;
    if (failed.has(key)) return false;
    const file = resolveSchemaFile(schemaPath, version, message);
    let error: string | undefined;
    if (!served.has(version)) error = `NDC version ${version} is not served`;
    else if (file === undefined) error = `NDC version ${version} is unknown`;
    else if (!existsSync(file)) error = `schema file not found: ${file}`;
    else {
      try {
        compiled.set(key, engine.compile(file));
      } catch (cause) {
        error = cause instanceof Error ? cause.message : String(cause);
      }
    }
    if (error === undefined) return true;
    failed.add(key);
    failures = Object.freeze([...failures, Object.freeze({ version, message, error })]);
    logger?.warn({ version, message, engine: engine.name, error }, 'schema not available; this message will be refused');
    return false;
  };

  for (const version of versions) {
    for (const message of messages) compile(version, message);
  }

  return {
    get(version: string, message: string): CompiledSchema {
      const schema = compiled.get(keyOf(version, message));
      if (schema) return schema;
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
    ensure: compile,
    get failures(): readonly SchemaFailure[] {
      return failures;
    },
    get compiledCount(): number {
      return compiled.size;
    },
    dispose(): void {
      for (const schema of compiled.values()) schema.dispose();
      compiled.clear();
    },
  };
}
