import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiClient } from '../auth/index.ts';
import { GatewayError } from '../errors/index.ts';
import type { Admission, ClientLimiter } from '../limits/client-limiter.ts';

/** Answers a request refused at admission, in the route's own format (NDC XML, or JSON for the REST API). */
export type Refuse = (req: Request, res: Response, error: GatewayError) => void;

/** Runs `done` once the response is over: sent, or its connection gone. */
function whenOver(res: Response, done: () => void): void {
  let over = false;
  const end = (): void => {
    if (over) return;
    over = true;
    done();
  };
  res.once('finish', end);
  res.once('close', end);
}

/**
 * A refusal answered before the body is read closes the connection, rather than leave Node to
 * read and drop a body of up to BODY_LIMIT that nobody wants.
 */
function closeIfBodyUnread(req: Request, res: Response): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.readableEnded) res.setHeader('Connection', 'close');
}

/**
 * The RateLimit-Policy and RateLimit fields of the IETF draft (draft-ietf-httpapi-ratelimit-headers):
 * `"per-second";q=10;w=1` with `"per-second";r=9;t=1`, and `"concurrent";q=4;qu="concurrent-requests"`
 * with `"concurrent";r=3`.
 */
export function rateLimitFields(admission: Admission): { 'RateLimit-Policy': string; RateLimit: string } | undefined {
  const policies: string[] = [];
  const limits: string[] = [];
  if (admission.rate) {
    policies.push(`"per-second";q=${admission.rate.limit};w=1`);
    limits.push(`"per-second";r=${admission.rate.remaining};t=1`);
  }
  if (admission.concurrency) {
    policies.push(`"concurrent";q=${admission.concurrency.limit};qu="concurrent-requests"`);
    limits.push(`"concurrent";r=${admission.concurrency.remaining}`);
  }
  return policies.length > 0 ? { 'RateLimit-Policy': policies.join(', '), RateLimit: limits.join(', ') } : undefined;
}

function describeExceeded(client: ApiClient, admission: Admission): string {
  return admission.exceeded === 'concurrency'
    ? `Client ${client.id} is over its limit of ${admission.concurrency!.limit} requests in flight`
    : `Client ${client.id} is over its limit of ${admission.rate!.limit} requests per second`;
}

export interface ClientLimitsOptions {
  /** The client a request counts against; undefined leaves it to the route (which refuses a wrong key itself). */
  clientOf(req: Request): ApiClient | undefined;
  readonly refuse: Refuse;
}

/**
 * Admits a request against its client's limits before its body is read. Every answer to a limited
 * client carries the RateLimit fields; a refusal is 429 RATE_LIMITED with Retry-After. An admitted
 * request counts as in flight until its response is over.
 */
export function limitClients(limiter: ClientLimiter, options: ClientLimitsOptions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const client = options.clientOf(req);
    if (!client?.limits) {
      next();
      return;
    }
    const admission = limiter.admit(client);
    const fields = rateLimitFields(admission);
    if (fields) res.set(fields);
    if (!admission.admitted) {
      res.setHeader('Retry-After', String(admission.retryAfterSeconds ?? 1));
      closeIfBodyUnread(req, res);
      req.log.info({ clientId: client.id, exceeded: admission.exceeded }, 'request refused: the client is over its limits');
      options.refuse(req, res, new GatewayError('RATE_LIMITED', describeExceeded(client, admission), [
        { message: `Retry after ${admission.retryAfterSeconds ?? 1} s; RateLimit-Policy gives the limits` },
      ]));
      return;
    }
    whenOver(res, () => admission.release());
    next();
  };
}

/**
 * One cap on the requests a gateway process has in flight, shared by every route it guards (each
 * with its own way to refuse). Over it the answer is 503 GATEWAY_BUSY with Retry-After, given
 * before authentication and before the body is read, let alone decoded: an overloaded process
 * spends nothing on a request it cannot take.
 */
export function createInFlightCap(max: number): (refuse: Refuse) => RequestHandler {
  let inFlight = 0;
  return (refuse) => (req: Request, res: Response, next: NextFunction): void => {
    if (inFlight >= max) {
      res.setHeader('Retry-After', '1');
      closeIfBodyUnread(req, res);
      req.log.warn({ inFlight, max }, 'request refused: as many requests in flight as the gateway takes');
      refuse(req, res, new GatewayError('GATEWAY_BUSY', `The gateway has ${max} requests in flight, as many as it takes`, [{ message: 'Retry after 1 s' }]));
      return;
    }
    inFlight += 1;
    whenOver(res, () => { inFlight -= 1; });
    next();
  };
}
