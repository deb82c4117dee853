import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError, type ErrorCode } from '../../../src/errors/index.ts';
import {
  cancelOrderItem, createPersonalDataCipher, erasePassengers, type AuditStamp, type NewEvent, type Order, type OrderStore,
} from '../../../src/orders/index.ts';
import { buildNewOrder } from '../../unit/orders/order-fixtures.ts';
import {
  sleep,
  startPgHarness,
  startPgliteHarness,
  uniqueSchema,
  type HarnessFactory,
  type StoreHarness,
  type StoreOptions,
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

  function open(schemaName: string, options: StoreOptions = {}): OrderStore {
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

  /** An order made by a claimed request whose answer (the order) is stored under its key. */
  async function createAnswered(audit?: AuditStamp): Promise<{ k: string; order: Order }> {
    const k = `${owner}:MSG-${randomUUID()}`;
    await store.claim(k, owner, 'hash-1');
    const order = await store.create(buildNewOrder(owner), { event: created(), idempotencyKey: k, ...(audit ? { audit } : {}) });
    await store.complete(k, JSON.stringify({ order }), order.orderId);
    return { k, order };
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

      expect(before).toEqual([
        expect.objectContaining({ version: 1, name: 'init' }), expect.objectContaining({ version: 2, name: 'records_uncompressed' }),
        expect.objectContaining({ version: 3, name: 'audit_trail_and_sealed_personal_data' }),
        expect.objectContaining({ version: 4, name: 'journey_analytics' }),
        expect.objectContaining({ version: 5, name: 'journey_outcome_models' }),
        expect.objectContaining({ version: 6, name: 'airline_order_links' }),
        expect.objectContaining({ version: 7, name: 'order_notices' }),
        expect.objectContaining({ version: 8, name: 'notification_deliveries' }),
        expect.objectContaining({ version: 9, name: 'open_holds_index' }),
      ]);
      expect(await harness.sql(`SELECT version, name, applied_at FROM "${schema}".schema_migrations ORDER BY version`)).toEqual(before);
    });

    it('two stores migrating the same new schema at once both succeed and apply each migration once', async () => {
      const fresh = uniqueSchema();
      const first = open(fresh);
      const second = open(fresh);

      await Promise.all([first.migrate(), second.migrate()]);

      expect(await harness.sql(`SELECT version FROM "${fresh}".schema_migrations ORDER BY version`)).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }, { version: 6 }, { version: 7 }, { version: 8 }, { version: 9 }]);
      const order = await second.create(buildNewOrder(owner), { event: created() });
      expect(await first.get(order.orderId, owner)).toEqual(order);
    });
  });

  describe('notices', () => {
    const noticesOf = (orderId: string) => harness.sql(
      `SELECT type, order_version AS version, owner_client_id AS owner, data FROM "${schema}".order_notices WHERE order_id = $1 ORDER BY notice_id`, [orderId],
    );

    it('writes the notices of a change in the statement that makes it, and none for a change nobody must hear of', async () => {
      const order = await createOrder();
      expect(await noticesOf(order.orderId)).toEqual([]);
      const documents = order.items[0]!.paxIds.map((paxId, i) => ({ type: 'ET' as const, number: `00012345678${String(i).padStart(2, '0')}`, paxId, orderItemIds: [order.items[0]!.orderItemId] }));
      const ticketed = await store.update(order.orderId, owner, order.version, (current) => ({ ...current, documents }), { type: 'order.delivered', clientId: owner });
      const cancelled = await store.update(order.orderId, owner, ticketed.version, (current) => current.items.reduce((next, item) => cancelOrderItem(next, item.orderItemId), current), { type: 'order.cancelled', clientId: owner });
      const rows = await noticesOf(order.orderId);
      const hasPayment = order.payments.some((p) => p.status === 'SUCCESSFUL');
      expect(rows).toEqual([
        { type: 'order.ticketed', version: ticketed.version, owner, data: { documents: documents.map((d) => d.number) } },
        ...(hasPayment ? [{ type: 'order.sales_reported', version: ticketed.version, owner, data: { documents: documents.map((d) => d.number) } }] : []),
        { type: 'order.cancelled', version: cancelled.version, owner, data: {} },
      ]);
    });

    it('writes no notice when the change loses to a concurrent writer', async () => {
      const order = await createOrder();
      await store.update(order.orderId, owner, order.version, (current) => current, { type: 'order.changed', clientId: owner });
      expect(await codeOf(store.update(order.orderId, owner, order.version, (current) => current, { type: 'order.airline-change', clientId: owner, data: { changeId: 'C1' } }))).toBe('ORDER_VERSION_CONFLICT');
      expect(await noticesOf(order.orderId)).toEqual([]);
    });
  });

  describe('sql', () => {
    it('gives the very database and schema of the store, where the journey analytics tables are', async () => {
      const { database, schema: named } = await store.sql();
      const eventId = `e-${randomUUID()}`;

      await database.query(`INSERT INTO "${named}".journey_events (event_id, type, journey_id, client_id, channel, at) VALUES ($1, 'transition', 'j1', $2, 'web', now())`, [eventId, owner]);

      expect(named).toBe(schema);
      expect(await harness.sql(`SELECT client_id, duration_ms, variants FROM "${schema}".journey_events WHERE event_id = $1`, [eventId])).toEqual([{ client_id: owner, duration_ms: 0, variants: {} }]);
      expect(await harness.sql(`SELECT count(*)::int AS n FROM "${schema}".experiments`)).toEqual([{ n: 0 }]);
    });
  });

  describe('storage', () => {
    it('keeps a record and an answer of a few KB inline and uncompressed, so writes spend no CPU on compression', async () => {
      const { k, order } = await createAnswered();

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
      const own = open(uniqueSchema());
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
  });

  describe('expired holds', () => {
    it('finds open unpaid holds of every client past their payment time limit, oldest first, and nothing else', async () => {
      const own = open(uniqueSchema());
      await own.migrate();
      const other = `client-${randomUUID()}`;
      const hold = (client: string, limit: string, overrides: Parameters<typeof buildNewOrder>[1] = {}) =>
        own.create(buildNewOrder(client, { payments: [], paymentTimeLimit: limit, ...overrides }), { event: created(client) });
      const later = await hold(owner, '2026-03-01T10:00:00Z');
      const earlier = await hold(other, '2026-03-01T08:00:00+01:00');
      await hold(owner, '2026-03-01T12:00:01Z');
      await hold(owner, '2026-03-01T09:00:00Z', { payments: buildNewOrder(owner).payments });
      await hold(owner, '2026-03-01T09:00:00Z', { documents: [{ type: 'ET', number: '1234567890123', paxId: 'PAX1', orderItemIds: ['ITEM1'], issuedAt: '2026-02-01T09:00:00Z' }] });
      await hold(owner, '2026-03-01T09:00:00Z', { status: 'CLOSED', items: buildNewOrder(owner).items.map((item) => ({ ...item, status: 'CANCELLED' as const })) });
      const { paymentTimeLimit: _none, ...noLimit } = buildNewOrder(owner, { payments: [] });
      await own.create(noLimit, { event: created() });

      const found = await own.expiredHolds('2026-03-01T12:00:00Z', 10);

      expect(found).toEqual([
        { orderId: earlier.orderId, ownerClientId: other, version: 1, paymentTimeLimit: '2026-03-01T08:00:00+01:00' },
        { orderId: later.orderId, ownerClientId: owner, version: 1, paymentTimeLimit: '2026-03-01T10:00:00Z' },
      ]);
      expect(await own.expiredHolds('2026-03-01T12:00:00Z', 1)).toEqual([found[0]]);
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
  describe('audit trail', () => {
    const stamp = (message = 'OrderChangeRQ'): AuditStamp => ({ message, channel: '21.3' });

    it('a write carrying a stamp leaves the message\'s row in the same statement; one without leaves none', async () => {
      const event = created();
      const order = await store.create(buildNewOrder(owner), { event, audit: { message: 'OrderCreateRQ', channel: '21.3', detail: { offerId: 'OF1' } } });
      const changed = await store.updateFrom(order, (o) => ({ ...o, paymentTimeLimit: '2026-06-02T12:00:00Z' }),
        { type: 'order.changed', clientId: owner, correlationId: 'corr-change' }, { audit: { message: 'one-order.deliver', channel: 'rest' } });
      await store.update(order.orderId, owner, undefined, (o) => o, { type: 'order.noted', clientId: owner });

      const rows = await store.auditTrail({ orderId: order.orderId });

      expect(rows).toEqual([
        { id: expect.any(Number), at: order.createdAt, clientId: owner, message: 'OrderCreateRQ', channel: '21.3', orderId: order.orderId, orderVersion: 1,
          outcome: 'ok', correlationId: event.correlationId, detail: { offerId: 'OF1' } },
        { id: expect.any(Number), at: changed.updatedAt, clientId: owner, message: 'one-order.deliver', channel: 'rest', orderId: order.orderId, orderVersion: 2,
          outcome: 'ok', correlationId: 'corr-change', detail: {} },
      ]);
      expect(rows[1]!.id).toBeGreaterThan(rows[0]!.id);
    });

    it('a write that does not happen leaves no row: a lost race, or a key the request does not hold', async () => {
      const order = await createOrder();
      await store.updateFrom(order, (o) => o, created(), { audit: stamp() });

      await expect(codeOf(store.updateFrom(order, (o) => o, created(), { audit: stamp() }))).resolves.toBe('ORDER_VERSION_CONFLICT');
      const unheld = buildNewOrder(owner);
      await expect(codeOf(store.create(unheld, { event: created(), idempotencyKey: `${owner}:never-claimed`, audit: stamp('OrderCreateRQ') }))).resolves.toBe('REQUEST_IN_PROGRESS');

      expect((await store.auditTrail({ orderId: order.orderId })).map((r) => r.orderVersion)).toEqual([2]);
      expect(await store.auditTrail({ orderId: unheld.orderId })).toEqual([]);
    });

    it('records messages that wrote nothing, and finds rows by order, by client, by time, page by page', async () => {
      const other = `client-${randomUUID()}`;
      const order = await createOrder();
      await store.recordAudit({ clientId: owner, message: 'OrderRetrieveRQ', channel: '21.3', orderId: order.orderId, orderVersion: 1, outcome: 'ok', correlationId: 'c-1' });
      await store.recordAudit({ clientId: other, message: 'OrderRetrieveRQ', channel: 'rest', orderId: order.orderId, outcome: 'ORDER_NOT_FOUND' });
      await store.recordAudit({ clientId: owner, message: 'OrderListRQ', channel: '17.2', outcome: 'ok' });

      const byOrder = await store.auditTrail({ orderId: order.orderId });
      const mine = await store.auditTrail({ clientId: owner });
      const theirs = await store.auditTrail({ clientId: other, orderId: order.orderId });

      expect(byOrder.map((r) => [r.clientId, r.outcome])).toEqual([[owner, 'ok'], [other, 'ORDER_NOT_FOUND']]);
      expect(byOrder[0]).toMatchObject({ message: 'OrderRetrieveRQ', orderVersion: 1, correlationId: 'c-1' });
      expect(byOrder[1]).not.toHaveProperty('orderVersion');
      expect(mine.map((r) => r.message)).toEqual(['OrderRetrieveRQ', 'OrderListRQ']);
      expect(mine[1]).not.toHaveProperty('orderId');
      expect(theirs).toHaveLength(1);
      const [first] = mine;
      expect(await store.auditTrail({ clientId: owner, after: first!.id })).toEqual([mine[1]]);
      expect(await store.auditTrail({ clientId: owner, limit: 1 })).toEqual([first]);
      expect(await store.auditTrail({ clientId: owner, from: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
      expect(await store.auditTrail({ clientId: owner, to: new Date(Date.now() + 60_000).toISOString() })).toHaveLength(2);
    });

    it.each([
      ['UPDATE', (s: string) => `UPDATE "${s}".audit_trail SET outcome = 'ok' WHERE client_id = $1`],
      ['DELETE', (s: string) => `DELETE FROM "${s}".audit_trail WHERE client_id = $1`],
    ])('the database refuses %s of an audit row', async (_op, statement) => {
      await store.recordAudit({ clientId: owner, message: 'OrderRetrieveRQ', channel: '21.3', orderId: 'ORD-X', outcome: 'ORDER_NOT_FOUND' });
      const before = await store.auditTrail({ clientId: owner });

      await expect(harness.sql(statement(schema), [owner])).rejects.toThrow(/audit_trail is append-only/);

      expect(await store.auditTrail({ clientId: owner })).toEqual(before);
    });

    it('the database refuses TRUNCATE of the audit trail', async () => {
      await store.recordAudit({ clientId: owner, message: 'OrderListRQ', channel: '21.3', outcome: 'ok' });

      await expect(harness.sql(`TRUNCATE "${schema}".audit_trail`)).rejects.toThrow(/append-only/);
    });
  });

  describe('personal data at rest', () => {
    const EMAIL = 'anna@example.com';
    const PASSPORT = 'C01X00T47';
    const PHONE = '1701234567';
    const keyOf = (id: string): { id: string; key: Buffer } => ({ id, key: Buffer.alloc(32, id) });

    /** Every table of the schema as text, as a dump would show it. */
    async function rawTables(name = schema): Promise<string> {
      const tables = ['orders', 'order_events', 'idempotency_keys', 'audit_trail'];
      const dumps = await Promise.all(tables.map((table) => harness.sql(`SELECT t::text AS row FROM "${name}".${table} t`)));
      return dumps.flat().map((r) => String(r.row)).join('\n');
    }

    it('seals contacts, identity documents and stored answers: the raw tables hold no clear e-mail, phone or passport number', async () => {
      const { k, order } = await createAnswered({ message: 'OrderCreateRQ', channel: '21.3' });
      const changed = await store.updateFrom(order, (o) => o, created(), { complete: { key: `${k}-2`, response: (o) => JSON.stringify(o) } });

      const raw = await rawTables();

      expect(raw).toContain(order.orderId);
      for (const clear of [EMAIL, PASSPORT, PHONE, 'Hauptstraße']) expect(raw).not.toContain(clear);
      expect(await harness.sql(`SELECT personal_data_key, record ? 'contacts' AS clear, left(record->>'sealed', 16) AS sealed FROM "${schema}".orders WHERE order_id = $1`, [order.orderId]))
        .toEqual([{ personal_data_key: 'development', clear: false, sealed: 'pd1.development.' }]);
      expect(await store.get(order.orderId, owner)).toEqual(changed);
      expect(await store.claim(k, owner, 'hash-1')).toEqual({ state: 'completed', orderId: order.orderId, response: JSON.stringify({ order }) });
      // Names stay in clear, so passengers are still found by surname.
      expect((await store.list(owner, { paxSurname: 'müller' })).map((o) => o.orderId)).toEqual([order.orderId]);
    });

    it('a sealed part does not open on another order', async () => {
      const first = await createOrder();
      const second = await createOrder();
      await harness.sql(`UPDATE "${schema}".orders SET record = jsonb_set(record, '{sealed}', (SELECT record->'sealed' FROM "${schema}".orders WHERE order_id = $1)) WHERE order_id = $2`,
        [first.orderId, second.orderId]);

      const error = await store.get(second.orderId, owner).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).message).toMatch(/does not open with key "development"/);
    });

    it('after a rotation reads records of the older key, seals them again with the new one, and then needs the old key no more', async () => {
      const rotated = uniqueSchema();
      const before = open(rotated, { personalData: createPersonalDataCipher([keyOf('k2024')]), resealIntervalMs: 0 });
      await before.migrate();
      const order = await before.create(buildNewOrder(owner), { event: created() });
      const newKeyOnly = open(rotated, { personalData: createPersonalDataCipher([keyOf('k2025')]) });
      const after = open(rotated, { personalData: createPersonalDataCipher([keyOf('k2025'), keyOf('k2024')]), resealIntervalMs: 0 });

      const unknown = await newKeyOnly.get(order.orderId, owner).catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(GatewayError);
      expect((unknown as GatewayError).code).toBe('INTERNAL_ERROR');
      expect((unknown as GatewayError).message).toMatch(/sealed with key "k2024", which is not configured \(PERSONAL_DATA_KEYS holds k2025\)/);

      expect(await after.get(order.orderId, owner)).toEqual(order);
      expect(await after.resealPersonalData(100)).toBe(1);
      expect(await after.resealPersonalData(100)).toBe(0);

      expect(await harness.sql(`SELECT personal_data_key, version FROM "${rotated}".orders`)).toEqual([{ personal_data_key: 'k2025', version: 1 }]);
      expect(await newKeyOnly.get(order.orderId, owner)).toEqual(order);
      expect(await newKeyOnly.history(order.orderId, owner)).toHaveLength(1);
    });

    it('a record written before sealing, its contacts in clear, is read as it is and sealed by the next reseal', async () => {
      const order = await createOrder();
      const { identityDocuments: _documents, ...passenger } = order.passengers[0]!;
      const legacy: Order = { ...order, passengers: [passenger, ...order.passengers.slice(1)] };
      await harness.sql(`UPDATE "${schema}".orders SET record = $2::jsonb, personal_data_key = '' WHERE order_id = $1`, [order.orderId, JSON.stringify(legacy)]);

      expect(await store.get(order.orderId, owner)).toEqual(legacy);
      expect(await store.resealPersonalData(1000)).toBeGreaterThanOrEqual(1);

      expect(await harness.sql(`SELECT personal_data_key, record::text LIKE '%${EMAIL}%' AS clear FROM "${schema}".orders WHERE order_id = $1`, [order.orderId]))
        .toEqual([{ personal_data_key: 'development', clear: false }]);
      expect(await store.get(order.orderId, owner)).toEqual(legacy);
    });
  });

  describe('erasure', () => {
    it('writes the pseudonymised record with its event and audit row, and deletes the order\'s stored answers with it', async () => {
      const { k, order } = await createAnswered();

      const erased = await store.updateFrom(order, (o) => erasePassengers(o), { type: 'order.passengers-erased', clientId: owner, data: { paxIds: ['PAX1', 'PAX2'] } },
        { audit: { message: 'one-order.erase', channel: 'rest', detail: { paxIds: ['PAX1', 'PAX2'] } }, forgetAnswers: true });

      expect(erased.passengers).toEqual([{ paxId: 'PAX1', ptc: 'ADT', surname: 'ERASED' }, { paxId: 'PAX2', ptc: 'ADT', surname: 'ERASED' }]);
      expect(await store.get(order.orderId, owner)).toEqual(erased);
      expect(await harness.sql(`SELECT key FROM "${schema}".idempotency_keys WHERE key = $1`, [k])).toEqual([]);
      const raw = await harness.sql<{ row: string }>(`SELECT t::text AS row FROM "${schema}".orders t WHERE order_id = $1`, [order.orderId]);
      for (const clear of ['Müller', 'MÜLLER', 'Anna', 'Weber', '1985-03-14', '123456789', 'ANNA MULLER']) expect(raw[0]!.row).not.toContain(clear);
      expect(await store.list(owner, { paxSurname: 'Müller' })).toEqual([]);
      expect((await store.history(order.orderId, owner)).map((e) => e.type)).toEqual(['order.created', 'order.passengers-erased']);
      expect(await store.auditTrail({ orderId: order.orderId })).toEqual([expect.objectContaining({ message: 'one-order.erase', orderVersion: 2, detail: { paxIds: ['PAX1', 'PAX2'] } })]);
      // A replay of the creating request is answered from the order as it is now.
      expect(await store.claim(k, owner, 'hash-1', undefined, order.orderId)).toEqual({ state: 'claimed', order: erased });
    });

    it('refuses to store an answer and forget the answers in one update', async () => {
      const order = await createOrder();

      await expect(codeOf(store.updateFrom(order, (o) => o, created(), { forgetAnswers: true, complete: { key: 'k', response: () => '{}' } }))).resolves.toBe('INTERNAL_ERROR');
    });
  });
});
