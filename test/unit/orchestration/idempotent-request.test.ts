import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/errors/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { deriveOrderId, FinalFailure, requestHash, requireClient, runIdempotent, stableJson } from '../../../src/orchestration/idempotent-request.ts';
import type { ClaimResult, OrderStore } from '../../../src/orders/order-store.ts';

const logger = createLogger('silent');

/** Just the idempotency part of the store, in memory, with the same answers as the SQL one. */
function keyStore(): OrderStore & { rows: Map<string, { owner: string; hash: string; state: string; response?: string; orderId?: string }> } {
  const rows = new Map<string, { owner: string; hash: string; state: string; response?: string; orderId?: string }>();
  const unused = (): never => { throw new Error('not used'); };
  return {
    rows,
    async claim(key, owner, hash): Promise<ClaimResult> {
      const row = rows.get(key);
      if (!row || (row.state === 'released' && row.owner === owner && row.hash === hash)) {
        rows.set(key, { owner, hash, state: 'in-progress', ...(row?.orderId ? { orderId: row.orderId } : {}) });
        return row?.orderId ? { state: 'claimed', orderId: row.orderId } : { state: 'claimed' };
      }
      if (row.owner !== owner || row.hash !== hash) return { state: 'mismatch' };
      if (row.state === 'completed') return { state: 'completed', response: row.response ?? '' };
      return { state: 'in-progress' };
    },
    async complete(key, response, orderId) {
      const row = rows.get(key);
      if (row) rows.set(key, { ...row, state: 'completed', response, ...(orderId ? { orderId } : {}) });
    },
    async release(key) {
      const row = rows.get(key);
      if (row?.orderId) rows.set(key, { ...row, state: 'released' });
      else rows.delete(key);
    },
    migrate: unused, create: unused, get: unused, findByBookingReference: unused, update: unused, updateFrom: unused, list: unused, history: unused,
    purgeExpiredKeys: unused, expiredHolds: unused, ownerOf: unused, recordAudit: unused, auditTrail: unused, resealPersonalData: unused, sql: unused, close: async () => {},
  };
}

const request = (payload: unknown, clientId = 'c1') => ({ key: 'order.create:k1', clientId, payload, ttlMs: undefined, logger });

describe('runIdempotent', () => {
  it('runs once and answers a replay from the stored answer', async () => {
    const store = keyStore();
    let runs = 0;
    const work = async () => { runs += 1; return { result: { n: runs }, orderId: 'O1' }; };
    expect(await runIdempotent(store, request({ a: 1 }), work)).toEqual({ n: 1 });
    expect(await runIdempotent(store, request({ a: 1 }), work)).toEqual({ n: 1 });
    expect(runs).toBe(1);
    expect(store.rows.get('order.create:k1')?.orderId).toBe('O1');
  });

  it('refuses another body or another client under the key, and a request still running', async () => {
    const store = keyStore();
    let finish: () => void = () => {};
    const running = runIdempotent<string>(store, request({ a: 1 }), () => new Promise<{ result: string }>((resolve) => { finish = () => resolve({ result: 'done' }); }));
    await expect(runIdempotent(store, request({ a: 1 }), async () => ({ result: 'again' }))).rejects.toMatchObject({ code: 'REQUEST_IN_PROGRESS' });
    await expect(runIdempotent(store, request({ a: 2 }), async () => ({ result: 'other' }))).rejects.toMatchObject({ code: 'INVALID_BUSINESS_DATA' });
    await expect(runIdempotent(store, request({ a: 1 }, 'c2'), async () => ({ result: 'other' }))).rejects.toMatchObject({ code: 'INVALID_BUSINESS_DATA' });
    finish();
    expect(await running).toBe('done');
  });

  it('frees the key after a failure, so the request can run again', async () => {
    const store = keyStore();
    await expect(runIdempotent(store, request({ a: 1 }), async () => { throw new GatewayError('PAYMENT_DECLINED'); })).rejects.toMatchObject({ code: 'PAYMENT_DECLINED' });
    expect(store.rows.has('order.create:k1')).toBe(false);
    expect(await runIdempotent(store, request({ a: 1 }), async () => ({ result: 'second try' }))).toBe('second try');
  });

  it('stores a final failure as the answer and throws it again on replay', async () => {
    const store = keyStore();
    const final = new GatewayError('DOWNSTREAM_UNAVAILABLE', 'issuing failed; order cancelled');
    await expect(runIdempotent(store, request({ a: 1 }), async () => { throw new FinalFailure(final); })).rejects.toBe(final);
    const replay = runIdempotent(store, request({ a: 1 }), async () => ({ result: 'never' }));
    await expect(replay).rejects.toMatchObject({ code: 'DOWNSTREAM_UNAVAILABLE', message: 'issuing failed; order cancelled' });
  });

  it('hands the work the order an earlier attempt made', async () => {
    const store = keyStore();
    store.rows.set('order.create:k1', { owner: 'c1', hash: requestHash({ a: 1 }), state: 'released', orderId: 'O7' });
    expect(await runIdempotent(store, request({ a: 1 }), async (claim) => ({ result: claim.orderId }))).toBe('O7');
  });

  it('leaves the answer alone when the work stored it with its last write', async () => {
    const store = keyStore();
    const completed: string[] = [];
    const complete = store.complete.bind(store);
    store.complete = async (key, response, orderId) => { completed.push(response); await complete(key, response, orderId); };

    expect(await runIdempotent(store, request({ a: 1 }), async () => ({ result: 'stored by the work', orderId: 'O1', answered: true }))).toBe('stored by the work');
    expect(await runIdempotent(store, { ...request({ a: 2 }), key: 'order.create:k2' }, async () => ({ result: 'stored here', orderId: 'O2' }))).toBe('stored here');

    expect(completed).toEqual(['"stored here"']);
  });
});

describe('request identity', () => {
  it('hashes equal payloads alike whatever the key order', () => {
    expect(stableJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 3 } })).toBe('{"a":{"c":3,"d":[2,{"e":0,"f":1}]},"b":1}');
    expect(requestHash({ a: 1, b: 2 })).toBe(requestHash({ b: 2, a: 1 }));
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
  });

  it('derives one NCName-safe order id per client and key', () => {
    const id = deriveOrderId('client-a', 'agency:msg-1');
    expect(id).toMatch(/^ORD[A-Z2-9]{17}$/);
    expect(deriveOrderId('client-a', 'agency:msg-1')).toBe(id);
    expect(deriveOrderId('client-b', 'agency:msg-1')).not.toBe(id);
    expect(deriveOrderId('client-a', 'agency:msg-2')).not.toBe(id);
  });

  it('needs an authenticated client', () => {
    const meta = { correlationId: 'c', version: '21.3', message: 'OrderCreateRQ', deadline: 0 };
    expect(() => requireClient(meta)).toThrow(expect.objectContaining({ code: 'AUTH_REQUIRED' }));
    expect(requireClient({ ...meta, clientId: 'tmc-1' })).toBe('tmc-1');
  });
});

describe('requestHash of a retried request that carries a card', () => {
  it('is the same although the payment service tokenised the card again (regression: replays were refused as key reuse)', () => {
    const first = { offerId: 'OF1', payment: { card: { token: 'tok_aaa', maskedNumber: '************1111', expiry: '12/30' } } };
    const retry = { offerId: 'OF1', payment: { card: { token: 'tok_bbb', maskedNumber: '************1111', expiry: '12/30' } } };
    expect(requestHash(retry)).toBe(requestHash(first));
    const otherCard = { offerId: 'OF1', payment: { card: { token: 'tok_ccc', maskedNumber: '************4444', expiry: '12/30' } } };
    expect(requestHash(otherCard)).not.toBe(requestHash(first));
  });
});
