import { createHash } from 'node:crypto';
import { GatewayError, gatewayErrorFromJSON } from '../errors/index.ts';
import type { Logger } from '../log/logger.ts';
import type { Order } from '../orders/one-order.ts';
import type { OrderStore } from '../orders/order-store.ts';
import type { CommandMeta } from '../queue/command-queue.ts';

/**
 * JSON with object keys sorted, so equal payloads hash alike whatever order their keys came in.
 * With `withoutTokens`, card tokens are left out: the payment service issues a new token each time
 * the same card is sent, so a retried request would otherwise never look like its first attempt.
 */
export function stableJson(value: unknown, withoutTokens = false): string {
  return JSON.stringify(value, (key, v: unknown) => {
    if (withoutTokens && key === 'token') return undefined;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What the store compares to tell a replay from another request reusing the key. */
export function requestHash(payload: unknown): string {
  return sha256(stableJson(payload, true));
}

const ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * The order id of a create request, derived from its owner and idempotency key. Every attempt
 * of the same request gets the same id, so the payment reference and the airline booking of a
 * re-run after a crash are the ones the first attempt made. Upper-case letters and digits only,
 * so it is an XML NCName.
 */
export function deriveOrderId(clientId: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${clientId}\n${idempotencyKey}`).digest();
  let id = 'ORD';
  for (let i = 0; i < 17; i += 1) id += ID_ALPHABET[(digest[i] ?? 0) % ID_ALPHABET.length];
  return id;
}

/** Orders belong to a client: without one there is no owner to scope them to. */
export function requireClient(meta: CommandMeta): string {
  if (meta.clientId === undefined || meta.clientId === '') throw new GatewayError('AUTH_REQUIRED', 'Orders need an authenticated client');
  return meta.clientId;
}

/**
 * A failure that is the request's answer for good: it is stored under the idempotency key, so a
 * replay gets it again instead of running again (e.g. the order was made, then had to be cancelled).
 */
export class FinalFailure extends Error {
  readonly error: GatewayError;

  constructor(error: GatewayError) {
    super(error.message);
    this.name = 'FinalFailure';
    this.error = error;
  }
}

export interface IdempotentRequest {
  /** `<command>:<idempotency key>`; commands keep their keys apart. */
  readonly key: string;
  readonly clientId: string;
  readonly payload: unknown;
  readonly ttlMs: number | undefined;
  readonly logger: Logger;
  /** The id of the order the request creates, if it creates one; see ClaimedRequest.order. */
  readonly orderId?: string;
}

/** What `work` gets from the claim: the order an earlier attempt of the same request created, if any. */
export interface ClaimedRequest {
  readonly orderId?: string;
  /**
   * The record of that order. Also set without `orderId` when the order the request creates
   * (IdempotentRequest.orderId) is there although the key's answer expired: the same request made it.
   */
  readonly order?: Order;
}

/** What `work` did: its answer, the order it is about, and whether its last write stored the answer under the key. */
export interface WorkDone<T> {
  readonly result: T;
  readonly orderId?: string;
  /** The answer was stored with the work's last write (OrderStore UpdateOptions.complete), so it is not stored again. */
  readonly answered?: boolean;
}

/**
 * Runs `work` at most once per idempotency key at a time, the way every order write runs:
 * - the key's answer exists: returned again (a stored failure is thrown again);
 * - another attempt holds the key: REQUEST_IN_PROGRESS;
 * - the key was used by another client or for another body: INVALID_BUSINESS_DATA;
 * - else `work` runs; its answer is stored. A failure releases the key so the request can be sent
 *   again, unless it is a FinalFailure, which is stored like an answer.
 */
export async function runIdempotent<T>(
  store: OrderStore,
  request: IdempotentRequest,
  work: (claim: ClaimedRequest) => Promise<WorkDone<T>>,
): Promise<T> {
  const { key, logger } = request;
  const claim = await store.claim(key, request.clientId, requestHash(request.payload), request.ttlMs, request.orderId);
  if (claim.state === 'completed') {
    logger.info({ idempotencyKey: key, orderId: claim.orderId }, 'request replayed');
    const answer = JSON.parse(claim.response) as { error?: unknown };
    if (answer.error !== undefined) throw gatewayErrorFromJSON(answer.error);
    return answer as T;
  }
  if (claim.state === 'in-progress') throw new GatewayError('REQUEST_IN_PROGRESS');
  if (claim.state === 'mismatch') {
    throw new GatewayError('INVALID_BUSINESS_DATA', 'The idempotency key was already used for another request', [{ message: 'idempotency key reused', path: '/idempotencyKey' }]);
  }
  try {
    const { result, orderId, answered } = await work({
      ...(claim.orderId === undefined ? {} : { orderId: claim.orderId }), ...(claim.order === undefined ? {} : { order: claim.order }),
    });
    if (answered) return result;
    await store.complete(key, JSON.stringify(result), orderId).catch((error: unknown) => {
      // The work is done; a replay after the lease finds the order (or its history) and answers from it.
      logger.warn({ idempotencyKey: key, err: error }, 'answer not stored for replays');
    });
    return result;
  } catch (error) {
    if (error instanceof FinalFailure) {
      await store.complete(key, JSON.stringify({ error: error.error.toJSON() })).catch((failure: unknown) => {
        logger.warn({ idempotencyKey: key, err: failure }, 'final failure not stored for replays');
      });
      throw error.error;
    }
    await store.release(key).catch((failure: unknown) => {
      logger.warn({ idempotencyKey: key, err: failure }, 'idempotency key not released; it frees itself when its lease runs out');
    });
    throw error;
  }
}
