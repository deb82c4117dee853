import type { Express } from 'express';
import type { Config } from './config/config.ts';
import type { Logger } from './log/logger.ts';
import { loadClientRegistry, type ClientRegistry } from './auth/index.ts';
import { loadCommandValidator } from './commands/command-validator.ts';
import { createAirlineClient, createPaymentClient, type PaymentClient } from './downstream/index.ts';
import { createApp } from './http/app.ts';
import { loadMappingRegistry, watchMappings, type MappingWatcher } from './mapping/index.ts';
import { createGatewayMetrics } from './metrics/gateway-metrics.ts';
import type { PipelineDeps } from './pipeline/ndc-pipeline.ts';
import { createSchemaModels } from './pipeline/schema-models.ts';
import { listServedMessages, prepareServedMessages, type MappingReloadReport, type ServedMessageDeps } from './pipeline/served-messages.ts';
import { createCommandQueue, startBullmqWorkers } from './queue/index.ts';
import { createWorkerHandlers } from './worker/index.ts';
import { createSchemaRegistry, createXsdEngine } from './xsd/index.ts';

export interface Gateway {
  readonly app: Express;
  readonly deps: PipelineDeps;
  /** Who may call the gateway: CLIENTS_FILE, or the embedded demo client. */
  readonly clients: ClientRegistry;
  /** The payment service: tokenises cards at the edge; order handlers authorise and refund with it. */
  readonly payment: PaymentClient;
  /**
   * Reloads the mapping files (what the watcher, SIGHUP and the admin route do). Requests already
   * running finish with the mappings they started with. Never throws: a broken file keeps the old
   * set and is reported as `file:line:column: message`.
   */
  reloadMappings(trigger: string): Promise<MappingReloadReport>;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** Base URL of the airline API (the built-in reference airline or a real one). */
  readonly airlineUrl: string;
  /**
   * Base URL of the payment service (the built-in reference service or a PSP adapter).
   * @defaultValue PAYMENT_URL, else the reference service on PAYMENT_PORT of this machine
   */
  readonly paymentUrl?: string;
}

/**
 * Builds the gateway. What is served is data: the mappings decide which messages exist, and the
 * XSDs and models of exactly those messages are made ready, at start-up and whenever a reload maps
 * a new one (the first message of a version compiles that version's one schema per namespace).
 * Connects the queue (and, with Redis and RUN_WORKERS, starts workers in this process), and
 * reloads mappings on file changes (MAPPINGS_WATCH), SIGHUP and `POST /api/v1/admin/mappings/reload`.
 */
export async function createGateway(config: Config, logger: Logger, options: GatewayOptions): Promise<Gateway> {
  const started = performance.now();
  // First, so a bad CLIENTS_FILE stops start-up before anything is compiled or connected.
  const clients = loadClientRegistry(config.clientsFile, logger);
  const engine = await createXsdEngine(config.xsdEngine);
  const schemas = createSchemaRegistry({ engine, schemaPath: config.schemaPath, versions: config.versions, messages: [], logger });
  const models = createSchemaModels(schemas, logger);
  const commands = loadCommandValidator(config.commandSchemasPath);
  const served: ServedMessageDeps = { versions: config.versions, schemas, models, commands, logger };
  const mappings = await loadMappingRegistry({
    mappingsPath: config.mappingsPath,
    versions: config.versions,
    logger,
    prepare: (next) => prepareServedMessages(next, served),
  });
  const airline = createAirlineClient({ baseUrl: options.airlineUrl, timeoutMs: config.downstreamTimeoutMs, retries: config.downstreamRetries, logger, designator: config.airlineDesignator, commandSchemasPath: config.commandSchemasPath });
  const paymentUrl = options.paymentUrl ?? config.paymentUrl ?? `http://127.0.0.1:${config.paymentPort}`;
  const payment = createPaymentClient({ baseUrl: paymentUrl, timeoutMs: config.downstreamTimeoutMs, retries: config.downstreamRetries, logger });
  const { handlers, store } = createWorkerHandlers({ config, logger, airline, payment, commands: commands.commands });
  const queueOptions = {
    prefix: config.queuePrefix,
    concurrency: config.workerConcurrency,
    resultInlineMaxBytes: config.resultInlineMaxBytes,
    resultTtlSeconds: config.resultTtlSeconds,
    ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
  };
  const queue = await createCommandQueue(queueOptions, handlers, logger);
  const workers = config.redisUrl && config.runWorkers
    ? await startBullmqWorkers({ ...queueOptions, redisUrl: config.redisUrl, lockMs: config.queueLockMs, handlers, logger })
    : undefined;
  const metrics = createGatewayMetrics(() => queue.depth());
  const deps: PipelineDeps = { config, schemas, models, mappings, commands, queue, metrics, payment };

  const reloadMappings = async (trigger: string): Promise<MappingReloadReport> => {
    logger.info({ trigger }, 'reloading mappings');
    const result = await mappings.reload();
    return { ...result, served: listServedMessages(mappings.current(), served) };
  };

  const app = createApp({
    deps,
    logger,
    clients,
    healthChecks: {
      schemas: async () => ({
        ok: schemas.compiledCount > 0,
        detail: {
          compiled: schemas.compiledCount,
          schemas: schemas.schemaCount,
          combined: schemas.combined.map((c) => ({ version: c.version, namespace: c.namespace, messages: c.messages.length, excluded: c.excluded })),
          failures: schemas.failures,
          served: listServedMessages(mappings.current(), served),
        },
      }),
      queue: async () => ({ ok: await queue.isReady(), detail: { transport: config.redisUrl ? 'bullmq' : 'in-process' } }),
      downstream: async () => {
        const [airlineUp, paymentUp] = await Promise.all([airline.isReachable(), payment.isReachable()]);
        return { ok: airlineUp && paymentUp, detail: { airline: { url: options.airlineUrl, reachable: airlineUp }, payment: { url: paymentUrl, reachable: paymentUp } } };
      },
    },
    admin: { reloadMappings },
    orders: store,
  });

  const watcher: MappingWatcher | undefined = config.mappingsWatch
    ? watchMappings({ path: config.mappingsPath, onChange: () => reloadMappings('file change'), logger })
    : undefined;
  const onSighup = (): void => void reloadMappings('SIGHUP');
  process.on('SIGHUP', onSighup);

  logger.info({ ms: Math.round(performance.now() - started), compiled: schemas.compiledCount, schemas: schemas.schemaCount, failures: schemas.failures.length, queue: config.redisUrl ? 'bullmq' : 'in-process' }, 'gateway ready');

  return {
    app,
    deps,
    clients,
    payment,
    reloadMappings,
    async close() {
      process.off('SIGHUP', onSighup);
      await watcher?.close();
      await workers?.close();
      await queue.close();
      await airline.close();
      await payment.close();
      await store.close();
      schemas.dispose();
    },
  };
}
