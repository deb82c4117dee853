import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one gateway process. Each instance owns its registry, so tests can build many. */
export interface GatewayMetrics {
  readonly registry: Registry;
  observeRequest(labels: { message: string; version: string; outcome: string }, seconds: number): void;
  observeStage(stage: string, seconds: number): void;
  countValidationFailure(labels: { message: string; version: string; direction: 'request' | 'response' }): void;
  /** One business rule finding in a request, by what the gateway did with it (`warn`, `refuse`). */
  countRuleFinding(labels: { rule: string; message: string; version: string; action: 'warn' | 'refuse' }): void;
}

/**
 * Label sets kept per metric. Each set is a time series held for the life of the process, and
 * label values come from requests: the pipeline passes only served message names, versions and
 * error codes (a few thousand combinations at most), and this keeps any other value from growing
 * the registry. Sets beyond it are counted with every label `other`.
 */
const MAX_LABEL_SETS = 5_000;

const OVERFLOW = 'other';

/** Passes label sets through until `max` distinct ones were seen, then maps new ones to `other`. */
function boundLabelSets<L extends Record<string, string>>(max: number): (labels: L) => L {
  const seen = new Set<string>();
  return (labels) => {
    const values = Object.values(labels);
    const key = values.join('\u0000');
    if (seen.has(key)) return labels;
    if (seen.size < max) {
      seen.add(key);
      return labels;
    }
    return Object.fromEntries(Object.keys(labels).map((name) => [name, OVERFLOW])) as L;
  };
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
  const ruleFindings = new Counter({
    name: 'ndc_rule_findings_total',
    help: 'Business rule findings in requests by rule, message, version and action (warn, refuse)',
    labelNames: ['rule', 'message', 'version', 'action'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'ndc_queue_depth',
    help: 'Commands waiting or running, per queue family',
    labelNames: ['family'] as const,
    registers: [registry],
    // Every gateway process reads the same queues: across a cluster the depth is one process's, not the sum.
    aggregator: 'max',
    async collect() {
      this.reset();
      try {
        for (const [family, depth] of Object.entries(await queueDepth())) this.set({ family }, depth);
      } catch {
        // A queue that cannot answer shows no depth; health reports the outage.
      }
    },
  });
  const requestLabels = boundLabelSets<{ message: string; version: string; outcome: string }>(MAX_LABEL_SETS);
  const stageLabels = boundLabelSets<{ stage: string }>(MAX_LABEL_SETS);
  const failureLabels = boundLabelSets<{ message: string; version: string; direction: string }>(MAX_LABEL_SETS);
  const ruleLabels = boundLabelSets<{ rule: string; message: string; version: string; action: string }>(MAX_LABEL_SETS);
  return {
    registry,
    observeRequest(labels, seconds) {
      const bounded = requestLabels(labels);
      requests.inc(bounded);
      latency.observe(bounded, seconds);
    },
    observeStage(stage, seconds) {
      stages.observe(stageLabels({ stage }), seconds);
    },
    countValidationFailure(labels) {
      validationFailures.inc(failureLabels(labels));
    },
    countRuleFinding(labels) {
      ruleFindings.inc(ruleLabels(labels));
    },
  };
}
