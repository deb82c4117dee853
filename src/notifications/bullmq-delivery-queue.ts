import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../log/logger.ts';
import type { DeliveryQueue, RunAttempt } from './delivery-queue.ts';

/** BullMQ queue names, under the configured prefix: `<prefix>:notifications` and its dead letters. */
export const NOTIFICATIONS_QUEUE = 'notifications';
export const NOTIFICATIONS_DEAD_QUEUE = 'notifications-dead';

interface DeliveryJobData {
  readonly deliveryId: string;
}

interface DeadJobData extends DeliveryJobData {
  readonly reason: string;
  readonly at: string;
}

export interface BullmqDeliveryQueueOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  /** Runs attempts in this process; left out, this process only enqueues (RUN_WORKERS=false). */
  readonly run?: RunAttempt;
  /** Attempts run at once. @defaultValue 16 */
  readonly concurrency?: number;
  readonly logger: Logger;
}

/**
 * Delivery attempts as BullMQ jobs whose id is the delivery id, so a delivery has one job however
 * often it is enqueued. A retry moves the same job to the delayed set until its time, so retries
 * survive a restart and run in whichever process is up. Dead deliveries are added to the
 * dead-letter queue, where they wait (no worker reads it) until an operator looks or redelivers.
 */
export async function createBullmqDeliveryQueue(options: BullmqDeliveryQueueOptions): Promise<DeliveryQueue> {
  const { prefix, logger, run } = options;
  const client = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  client.on('error', (err) => logger.warn({ err }, 'redis connection error (notifications)'));
  const queue = new Queue<DeliveryJobData>(NOTIFICATIONS_QUEUE, { connection: client, prefix, defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: true } });
  const dead = new Queue<DeadJobData>(NOTIFICATIONS_DEAD_QUEUE, { connection: client, prefix, defaultJobOptions: { removeOnComplete: true } });
  queue.on('error', (err) => logger.warn({ err }, 'notifications queue error'));
  dead.on('error', (err) => logger.warn({ err }, 'notifications dead-letter queue error'));

  const worker = run
    ? new Worker<DeliveryJobData>(NOTIFICATIONS_QUEUE, async (job: Job<DeliveryJobData>, token?: string) => {
      const outcome = await run(job.data.deliveryId);
      if (outcome) {
        await job.moveToDelayed(Date.now() + outcome.retryInMs, token);
        throw new DelayedError();
      }
    }, { connection: client, prefix, concurrency: options.concurrency ?? 16 })
    : undefined;
  worker?.on('error', (err) => logger.warn({ err }, 'notifications worker error'));
  await Promise.all([queue.waitUntilReady(), dead.waitUntilReady(), worker?.waitUntilReady()]);

  let closing: Promise<void> | undefined;
  return {
    transport: 'bullmq',
    async enqueue(deliveryId, delayMs) {
      await queue.add('deliver', { deliveryId }, { jobId: deliveryId, ...(delayMs > 0 ? { delay: delayMs } : {}) });
    },
    async deadLetter(deliveryId, reason) {
      await dead.add('dead', { deliveryId, reason, at: new Date().toISOString() }, { jobId: deliveryId });
    },
    async forgetDead(deliveryId) {
      await dead.remove(deliveryId);
    },
    async deadLettered(limit = 100) {
      const jobs = await dead.getJobs(['waiting'], 0, limit - 1, true);
      return jobs.map((job) => job.data.deliveryId);
    },
    async depth() {
      const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized');
      return Object.values(counts).reduce((sum, n) => sum + n, 0);
    },
    close() {
      closing ??= (async () => {
        await worker?.close();
        await queue.close();
        await dead.close();
        await client.quit().catch(() => client.disconnect());
      })();
      return closing;
    },
  };
}
