import { GatewayError } from '../../errors/index.ts';
import type { Logger } from '../../log/logger.ts';
import { createSchemaModels, type SchemaModels } from '../../pipeline/schema-models.ts';
import type { SchemaModel } from '../../xml/index.ts';
import { createSchemaRegistry, type CompiledSchema, type SchemaRegistry, type XsdEngine } from '../../xsd/index.ts';

/**
 * The XSDs and schema models of the messages the gateway sends to NDC airlines and reads back,
 * in the airlines' versions, which need not be versions the gateway itself serves. Each message
 * is made ready on first use, through the same registry and models the gateway uses inbound (the
 * first message of a version compiles that version's one schema per namespace).
 */
export interface NdcSchemas {
  /** The compiled XSD of a message, e.g. `('21.3', 'AirShoppingRQ')`. @throws GatewayError MESSAGE_UNAVAILABLE */
  schema(version: string, message: string): CompiledSchema;
  /** The schema model the builder and parser use. @throws GatewayError MESSAGE_UNAVAILABLE */
  model(version: string, message: string): SchemaModel;
  /** Whether the version's package defines the message with a schema that compiles. */
  has(version: string, message: string): boolean;
  dispose(): void;
}

export interface NdcSchemasOptions {
  /** The XSD engine (one per process, as the gateway's). */
  readonly engine: XsdEngine;
  /** Folder of the IATA packages (NDC_SCHEMA_PATH). */
  readonly schemaPath: string;
  readonly logger?: Logger;
}

/** One registry per version, made when a connector of that version first sends a message. */
export function createNdcSchemas(options: NdcSchemasOptions): NdcSchemas {
  const versions = new Map<string, { registry: SchemaRegistry; models: SchemaModels }>();
  const of = (version: string) => {
    let found = versions.get(version);
    if (!found) {
      const registry = createSchemaRegistry({ engine: options.engine, schemaPath: options.schemaPath, versions: [version], messages: [], ...(options.logger ? { logger: options.logger } : {}) });
      found = { registry, models: createSchemaModels(registry, options.logger) };
      versions.set(version, found);
    }
    return found;
  };
  const ready = (version: string, message: string): { registry: SchemaRegistry; models: SchemaModels } | undefined => {
    const found = of(version);
    return found.registry.ensure(version, message) && found.models.ensure(version, message) ? found : undefined;
  };
  const unavailable = (version: string, message: string) => new GatewayError('MESSAGE_UNAVAILABLE', `The NDC ${version} schema of ${message} is not available`);
  return {
    schema(version, message) {
      const found = ready(version, message);
      if (!found) throw unavailable(version, message);
      return found.registry.get(version, message);
    },
    model(version, message) {
      const found = ready(version, message);
      if (!found) throw unavailable(version, message);
      return found.models.get(version, message);
    },
    has: (version, message) => ready(version, message) !== undefined,
    dispose() {
      for (const { registry } of versions.values()) registry.dispose();
      versions.clear();
    },
  };
}
