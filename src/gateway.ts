import type { Express } from 'express';
import type { Config } from './config/config.ts';
import type { Logger } from './log/logger.ts';
import { loadCommandValidator } from './commands/command-validator.ts';
import { createAirlineClient } from './downstream/index.ts';
import { createApp } from './http/app.ts';
import { loadMappingRegistry } from './mapping/index.ts';
import { createGatewayMetrics } from './metrics/gateway-metrics.ts';
import { NDC_VERSIONS, SERVED_MESSAGES } from './ndc/ndc-versions.ts';
import type { PipelineDeps, SchemaModels } from './pipeline/ndc-pipeline.ts';
import { createCommandQueue, startBullmqWorkers } from './queue/index.ts';
import { createCommandHandlers } from './worker/index.ts';
import { loadSchemaModel, preloadSchemaModel, type SchemaModel } from './xml/index.ts';
import { createSchemaRegistry, createXsdEngine, type SchemaRegistry } from './xsd/index.ts';
import { GatewayError } from './errors/index.ts';

export interface Gateway {
  readonly app: Express;
  readonly deps: PipelineDeps;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** Base URL of the airline API (the built-in reference airline or a real one). */
  readonly airlineUrl: string;
}

/** Every served request message and its response. */
export function servedSchemaMessages(): string[] {
  return Object.entries(SERVED_MESSAGES).flatMap(([request, { response }]) => [request, response]);
}

/** Loads the schema model of each compiled message once; the parser and builder read them on every request. */
function loadSchemaModels(config: Config, schemas: SchemaRegistry, messages: readonly string[]): SchemaModels {
  const models = new Map<string, SchemaModel>();
  for (const version of config.versions) {
    const info = NDC_VERSIONS[version]!;
    for (const message of messages) {
      if (!schemas.has(version, message)) continue;
      const model = loadSchemaModel(`${config.schemaPath}/${version}/${info.schemaFile(info.rootName(message))}`);
      // Compile every reachable type now, so start-up pays for it rather than the first request.
      preloadSchemaModel(model);
      models.set(`${version}/${message}`, model);
    }
  }
  return {
    get(version, message) {
      const model = models.get(`${version}/${message}`);
      if (!model) throw new GatewayError('MESSAGE_UNAVAILABLE', `${message} ${version} is not available`);
      return model;
    },
  };
}

/**
 * Builds the gateway: compiles each served schema once, loads models, mappings and command schemas,
 * connects the queue (and, with Redis and RUN_WORKERS, starts workers in this process).
 */
export async function createGateway(config: Config, logger: Logger, options: GatewayOptions): Promise<Gateway> {
  const started = performance.now();
  const messages = servedSchemaMessages();
  const engine = await createXsdEngine(config.xsdEngine);
  const schemas = createSchemaRegistry({ engine, schemaPath: config.schemaPath, versions: config.versions, messages, logger });
  const models = loadSchemaModels(config, schemas, messages);
  const mappings = await loadMappingRegistry({ mappingsPath: config.mappingsPath, versions: config.versions, logger });
  const commands = loadCommandValidator(config.commandSchemasPath);
  const airline = createAirlineClient({ baseUrl: options.airlineUrl, timeoutMs: config.downstreamTimeoutMs, retries: config.downstreamRetries, logger });
  const handlers = createCommandHandlers({ airline });
  const queueOptions = {
    prefix: config.queuePrefix,
    concurrency: config.workerConcurrency,
    resultInlineMaxBytes: config.resultInlineMaxBytes,
    resultTtlSeconds: config.resultTtlSeconds,
    ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
  };
  const queue = await createCommandQueue(queueOptions, handlers, logger);
  const workers = config.redisUrl && config.runWorkers
    ? await startBullmqWorkers({ ...queueOptions, redisUrl: config.redisUrl, handlers, logger })
    : undefined;
  const metrics = createGatewayMetrics(() => queue.depth());
  const deps: PipelineDeps = { config, schemas, models, mappings, commands, queue, metrics };

  const app = createApp({
    deps,
    logger,
    healthChecks: {
      schemas: async () => ({ ok: schemas.compiledCount > 0, detail: { compiled: schemas.compiledCount, failures: schemas.failures } }),
      queue: async () => ({ ok: await queue.isReady(), detail: { transport: config.redisUrl ? 'bullmq' : 'in-process' } }),
      downstream: async () => ({ ok: await airline.isReachable(), detail: { airline: options.airlineUrl } }),
    },
  });
  logger.info({ ms: Math.round(performance.now() - started), compiled: schemas.compiledCount, failures: schemas.failures.length, queue: config.redisUrl ? 'bullmq' : 'in-process' }, 'gateway ready');

  return {
    app,
    deps,
    async close() {
      await workers?.close();
      await queue.close();
      await airline.close();
      schemas.dispose();
    },
  };
}
