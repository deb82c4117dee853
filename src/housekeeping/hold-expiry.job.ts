import type { ExpireHold } from '../orchestration/index.ts';
import type { OrderStore } from '../orders/order-store.ts';
import type { HousekeepingJob } from './housekeeping-job.ts';

/** Holds cancelled per run at most; the rest wait for the next tick. */
const HOLDS_PER_RUN = 200;

/**
 * `holds.expire`: orders held without payment (OPENED, no successful payment, no document)
 * past their payment time limit are cancelled and their seats released at the airline, with the
 * event `order.hold-expired` (the store writes the `order.hold_expired` notice with it). Safe with
 * several processes: each hold is cancelled over the version found (see createHoldExpiry).
 */
export function createHoldExpiryJob(deps: { readonly store: OrderStore; readonly expireHold: ExpireHold; readonly everyMs: number }): HousekeepingJob {
  return {
    name: 'holds.expire',
    everyMs: deps.everyMs,
    async run({ logger, correlationId, now }) {
      const holds = await deps.store.expiredHolds(now().toISOString(), HOLDS_PER_RUN);
      const counts = { expired: 0, changed: 0, kept: 0, failed: 0 };
      for (const hold of holds) {
        try {
          counts[await deps.expireHold(hold, { correlationId, logger })] += 1;
        } catch (error) {
          // One hold the airline cannot release now does not stop the others; it is found again next tick.
          counts.failed += 1;
          logger.warn({ err: error, orderId: hold.orderId }, 'expired hold not released; trying again next tick');
        }
      }
      return counts;
    },
  };
}
