import type { OrderStore } from '../orders/order-store.ts';
import type { HousekeepingJob } from './housekeeping-job.ts';

/** Keys deleted per statement, and statements per run at most, so a run never holds a connection long. */
const PURGE_BATCH = 1000;
const PURGE_BATCHES = 20;

/**
 * `idempotency.purge`: deletes idempotency keys past their retention (IDEMPOTENCY_TTL_MS). Each
 * key holds the whole answer of its request, so without it the table grows with every write.
 */
export function createIdempotencyPurgeJob(deps: { readonly store: OrderStore; readonly everyMs: number }): HousekeepingJob {
  return {
    name: 'idempotency.purge',
    everyMs: deps.everyMs,
    async run() {
      let purged = 0;
      for (let batch = 0; batch < PURGE_BATCHES; batch++) {
        const count = await deps.store.purgeExpiredKeys(PURGE_BATCH);
        purged += count;
        if (count < PURGE_BATCH) break;
      }
      return { purged };
    },
  };
}
