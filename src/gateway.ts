import type { Express } from 'express';
import type { Config } from './config/config.ts';
import type { Logger } from './log/logger.ts';
import { createExperimentRegistry } from './analytics/experiment-registry.ts';
import type { ExperimentSource } from './analytics/experiment-assignment.ts';
import { createCachedExperimentSource } from './analytics/experiment-source.ts';
import { startJourneyEventRecorder } from './analytics/journey-event-recorder.ts';
import { startOutcomeRetrainJob } from './analytics/prediction/outcome-retrain-job.ts';
import { loadClientRegistry, type ClientRegistry } from './auth/index.ts';
import { loadCommandValidator } from './commands/command-validator.ts';
import { createNdcConnectorFactory } from './airlines/airline-connectors.ts';
import { createSqlAirlineOrderLinks } from './airlines/ndc/index.ts';
import { createDownstreamClients, type PaymentClient } from './downstream/index.ts';
import { checkAirlines, checkDownstreams, checkOrderStore, checkRunning, checkWorkers } from './health/health-checks.ts';
import { createApp } from './http/app.ts';
import { createJourneyPredictionExtension } from './http/journey-prediction.route.ts';
import { createJourneyEventStream, createJourneyStore, type JourneyEventStream, type JourneyStore } from './journeys/index.ts';
import { createJourneyService, type JourneyService } from './journeys/journey-service.ts';
import { startJourneySweeper } from './journeys/journey-sweeper.ts';
import { createNdcJourneyTracker } from './journeys/ndc-journey-tracker.ts';
import { loadMappingRegistry, watchMappings, type MappingWatcher } from './mapping/index.ts';
import { createHousekeepingJobs, createHousekeepingMetrics, startHousekeeping, type HousekeepingRunner } from './housekeeping/index.ts';
import { createGatewayMetrics } from './metrics/gateway-metrics.ts';
import { createConfiguredNoticeRenderer, loadSubscriptions, startNotificationService, type NoticeRenderer, type NotificationService } from './notifications/index.ts';
import { createHoldExpiry } from './orchestration/index.ts';
import type { PipelineDeps } from './pipeline/ndc-pipeline.ts';
import { createSchemaModels } from './pipeline/schema-models.ts';
import { createRuleChecker } from './rules/index.ts';
import { listServedMessages, prepareServedMessages, type MappingReloadReport, type ServedMessageDeps } from './pipeline/served-messages.ts';
import { createCommandQueue, startBullmqWorkers, type HandlerRegistry } from './queue/index.ts';
import { createWorkerHandlers, type WorkerHandlers } from './worker/index.ts';
import { createSchemaRegistry, createXsdEngine } from './xsd/index.ts';

export interface Gateway {
  readonly app: Express;
  readonly deps: PipelineDeps;
  /** Who may call the gateway: CLIENTS_FILE, or the embedded demo client. */
  readonly clients: ClientRegistry;
  /** The payment service: tokenises cards at the edge; order handlers authorise and refund with it. */
  readonly payment: PaymentClient;
  /** The running A/B experiments new journeys are assigned to (the experiments table, read at most once a second). */
  readonly experiments: ExperimentSource;
  /**
   * Journeys: the service behind /api/v1/journey and NDC tracking, its store and its event stream
   * (which the analytics recorder reads into the order store's database).
   */
  readonly journeys: JourneyService;
  readonly journeyStore: JourneyStore;
  readonly journeyEvents: JourneyEventStream;
  /** The default action of airline changes left unanswered past their action time limit; a scheduled job runs it. */
  readonly airlineChangeDefaults: WorkerHandlers['airlineChangeDefaults'];
  /** The scheduled jobs this process runs (holds.expire, idempotency.purge…); none with Redis and RUN_WORKERS=false. */
  readonly housekeeping: HousekeepingRunner | undefined;
  /** Notification delivery: the deliveries of the order notices (see docs/notifications.md). */
  readonly notifications: NotificationService;
  /**
   * The first step of a shutdown: readiness fails from now on, so load balancers send no more
   * work, while everything keeps serving what is in flight until `close()`.
   */
  markStopping(): void;
  /**
   * Reloads the mapping files (what the watcher, SIGHUP and the admin route do). Requests already
   * running finish with the mappings they started with. Never throws: a broken file keeps the old
   * set and is reported as `file:line:column: message`.
   */
  reloadMappings(trigger: string): Promise<MappingReloadReport>;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /**
   * Base URL of the airline API (the built-in reference airline or a real one); with AIRLINES_FILE,
   * the built-in reference airline's, for a `reference` airline of the file without url.
   * @defaultValue AIRLINE_URL, else the reference airline on AIRLINE_PORT of this machine
   */
  readonly airlineUrl?: string | undefined;
  /**
   * Base URL of the payment service (the built-in reference service or a PSP adapter).
   * @defaultValue PAYMENT_URL, else the reference service on PAYMENT_PORT of this machine
   */
  readonly paymentUrl?: string;
  /** The experiments a new journey is assigned to. @defaultValue the running experiments of the experiments table */
  readonly experiments?: ExperimentSource;
  /** Where journey events go. @defaultValue a Redis Stream with REDIS_URL, else an in-process stream */
  readonly journeyEvents?: JourneyEventStream;
  /** Builds NDC notification bodies; left out, subscriptions asking for NDC get JSON. */
  readonly noticeRenderer?: NoticeRenderer;
  /**
   * Handlers that take the place of the worker's for their commands, in this process: a test
   * stands in for a handler built elsewhere with them. @defaultValue none
   */
  readonly handlers?: HandlerRegistry;
}

/**
 * Builds the gateway. What is served is data: the mappings decide which messages exist, and the
 * XSDs and models of exactly those messages are made ready, at start-up and whenever a reload maps
 * a new one (the first message of a version compiles that version's one schema per namespace).
 * Connects the queue (and, with Redis and RUN_WORKERS, starts workers in this process), opens and
 * migrates the order store (resolving once the first attempt settled; a failed one is retried in
 * the background while readiness says why), and reloads mappings on file changes (MAPPINGS_WATCH),
 * SIGHUP and `POST /api/v1/admin/mappings/reload`.
 */
export async function createGateway(config: Config, logger: Logger, options: GatewayOptions): Promise<Gateway> {
  const started = performance.now();
  // First, so a bad CLIENTS_FILE stops start-up before anything is compiled or connected.
  const clients = loadClientRegistry(config.clientsFile, logger);
  const subscriptions = loadSubscriptions(config, logger);
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
  // Aggregator mode (AIRLINES_FILE): NDC airlines share this process's XSD engine; which airline
  // owns each order is kept in the order store's database, read by every worker.
  const ndc = config.airlines?.airlines.some((airline) => airline.kind === 'ndc')
    ? createNdcConnectorFactory({ engine, schemaPath: config.schemaPath, mappingsPath: config.mappingsPath, logger })
    : undefined;
  const downstreams = createDownstreamClients(config, logger, options, {
    ...(config.airlines ? { links: createSqlAirlineOrderLinks(() => store.sql()) } : {}),
    ...(ndc ? { createNdcConnector: ndc.create } : {}),
  });
  const { airline, payment } = downstreams;
  const worker = createWorkerHandlers({ config, logger, airline, payment, commands: commands.commands });
  const { store, airlineChangeDefaults } = worker;
  const handlers: HandlerRegistry = options.handlers ? new Map([...worker.handlers, ...options.handlers]) : worker.handlers;
  // Opens while the rest starts; PGlite takes seconds, and no order should be the first to pay it.
  const storeStarted = store.start();
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
  downstreams.airlineMetrics?.register(metrics.registry);
  const rules = createRuleChecker(config.requestRulesConfig);
  const deps: PipelineDeps = { config, schemas, models, mappings, commands, queue, metrics, payment, rules };

  // The analytics tables live in the order store's database (with PGlite, the one instance it owns).
  const analyticsSql = () => store.sql();
  const experimentRegistry = createExperimentRegistry(analyticsSql);
  const experiments = options.experiments ?? createCachedExperimentSource({ registry: experimentRegistry, logger });

  // Journeys and their events: in Redis with REDIS_URL, shared by every process; else in this one.
  const journeyStore = createJourneyStore(config, logger);
  const journeyEvents = options.journeyEvents ?? createJourneyEventStream(config, logger);
  const recorder = startJourneyEventRecorder({ stream: journeyEvents, sql: analyticsSql, logger });
  const journeyOptions = { store: journeyStore, logger, maxPaymentRetries: config.journeyMaxPaymentRetries, experiments };
  const journeys = createJourneyService({ ...journeyOptions, deps, events: journeyEvents });
  const sweeper = startJourneySweeper(journeys, config.journeySweepMs, logger);
  const tracker = config.journeyNdcTracking ? createNdcJourneyTracker({ ...journeyOptions, journeys }) : undefined;

  const reloadMappings = async (trigger: string): Promise<MappingReloadReport> => {
    logger.info({ trigger }, 'reloading mappings');
    const result = await mappings.reload();
    return { ...result, served: listServedMessages(mappings.current(), served) };
  };

  const prediction = createJourneyPredictionExtension({ sql: analyticsSql, metrics });

  // Notices the order store writes go out from here (and from every worker process): attempts run
  // where the command workers do.
  const notices = options.noticeRenderer ? undefined : await createConfiguredNoticeRenderer(config, engine, logger);
  const notifications = await startNotificationService({
    settings: config, orders: store, subscriptions, logger, runAttempts: !config.redisUrl || config.runWorkers, renderer: options.noticeRenderer ?? notices?.renderer,
  });
  notifications.metrics.register(metrics.registry);

  let stopping = false;
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
      workers: checkWorkers(() => queue.workerCounts()),
      orders: checkOrderStore(store, config.databaseUrl ? 'postgresql' : 'pglite'),
      downstream: checkDownstreams(downstreams),
      ...(downstreams.router ? checkAirlines(downstreams.router.connectors) : {}),
      running: checkRunning(() => stopping),
    },
    admin: { reloadMappings },
    orders: store,
    journeys,
    ...(tracker ? {
      trackNdcAnswer: (answer, req, ms) => (answer.command
        ? tracker.track({ answer, clientId: req.client?.id, correlationId: req.correlationId, durationMs: ms })
        : undefined),
    } : {}),
    analytics: { sql: analyticsSql, experiments: experimentRegistry, extensions: [prediction] },
    notifications,
  });

  const watcher: MappingWatcher | undefined = config.mappingsWatch
    ? watchMappings({ path: config.mappingsPath, onChange: () => reloadMappings('file change'), logger })
    : undefined;
  const onSighup = (): void => void reloadMappings('SIGHUP');
  process.on('SIGHUP', onSighup);
  await storeStarted;
  // Housekeeping runs where the order commands run: here without Redis or with RUN_WORKERS.
  const housekeeping: HousekeepingRunner | undefined = !config.redisUrl || config.runWorkers
    ? await startHousekeeping({
      jobs: createHousekeepingJobs({
        config, store, airlineChangeDefaults,
        expireHold: createHoldExpiry({ store, airline, payment, logger, options: { idempotencyTtlMs: config.idempotencyTtlMs } }),
      }),
      redisUrl: config.redisUrl, prefix: config.queuePrefix, logger, metrics: createHousekeepingMetrics(metrics.registry),
    })
    : undefined;
  const retrainJob = startOutcomeRetrainJob({
    sql: analyticsSql, intervalMs: config.predictionRetrainMs, minJourneys: config.predictionMinJourneys, logger,
  });

  logger.info({ ms: Math.round(performance.now() - started), compiled: schemas.compiledCount, schemas: schemas.schemaCount, failures: schemas.failures.length, queue: config.redisUrl ? 'bullmq' : 'in-process', ordersOpen: store.opening().open }, 'gateway ready');

  return {
    app,
    deps,
    clients,
    payment,
    experiments,
    journeys,
    journeyStore,
    journeyEvents,
    airlineChangeDefaults,
    housekeeping,
    notifications,
    reloadMappings,
    markStopping() {
      stopping = true;
    },
    async close() {
      stopping = true;
      process.off('SIGHUP', onSighup);
      await watcher?.close();
      await sweeper.stop();
      await retrainJob.stop();
      await housekeeping?.close();
      await workers?.close();
      await notifications.close();
      notices?.dispose();
      await queue.close();
      await downstreams.close();
      ndc?.dispose();
      await journeyStore.close();
      // Events recorded before the store closes; what is left unacknowledged is delivered again on the next start (Redis).
      await recorder.stop();
      if (!options.journeyEvents) await journeyEvents.close();
      await store.close();
      schemas.dispose();
    },
  };
}
