import { loadCommandValidator } from './commands/command-validator.ts';
import { loadConfig } from './config/config.ts';
import { assertDeployable } from './config/deployment-check.ts';
import { createServiceLogger } from './log/logger.ts';
import { createAirlineClient, createPaymentClient } from './downstream/index.ts';
import { exitOnStartFailure } from './lifecycle/exit-on-start-failure.ts';
import { stopOnSignal } from './lifecycle/stop-on-signal.ts';
import { startBullmqWorkers } from './queue/index.ts';
import { createWorkerHandlers } from './worker/index.ts';

/**
 * `npm run worker`: BullMQ workers on their own, so they can be scaled across machines. Needs
 * REDIS_URL and DATABASE_URL (and, in production, AIRLINE_URL and PAYMENT_URL). On SIGTERM or
 * SIGINT it stops taking jobs, lets the running ones finish, closes its clients and the order
 * store, and exits, within SHUTDOWN_GRACE_MS.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  assertDeployable(config, 'worker');
  const logger = (await createServiceLogger(config)).child({ role: 'worker' });
  if (!config.redisUrl) throw new Error('npm run worker needs REDIS_URL: without Redis the gateway runs its commands in-process');
  const airlineUrl = config.airlineUrl ?? `http://127.0.0.1:${config.airlinePort}`;
  const airline = createAirlineClient({ baseUrl: airlineUrl, timeoutMs: config.downstreamTimeoutMs, retries: config.downstreamRetries, logger });
  const paymentUrl = config.paymentUrl ?? `http://127.0.0.1:${config.paymentPort}`;
  const payment = createPaymentClient({ baseUrl: paymentUrl, timeoutMs: config.downstreamTimeoutMs, retries: config.downstreamRetries, logger });
  const { handlers, store } = createWorkerHandlers({ config, logger, airline, payment, commands: loadCommandValidator(config.commandSchemasPath).commands });
  const storeStarted = store.start();
  const workers = await startBullmqWorkers({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    concurrency: config.workerConcurrency,
    resultInlineMaxBytes: config.resultInlineMaxBytes,
    resultTtlSeconds: config.resultTtlSeconds,
    lockMs: config.queueLockMs,
    handlers,
    logger,
  });
  await storeStarted;
  logger.info({ airlineUrl, concurrency: config.workerConcurrency, ordersOpen: store.opening().open }, 'workers running');
  stopOnSignal({
    logger,
    graceMs: config.shutdownGraceMs,
    async stop() {
      await workers.close();
      await airline.close();
      await payment.close();
      await store.close();
    },
  });
}

main().catch((error: unknown) => exitOnStartFailure(error));
