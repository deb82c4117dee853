import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { AirlineConnector } from './airline-connector.ts';

/** Prometheus metrics of the airlines behind the router, in the registry of the process that runs it. */
export interface AirlineMetrics {
  /** One call to an airline: its designator, the command, `ok`, `timeout` or the error code, and how long it took. */
  observeCall(airline: string, command: string, outcome: string, seconds: number): void;
  /** Adds the metrics to the registry `/metrics` serves (the gateway's or the worker's). */
  register(registry: Registry): void;
}

const BREAKER_VALUES = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Registers `ndc_airline_requests_total`, `ndc_airline_request_duration_seconds` and
 * `ndc_airline_breaker_state` (0 closed, 1 half-open, 2 open, read at each scrape). Label sets stay
 * bounded: airlines are those of AIRLINES_FILE, commands those of the contract, outcomes codes.
 */
export function createAirlineMetrics(connectors: readonly AirlineConnector[]): AirlineMetrics {
  const requests = new Counter({
    name: 'ndc_airline_requests_total',
    help: 'Calls to each airline of AIRLINES_FILE, by airline, command and outcome (ok, timeout or the error code)',
    labelNames: ['airline', 'command', 'outcome'] as const,
    registers: [],
  });
  const duration = new Histogram({
    name: 'ndc_airline_request_duration_seconds',
    help: 'Time each airline took to answer a command (or to fail), by airline and command',
    labelNames: ['airline', 'command'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [],
  });
  const breakers = new Gauge({
    name: 'ndc_airline_breaker_state',
    help: 'Circuit breaker of each airline: 0 closed, 1 half-open, 2 open',
    labelNames: ['airline'] as const,
    registers: [],
    collect() {
      for (const connector of connectors) this.set({ airline: connector.designator }, BREAKER_VALUES[connector.breakerState()]);
    },
  });
  return {
    observeCall(airline, command, outcome, seconds) {
      requests.inc({ airline, command, outcome });
      duration.observe({ airline, command }, seconds);
    },
    register(registry) {
      for (const metric of [requests, duration, breakers]) registry.registerMetric(metric);
    },
  };
}
