import { setTimeout as sleep } from 'node:timers/promises';
import CircuitBreaker from 'opossum';
import { Pool } from 'undici';
import { GatewayError, type ErrorDetail } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';

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

export interface DownstreamTransportOptions {
  /** Names the service in error messages and logs, e.g. `airline` or `payment service`. */
  readonly name: string;
  /** e.g. `http://127.0.0.1:8090`; a path prefix is kept. */
  readonly baseUrl: string;
  /** Longest wait for one attempt (headers, and between body chunks); the deadline can make it shorter. */
  readonly timeoutMs: number;
  /** Further attempts after the first on network errors and 5xx, for idempotent calls only. */
  readonly retries: number;
  readonly logger?: Logger | undefined;
  /** Keep-alive connections to the service. @defaultValue 16 */
  readonly connections?: number | undefined;
  /** First backoff; doubled per retry, with jitter. @defaultValue 50 */
  readonly retryBackoffMs?: number | undefined;
  readonly breaker?: CircuitBreakerOptions | undefined;
  /** Headers sent with every call (e.g. an airline's Authorization), secrets already resolved. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /**
   * What `isReachable` asks: GET `path` below the base URL, answered 200 (or, with `anyStatus`,
   * any status below 500: an NDC endpoint that takes only POST still proves it is up).
   * @defaultValue `{ path: '/health' }`
   */
  readonly probe?: { readonly path: string; readonly anyStatus?: boolean } | undefined;
}

/** An answer below 500 with its JSON body (undefined when empty, or when the request sent a raw body). */
export interface DownstreamAnswer {
  readonly status: number;
  readonly body: unknown;
  /** The body as text; for raw (e.g. XML) exchanges the answer is read from here. */
  readonly text: string;
  /** The answer's Content-Type, when given. */
  readonly contentType?: string;
}

/** A body sent as it is (e.g. an NDC RQ); the answer is then not parsed as JSON. */
export interface RawBody {
  readonly body: string | Buffer;
  /** e.g. `application/xml; charset=utf-8`. */
  readonly contentType: string;
  /** Extra headers of this call, e.g. SOAPAction. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface DownstreamCallOptions {
  /** Sent as X-Correlation-ID so the service's logs join the gateway's. */
  readonly correlationId?: string | undefined;
  /** Epoch ms after which nobody waits for the answer; caps every attempt and the retries. */
  readonly deadline?: number | undefined;
  /** Aborts the call, e.g. when the queued job is abandoned. */
  readonly signal?: AbortSignal | undefined;
}

export interface DownstreamRequest<T> extends DownstreamCallOptions {
  readonly method: 'GET' | 'POST';
  /** Path below the base URL, starting with `/`. */
  readonly path: string;
  /** Sent as JSON; omitted when undefined. */
  readonly body?: unknown;
  /** Sent as it is instead of `body`; the answer reaches `read` as text. */
  readonly raw?: RawBody;
  /** Names the call in messages and logs, e.g. `offer.shop` or `authorise`. */
  readonly operation: string;
  /** Whether repeating the call after a lost answer does no harm; only then is it retried. */
  readonly idempotent: boolean;
  /**
   * Turns an answer below 500 into the result, or throws a GatewayError. It runs inside the
   * breaker: refusals (business or request errors) prove the service is up and do not count,
   * while INTERNAL_ERROR (a service that answers nonsense) does.
   */
  readonly read: (answer: DownstreamAnswer) => T;
}

/** JSON over HTTP to one downstream service, with the gateway's timeout, retry and breaker policy. */
export interface DownstreamTransport {
  /** Sends the request, retrying idempotent ones on transient failures, or throws a GatewayError. */
  send<T>(request: DownstreamRequest<T>): Promise<T>;
  /** GET /health answered 200 within a second (bypasses the breaker); see `probe`. */
  isReachable(): Promise<boolean>;
  /** The circuit breaker: `closed`, `open` or `half-open`. */
  breakerState(): 'closed' | 'open' | 'half-open';
  close(): Promise<void>;
}

/** A failed attempt that may be retried: the request may not have reached the service, or the service failed. */
export class TransientFailure extends GatewayError {
  constructor(message: string, cause?: unknown) {
    super('DOWNSTREAM_UNAVAILABLE', message, [], cause);
  }
}

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED']);

function errorCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown })?.code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}

/** The `{ error: { code, message, details } }` body downstream services answer failures with. */
export function readErrorBody(body: unknown): { code?: string; message?: string; details?: ErrorDetail[] } {
  const error = (body as { error?: unknown })?.error;
  if (typeof error !== 'object' || error === null) return {};
  const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof message === 'string' ? { message } : {}),
    ...(Array.isArray(details) ? { details: details.filter((d): d is ErrorDetail => typeof (d as ErrorDetail)?.message === 'string') } : {}),
  };
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The policy every downstream client shares: a keep-alive undici pool, a timeout per attempt
 * capped by the request deadline, retries with backoff for idempotent calls only, and an opossum
 * circuit breaker so a dead service is answered at once instead of tying up workers. Clients
 * add only their paths and how they read answers.
 */
export function createDownstreamTransport(options: DownstreamTransportOptions): DownstreamTransport {
  const origin = new URL(options.baseUrl);
  const basePath = origin.pathname.replace(/\/+$/, '');
  const pool = new Pool(origin.origin, { connections: options.connections ?? 16, keepAliveTimeout: 30_000, pipelining: 1 });
  const logger = options.logger;
  const backoffMs = options.retryBackoffMs ?? 50;
  const name = options.name;
  const Name = capitalise(name);

  async function attempt(request: DownstreamRequest<unknown>, timeoutMs: number): Promise<unknown> {
    // A timer cleared when the attempt ends: AbortSignal.timeout would leave one behind every call,
    // firing seconds later to build a DOMException for nobody.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    const forward = (): void => abort.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', forward, { once: true });
    try {
      return await exchange(request, timeoutMs, abort.signal);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', forward);
    }
  }

  async function exchange(request: DownstreamRequest<unknown>, timeoutMs: number, abort: AbortSignal): Promise<unknown> {
    const { operation } = request;
    const { raw } = request;
    const headers: Record<string, string> = { ...options.headers, accept: raw ? raw.contentType.split(';')[0]! : 'application/json', ...raw?.headers };
    if (request.correlationId !== undefined) headers['x-correlation-id'] = request.correlationId;
    let body: string | Buffer | undefined;
    if (raw) {
      body = raw.body;
      headers['content-type'] = raw.contentType;
    } else if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    let response;
    try {
      response = await pool.request({
        path: `${basePath}${request.path}`, method: request.method, body: body ?? null, signal: abort, headers,
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
    const header = response.headers['content-type'];
    const contentType = Array.isArray(header) ? header[0] : header;
    if (raw) {
      if (status >= 500) throw new TransientFailure(`${Name} answered ${status} for ${operation}`);
      return request.read({ status, body: undefined, text, ...(contentType ? { contentType } : {}) });
    }
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      if (status >= 500) throw new TransientFailure(`${Name} answered ${status} for ${operation}`);
      throw new GatewayError('INTERNAL_ERROR', `${Name} answered ${status} with a body that is not JSON for ${operation}`);
    }
    if (status >= 500) {
      const error = readErrorBody(json);
      throw new TransientFailure(`${Name} answered ${status} for ${operation}${error.message ? `: ${error.message}` : ''}`);
    }
    return request.read({ status, body: json, text, ...(contentType ? { contentType } : {}) });
  }

  function classifyNetworkError(error: unknown, signal: AbortSignal, timeoutMs: number): GatewayError {
    const code = errorCode(error);
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || signal.aborted) {
      return new GatewayError('DEADLINE_EXCEEDED', `The ${name} did not answer within ${timeoutMs} ms`, [], error);
    }
    if (code !== undefined && CONNECTION_ERRORS.has(code)) return new TransientFailure(`${Name} unreachable (${code})`, error);
    return new TransientFailure(`${Name} call failed: ${(error as Error)?.message ?? String(error)}`, error);
  }

  const breakerOptions = options.breaker ?? {};
  const breaker = new CircuitBreaker(attempt, {
    timeout: false,
    volumeThreshold: breakerOptions.volumeThreshold ?? 5,
    errorThresholdPercentage: breakerOptions.errorThresholdPercentage ?? 50,
    resetTimeout: breakerOptions.resetTimeoutMs ?? 5_000,
    rollingCountTimeout: breakerOptions.rollingWindowMs ?? 10_000,
    // Refusals and bad requests prove the service is up: they must not open the breaker; answers
    // that are nonsense (INTERNAL_ERROR, a schema-invalid NDC message) do.
    errorFilter: (error: unknown) => error instanceof GatewayError && !(error instanceof TransientFailure) && error.code !== 'DEADLINE_EXCEEDED'
      && error.code !== 'INTERNAL_ERROR' && error.code !== 'AIRLINE_RESPONSE_INVALID',
  });
  breaker.on('open', () => logger?.warn({ baseUrl: options.baseUrl }, `${name} circuit open`));
  breaker.on('halfOpen', () => logger?.info({ baseUrl: options.baseUrl }, `${name} circuit half-open`));
  breaker.on('close', () => logger?.info({ baseUrl: options.baseUrl }, `${name} circuit closed`));

  return {
    async send<T>(request: DownstreamRequest<T>): Promise<T> {
      const { operation } = request;
      // Made on first use: most calls succeed at the first attempt and log nothing.
      let child: Logger | undefined;
      const log = (): Logger | undefined => {
        if (logger && !child) child = logger.child({ ...(request.correlationId !== undefined ? { correlationId: request.correlationId } : {}), operation });
        return child;
      };
      const maxAttempts = request.idempotent ? options.retries + 1 : 1;
      const started = Date.now();
      for (let attemptNo = 1; ; attemptNo += 1) {
        const remaining = request.deadline === undefined ? Number.POSITIVE_INFINITY : request.deadline - Date.now();
        if (remaining <= 0) throw new GatewayError('DEADLINE_EXCEEDED', `The deadline passed before ${operation} could be sent to the ${name}`);
        if (request.signal?.aborted) throw new GatewayError('DEADLINE_EXCEEDED', `The ${operation} call was abandoned`);
        const timeoutMs = Math.max(1, Math.min(options.timeoutMs, remaining));
        try {
          const result = await breaker.fire(request, timeoutMs);
          if (logger?.isLevelEnabled('debug')) log()?.debug({ attempt: attemptNo, durationMs: Date.now() - started }, `${name} call done`);
          return result as T;
        } catch (error) {
          if ((error as { code?: unknown })?.code === 'EOPENBREAKER') {
            throw new GatewayError('DOWNSTREAM_UNAVAILABLE', `The ${name} is unavailable (circuit open after repeated failures)`, [], error);
          }
          if (!(error instanceof TransientFailure) || attemptNo >= maxAttempts) {
            if (error instanceof GatewayError && error.definition.kind !== 'business') log()?.warn({ attempt: attemptNo, code: error.code, reason: error.message }, `${name} call failed`);
            throw error;
          }
          const delay = Math.round(backoffMs * 2 ** (attemptNo - 1) * (0.5 + Math.random()));
          const left = request.deadline === undefined ? Number.POSITIVE_INFINITY : request.deadline - Date.now();
          if (delay >= left) throw error;
          log()?.info({ attempt: attemptNo, delayMs: delay, reason: error.message }, `retrying ${name} call`);
          await sleep(delay);
        }
      }
    },

    async isReachable() {
      const probe = options.probe ?? { path: '/health' };
      try {
        const response = await pool.request({
          path: `${basePath}${probe.path}`, method: 'GET', signal: AbortSignal.timeout(1000), headersTimeout: 1000, bodyTimeout: 1000,
          ...(options.headers ? { headers: { ...options.headers } } : {}),
        });
        await response.body.dump();
        return probe.anyStatus ? response.statusCode < 500 : response.statusCode === 200;
      } catch {
        return false;
      }
    },

    breakerState() {
      return breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed';
    },

    async close() {
      breaker.shutdown();
      await pool.close();
    },
  };
}
