import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError, type ErrorCode } from '../../../src/errors/index.ts';
import { cancelOrderItem, type NewEvent, type Order, type OrderStore } from '../../../src/orders/index.ts';
import { buildNewOrder } from '../../unit/orders/order-fixtures.ts';
import {
  sleep,
  startPgHarness,
  startPgliteHarness,
  uniqueSchema,
  type HarnessFactory,
  type StoreHarness,
} from './order-store-fixtures.ts';

async function codeOf(promise: Promise<unknown>): Promise<ErrorCode | 'resolved' | 'other'> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return error instanceof GatewayError ? error.code : 'other';
  }
}

/** The contract of the OrderStore port; every adapter must pass it unchanged. */
describe.each<[string, HarnessFactory]>([
  ['postgresql', startPgHarness],
  ['pglite', startPgliteHarness],
])('OrderStore contract (%s)', (_adapter, startHarness) => {
  let harness: StoreHarness;
  let store: OrderStore;
  let schema: string;
  const schemas: string[] = [];
  const stores: OrderStore[] = [];
  let owner: string;

  function open(schemaName: string, options: { idempotencyLeaseMs?: number; keyPurgeIntervalMs?: number } = {}): OrderStore {
    const opened = harness.open(schemaName, options);
    stores.push(opened);
    if (!schemas.includes(schemaName)) schemas.push(schemaName);
    return opened;
  }

  function created(clientId = owner): NewEvent {
    return { type: 'order.created', clientId, correlationId: `corr-${randomUUID()}`, data: { channel: 'NDC', version: '21.3' } };
  }

  async function createOrder(overrides: Parameters<typeof buildNewOrder>[1] = {}): Promise<Order> {
    return store.create(buildNewOrder(owner, overrides), { event: created() });
  }

  beforeAll(async () => {
    harness = await startHarness();
    schema = uniqueSchema();
    store = open(schema);
    await store.migrate();
  });

  afterAll(async () => {
    for (const opened of stores) await opened.close();
    for (const name of schemas) await harness.dropSchema(name);
    await harness.close();
  });

  beforeEach(() => {
    owner = `client-${randomUUID()}`;
  });

  describe('migrations', () => {
    it('migrating again changes nothing', async () => {
      const before = await harness.sql(`SELECT version, name, applied_at FROM "${schema}".schema_migrations ORDER BY version`);

      await store.migrate();

      expect(before).toEqual([expect.objectContaining({ version: 1, name: 'init' }), expect.objectContaining({ version: 2, name: 'records_uncompressed' })]);
      expect(await harness.sql(`SELECT version, name, applied_at FROM "${schema}".schema_migrations ORDER BY version`)).toEqual(before);
    });

    it('two stores migrating the same new schema at once both succeed and apply each migration once', async () => {
      const fresh = uniqueSchema();
      const first = open(fresh);
      const second = open(fresh);

      await Promise.all([first.migrate(), second.migrate()]);

      expect(await harness.sql(`SELECT version FROM "${fresh}".schema_migrations ORDER BY version`)).toEqual([{ version: 1 }, { version: 2 }]);
      const order = await second.create(buildNewOrder(owner), { event: created() });
      expect(await first.get(order.orderId, owner)).toEqual(order);
    });
  });

  describe('storage', () => {
    it('keeps a record and an answer of a few KB inline and uncompressed, so writes spend no CPU on compression', async () => {
      const k = `${owner}:MSG-${randomUUID()}`;
      await store.claim(k, owner, 'hash-1');
      const order = await store.create(buildNewOrder(owner), { event: created(), idempotencyKey: k });
      await store.complete(k, JSON.stringify({ order }), order.orderId);

      expect(JSON.stringify(order).length).toBeGreaterThan(3000);
      expect(await harness.sql(`SELECT pg_column_compression(record) AS method FROM "${schema}".orders WHERE order_id = $1`, [order.orderId])).toEqual([{ method: null }]);
      expect(await harness.sql(`SELECT pg_column_compression(response) AS method FROM "${schema}".idempotency_keys WHERE key = $1`, [k])).toEqual([{ method: null }]);
    });
  });

  describe('create, get and history', () => {
    it('stores the record as version 1 with a booking reference and its first event', async () => {
      const input = buildNewOrder(owner);
      const event = created();

      const order = await store.create(input, { event });

      expect(order).toEqual({ ...input, bookingReference: expect.stringMatching(/^[A-Z0-9]{6}$/), version: 1, createdAt: expect.any(String), updatedAt: order.createdAt });
      expect(Date.parse(order.createdAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(await store.get(order.orderId, owner)).toEqual(order);
      expect(await store.history(order.orderId, owner)).toEqual([
        { orderId: order.orderId, seq: 1, type: 'order.created', at: order.createdAt, clientId: owner, correlationId: event.correlationId, version: 1, data: event.data },
      ]);
    });

    it('finds an order by booking reference, whatever the case', async () => {
      const order = await createOrder({ bookingReference: 'qz' + randomUUID().replace(/-/g, '').slice(0, 4).toUpperCase() });

      expect(order.bookingReference).toMatch(/^QZ[A-Z0-9]{4}$/);
      expect(await store.findByBookingReference(order.bookingReference.toLowerCase(), owner)).toEqual(order);
      expect(await store.findByBookingReference('ZZZZZZ', owner)).toBeUndefined();
    });

    it('refuses a booking reference that is taken and an order id that exists, writing nothing', async () => {
      const order = await createOrder();

      await expect(codeOf(createOrder({ bookingReference: order.bookingReference }))).resolves.toBe('INTERNAL_ERROR');
      await expect(codeOf(createOrder({ orderId: order.orderId }))).resolves.toBe('INTERNAL_ERROR');
      expect(await store.list(owner)).toHaveLength(1);
      expect(await store.history(order.orderId, owner)).toHaveLength(1);
    });

    it('answers undefined for an unknown order and ORDER_NOT_FOUND for its history', async () => {
      expect(await store.get('ORD-unknown', owner)).toBeUndefined();
      await expect(codeOf(store.history('ORD-unknown', owner))).resolves.toBe('ORDER_NOT_FOUND');
    });
  });

  describe('ownership', () => {
    it('another client can neither see nor change an order', async () => {
      const order = await createOrder();
      const other = `client-${randomUUID()}`;

      expect(await store.get(order.orderId, other)).toBeUndefined();
      expect(await store.findByBookingReference(order.bookingReference, other)).toBeUndefined();
      expect(await store.list(other)).toEqual([]);
      await expect(codeOf(store.history(order.orderId, other))).resolves.toBe('ORDER_NOT_FOUND');
      await expect(codeOf(store.update(order.orderId, other, 1, (o) => ({ ...o, paymentTimeLimit: '2030-01-01T00:00:00Z' }), created(other))))
        .resolves.toBe('ORDER_NOT_FOUND');
      expect(await store.get(order.orderId, owner)).toEqual(order);
      expect(await store.history(order.orderId, owner)).toHaveLength(1);
    });
  });

  describe('update', () => {
    it('writes the next version with its event', async () => {
      const order = await createOrder();
      const event: NewEvent = { type: 'order.item-cancelled', clientId: owner, correlationId: 'corr-2', data: { orderItemId: 'ITEM2' } };

      const updated = await store.update(order.orderId, owner, 1, (o) => cancelOrderItem(o, 'ITEM2'), event);

      expect(updated.version).toBe(2);
      expect(updated.items[1]?.status).toBe('CANCELLED');
      expect(updated.items[1]?.services[0]?.delivery.status).toBe('CANCELLED');
      expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(order.updatedAt));
      expect(updated.createdAt).toBe(order.createdAt);
      expect(await store.get(order.orderId, owner)).toEqual(updated);
      expect((await store.history(order.orderId, owner)).map((e) => [e.seq, e.type, e.version, e.data])).toEqual([
        [1, 'order.created', 1, { channel: 'NDC', version: '21.3' }],
        [2, 'order.item-cancelled', 2, { orderItemId: 'ITEM2' }],
      ]);
    });

    it('accepts an async change and no expected version', async () => {
      const order = await createOrder();

      const updated = await store.update(order.orderId, owner, undefined, async (o) => ({ ...o, paymentTimeLimit: '2026-06-02T12:00:00Z' }), created());

      expect(updated).toMatchObject({ version: 2, paymentTimeLimit: '2026-06-02T12:00:00Z' });
    });

    it('refuses a stale version with ORDER_VERSION_CONFLICT and writes nothing', async () => {
      const order = await createOrder();
      const v2 = await store.update(order.orderId, owner, 1, (o) => ({ ...o, paymentTimeLimit: '2026-06-02T12:00:00Z' }), created());
      let called = false;

      const code = await codeOf(store.update(order.orderId, owner, 1, (o) => { called = true; return { ...o, status: 'CLOSED' }; }, created()));

      expect(code).toBe('ORDER_VERSION_CONFLICT');
      expect(called).toBe(false);
      expect(await store.get(order.orderId, owner)).toEqual(v2);
      expect(await store.history(order.orderId, owner)).toHaveLength(2);
    });

    it('of 20 concurrent updates from the same version exactly one wins', async () => {
      const order = await createOrder();

      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, n) =>
        store.update(order.orderId, owner, 1, async (o) => {
          await sleep(5);
          return { ...o, paymentTimeLimit: `2026-06-${String(n + 1).padStart(2, '0')}T12:00:00Z` };
        }, { type: 'order.changed', clientId: owner, data: { writer: n } })));

      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost.map((r) => (r.reason as GatewayError).code)).toEqual(Array(19).fill('ORDER_VERSION_CONFLICT'));
      const stored = await store.get(order.orderId, owner);
      expect(stored).toEqual(won[0]?.value);
      expect(stored?.version).toBe(2);
      const history = await store.history(order.orderId, owner);
      expect(history).toHaveLength(2);
      expect(history[1]?.data).toEqual({ writer: results.findIndex((r) => r.status === 'fulfilled') });
    });

    it('refuses a change to the order id, owner, booking reference or creation time', async () => {
      const order = await createOrder();

      await expect(codeOf(store.update(order.orderId, owner, 1, (o) => ({ ...o, ownerClientId: 'someone-else' }), created()))).resolves.toBe('INTERNAL_ERROR');
      await expect(codeOf(store.update(order.orderId, owner, 1, (o) => ({ ...o, bookingReference: 'AAAAAA' }), created()))).resolves.toBe('INTERNAL_ERROR');
      expect(await store.get(order.orderId, owner)).toEqual(order);
    });

    it('refuses a change that breaks the schema and keeps the stored version', async () => {
      const order = await createOrder();

      const code = await codeOf(store.update(order.orderId, owner, 1, (o) => ({ ...o, status: 'PAID' as never }), created()));

      expect(code).toBe('INTERNAL_ERROR');
      expect(await store.get(order.orderId, owner)).toEqual(order);
    });
  });

  describe('updateFrom (the caller holds the stored record)', () => {
    const key = (): string => `${owner}:MSG-${randomUUID()}`;

    it('writes the next version with its event, and refuses a record that is no longer the stored version', async () => {
      const order = await createOrder();
      const event: NewEvent = { type: 'order.item-cancelled', clientId: 'internal-actor', correlationId: 'corr-2', data: { orderItemId: 'ITEM2' } };

      const updated = await store.updateFrom(order, (o) => cancelOrderItem(o, 'ITEM2'), event);
      const stale = await codeOf(store.updateFrom(order, (o) => ({ ...o, paymentTimeLimit: '2030-01-01T00:00:00Z' }), created()));

      expect(updated).toMatchObject({ version: 2, items: [expect.anything(), expect.objectContaining({ status: 'CANCELLED' }), expect.anything()] });
      expect(stale).toBe('ORDER_VERSION_CONFLICT');
      expect(await store.get(order.orderId, owner)).toEqual(updated);
      expect((await store.history(order.orderId, owner)).map((e) => [e.seq, e.type, e.clientId, e.correlationId, e.version, e.data])).toEqual([
        [1, 'order.created', owner, expect.any(String), 1, { channel: 'NDC', version: '21.3' }],
        [2, 'order.item-cancelled', 'internal-actor', 'corr-2', 2, { orderItemId: 'ITEM2' }],
      ]);
    });

    it('stores the answer built from the new version under the key with the change', async () => {
      const k = key();
      await store.claim(k, owner, 'hash-1');
      const order = await store.create(buildNewOrder(owner), { event: created(), idempotencyKey: k });

      const updated = await store.updateFrom(order, (o) => ({ ...o, paymentTimeLimit: '2030-01-01T00:00:00Z' }), created(), {
        complete: { key: k, response: (next) => `<OrderViewRS version="${next.version}"/>` },
      });

      expect(updated.version).toBe(2);
      expect(await store.claim(k, owner, 'hash-1')).toEqual({ state: 'completed', orderId: order.orderId, response: '<OrderViewRS version="2"/>' });
    });

    it('leaves the key in progress when the change loses to another writer', async () => {
      const k = key();
      await store.claim(k, owner, 'hash-1');
      const order = await store.create(buildNewOrder(owner), { event: created(), idempotencyKey: k });
      await store.update(order.orderId, owner, 1, (o) => ({ ...o, paymentTimeLimit: '2030-01-01T00:00:00Z' }), created());

      const code = await codeOf(store.updateFrom(order, (o) => o, created(), { complete: { key: k, response: () => '<never/>' } }));

      expect(code).toBe('ORDER_VERSION_CONFLICT');
      expect(await store.claim(k, owner, 'hash-1')).toEqual({ state: 'in-progress' });
      expect(await store.history(order.orderId, owner)).toHaveLength(2);
    });
  });

  describe('list', () => {
    it('filters by status, surname, booking reference and creation time, newest first, with paging', async () => {
      // Apart by a few milliseconds, so creation times order them.
      const first = await createOrder();
      await sleep(5);
      const second = await createOrder({ passengers: [{ paxId: 'PAX1', ptc: 'ADT', givenName: 'Zoë', surname: 'Ødegaard' }] });
      await sleep(5);
      const third = await store.update((await createOrder()).orderId, owner, 1, (o) => ({ ...o, status: 'CLOSED' }), created());
      const ids = (summaries: readonly { orderId: string }[]): string[] => summaries.map((s) => s.orderId);

      expect(ids(await store.list(owner))).toEqual([third.orderId, second.orderId, first.orderId]);
      expect(ids(await store.list(owner, { status: 'CLOSED' }))).toEqual([third.orderId]);
      expect(ids(await store.list(owner, { status: 'OPENED' }))).toEqual([second.orderId, first.orderId]);
      expect(ids(await store.list(owner, { paxSurname: 'weber' }))).toEqual([third.orderId, first.orderId]);
      expect(ids(await store.list(owner, { paxSurname: 'ødegaard' }))).toEqual([second.orderId]);
      expect(ids(await store.list(owner, { bookingReference: first.bookingReference.toLowerCase() }))).toEqual([first.orderId]);
      expect(ids(await store.list(owner, { createdFrom: second.createdAt }))).toEqual([third.orderId, second.orderId]);
      expect(ids(await store.list(owner, { createdTo: second.createdAt }))).toEqual([first.orderId]);
      expect(ids(await store.list(owner, { limit: 1, offset: 1 }))).toEqual([second.orderId]);
      expect(await store.list(owner, { paxSurname: 'Ødegaard' })).toEqual([{
        orderId: second.orderId, bookingReference: second.bookingReference, status: 'OPENED', version: 1,
        createdAt: second.createdAt, updatedAt: second.updatedAt, totalPrice: second.totalPrice,
        passengers: [{ paxId: 'PAX1', ptc: 'ADT', givenName: 'Zoë', surname: 'Ødegaard' }],
      }]);
    });
  });

  describe('event history is append-only', () => {
    it.each([
      ['UPDATE', (s: string) => `UPDATE "${s}".order_events SET type = 'forged' WHERE order_id = $1`],
      ['DELETE', (s: string) => `DELETE FROM "${s}".order_events WHERE order_id = $1`],
    ])('the database refuses %s of an event', async (_op, statement) => {
      const order = await createOrder();
      const before = await store.history(order.orderId, owner);

      await expect(harness.sql(statement(schema), [order.orderId])).rejects.toThrow(/append-only/);

      expect(await store.history(order.orderId, owner)).toEqual(before);
    });

    it('the database refuses TRUNCATE of the events', async () => {
      await createOrder();

      await expect(harness.sql(`TRUNCATE "${schema}".order_events CASCADE`)).rejects.toThrow(/append-only/);
    });
  });

  describe('idempotency keys', () => {
    const key = (): string => `${owner}:MSG-${randomUUID()}`;

    it('of 20 concurrent claims of one key exactly one is claimed, the others are in progress', async () => {
      const k = key();

      const results = await Promise.all(Array.from({ length: 20 }, () => store.claim(k, owner, 'hash-1')));

      expect(results.filter((r) => r.state === 'claimed')).toHaveLength(1);
      expect(results.filter((r) => r.state === 'in-progress')).toHaveLength(19);
    });

    it('a completed key replays the stored response and order', async () => {
      const k = key();
      await store.claim(k, owner, 'hash-1');
      const order = await store.create(buildNewOrder(owner), { event: created(), idempotencyKey: k });
      await store.complete(k, '<OrderViewRS>…</OrderViewRS>', order.orderId);

      const replays = await Promise.all([store.claim(k, owner, 'hash-1'), store.claim(k, owner, 'hash-1')]);

      expect(replays).toEqual(Array(2).fill({ state: 'completed', orderId: order.orderId, response: '<OrderViewRS>…</OrderViewRS>' }));
    });

    it('the same key with another body, or from another client, is a mismatch', async () => {
      const k = key();
      await store.claim(k, owner, 'hash-1');

      expect(await store.claim(k, owner, 'hash-2')).toEqual({ state: 'mismatch' });
      expect(await store.claim(k, 'client-other', 'hash-1')).toEqual({ state: 'mismatch' });
      await store.complete(k, '<done/>');
      expect(await store.claim(k, owner, 'hash-2')).toEqual({ state: 'mismatch' });
      expect(await store.claim(k, owner, 'hash-1')).toEqual({ state: 'completed', response: '<done/>' });
    });

    it('release lets the next claim win, even with another body', async () => {
      const k = key();
      await store.claim(k, owner, 'hash-1');

      await store.release(k);

      expect(await store.claim(k, owner, 'hash-2')).toEqual({ state: 'claimed' });
      expect(await store.claim(k, owner, 'hash-2')).toEqual({ state: 'in-progress' });
    });

    it('after a failure past order creation the retry learns the order and cannot create a second one', async () => {
      const k = key();
      await store.claim(k, owner, 'hash-1');
      const order = await store.create(buildNewOrder(owner), { event: created(), idempotencyKey: k });
      await store.release(k);

      expect(await store.claim(k, owner, 'hash-2')).toEqual({ state: 'mismatch' });
      expect(await store.claim(k, owner, 'hash-1')).toEqual({ state: 'claimed', orderId: order.orderId, order });
      await expect(codeOf(store.create(buildNewOrder(owner), { event: created(), idempotencyKey: k }))).resolves.toBe('REQUEST_IN_PROGRESS');
      expect(await store.list(owner)).toHaveLength(1);
    });

    it('creating with a key that was never claimed writes nothing', async () => {
      const input = buildNewOrder(owner);

      await expect(codeOf(store.create(input, { event: created(), idempotencyKey: key() }))).resolves.toBe('REQUEST_IN_PROGRESS');

      expect(await store.get(input.orderId, owner)).toBeUndefined();
    });

    it('a claim whose lease ran out can be taken over by the same request only', async () => {
      const shortLease = open(schema, { idempotencyLeaseMs: 50 });
      const k = key();
      await shortLease.claim(k, owner, 'hash-1');
      await sleep(120);

      expect(await shortLease.claim(k, owner, 'hash-2')).toEqual({ state: 'mismatch' });
      expect(await shortLease.claim(k, owner, 'hash-1')).toEqual({ state: 'claimed' });
      expect(await shortLease.claim(k, owner, 'hash-1')).toEqual({ state: 'in-progress' });
    });

    it('an expired key is free for a new request', async () => {
      const k = key();
      await store.claim(k, owner, 'hash-1', 50);
      await store.complete(k, '<old/>');
      await sleep(120);

      expect(await store.claim(k, owner, 'hash-2')).toEqual({ state: 'claimed' });
    });

    it('a claim naming the order the request creates finds it after the key expired, and only the owner\'s', async () => {
      const k = key();
      await store.claim(k, owner, 'hash-1', 50);
      const order = await store.create(buildNewOrder(owner), { event: created(), idempotencyKey: k });
      await store.complete(k, '<old/>', order.orderId);
      await sleep(120);

      expect(await store.claim(k, `client-${randomUUID()}`, 'hash-1', undefined, order.orderId)).toEqual({ state: 'claimed' });
      await store.release(k);
      expect(await store.claim(k, owner, 'hash-1', undefined, order.orderId)).toEqual({ state: 'claimed', order });
      expect(await store.claim(key(), owner, 'hash-1', undefined, 'ORD-not-created')).toEqual({ state: 'claimed' });
    });

    it('expired keys are deleted, oldest first and never a live one; the order of a deleted key is still found', async () => {
      const own = open(uniqueSchema(), { keyPurgeIntervalMs: 0 });
      await own.migrate();
      const [old, older, live] = [key(), key(), key()];
      await own.claim(older, owner, 'hash-1', 40);
      const order = await own.create(buildNewOrder(owner), { event: created(), idempotencyKey: older });
      await own.complete(older, '<OrderViewRS/>', order.orderId);
      await sleep(10);
      await own.claim(old, owner, 'hash-1', 40);
      await own.claim(live, owner, 'hash-1');
      await sleep(100);

      expect(await own.purgeExpiredKeys(1)).toBe(1);
      expect(await own.claim(live, owner, 'hash-1')).toEqual({ state: 'in-progress' });
      expect(await own.purgeExpiredKeys(10)).toBe(1);
      expect(await own.purgeExpiredKeys(10)).toBe(0);
      expect(await own.claim(live, owner, 'hash-1')).toEqual({ state: 'in-progress' });
      expect(await own.claim(older, owner, 'hash-1', undefined, order.orderId)).toEqual({ state: 'claimed', order });
    });

    it('deletes expired keys on its own timer once migrated', async () => {
      const own = open(uniqueSchema(), { keyPurgeIntervalMs: 30 });
      await own.migrate();
      const k = key();
      await own.claim(k, owner, 'hash-1', 20);
      await sleep(200);

      expect(await own.purgeExpiredKeys(10)).toBe(0);
      expect(await own.claim(k, owner, 'hash-2')).toEqual({ state: 'claimed' });
    });
  });

  describe('card data', () => {
    it('a tokenised card with its masked number round-trips', async () => {
      const order = await createOrder();

      const stored = await store.get(order.orderId, owner);

      expect(stored?.payments[0]?.method).toEqual({
        type: 'CARD', token: 'tok_4f9a2c', maskedNumber: '************1111', brand: 'VI', expiry: '2028-12', holderName: 'ANNA MULLER',
      });
    });

    it.each([
      ['cardNumber', { cardNumber: '4111111111111111' }],
      ['cvv', { cvv: '123' }],
      ['a clear number as the masked number', { maskedNumber: '4111111111111111' }],
    ])('refuses a payment carrying %s and stores nothing', async (_what, extra) => {
      const input = buildNewOrder(owner);
      const [payment] = input.payments;
      if (!payment) throw new Error('fixture has a payment');
      const withCard = { ...input, payments: [{ ...payment, method: { ...payment.method, ...extra } }] };

      const error = await store.create(withCard, { event: created() }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe('INTERNAL_ERROR');
      expect(JSON.stringify((error as GatewayError).details)).toContain('/payments/0/method');
      expect(await store.get(input.orderId, owner)).toBeUndefined();
      const raw = await harness.sql(`SELECT count(*)::int AS n FROM "${schema}".orders WHERE record::text LIKE '%4111111111111111%'`);
      expect(raw).toEqual([{ n: 0 }]);
    });
  });
});
