/**
 * Measures the command queue round trip (send → worker → result) in one process.
 *   npx tsx scripts/bench-queue.ts [--adapter bullmq|in-process] [--jobs 5000] [--in-flight 64] [--runs 3]
 * Uses REDIS_URL from the configuration, or the local Redis. Prints each run and the median.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/log/logger.ts';
import {
  createBullmqQueue,
  createInProcessQueue,
  startBullmqWorkers,
  type CommandHandler,
  type CommandQueue,
} from '../src/queue/index.ts';

interface RunFigures {
  readonly sequentialP50: number;
  readonly sequentialP99: number;
  readonly p50: number;
  readonly p99: number;
  readonly jobsPerSecond: number;
}

const { values } = parseArgs({
  options: {
    adapter: { type: 'string', default: 'bullmq' },
    jobs: { type: 'string', default: '5000' },
    'in-flight': { type: 'string', default: '64' },
    runs: { type: 'string', default: '3' },
  },
});
const jobs = Number(values.jobs);
const inFlight = Number(values['in-flight']);
const runs = Number(values.runs);
const redisUrl = loadConfig().redisUrl ?? 'redis://127.0.0.1:6379';
const logger = createLogger('warn');
const handlers = new Map<string, CommandHandler>([['offer.shop', async (payload) => ({ offers: [{ id: 'OF1', echo: payload }] })]]);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function median(numbers: readonly number[]): number {
  return percentile([...numbers].sort((a, b) => a - b), 50);
}

async function timeSend(queue: CommandQueue, n: number): Promise<number> {
  const started = performance.now();
  await queue.send({ name: 'offer.shop', payload: { n }, meta: { correlationId: `bench-${n}`, version: '21.3', message: 'AirShoppingRQ', deadline: Date.now() + 10_000 } });
  return performance.now() - started;
}

async function measure(queue: CommandQueue): Promise<RunFigures> {
  const sequential: number[] = [];
  for (let n = 0; n < 500; n++) sequential.push(await timeSend(queue, n));
  sequential.sort((a, b) => a - b);

  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < jobs) latencies.push(await timeSend(queue, next++));
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    sequentialP50: percentile(sequential, 50),
    sequentialP99: percentile(sequential, 99),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    jobsPerSecond: jobs / seconds,
  };
}

async function runOnce(): Promise<RunFigures> {
  if (values.adapter === 'in-process') {
    const queue = createInProcessQueue({ handlers, concurrency: inFlight, logger });
    try {
      return await measure(queue);
    } finally {
      await queue.close();
    }
  }
  const prefix = `bench-${randomUUID()}`;
  const settings = { redisUrl, prefix, logger, resultInlineMaxBytes: 16_384, resultTtlSeconds: 60 };
  const workers = await startBullmqWorkers({ ...settings, handlers, concurrency: inFlight });
  const queue = createBullmqQueue({ ...settings, families: ['offer'] });
  try {
    for (let n = 0; n < 200; n++) await timeSend(queue, n); // warm-up: connections, Lua scripts, JIT
    return await measure(queue);
  } finally {
    await queue.close();
    await workers.close();
    await deleteKeys(prefix);
  }
}

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  let cursor = '0';
  do {
    const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = nextCursor;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

function format(figures: RunFigures): string {
  return `1 in flight: p50 ${figures.sequentialP50.toFixed(2)} ms, p99 ${figures.sequentialP99.toFixed(2)} ms | `
    + `${inFlight} in flight: p50 ${figures.p50.toFixed(2)} ms, p99 ${figures.p99.toFixed(2)} ms, ${Math.round(figures.jobsPerSecond)} jobs/s`;
}

const results: RunFigures[] = [];
for (let run = 1; run <= runs; run++) {
  const figures = await runOnce();
  results.push(figures);
  console.log(`run ${run} (${values.adapter}, ${jobs} jobs): ${format(figures)}`);
}
console.log(`median of ${runs}: ${format({
  sequentialP50: median(results.map((r) => r.sequentialP50)),
  sequentialP99: median(results.map((r) => r.sequentialP99)),
  p50: median(results.map((r) => r.p50)),
  p99: median(results.map((r) => r.p99)),
  jobsPerSecond: median(results.map((r) => r.jobsPerSecond)),
})}`);
