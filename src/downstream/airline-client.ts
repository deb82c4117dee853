import { ERROR_TABLE, GatewayError, type ErrorCode } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import { createDownstreamTransport, readErrorBody, type CircuitBreakerOptions, type DownstreamAnswer } from './downstream-transport.ts';

export type { CircuitBreakerOptions } from './downstream-transport.ts';

/** Commands that only read; repeating one after a lost answer does no harm, so they may be retried. */
export const IDEMPOTENT_COMMANDS: ReadonlySet<string> = new Set(['offer.shop', 'offer.price', 'service.list', 'seat.availability', 'order.rules']);

export interface AirlineCallOptions {
  /** Sent as X-Correlation-ID so the airline's logs join the gateway's. */
  readonly correlationId: string;
  /** Epoch ms after which nobody waits for the answer; caps every attempt and the retries. */
  readonly deadline?: number;
  /** Aborts the call, e.g. when the queued job is abandoned. */
  readonly signal?: AbortSignal;
}

export interface AirlineClient {
  /** POSTs the command to `/v1/<command>` and returns the result JSON, or throws a GatewayError. */
  call(command: string, payload: unknown, options: AirlineCallOptions): Promise<unknown>;
  /** GET /health answered 200 within a second (bypasses the breaker). */
  isReachable(): Promise<boolean>;
  close(): Promise<void>;
}

export interface AirlineClientOptions {
  /** e.g. `http://127.0.0.1:8090`. */
  readonly baseUrl: string;
  /** Longest wait for one attempt (headers, and between body chunks); the deadline can make it shorter. */
  readonly timeoutMs: number;
  /** Further attempts after the first on network errors and 5xx, for idempotent commands only. */
  readonly retries: number;
  readonly logger?: Logger;
  /** Keep-alive connections to the airline. @defaultValue 16 */
  readonly connections?: number;
  /** First backoff; doubled per retry, with jitter. @defaultValue 50 */
  readonly retryBackoffMs?: number;
  readonly breaker?: CircuitBreakerOptions;
}

const BUSINESS_CODES = new Set(Object.entries(ERROR_TABLE).filter(([, d]) => d.kind === 'business').map(([code]) => code));

/** The airline's answers: 200 is the result, 422 a business refusal with a gateway code, 400 a command that breaks its schema. */
function readAirlineAnswer(command: string, { status, body }: DownstreamAnswer): unknown {
  if (status === 200) return body;
  const error = readErrorBody(body);
  if (status === 422 && error.code && BUSINESS_CODES.has(error.code)) {
    throw new GatewayError(error.code as ErrorCode, error.message, error.details ?? []);
  }
  if (status === 422) throw new GatewayError('INVALID_BUSINESS_DATA', error.message ?? `Airline refused ${command}`, error.details ?? []);
  if (status === 400) throw new GatewayError('INVALID_COMMAND', error.message ?? `Airline rejected the ${command} command`, error.details ?? []);
  throw new GatewayError('INTERNAL_ERROR', `Airline answered ${status} for ${command}${error.message ? `: ${error.message}` : ''}`);
}

/**
 * HTTP client for the airline's command API. Pooling, deadlines, retries of idempotent reads and
 * the circuit breaker come from the shared downstream transport.
 */
export function createAirlineClient(options: AirlineClientOptions): AirlineClient {
  const transport = createDownstreamTransport({ name: 'airline', ...options });
  return {
    call(command, payload, callOptions) {
      return transport.send({
        method: 'POST', path: `/v1/${command}`, body: payload, operation: command, idempotent: IDEMPOTENT_COMMANDS.has(command),
        correlationId: callOptions.correlationId, deadline: callOptions.deadline, signal: callOptions.signal,
        read: (answer) => readAirlineAnswer(command, answer),
      });
    },
    isReachable: () => transport.isReachable(),
    close: () => transport.close(),
  };
}
