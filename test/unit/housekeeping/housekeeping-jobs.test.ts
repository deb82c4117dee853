import { describe, expect, it } from 'vitest';
import { createHousekeepingJobs, startHousekeeping } from '../../../src/housekeeping/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import type { OrderStore } from '../../../src/orders/order-store.ts';

const logger = createLogger('silent');

describe('the housekeeping registry', () => {
  it('holds each job once, named, at the interval its setting gives', () => {
    const jobs = createHousekeepingJobs({
      config: { holdExpirySweepMs: 1234, idempotencyPurgeMs: 0, airlineChangeSweepMs: 5678 }, store: {} as OrderStore, expireHold: async () => 'expired',
      airlineChangeDefaults: { run: async () => ({ accepted: 0, refunded: 0, failed: 0 }) },
    });

    expect(jobs.map((job) => [job.name, job.everyMs])).toEqual([['holds.expire', 1234], ['idempotency.purge', 0], ['airline-changes.default', 5678]]);
  });

  it('refuses two jobs of one name, which would share one schedule', async () => {
    const job = { name: 'same', everyMs: 0, run: async () => undefined };

    await expect(startHousekeeping({ jobs: [job, job], prefix: 'unused', logger })).rejects.toMatchObject({ code: 'INTERNAL_ERROR' });
  });
});
