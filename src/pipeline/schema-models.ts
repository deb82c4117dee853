import { GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import { loadSchemaModel, loadSchemaModelSet, preloadSchemaModel, type SchemaModel } from '../xml/index.ts';
import type { SchemaRegistry } from '../xsd/index.ts';

/** Schema models by version and message; the parser and builder read them on every request. */
export interface SchemaModels {
  /** @throws GatewayError MESSAGE_UNAVAILABLE when the message has no model. */
  get(version: string, message: string): SchemaModel;
  has(version: string, message: string): boolean;
  /**
   * Loads the model of a message whose XSD compiled, once. Returns whether a model is there, so a
   * message added by a mapping reload is only served when both its XSD and its model are ready.
   */
  ensure(version: string, message: string): boolean;
}

/**
 * An empty set of models, filled by `ensure` as messages become served. A message validated
 * through the combined XSD of its version and namespace gets its model from the same files read
 * as one set, so the messages of a version share the compiled common types; a message compiled
 * on its own gets a model of its own, as its XSD does.
 */
export function createSchemaModels(schemas: SchemaRegistry, logger?: Logger): SchemaModels {
  const models = new Map<string, SchemaModel>();
  const failed = new Set<string>();
  return {
    get(version, message) {
      const model = models.get(`${version}/${message}`);
      if (!model) throw new GatewayError('MESSAGE_UNAVAILABLE', `${message} ${version} is not available`);
      return model;
    },
    has: (version, message) => models.has(`${version}/${message}`),
    ensure(version, message) {
      const key = `${version}/${message}`;
      if (models.has(key)) return true;
      const route = schemas.route(version, message);
      if (!route || failed.has(key)) return false;
      try {
        const model = route.kind === 'combined' ? loadSchemaModelSet(route.files).model(route.file) : loadSchemaModel(route.file);
        // Compile every reachable type now, so loading pays for it rather than the first request.
        preloadSchemaModel(model);
        models.set(key, model);
        return true;
      } catch (error) {
        failed.add(key);
        logger?.warn({ version, message, error: error instanceof Error ? error.message : String(error) }, 'schema model not available; this message will be refused');
        return false;
      }
    },
  };
}
