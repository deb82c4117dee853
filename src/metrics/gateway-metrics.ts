import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one gateway process. Each instance owns its registry, so tests can build many. */
export interface GatewayMetrics {
  readonly registry: Registry;
  observeRequest(labels: { message: string; version: string; outcome: string }, seconds: number): void;
  observeStage(stage: string, seconds: number): void;
  countValidationFailure(labels: { message: string; version: string; direction: 'request' | 'response' }): void;
}

/** @param queueDepth read at scrape time, so the gauge shows the depth now, not at the last request. */
export function createGatewayMetrics(queueDepth: () => Promise<Record<string, number>>): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'ndc_requests_total',
    help: 'NDC requests by message, version and outcome',
    labelNames: ['message', 'version', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'ndc_request_duration_seconds',
    help: 'End-to-end NDC request latency by message, version and outcome',
    labelNames: ['message', 'version', 'outcome'] as const,
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const stages = new Histogram({
    name: 'ndc_stage_duration_seconds',
    help: 'Time spent in each pipeline stage',
    labelNames: ['stage'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1],
    registers: [registry],
  });
  const validationFailures = new Counter({
    name: 'ndc_validation_failures_total',
    help: 'XSD validation failures by message, version and direction',
    labelNames: ['message', 'version', 'direction'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'ndc_queue_depth',
    help: 'Commands waiting or running, per queue family',
    labelNames: ['family'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const [family, depth] of Object.entries(await queueDepth())) this.set({ family }, depth);
      } catch {
        // A queue that cannot answer shows no depth; health reports the outage.
      }
    },
  });
  return {
    registry,
    observeRequest(labels, seconds) {
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
    observeStage(stage, seconds) {
      stages.observe({ stage }, seconds);
    },
    countValidationFailure(labels) {
      validationFailures.inc(labels);
    },
  };
}
