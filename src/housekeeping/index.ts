export type { HousekeepingContext, HousekeepingCounts, HousekeepingJob } from './housekeeping-job.ts';
export { createHousekeepingJobs, type HousekeepingDeps } from './housekeeping-jobs.ts';
export { createHousekeepingMetrics, type HousekeepingMetrics } from './housekeeping-metrics.ts';
export { HOUSEKEEPING_QUEUE, startHousekeeping, type HousekeepingRunner, type HousekeepingRunnerOptions } from './housekeeping-runner.ts';
export { createHoldExpiryJob } from './hold-expiry.job.ts';
export { createIdempotencyPurgeJob } from './idempotency-purge.job.ts';
export { createAirlineChangeDefaultJob } from './airline-change-default.job.ts';
