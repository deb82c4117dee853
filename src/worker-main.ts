import { loadCommandValidator } from './commands/command-validator.ts';
import { loadConfig } from './config/config.ts';
import { createServiceLogger } from './log/logger.ts';
import { createAirlineClient, createPaymentClient } from './downstream/index.ts';
import { startBullmqWorkers } from './queue/index.ts';
import { createWorkerHandlers } from './worker/index.ts';

/**
 * `npm run worker`: BullMQ workers on their own, so they can be scaled across machines. Needs
 * REDIS_URL, AIRLINE_URL, PAYMENT_URL and, for orders shared with other processes, DATABASE_URL.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = (await createServiceLogger(config)).child({ role: 'worker' });
  if (!config.redisUrl) throw new Error('npm run worker needs REDIS_URL: without Redis the gateway runs its commands in-process');
  const airlineUrl = config.airlineUrl ?? `http://127.0.0.1:${config.airlinePort}`;
  const airline = createAirlineClient({ baseUrl: airlineUrl, timeoutMs: config.downstreamTimeoutMs, retries: config.downstreamRetries, logger, designator: config.airlineDesignator, commandSchemasPath: config.commandSchemasPath });
  const paymentUrl = config.paymentUrl ?? `http://127.0.0.1:${config.paymentPort}`;
  const payment = createPaymentClient({ baseUrl: paymentUrl, timeoutMs: config.downstreamTimeoutMs, retries: config.downstreamRetries, logger });
  const { handlers, store } = createWorkerHandlers({ config, logger, airline, payment, commands: loadCommandValidator(config.commandSchemasPath).commands });
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
  logger.info({ airlineUrl, concurrency: config.workerConcurrency }, 'workers running');
  const stop = async (): Promise<void> => {
    await workers.close();
    await airline.close();
    await payment.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
