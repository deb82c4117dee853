/**
 * A BullMQ worker process for tests that need the worker outside the test process, as in
 * production. Reads QUEUE_TEST_REDIS_URL and QUEUE_TEST_PREFIX, prints `ready <pid>` once it
 * serves, and stops cleanly when its stdin closes (so it never outlives the test).
 */
import { createLogger } from '../../src/log/logger.ts';
import { startBullmqWorkers, type CommandHandler } from '../../src/queue/index.ts';

const redisUrl = process.env.QUEUE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.QUEUE_TEST_PREFIX;
if (!prefix) {
  process.stderr.write('QUEUE_TEST_PREFIX is required\n');
  process.exit(2);
}

const handlers = new Map<string, CommandHandler>([
  ['offer.shop', async (payload) => ({ pid: process.pid, echo: payload })],
  ['order.create', async () => ({ pid: process.pid, orderId: `ORD-${process.pid}` })],
]);

const workers = await startBullmqWorkers({
  redisUrl,
  prefix,
  handlers,
  concurrency: 8,
  logger: createLogger('warn'),
  resultInlineMaxBytes: 16_384,
  resultTtlSeconds: 60,
});
process.stdout.write(`ready ${process.pid}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await workers.close();
  process.exit(0);
}
process.stdin.on('end', () => void stop());
process.stdin.on('error', () => void stop());
process.stdin.resume();
process.on('SIGTERM', () => void stop());
