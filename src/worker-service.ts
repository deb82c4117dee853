import express, { type Express } from 'express';
import { loadCommandValidator } from './commands/command-validator.ts';
import { ConfigError, type Config } from './config/config.ts';
import type { Logger } from './log/logger.ts';
import { createNdcConnectorFactory } from './airlines/airline-connectors.ts';
import { createSqlAirlineOrderLinks } from './airlines/ndc/index.ts';
import { createDownstreamClients } from './downstream/index.ts';
import { createXsdEngine } from './xsd/index.ts';
import { checkAirlines, checkDownstreams, checkOrderStore, checkRunning } from './health/health-checks.ts';
import { runHealthChecks } from './health/health-report.ts';
import { createMonitoringRouter } from './http/monitoring.route.ts';
import { createHousekeepingJobs, createHousekeepingMetrics, startHousekeeping } from './housekeeping/index.ts';
import { createWorkerMetrics } from './metrics/worker-metrics.ts';
import { createConfiguredNoticeRenderer, loadSubscriptions, startNotificationService, type NoticeRenderer } from './notifications/index.ts';
import { createHoldExpiry } from './orchestration/index.ts';
import { getCommandFamily, startBullmqWorkers } from './queue/index.ts';
import { createWorkerHandlers } from './worker/index.ts';

/** BullMQ workers on their own, and the monitoring endpoints of their process. */
export interface WorkerService {
  /** `/api/v1/monitoring/live`, `/ready` (and `/health`) and `/metrics`, to serve on WORKER_PORT. */
  readonly app: Express;
  /** Readiness fails from now on; the workers keep running their jobs until `close()`. */
  markStopping(): void;
  /** Stops taking jobs, lets the running ones finish, then closes the clients and the order store. */
  close(): Promise<void>;
}

/**
 * What `npm run worker` runs: one BullMQ worker per command family, one of the housekeeping queue, the order store (opened and
 * migrated before the workers report ready, retried with back-off when it fails) and the
 * downstream clients. Ready means every worker runs on a connected Redis, the order store is
 * open and the airline and payment service answer.
 */
export async function createWorkerService(config: Config, logger: Logger, options: { readonly noticeRenderer?: NoticeRenderer } = {}): Promise<WorkerService> {
  const { redisUrl } = config;
  if (!redisUrl) throw new ConfigError('npm run worker needs REDIS_URL: without Redis the gateway runs its commands in-process');
  // Without CLIENTS_FILE this process knows no subscriber: its dispatcher would take notices and make no deliveries.
  const subscriptions = config.clientsFile ? loadSubscriptions(config, logger) : undefined;
  if (!subscriptions) logger.warn('CLIENTS_FILE is not set: this worker leaves notifications to the processes that have it');
  const ndc = config.airlines?.airlines.some((airline) => airline.kind === 'ndc')
    ? createNdcConnectorFactory({ engine: await createXsdEngine(config.xsdEngine), schemaPath: config.schemaPath, mappingsPath: config.mappingsPath, logger })
    : undefined;
  const downstreams = createDownstreamClients(config, logger, {}, {
    ...(config.airlines ? { links: createSqlAirlineOrderLinks(() => store.sql()) } : {}),
    ...(ndc ? { createNdcConnector: ndc.create } : {}),
  });
  const commands = loadCommandValidator(config.commandSchemasPath).commands;
  const { handlers, store, airlineChangeDefaults } = createWorkerHandlers({ config, logger, airline: downstreams.airline, payment: downstreams.payment, commands });
  const storeStarted = store.start();
  const metrics = createWorkerMetrics([...handlers.keys()]);
  downstreams.airlineMetrics?.register(metrics.registry);
  const workers = await startBullmqWorkers({
    redisUrl,
    prefix: config.queuePrefix,
    concurrency: config.workerConcurrency,
    resultInlineMaxBytes: config.resultInlineMaxBytes,
    resultTtlSeconds: config.resultTtlSeconds,
    lockMs: config.queueLockMs,
    handlers,
    logger,
    onJobDone: (command, outcome, seconds) => metrics.observeJob(command, outcome, seconds),
  });
  // Notices of the orders: dispatched and delivered here too (see docs/notifications.md).
  const notices = subscriptions && !options.noticeRenderer ? await createConfiguredNoticeRenderer(config, await createXsdEngine(config.xsdEngine), logger) : undefined;
  const notifications = subscriptions
    ? await startNotificationService({ settings: config, orders: store, subscriptions, logger, renderer: options.noticeRenderer ?? notices?.renderer })
    : undefined;
  notifications?.metrics.register(metrics.registry);
  const housekeeping = await startHousekeeping({
    jobs: createHousekeepingJobs({
      config, store, airlineChangeDefaults,
      expireHold: createHoldExpiry({ store, airline: downstreams.airline, payment: downstreams.payment, logger, options: { idempotencyTtlMs: config.idempotencyTtlMs } }),
    }),
    redisUrl, prefix: config.queuePrefix, logger, metrics: createHousekeepingMetrics(metrics.registry),
  }).catch(async (error: unknown) => {
    await workers.close();
    throw error;
  });
  const families = [...new Set([...handlers.keys()].map(getCommandFamily))];
  let stopping = false;
  const checks = {
    workers: async () => ({ ok: await workers.isReady(), detail: { families, concurrency: config.workerConcurrency } }),
    orders: checkOrderStore(store, config.databaseUrl ? 'postgresql' : 'pglite'),
    downstream: checkDownstreams(downstreams),
    ...(downstreams.router ? checkAirlines(downstreams.router.connectors) : {}),
    running: checkRunning(() => stopping),
  };
  const app = express();
  app.disable('x-powered-by');
  app.use('/api/v1/monitoring', createMonitoringRouter(() => runHealthChecks(checks), metrics));
  await storeStarted;
  logger.info({ airlineUrl: downstreams.airlineUrl, concurrency: config.workerConcurrency, ordersOpen: store.opening().open }, 'workers running');
  return {
    app,
    markStopping() {
      stopping = true;
    },
    async close() {
      stopping = true;
      await housekeeping.close();
      await workers.close();
      await notifications?.close();
      notices?.dispose();
      await downstreams.close();
      ndc?.dispose();
      await store.close();
    },
  };
}
