import { createServer, type RequestListener } from 'node:http';
import { loadConfig } from './config/config.ts';
import { assertDeployable } from './config/deployment-check.ts';
import { exitOnStartFailure } from './lifecycle/exit-on-start-failure.ts';
import { stopOnSignal } from './lifecycle/stop-on-signal.ts';
import { createServiceLogger } from './log/logger.ts';
import { trackConnections } from './net/drain-connections.ts';
import { listenServer } from './net/listen.ts';
import { createWorkerService } from './worker-service.ts';

/**
 * `npm run worker`: BullMQ workers on their own, so they can be scaled across machines. Needs
 * REDIS_URL and DATABASE_URL (and, in production, AIRLINE_URL and PAYMENT_URL). Serves its own
 * live, ready and metrics endpoints on WORKER_PORT. On SIGTERM or SIGINT it reports not ready,
 * lets the running jobs finish, closes its clients and the order store, and exits, within
 * SHUTDOWN_GRACE_MS.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  assertDeployable(config, 'worker');
  const logger = (await createServiceLogger(config)).child({ role: 'worker' });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  // The port first: one that is taken stops the start before any worker could take a job.
  let serve: RequestListener = (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"starting"}');
  };
  const server = createServer((req, res) => serve(req, res));
  const connections = trackConnections(server);
  await listenServer(server, config.workerPort, config.host, 'WORKER_PORT');
  const { port } = server.address() as { port: number };
  logger.info({ port, host: config.host, pid: process.pid }, 'worker monitoring listening');
  const service = await createWorkerService(config, logger);
  serve = service.app;
  stopOnSignal({
    logger,
    graceMs: config.shutdownGraceMs,
    async stop() {
      service.markStopping();
      await service.close();
      await connections.drain();
    },
  });
}

main().catch((error: unknown) => exitOnStartFailure(error));
