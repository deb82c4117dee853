import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:http';
import { loadConfig, type Config } from './config/config.ts';
import { assertDeployable } from './config/deployment-check.ts';
import { createServiceLogger, type Logger } from './log/logger.ts';
import { createReferenceAirline } from './reference/airline/index.ts';
import { ClientsFileError, DEMO_API_KEY } from './auth/index.ts';
import { createReferencePaymentService } from './reference/payment/index.ts';
import { createGateway } from './gateway.ts';
import { exitOnStartFailure } from './lifecycle/exit-on-start-failure.ts';
import { stopOnSignal } from './lifecycle/stop-on-signal.ts';
import { serveClusterMetrics } from './metrics/cluster-metrics.ts';
import { trackConnections } from './net/drain-connections.ts';
import { listenNaming, listenServer } from './net/listen.ts';

/**
 * Where the embedded reference airline sends its change events: AIRLINE_EVENTS_URL, else this
 * gateway's own event route, with AIRLINE_EVENTS_KEY, else (demo, no CLIENTS_FILE) the demo key.
 */
function embeddedAirlineEvents(config: Config): { eventsUrl?: string; eventsKey?: string } {
  const eventsUrl = config.airlineEventsUrl ?? (config.port > 0 ? `http://127.0.0.1:${config.port}/api/v1/airline/events` : undefined);
  const eventsKey = config.airlineEventsKey ?? (config.clientsFile ? undefined : DEMO_API_KEY);
  return { ...(eventsUrl ? { eventsUrl } : {}), ...(eventsKey ? { eventsKey } : {}) };
}

/** The downstream services the gateway talks to, and what to close of the ones started here. */
interface Downstreams {
  /** Unset with an AIRLINES_FILE whose airlines all have their url. */
  readonly airlineUrl: string | undefined;
  readonly paymentUrl: string;
  close(): Promise<void>;
}

/**
 * The configured services; without AIRLINE_URL the reference airline is started on AIRLINE_PORT,
 * without PAYMENT_URL the reference payment service on PAYMENT_PORT.
 */
async function startDownstreams(config: Config, logger: Logger): Promise<Downstreams> {
  const started: { close(): Promise<void> }[] = [];
  let airlineUrl = config.airlineUrl;
  // With AIRLINES_FILE the built-in airline answers only for a `reference` airline of the file without url, under its designator.
  const embedded = config.airlines
    ? config.airlines.airlines.find((airline) => airline.kind === 'reference' && !airline.url)
    : { designator: config.airlineDesignator, name: config.airlineName };
  if (!airlineUrl && embedded) {
    const reference = createReferenceAirline({
      designator: embedded.designator, name: embedded.name, network: { hubs: config.airlineHubs, regions: config.airlineRegions }, logger: logger.child({ component: 'reference-airline' }),
      ...embeddedAirlineEvents(config),
      ...(config.airlineAdminKey ? { adminKey: config.airlineAdminKey } : {}),
      ...(config.airlineStateFile ? { stateFile: config.airlineStateFile } : {}),
    });
    airlineUrl = (await listenNaming(reference.listen(config.airlinePort, '127.0.0.1'), 'AIRLINE_PORT', config.airlinePort, '127.0.0.1')).url;
    started.push(reference);
    logger.info({ url: airlineUrl }, 'reference airline listening');
  }
  let paymentUrl = config.paymentUrl;
  if (!paymentUrl) {
    const reference = createReferencePaymentService({ logger: logger.child({ component: 'reference-payment-service' }) });
    paymentUrl = (await listenNaming(reference.listen(config.paymentPort, '127.0.0.1'), 'PAYMENT_PORT', config.paymentPort, '127.0.0.1')).url;
    started.push(reference);
    logger.info({ url: paymentUrl }, 'reference payment service listening');
  }
  return {
    airlineUrl,
    paymentUrl,
    async close() {
      for (const service of started) await service.close();
    },
  };
}

/**
 * One gateway process: the HTTP edge (and, with Redis and RUN_WORKERS, workers) on PORT. On
 * SIGTERM or SIGINT it reports not ready, stops accepting connections, answers every request in
 * flight, lets its workers finish their jobs, closes the queue and the stores, and exits, within
 * SHUTDOWN_GRACE_MS.
 */
async function runGateway(config: Config, logger: Logger): Promise<void> {
  const downstreams = await startDownstreams(config, logger);
  const gateway = await createGateway(config, logger, { airlineUrl: downstreams.airlineUrl, paymentUrl: downstreams.paymentUrl });
  const server = createServer(gateway.app);
  server.requestTimeout = config.requestTimeoutMs + 5_000;
  server.headersTimeout = Math.min(60_000, config.requestTimeoutMs + 5_000);
  const connections = trackConnections(server);
  await listenServer(server, config.port, config.host, 'PORT');
  logger.info({ port: config.port, host: config.host, versions: config.versions, pid: process.pid }, 'NDC gateway listening');

  stopOnSignal({
    logger,
    graceMs: config.shutdownGraceMs,
    remaining: () => ({ requestsInFlight: connections.inFlight, connections: connections.connections }),
    async stop() {
      gateway.markStopping();
      await connections.drain();
      await gateway.close();
      await downstreams.close();
    },
  });
}

/**
 * GATEWAY_PROCESSES above 1: this process starts the reference services if they are embedded,
 * then forks that many gateway processes, which share the port through node:cluster, and sums
 * their metrics for whichever of them a scrape reaches. A gateway
 * process that dies is replaced; one that dies before it ever listened stops the whole start, so
 * a bad setting does not loop. SIGTERM or SIGINT is passed to every gateway process, and the
 * primary exits once each has stopped (code 1 if one did not stop cleanly).
 */
async function runPrimary(config: Config, logger: Logger): Promise<void> {
  const downstreams = await startDownstreams(config, logger);
  const env = { ...(downstreams.airlineUrl ? { AIRLINE_URL: downstreams.airlineUrl } : {}), PAYMENT_URL: downstreams.paymentUrl };
  const listening = new Set<number>();
  let stopping = false;
  cluster.on('listening', (worker) => listening.add(worker.id));
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (!listening.has(worker.id)) {
      logger.fatal({ pid: worker.process.pid, code, signal }, 'a gateway process failed to start; stopping');
      void stop().then(() => process.exit(1));
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'a gateway process died; starting another');
    cluster.fork(env);
  });

  const running = (): Worker[] => Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined && !worker.isDead()) as Worker[];
  /** Stops every gateway process and waits for each; 1 when one did not exit cleanly. */
  const stop = async (): Promise<number> => {
    stopping = true;
    const codes = await Promise.all(running().map((worker) => new Promise<number>((resolve) => {
      worker.once('exit', (code: number | null) => resolve(code === 0 ? 0 : 1));
      worker.process.kill('SIGTERM');
    })));
    await downstreams.close();
    return Math.max(0, ...codes);
  };
  stopOnSignal({
    logger,
    // Each gateway process keeps to SHUTDOWN_GRACE_MS itself; this bounds a process that hangs anyway.
    graceMs: config.shutdownGraceMs + 5_000,
    stop,
    remaining: () => ({ processes: running().map((worker) => worker.process.pid) }),
    onTimeout: () => {
      for (const worker of running()) worker.process.kill('SIGKILL');
    },
  });
  serveClusterMetrics();
  for (let i = 0; i < config.gatewayProcesses; i++) cluster.fork(env);
  logger.info({ processes: config.gatewayProcesses, port: config.port }, 'gateway processes starting');
}

/** The embedded demo serves anyone who reaches it as the demo client: say so, and where it listens. */
function warnOfDemo(config: Config, logger: Logger): void {
  const loopback = config.host === '127.0.0.1' || config.host === '::1' || config.host === 'localhost';
  logger.warn({ host: config.host, port: config.port }, loopback
    ? 'embedded demo: no CLIENTS_FILE, so every caller is the demo client; listening on this machine only (set HOST to listen elsewhere)'
    : 'embedded demo: no CLIENTS_FILE, so every caller is the demo client, and HOST lets other machines reach it');
}

/**
 * `npm start`: the gateway with embedded defaults. Without AIRLINE_URL it also starts the
 * reference airline, without PAYMENT_URL the reference payment service, and without CLIENTS_FILE
 * it serves the demo client; without REDIS_URL the queue is in-process; with REDIS_URL and
 * RUN_WORKERS (default) BullMQ workers run in the gateway process too.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  assertDeployable(config, 'gateway');
  const logger = await createServiceLogger(config);
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  if (cluster.isPrimary && !config.clientsFile) warnOfDemo(config, logger);
  if (config.gatewayProcesses > 1 && cluster.isPrimary) await runPrimary(config, logger);
  else await runGateway(config, logger);
}

main().catch((error: unknown) => exitOnStartFailure(error, ClientsFileError));
