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
 * Aggregator mode: one check per airline of AIRLINES_FILE, named `airline:<designator>`, that
 * passes while the airline answers its probe; the detail gives its breaker state.
 */
export function checkAirlines(connectors: readonly AirlineConnector[]): Record<string, HealthCheck> {
  return Object.fromEntries(connectors.map((connector) => [`airline:${connector.designator}`, async () => ({
    ok: await connector.isReachable(),
    detail: { kind: connector.kind, breaker: connector.breakerState() },
  })]));
}
