import type { AirlineConnector } from '../airlines/airline-connector.ts';
import type { DownstreamClients } from '../downstream/index.ts';
import type { LazyOrderStore } from '../orders/index.ts';
import type { HealthCheck } from './health-report.ts';

/** Passes until the process starts to stop, so load balancers send it no more work meanwhile. */
export function checkRunning(stopping: () => boolean): HealthCheck {
  return async () => (stopping() ? { ok: false, detail: 'stopping' } : { ok: true });
}

/** The airline and the payment service answer their health endpoints. */
export function checkDownstreams(downstreams: DownstreamClients): HealthCheck {
  return async () => {
    const [airlineUp, paymentUp] = await Promise.all([downstreams.airline.isReachable(), downstreams.payment.isReachable()]);
    return {
      ok: airlineUp && paymentUp,
      detail: { airline: { url: downstreams.airlineUrl, reachable: airlineUp }, payment: { url: downstreams.paymentUrl, reachable: paymentUp } },
    };
  };
}

/** The order store is open and migrated; while it is not, how many attempts failed and why the last one did. */
export function checkOrderStore(store: LazyOrderStore, kind: 'postgresql' | 'pglite'): HealthCheck {
  return async () => {
    const opening = store.opening();
    return { ok: opening.open, detail: { store: kind, ...opening } };
  };
}

/** At least one worker consumes each command family's queue, so a command sent now gets an answer. */
export function checkWorkers(workerCounts: () => Promise<Record<string, number>>): HealthCheck {
  return async () => {
    const consuming = await workerCounts();
    const counts = Object.values(consuming);
    return { ok: counts.length > 0 && counts.every((count) => count > 0), detail: { consuming } };
  };
}

/**
 * Aggregator mode: one check, `airlines`, that passes while at least one airline of AIRLINES_FILE
 * answers its probe, so one airline's outage (answered around with a warning) does not take the
 * aggregator out of its load balancer. The detail gives each airline's reachability and breaker.
 */
export function checkAirlines(connectors: readonly AirlineConnector[]): Record<string, HealthCheck> {
  return {
    airlines: async () => {
      const states = await Promise.all(connectors.map(async (connector) => [connector.designator, {
        kind: connector.kind, reachable: await connector.isReachable(), breaker: connector.breakerState(),
      }] as const));
      return { ok: states.some(([, state]) => state.reachable), detail: Object.fromEntries(states) };
    },
  };
}
