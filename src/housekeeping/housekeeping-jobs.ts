import type { Config } from '../config/config.ts';
import type { AirlineChangeDefaultsReport, AirlineChangeDefaultsRun, ExpireHold } from '../orchestration/index.ts';
import type { OrderStore } from '../orders/order-store.ts';
import { createAirlineChangeDefaultJob } from './airline-change-default.job.ts';
import { createHoldExpiryJob } from './hold-expiry.job.ts';
import type { HousekeepingJob } from './housekeeping-job.ts';
import { createIdempotencyPurgeJob } from './idempotency-purge.job.ts';

/** What the jobs are built from. */
export interface HousekeepingDeps {
  readonly config: Pick<Config, 'holdExpirySweepMs' | 'idempotencyPurgeMs' | 'airlineChangeSweepMs'>;
  readonly store: OrderStore;
  readonly expireHold: ExpireHold;
  /** The default action of unanswered airline changes (createAirlineChangeDefaults). */
  readonly airlineChangeDefaults: { run(options?: AirlineChangeDefaultsRun): Promise<AirlineChangeDefaultsReport> };
}

/**
 * The registry of scheduled jobs: adding a job is one line here (a `HousekeepingJob` with its
 * name, interval and run); the runner schedules them all alike.
 */
export function createHousekeepingJobs(deps: HousekeepingDeps): HousekeepingJob[] {
  return [
    createHoldExpiryJob({ store: deps.store, expireHold: deps.expireHold, everyMs: deps.config.holdExpirySweepMs }),
    createIdempotencyPurgeJob({ store: deps.store, everyMs: deps.config.idempotencyPurgeMs }),
    createAirlineChangeDefaultJob({ defaults: deps.airlineChangeDefaults, everyMs: deps.config.airlineChangeSweepMs }),
  ];
}
