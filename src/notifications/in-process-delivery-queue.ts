import type { Logger } from '../log/logger.ts';
import type { DeliveryQueue, RunAttempt } from './delivery-queue.ts';

/**
 * Delivery attempts on timers of this process (no Redis). Waiting attempts are lost when the
 * process stops; the deliveries table still says they are pending, and the sweep of the next
 * start enqueues them again.
 */
export function createInProcessDeliveryQueue(run: RunAttempt, logger: Logger): DeliveryQueue {
  const jobs = new Map<string, NodeJS.Timeout | 'running'>();
  const dead: string[] = [];
  const running = new Set<Promise<void>>();
  let closed = false;

  function schedule(deliveryId: string, delayMs: number): void {
    const timer = setTimeout(() => {
      jobs.set(deliveryId, 'running');
      const attempt = (async () => {
        const outcome = await run(deliveryId).catch((err: unknown) => {
          logger.error({ err, deliveryId }, 'notification attempt failed unexpectedly');
          return undefined;
        });
        if (outcome && !closed) schedule(deliveryId, outcome.retryInMs);
        else jobs.delete(deliveryId);
      })();
      running.add(attempt);
      void attempt.finally(() => running.delete(attempt));
    }, Math.max(0, delayMs));
    jobs.set(deliveryId, timer);
  }

  return {
    transport: 'in-process',
    async enqueue(deliveryId, delayMs) {
      if (closed || jobs.has(deliveryId)) return;
      schedule(deliveryId, delayMs);
    },
    async deadLetter(deliveryId) {
      if (!dead.includes(deliveryId)) dead.push(deliveryId);
    },
    async forgetDead(deliveryId) {
      const index = dead.indexOf(deliveryId);
      if (index !== -1) dead.splice(index, 1);
    },
    async deadLettered(limit = 100) {
      return dead.slice(0, limit);
    },
    async depth() {
      return jobs.size;
    },
    async close() {
      closed = true;
      for (const [id, job] of jobs) {
        if (job !== 'running') {
          clearTimeout(job);
          jobs.delete(id);
        }
      }
      await Promise.allSettled([...running]);
      jobs.clear();
    },
  };
}
