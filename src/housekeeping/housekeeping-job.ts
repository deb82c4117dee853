import type { Logger } from '../log/logger.ts';

/** What a job run is given. */
export interface HousekeepingContext {
  /** Carries the run's correlation id (`housekeeping:<job>:<run>`). */
  readonly logger: Logger;
  readonly correlationId: string;
  /** The clock the job compares time limits with; tests move it. */
  readonly now: () => Date;
}

/**
 * What a run did, as counts by outcome (e.g. `{ expired: 2, changed: 1 }`): logged when any is
 * above zero and added to `ndc_housekeeping_items_total{job, outcome}`.
 */
export type HousekeepingCounts = Readonly<Record<string, number>>;

/**
 * A scheduled job, as data: the runner schedules every job of the registry (housekeeping-jobs.ts)
 * the same way. With Redis a run happens once per tick across all processes; without it, on a
 * timer of this process.
 */
export interface HousekeepingJob {
  /** Stable: it names the BullMQ job scheduler, the logs and the metrics (`holds.expire`). */
  readonly name: string;
  /** Interval between runs, in milliseconds; 0 or less: the job does not run (its scheduler is removed). */
  readonly everyMs: number;
  /** One run. A throw is logged and counted; the next tick runs it again. */
  run(context: HousekeepingContext): Promise<HousekeepingCounts | void>;
}
