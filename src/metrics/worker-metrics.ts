import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one worker process (`npm run worker`). */
export interface WorkerMetrics {
  readonly registry: Registry;
  /** One job that ran to an answer: its command, `ok` or the error code, and how long the handler took. */
  observeJob(command: string, outcome: string, seconds: number): void;
}

/**
 * @param commands the commands this process has handlers for; a job named otherwise (read from
 * Redis, so anything) is counted as `other`, which keeps the label sets bounded.
 */
export function createWorkerMetrics(commands: readonly string[]): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const known = new Set(commands);
  const jobs = new Counter({
    name: 'ndc_worker_jobs_total',
    help: 'Command jobs run by this worker process, by command and outcome (ok or the error code)',
    labelNames: ['command', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'ndc_worker_job_duration_seconds',
    help: 'Time a command handler took, by command and outcome',
    labelNames: ['command', 'outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    registry,
    observeJob(command, outcome, seconds) {
      const labels = { command: known.has(command) ? command : 'other', outcome: /^[A-Z_]{1,40}$|^ok$/.test(outcome) ? outcome : 'other' };
      jobs.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}
