import { Counter, Gauge, type Registry } from 'prom-client';

/** Prometheus metrics of notification delivery, in the registry of the process that delivers. */
export interface NotificationMetrics {
  /** One attempt: the notice type and `delivered`, `retry` or `dead`. */
  countAttempt(type: string, outcome: 'delivered' | 'retry' | 'dead'): void;
  /** Adds the metrics to the registry `/metrics` serves (the gateway's or the worker's). */
  register(registry: Registry): void;
}

/**
 * `ndc_notifications_total{type,outcome}` and `ndc_notifications_pending` (deliveries not yet
 * delivered nor dead, read from the table at scrape time; the same in every process).
 */
export function createNotificationMetrics(countPending: () => Promise<number>): NotificationMetrics {
  const attempts = new Counter({
    name: 'ndc_notifications_total',
    help: 'Notification attempts by notice type and outcome (delivered, retry, dead)',
    labelNames: ['type', 'outcome'] as const,
    registers: [],
  });
  const pending = new Gauge({
    name: 'ndc_notifications_pending',
    help: 'Notification deliveries still to be acknowledged (pending)',
    registers: [],
    aggregator: 'max',
    async collect() {
      try {
        this.set(await countPending());
      } catch {
        // The order store is away: no value; health reports the outage.
      }
    },
  });
  return {
    countAttempt(type, outcome) {
      attempts.inc({ type, outcome });
    },
    register(registry) {
      for (const metric of [attempts, pending]) registry.registerMetric(metric);
    },
  };
}
