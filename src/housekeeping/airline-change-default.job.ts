import type { AirlineChangeDefaultsRun, AirlineChangeDefaultsReport } from '../orchestration/index.ts';
import type { HousekeepingJob } from './housekeeping-job.ts';

/** Orders acted on per run at most; the rest wait for the next tick. */
const ORDERS_PER_RUN = 100;

/**
 * `airline-changes.default`: airline changes the seller did not answer by their action time limit
 * get their default action (src/orchestration/airline-change-defaults.ts): ACCEPT keeps the new
 * itinerary, CANCEL cancels the flights hit and refunds them in full.
 */
export function createAirlineChangeDefaultJob(deps: {
  readonly defaults: { run(options?: AirlineChangeDefaultsRun): Promise<AirlineChangeDefaultsReport> };
  readonly everyMs: number;
}): HousekeepingJob {
  return {
    name: 'airline-changes.default',
    everyMs: deps.everyMs,
    async run({ logger, now }) {
      const report = await deps.defaults.run({ now: now(), logger, limit: ORDERS_PER_RUN });
      return { ...report };
    },
  };
}
