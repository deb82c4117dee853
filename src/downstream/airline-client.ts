import { setTimeout as sleep } from 'node:timers/promises';
import CircuitBreaker from 'opossum';
import { Pool } from 'undici';
import { ERROR_TABLE, GatewayError, type ErrorCode, type ErrorDetail } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';

/** Commands that only read; repeating one after a lost answer does no harm, so they may be retried. */
export const IDEMPOTENT_COMMANDS: ReadonlySet<string> = new Set(['offer.shop', 'offer.price', 'service.list', 'seat.availability']);

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

export interface CircuitBreakerOptions {
  /** Attempts in the rolling window before the breaker may open. @defaultValue 5 */
  readonly volumeThreshold?: number;
  /** Share of failed attempts, in percent, above which it opens. @defaultValue 50 */
  readonly errorThresholdPercentage?: number;
  /** Time open before one trial call is let through (half-open). @defaultValue 5000 */
  readonly resetTimeoutMs?: number;
  /** Length of the window failures are counted in. @defaultValue 10000 */
  readonly rollingWindowMs?: number;
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

/** A failed attempt that may be retried: the request may not have reached the airline, or the airline failed. */
class TransientFailure extends GatewayError {
  constructor(message: string, cause?: unknown) {
    super('DOWNSTREAM_UNAVAILABLE', message, [], cause);
  }
}

const BUSINESS_CODES = new Set(Object.entries(ERROR_TABLE).filter(([, d]) => d.kind === 'business').map(([code]) => code));

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED']);

function errorCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown })?.code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}

function readErrorBody(body: unknown): { code?: string; message?: string; details?: ErrorDetail[] } {
  const error = (body as { error?: unknown })?.error;
  if (typeof error !== 'object' || error === null) return {};
  const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof message === 'string' ? { message } : {}),
    ...(Array.isArray(details) ? { details: details.filter((d): d is ErrorDetail => typeof (d as ErrorDetail)?.message === 'string') } : {}),
  };
}

/**
 * HTTP client for the airline's command API: a keep-alive undici pool, a timeout per attempt
 * capped by the request deadline, retries with backoff for idempotent reads, and an opossum
 * circuit breaker so a dead airline is answered at once instead of tying up workers.
 */
export function createAirlineClient(options: AirlineClientOptions): AirlineClient {
  const origin = new URL(options.baseUrl);
  const basePath = origin.pathname.replace(/\/+$/, '');
  const pool = new Pool(origin.origin, { connections: options.connections ?? 16, keepAliveTimeout: 30_000, pipelining: 1 });
  const logger = options.logger;
  const backoffMs = options.retryBackoffMs ?? 50;

  async function attempt(command: string, body: string, correlationId: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<unknown> {
    const timer = AbortSignal.timeout(timeoutMs);
    const abort = signal ? AbortSignal.any([timer, signal]) : timer;
    let response;
    try {
      response = await pool.request({
        path: `${basePath}/v1/${command}`, method: 'POST', body, signal: abort,
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-correlation-id': correlationId },
        headersTimeout: timeoutMs, bodyTimeout: timeoutMs,
      });
    } catch (error) {
      throw classifyNetworkError(error, abort, timeoutMs);
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw classifyNetworkError(error, abort, timeoutMs);
    }
    const status = response.statusCode;
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      if (status >= 500) throw new TransientFailure(`Airline answered ${status} for ${command}`);
      throw new GatewayError('INTERNAL_ERROR', `Airline answered ${status} with a body that is not JSON for ${command}`);
    }
    if (status === 200) return json;
    const error = readErrorBody(json);
    if (status >= 500) throw new TransientFailure(`Airline answered ${status} for ${command}${error.message ? `: ${error.message}` : ''}`);
    if (status === 422 && error.code && BUSINESS_CODES.has(error.code)) {
      throw new GatewayError(error.code as ErrorCode, error.message, error.details ?? []);
    }
    if (status === 422) throw new GatewayError('INVALID_BUSINESS_DATA', error.message ?? `Airline refused ${command}`, error.details ?? []);
    if (status === 400) throw new GatewayError('INVALID_COMMAND', error.message ?? `Airline rejected the ${command} command`, error.details ?? []);
    throw new GatewayError('INTERNAL_ERROR', `Airline answered ${status} for ${command}${error.message ? `: ${error.message}` : ''}`);
  }

  function classifyNetworkError(error: unknown, signal: AbortSignal, timeoutMs: number): GatewayError {
    const code = errorCode(error);
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || signal.aborted) {
      return new GatewayError('DEADLINE_EXCEEDED', `The airline did not answer within ${timeoutMs} ms`, [], error);
    }
    if (code !== undefined && CONNECTION_ERRORS.has(code)) return new TransientFailure(`Airline unreachable (${code})`, error);
    return new TransientFailure(`Airline call failed: ${(error as Error)?.message ?? String(error)}`, error);
  }

  const breakerOptions = options.breaker ?? {};
  const breaker = new CircuitBreaker(attempt, {
    timeout: false,
    volumeThreshold: breakerOptions.volumeThreshold ?? 5,
    errorThresholdPercentage: breakerOptions.errorThresholdPercentage ?? 50,
    resetTimeout: breakerOptions.resetTimeoutMs ?? 5_000,
    rollingCountTimeout: breakerOptions.rollingWindowMs ?? 10_000,
    // Refusals and bad commands prove the airline is up: they must not open the breaker.
    errorFilter: (error: unknown) => error instanceof GatewayError && !(error instanceof TransientFailure) && error.code !== 'DEADLINE_EXCEEDED' && error.code !== 'INTERNAL_ERROR',
  });
  breaker.on('open', () => logger?.warn({ baseUrl: options.baseUrl }, 'airline circuit open'));
  breaker.on('halfOpen', () => logger?.info({ baseUrl: options.baseUrl }, 'airline circuit half-open'));
  breaker.on('close', () => logger?.info({ baseUrl: options.baseUrl }, 'airline circuit closed'));

  return {
    async call(command, payload, callOptions) {
      const log = logger?.child({ correlationId: callOptions.correlationId, command });
      const body = JSON.stringify(payload);
      const maxAttempts = IDEMPOTENT_COMMANDS.has(command) ? options.retries + 1 : 1;
      const started = Date.now();
      for (let attemptNo = 1; ; attemptNo += 1) {
        const remaining = callOptions.deadline === undefined ? Number.POSITIVE_INFINITY : callOptions.deadline - Date.now();
        if (remaining <= 0) throw new GatewayError('DEADLINE_EXCEEDED', `The deadline passed before ${command} could be sent to the airline`);
        if (callOptions.signal?.aborted) throw new GatewayError('DEADLINE_EXCEEDED', `The ${command} call was abandoned`);
        const timeoutMs = Math.max(1, Math.min(options.timeoutMs, remaining));
        try {
          const result = await breaker.fire(command, body, callOptions.correlationId, timeoutMs, callOptions.signal);
          log?.debug({ attempt: attemptNo, durationMs: Date.now() - started }, 'airline call done');
          return result;
        } catch (error) {
          if ((error as { code?: unknown })?.code === 'EOPENBREAKER') {
            throw new GatewayError('DOWNSTREAM_UNAVAILABLE', 'The airline is unavailable (circuit open after repeated failures)', [], error);
          }
          if (!(error instanceof TransientFailure) || attemptNo >= maxAttempts) {
            if (error instanceof GatewayError && error.definition.kind !== 'business') log?.warn({ attempt: attemptNo, code: error.code, reason: error.message }, 'airline call failed');
            throw error;
          }
          const delay = Math.round(backoffMs * 2 ** (attemptNo - 1) * (0.5 + Math.random()));
          const left = callOptions.deadline === undefined ? Number.POSITIVE_INFINITY : callOptions.deadline - Date.now();
          if (delay >= left) throw error;
          log?.info({ attempt: attemptNo, delayMs: delay, reason: error.message }, 'retrying airline call');
          await sleep(delay);
        }
      }
    },

    async isReachable() {
      try {
        const response = await pool.request({ path: `${basePath}/health`, method: 'GET', signal: AbortSignal.timeout(1000), headersTimeout: 1000, bodyTimeout: 1000 });
        await response.body.dump();
        return response.statusCode === 200;
      } catch {
        return false;
      }
    },

    async close() {
      breaker.shutdown();
      await pool.close();
    },
  };
}
