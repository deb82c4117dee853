import { Counter, Histogram, type Registry } from 'prom-client';
import type { HousekeepingCounts } from './housekeeping-job.ts';

/** Prometheus metrics of the housekeeping jobs run by this process. */
export interface HousekeepingMetrics {
  /** One run of a job: `ok` or `failed`, how long it took, and what it counted. */
  observeRun(job: string, outcome: 'ok' | 'failed', seconds: number, counts: HousekeepingCounts): void;
}

/** Registers the metrics on the process's registry (the gateway's or the worker's /metrics). */
export function createHousekeepingMetrics(registry?: Registry): HousekeepingMetrics {
  const registers = registry ? [registry] : [];
  const runs = new Counter({
    name: 'ndc_housekeeping_runs_total',
    help: 'Runs of housekeeping jobs in this process, by job and outcome (ok or failed)',
    labelNames: ['job', 'outcome'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'ndc_housekeeping_run_duration_seconds',
    help: 'Time a housekeeping job run took, by job',
    labelNames: ['job'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60],
    registers,
  });
  const items = new Counter({
    name: 'ndc_housekeeping_items_total',
    help: 'What housekeeping jobs did, by job and outcome (e.g. holds.expire expired, idempotency.purge purged)',
    labelNames: ['job', 'outcome'] as const,
    registers,
  });
  return {
    observeRun(job, outcome, seconds, counts) {
      runs.inc({ job, outcome });
      duration.observe({ job }, seconds);
      for (const [name, count] of Object.entries(counts)) if (count > 0) items.inc({ job, outcome: name }, count);
    },
  };
}
