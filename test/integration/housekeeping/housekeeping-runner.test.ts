import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createHousekeepingMetrics, createIdempotencyPurgeJob, HOUSEKEEPING_QUEUE, startHousekeeping, type HousekeepingJob, type HousekeepingRunner,
} from '../../../src/housekeeping/index.ts';
import { createPgOrderStore } from '../../../src/orders/pg-order-store.ts';
import { DATABASE_URL, silentLogger, uniqueSchema } from '../orchestration/orchestration-fixtures.ts';
import { waitFor } from '../../support/wait-for.ts';
import pg from 'pg';

/**
 * The housekeeping runner against a real Redis (BullMQ job schedulers) and in process (timers):
 * once per tick across processes, kept across a restart, failures counted, and the
 * idempotency purge of a real PostgreSQL store through it.
 */

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const runners: HousekeepingRunner[] = [];
const prefixes: string[] = [];

function newPrefix(): string {
  const prefix = `test-hk-${randomUUID()}`;
  prefixes.push(prefix);
  return prefix;
}

async function start(options: Parameters<typeof startHousekeeping>[0]): Promise<HousekeepingRunner> {
  const runner = await startHousekeeping(options);
  runners.push(runner);
  return runner;
}

/** A job that records when it ran, and which runner ran it. */
function countingJob(everyMs: number, runs: { at: number; by: string }[], by: string, name = 'test.count'): HousekeepingJob {
  return { name, everyMs, async run() { runs.push({ at: Date.now(), by }); return { counted: 1 }; } };
}

async function withQueue<T>(prefix: string, use: (queue: Queue) => Promise<T>): Promise<T> {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(HOUSEKEEPING_QUEUE, { connection, prefix });
  try {
    return await use(queue);
  } finally {
    await queue.close();
    await connection.quit();
  }
}

afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.close();
});

afterAll(async () => {
  for (const prefix of prefixes) await withQueue(prefix, (queue) => queue.obliterate({ force: true }));
});

describe('housekeeping with Redis (BullMQ job schedulers)', () => {
  it('runs a job once per tick however many processes run the worker', async () => {
    const prefix = newPrefix();
    const runs: { at: number; by: string }[] = [];
    await Promise.all(['a', 'b', 'c'].map((by) => start({ jobs: [countingJob(200, runs, by)], redisUrl: REDIS_URL, prefix, logger: silentLogger })));

    await sleep(2100);

    // About 10 ticks in 2.1 s; three schedules (one per process) would make about 30.
    expect(runs.length).toBeGreaterThanOrEqual(6);
    expect(runs.length).toBeLessThanOrEqual(12);
    expect(await withQueue(prefix, (queue) => queue.getJobSchedulersCount())).toBe(1);
    // Each run is one job of the one schedule, taken by one of the processes.
    const completed = await withQueue(prefix, (queue) => queue.getCompletedCount());
    expect(completed).toBeGreaterThanOrEqual(runs.length - 3);
    expect(completed).toBeLessThanOrEqual(runs.length);
  }, 20_000);

  it('keeps the schedule in Redis across a restart: the next process runs it', async () => {
    const prefix = newPrefix();
    const runs: { at: number; by: string }[] = [];
    const first = await start({ jobs: [countingJob(150, runs, 'first')], redisUrl: REDIS_URL, prefix, logger: silentLogger });
    await waitFor(() => runs.length >= 1);
    await first.close();

    // No process runs it now; the scheduler and its next run wait in Redis.
    const scheduler = await withQueue(prefix, (queue) => queue.getJobScheduler('test.count'));
    expect(scheduler).toMatchObject({ key: 'test.count', every: 150 });
    expect(await withQueue(prefix, (queue) => queue.getDelayedCount())).toBe(1);
    const before = runs.length;
    await sleep(400);
    expect(runs.length).toBe(before);

    await start({ jobs: [countingJob(150, runs, 'second')], redisUrl: REDIS_URL, prefix, logger: silentLogger });
    await waitFor(() => runs.some((run) => run.by === 'second'));
    expect(await withQueue(prefix, (queue) => queue.getJobSchedulersCount())).toBe(1);
  }, 20_000);

  it('counts a failed run and runs the job again at its next tick', async () => {
    const prefix = newPrefix();
    const registry = new Registry();
    let attempts = 0;
    const failing: HousekeepingJob = { name: 'test.fail', everyMs: 100, async run() { attempts += 1; throw new Error('database away'); } };
    await start({ jobs: [failing], redisUrl: REDIS_URL, prefix, logger: silentLogger, metrics: createHousekeepingMetrics(registry) });

    await waitFor(() => attempts >= 3);

    const runs = await registry.getSingleMetric('ndc_housekeeping_runs_total')!.get();
    expect(runs.values.find((v) => v.labels.job === 'test.fail' && v.labels.outcome === 'failed')?.value).toBeGreaterThanOrEqual(3);
  }, 20_000);

  it('removes the scheduler of a job turned off (everyMs 0)', async () => {
    const prefix = newPrefix();
    const runs: { at: number; by: string }[] = [];
    const on = await start({ jobs: [countingJob(200, runs, 'on')], redisUrl: REDIS_URL, prefix, logger: silentLogger });
    await on.close();
    expect(await withQueue(prefix, (queue) => queue.getJobSchedulersCount())).toBe(1);

    await start({ jobs: [countingJob(0, runs, 'off')], redisUrl: REDIS_URL, prefix, logger: silentLogger });

    expect(await withQueue(prefix, (queue) => queue.getJobSchedulersCount())).toBe(0);
  }, 20_000);

  it('idempotency.purge deletes the expired keys of the order store, and only those', async () => {
    const schema = uniqueSchema();
    const store = createPgOrderStore({ connectionString: DATABASE_URL, schema, logger: silentLogger });
    const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    try {
      await store.migrate();
      for (let i = 0; i < 3; i++) await store.claim(`client-a:expiring-${i}`, 'client-a', 'hash', 20);
      await store.claim('client-a:live', 'client-a', 'hash');
      const registry = new Registry();
      await start({
        jobs: [createIdempotencyPurgeJob({ store, everyMs: 100 })], redisUrl: REDIS_URL, prefix: newPrefix(), logger: silentLogger,
        metrics: createHousekeepingMetrics(registry),
      });

      const keys = async (): Promise<string[]> => (await admin.query(`SELECT key FROM "${schema}".idempotency_keys`)).rows.map((r) => r.key as string);
      await waitFor(async () => (await keys()).length === 1);

      expect(await keys()).toEqual(['client-a:live']);
      const items = await registry.getSingleMetric('ndc_housekeeping_items_total')!.get();
      expect(items.values.find((v) => v.labels.job === 'idempotency.purge' && v.labels.outcome === 'purged')?.value).toBe(3);
    } finally {
      for (const runner of runners.splice(0)) await runner.close();
      await store.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  }, 20_000);
});

describe('housekeeping without Redis (timers of this process)', () => {
  it('runs each job on its timer, never two runs of a job at once, and stops on close', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const slow: HousekeepingJob = {
      name: 'test.slow', everyMs: 20,
      async run() {
        running += 1;
        most = Math.max(most, running);
        await sleep(60);
        running -= 1;
        runs += 1;
      },
    };
    const runner = await start({ jobs: [slow], prefix: 'unused', logger: silentLogger });
    expect(runner.transport).toBe('timers');

    await waitFor(() => runs >= 3);
    await runner.close();
    const stopped = runs;
    await sleep(150);

    expect(most).toBe(1);
    expect(runs).toBe(stopped);
  }, 10_000);

  it('runNow runs a job outside its schedule and answers its counts', async () => {
    const runs: { at: number; by: string }[] = [];
    const runner = await start({ jobs: [countingJob(0, runs, 'now')], prefix: 'unused', logger: silentLogger });

    expect(await runner.runNow('test.count')).toEqual({ counted: 1 });
    await expect(runner.runNow('test.unknown')).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
    expect(runs).toHaveLength(1);
  });
});
