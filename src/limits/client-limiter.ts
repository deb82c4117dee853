import type { ApiClient } from '../auth/index.ts';

/** What a limited client has left under one of its limits, for the RateLimit header fields. */
export interface LimitReading {
  readonly limit: number;
  /** Whole requests left: in the token bucket, or below the in-flight limit. */
  readonly remaining: number;
}

/** Where a client stands after one request asked to be admitted. */
export interface Admission {
  readonly admitted: boolean;
  /** The limit that refused the request. */
  readonly exceeded?: 'rate' | 'concurrency';
  /** Seconds after which a refused request may be sent again. */
  readonly retryAfterSeconds?: number;
  /** Requests per second, when the client has that limit. */
  readonly rate?: LimitReading;
  /** Requests in flight, when the client has that limit. */
  readonly concurrency?: LimitReading;
  /** Ends an admitted request; the second and later calls do nothing. */
  release(): void;
}

/** Per-client admission: requests per second and requests in flight, as CLIENTS_FILE declares them. */
export interface ClientLimiter {
  admit(client: ApiClient): Admission;
}

/** The whole state of one limited client: a token bucket and a count, whatever the traffic. */
interface ClientState {
  tokens: number;
  refilledAt: number;
  inFlight: number;
}

const UNLIMITED: Admission = Object.freeze({ admitted: true, release: () => {} });

/**
 * A token bucket per client for requests per second (it holds one second's worth, so a client may
 * burst to its limit and is then paced), and a count of its requests in flight. Memory is three
 * numbers per limited client, and clients are the fixed set of CLIENTS_FILE. A refused request
 * takes no token. `now` is in milliseconds from a monotonic clock.
 */
export function createClientLimiter(now: () => number = () => performance.now()): ClientLimiter {
  const states = new Map<string, ClientState>();
  return {
    admit(client) {
      const { requestsPerSecond: rate, concurrentRequests: concurrency } = client.limits ?? {};
      if (rate === undefined && concurrency === undefined) return UNLIMITED;
      const at = now();
      let state = states.get(client.id);
      if (!state) {
        state = { tokens: rate ?? 0, refilledAt: at, inFlight: 0 };
        states.set(client.id, state);
      }
      if (rate !== undefined) {
        state.tokens = Math.min(rate, state.tokens + ((at - state.refilledAt) / 1000) * rate);
        state.refilledAt = at;
      }
      let refusal: { exceeded: 'rate' | 'concurrency'; retryAfterSeconds: number } | undefined;
      if (concurrency !== undefined && state.inFlight >= concurrency) {
        // No clock says when a request in flight ends; one second is the hint.
        refusal = { exceeded: 'concurrency', retryAfterSeconds: 1 };
      } else if (rate !== undefined && state.tokens < 1) {
        refusal = { exceeded: 'rate', retryAfterSeconds: Math.max(1, Math.ceil((1 - state.tokens) / rate)) };
      } else {
        if (rate !== undefined) state.tokens -= 1;
        state.inFlight += 1;
      }
      const admitted = refusal === undefined;
      const current = state;
      let released = !admitted;
      return {
        admitted,
        ...refusal,
        ...(rate !== undefined ? { rate: { limit: rate, remaining: Math.floor(state.tokens) } } : {}),
        ...(concurrency !== undefined ? { concurrency: { limit: concurrency, remaining: Math.max(0, concurrency - state.inFlight) } } : {}),
        release() {
          if (released) return;
          released = true;
          current.inFlight -= 1;
        },
      };
    },
  };
}
