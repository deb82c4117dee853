import { randomUUID } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { GatewayError } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { HousekeepingCounts, HousekeepingJob } from './housekeeping-job.ts';
import type { HousekeepingMetrics } from './housekeeping-metrics.ts';

/** The BullMQ queue of the job schedulers, under the command queues' prefix. */
export const HOUSEKEEPING_QUEUE = 'housekeeping';
/** Finished runs kept in Redis for inspection, per state. */
const RUNS_KEPT = 100;

export interface HousekeepingRunnerOptions {
  readonly jobs: readonly HousekeepingJob[];
  /** With it, BullMQ job schedulers in Redis; without it, timers of this process. */
  readonly redisUrl?: string | undefined;
  /** Prefix of the BullMQ keys (QUEUE_PREFIX). */
  readonly prefix: string;
  readonly logger: Logger;
  readonly metrics?: HousekeepingMetrics;
  /** @defaultValue the system clock */
  readonly now?: () => Date;
}

/** The scheduled jobs of one process. */
export interface HousekeepingRunner {
  readonly transport: 'bullmq' | 'timers';
  /** Runs a job now in this process, outside its schedule (operators, tests); throws what the job throws. */
  runNow(name: string): Promise<HousekeepingCounts>;
  /** Stops running jobs (a run in progress finishes). With Redis the schedulers stay there for the next start. */
  close(): Promise<void>;
}

/**
 * Starts the housekeeping jobs. With Redis each job is a BullMQ job scheduler (`upsertJobScheduler`,
 * queue `housekeeping`) and every process runs one worker of that queue: each tick is one job,
 * run by one process, and the schedule lives in Redis, so it carries on across restarts and
 * does not multiply with processes. Without Redis each job runs on an unref'd timer of this
 * process, a tick being skipped while the previous run is still going.
 */
export async function startHousekeeping(options: HousekeepingRunnerOptions): Promise<HousekeepingRunner> {
  const { logger, metrics } = options;
  const now = options.now ?? (() => new Date());
  const jobs = new Map(options.jobs.map((job) => [job.name, job]));
  if (jobs.size !== options.jobs.length) throw new GatewayError('INTERNAL_ERROR', 'Two housekeeping jobs have the same name');

  async function runJob(job: HousekeepingJob): Promise<HousekeepingCounts> {
    const correlationId = `housekeeping:${job.name}:${randomUUID()}`;
    const jobLogger = logger.child({ correlationId, job: job.name });
    const started = performance.now();
    try {
      const counts = (await job.run({ logger: jobLogger, correlationId, now })) ?? {};
      metrics?.observeRun(job.name, 'ok', (performance.now() - started) / 1000, counts);
      if (Object.values(counts).some((count) => count > 0)) jobLogger.info({ ...counts }, 'housekeeping job ran');
      return counts;
    } catch (error) {
      metrics?.observeRun(job.name, 'failed', (performance.now() - started) / 1000, {});
      jobLogger.warn({ err: error }, 'housekeeping job failed; it runs again at its next tick');
      throw error;
    }
  }

  function runNow(name: string): Promise<HousekeepingCounts> {
    const job = jobs.get(name);
    if (!job) return Promise.reject(new GatewayError('INTERNAL_ERROR', `No housekeeping job is named ${name}`));
    return runJob(job);
  }

  const scheduled = options.jobs.filter((job) => job.everyMs > 0);
  if (options.redisUrl === undefined) return startTimers(scheduled, runJob, runNow, logger);
  return startSchedulers(options.redisUrl, options.prefix, options.jobs, runJob, runNow, logger);
}

function startTimers(
  jobs: readonly HousekeepingJob[], runJob: (job: HousekeepingJob) => Promise<HousekeepingCounts>,
  runNow: HousekeepingRunner['runNow'], logger: Logger,
): HousekeepingRunner {
  const running = new Map<string, Promise<unknown>>();
  const timers = jobs.map((job) => {
    const timer = setInterval(() => {
      if (running.has(job.name)) return;
      const run = runJob(job).catch(() => undefined).finally(() => running.delete(job.name));
      running.set(job.name, run);
    }, job.everyMs);
    timer.unref();
    return timer;
  });
  logger.info({ jobs: jobs.map((j) => ({ name: j.name, everyMs: j.everyMs })), transport: 'timers' }, 'housekeeping jobs scheduled');
  return {
    transport: 'timers',
    runNow,
    async close() {
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...running.values()]);
    },
  };
}

async function startSchedulers(
  redisUrl: string, prefix: string, jobs: readonly HousekeepingJob[], runJob: (job: HousekeepingJob) => Promise<HousekeepingCounts>,
  runNow: HousekeepingRunner['runNow'], logger: Logger,
): Promise<HousekeepingRunner> {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: null });
  client.on('error', (err) => logger.warn({ err }, 'redis connection error (housekeeping)'));
  const queue = new Queue(HOUSEKEEPING_QUEUE, { connection: client, prefix });
  queue.on('error', (err) => logger.warn({ err }, 'housekeeping queue error'));
  const byName = new Map(jobs.map((job) => [job.name, job]));
  const worker = new Worker(HOUSEKEEPING_QUEUE, async (run: Job) => {
    const job = byName.get(run.name);
    // A job another version of the gateway scheduled: its process will run it.
    if (!job) {
      logger.warn({ job: run.name }, 'housekeeping job unknown to this process; skipped');
      return null;
    }
    await runJob(job);
    return null;
  }, { connection: client, prefix, concurrency: Math.max(1, jobs.length) });
  worker.on('error', (err) => logger.warn({ err }, 'housekeeping worker error'));

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await worker.close();
      await queue.close();
      await client.quit().catch(() => client.disconnect());
    })();
    return closing;
  };

  try {
    for (const job of jobs) {
      if (job.everyMs > 0) {
        // The same id and interval from every process: one schedule in Redis, not one per process.
        await queue.upsertJobScheduler(job.name, { every: job.everyMs }, {
          name: job.name, data: {}, opts: { attempts: 1, removeOnComplete: { count: RUNS_KEPT }, removeOnFail: { count: RUNS_KEPT } },
        });
      } else {
        await queue.removeJobScheduler(job.name);
      }
    }
    await worker.waitUntilReady();
  } catch (error) {
    await close();
    throw error;
  }
  logger.info({ jobs: jobs.filter((j) => j.everyMs > 0).map((j) => ({ name: j.name, everyMs: j.everyMs })), transport: 'bullmq' }, 'housekeeping jobs scheduled');
  return { transport: 'bullmq', runNow, close };
}
