import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startNotificationService, verifyNotificationSignature, type JsonNotice, type NoticeRenderer, type NotificationService, type NotificationSettings,
} from '../../../src/notifications/index.ts';
import type { Order, OrderStore } from '../../../src/orders/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import { buildNewOrder } from '../../unit/orders/order-fixtures.ts';
import { sleep, startPgHarness, uniqueSchema, type StoreHarness } from '../orders/order-store-fixtures.ts';
import {
  dropRedisPrefix, sellerSubscription, silent, startReceiver, startService, subscriptionsOf, testSettings, type Receiver,
} from './notification-fixtures.ts';

const SECRET = 'seller-secret-0123456789abcdef0123';
const ACCOUNTING_SECRET = 'accounting-secret-0123456789abcdef01';

describe.each([['bullmq', true], ['in-process', false]] as const)('notification delivery (%s)', (_transport, redis) => {
  let harness: StoreHarness;
  let store: OrderStore;
  let schema: string;
  const services: NotificationService[] = [];
  const receivers: Receiver[] = [];
  const prefixes: string[] = [];

  beforeAll(async () => {
    harness = await startPgHarness();
    schema = uniqueSchema();
    store = harness.open(schema);
    await store.migrate();
  });

  afterEach(async () => {
    for (const service of services.splice(0)) await service.close();
    for (const receiver of receivers.splice(0)) await receiver.close();
    for (const prefix of prefixes.splice(0)) await dropRedisPrefix(prefix);
    // Each test starts from an outbox with nothing left undispatched by the test before.
    await harness.sql(`UPDATE "${schema}".order_notices SET dispatched_at = now() WHERE dispatched_at IS NULL`);
  });

  afterAll(async () => {
    await store.close();
    await harness.dropSchema(schema);
    await harness.close();
  });

  function settings(overrides: Partial<NotificationSettings> = {}): NotificationSettings {
    const made = testSettings(redis, undefined, overrides);
    prefixes.push(made.queuePrefix);
    return made;
  }

  async function service(made: NotificationSettings, subscriptions: Parameters<typeof startService>[2], sweepMs?: number): Promise<NotificationService> {
    const started = await startService(made, store, subscriptions, sweepMs);
    services.push(started);
    return started;
  }

  async function receiver(answer?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
    const started = await startReceiver(answer);
    receivers.push(started);
    return started;
  }

  /** An order of `owner` whose hold then expires: one `order.hold_expired` notice. */
  async function holdExpired(owner: string): Promise<Order> {
    const order = await store.create(buildNewOrder(owner), { event: { type: 'order.created', clientId: owner } });
    return store.update(order.orderId, owner, undefined, (o) => o, { type: 'order.hold-expired', clientId: 'gateway.housekeeping' });
  }

  async function deliveriesOf(orderId: string): Promise<Record<string, unknown>[]> {
    return harness.sql(`SELECT * FROM "${schema}".notification_deliveries WHERE order_id = $1 ORDER BY target_kind`, [orderId]);
  }

  it('retries a receiver that fails twice, which then gets the notice a third time, signed, and it ends delivered after 3 attempts', async () => {
    const hook = await receiver((n) => (n <= 2 ? 503 : 200));
    const owner = `client-${randomUUID()}`;
    await service(settings(), subscriptionsOf({ [owner]: sellerSubscription(hook.url, SECRET) }));
    const order = await holdExpired(owner);

    await waitFor(async () => (await deliveriesOf(order.orderId))[0]?.status === 'delivered');
    const [row] = await deliveriesOf(order.orderId);
    expect(row).toMatchObject({ status: 'delivered', attempts: 3, last_status: 200, target_kind: 'seller', event_type: 'order.hold_expired' });
    await sleep(150);
    expect(hook.received).toHaveLength(3);
    // Every attempt carries the same event id, so the receiver can tell the third is the first again.
    expect(new Set(hook.received.map((r) => r.headers['x-ndc-event-id']))).toEqual(new Set([row?.delivery_id]));
    for (const got of hook.received) {
      expect(got.headers['x-ndc-event-type']).toBe('order.hold_expired');
      expect(got.headers['content-type']).toMatch(/^application\/json/);
      expect(verifyNotificationSignature({ header: got.headers['x-ndc-signature'] as string, body: got.body, secret: SECRET })).toBe(true);
      expect(verifyNotificationSignature({ header: got.headers['x-ndc-signature'] as string, body: got.body.replace('hold_expired', 'hold_extended'), secret: SECRET })).toBe(false);
    }
    const body = JSON.parse(hook.received[2]!.body) as JsonNotice;
    expect(body).toMatchObject({ id: row?.delivery_id, type: 'order.hold_expired', orderId: order.orderId, bookingReference: order.bookingReference, orderVersion: 2, data: {} });
    // The REST view: no owner, no card token.
    expect(body.order).not.toHaveProperty('ownerClientId');
    expect(JSON.stringify(body.order)).not.toContain('tok_4f9a2c');
  });

  it('ends a delivery the receiver never takes dead, on the dead-letter queue, and a redelivery to a receiver that works again delivers it', async () => {
    const hook = await receiver(() => 500);
    const owner = `client-${randomUUID()}`;
    const notifications = await service(settings({ notifyMaxAgeMs: 300 }), subscriptionsOf({ [owner]: sellerSubscription(hook.url, SECRET) }));
    const order = await holdExpired(owner);

    await waitFor(async () => (await deliveriesOf(order.orderId))[0]?.status === 'dead');
    const [row] = await deliveriesOf(order.orderId);
    const id = String(row?.delivery_id);
    expect(Number(row?.attempts)).toBeGreaterThanOrEqual(1);
    expect(row?.last_status).toBe(500);
    expect(row?.last_error).toMatch(/^HTTP 500/);
    expect(await notifications.deadLettered()).toEqual([id]);
    const attemptsWhenDead = hook.received.length;
    await sleep(150);
    expect(hook.received).toHaveLength(attemptsWhenDead);

    hook.answer = () => 202;
    const again = await notifications.redeliver(id);
    expect(again).toMatchObject({ deliveryId: id, status: 'pending', attempts: 0 });
    expect(await notifications.deadLettered()).toEqual([]);
    await waitFor(async () => (await notifications.get(id))?.status === 'delivered');
    expect(hook.received.at(-1)?.headers['x-ndc-event-id']).toBe(id);
    await expect(notifications.redeliver('no-such-delivery')).rejects.toMatchObject({ code: 'DELIVERY_NOT_FOUND' });
  });

  it('loses no notice when the delivery service stops in the middle of its retries, and does not send it again once delivered', async () => {
    let down = true;
    let acknowledged = 0;
    const hook = await receiver(() => {
      if (down) return 503;
      acknowledged++;
      return 200;
    });
    const owner = `client-${randomUUID()}`;
    const subscriptions = subscriptionsOf({ [owner]: sellerSubscription(hook.url, SECRET) });
    // Retries far enough apart that the stop falls between two of them.
    const made = settings({ notifyBackoffBaseMs: 400, notifyBackoffMaxMs: 400 });
    const first = await service(made, subscriptions);
    const order = await holdExpired(owner);
    await waitFor(() => hook.received.length >= 1);
    await waitFor(async () => Number((await deliveriesOf(order.orderId))[0]?.attempts) >= 1);
    await first.close();
    services.splice(services.indexOf(first), 1);

    down = false;
    // Same Redis prefix and schema: a restarted process.
    await service(made, subscriptions);
    await waitFor(async () => (await deliveriesOf(order.orderId))[0]?.status === 'delivered');
    const delivered = hook.received.length;
    await sleep(600);
    expect(hook.received).toHaveLength(delivered);
    expect(new Set(hook.received.map((r) => r.headers['x-ndc-event-id'])).size).toBe(1);
    expect(acknowledged).toBe(1);
    expect((await deliveriesOf(order.orderId))[0]?.attempts).toBe(delivered);
  });

  it('creates each delivery once while two dispatchers run at the same time', async () => {
    const hookA = await receiver();
    const hookB = await receiver();
    const [a, b] = [`client-${randomUUID()}`, `client-${randomUUID()}`];
    const subscriptions = subscriptionsOf({ [a]: sellerSubscription(hookA.url), [b]: sellerSubscription(hookB.url) });
    const orders: Order[] = [];
    for (let i = 0; i < 15; i++) orders.push(await holdExpired(i % 2 === 0 ? a : b));
    const made = settings();
    const [one, two] = await Promise.all([service(made, subscriptions), service(made, subscriptions)]);
    await Promise.all([one.dispatchNow(), two.dispatchNow(), one.dispatchNow(), two.dispatchNow()]);
    await waitFor(() => hookA.received.length + hookB.received.length >= 15);
    await sleep(200);
    const rows = await harness.sql<{ order_id: string; n: number }>(
      `SELECT order_id, count(*)::int AS n FROM "${schema}".notification_deliveries WHERE order_id = ANY($1) GROUP BY order_id`, [orders.map((o) => o.orderId)],
    );
    expect(rows).toHaveLength(15);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(hookA.received).toHaveLength(8);
    expect(hookB.received).toHaveLength(7);
    const ids = [...hookA.received, ...hookB.received].map((r) => r.headers['x-ndc-event-id']);
    expect(new Set(ids).size).toBe(15);
  });

  it('sends a sale to accounting, not to the seller unless asked, and the order records that accounting has it', async () => {
    const seller = await receiver();
    const accounting = await receiver();
    const owner = `client-${randomUUID()}`;
    await service(settings(), subscriptionsOf({ [owner]: sellerSubscription(seller.url) }, {
      kind: 'accounting', url: accounting.url, format: 'json', secret: ACCOUNTING_SECRET, events: new Set(['order.sales_reported']),
    }));
    const order = await store.create(buildNewOrder(owner), { event: { type: 'order.created', clientId: owner } });
    await store.update(order.orderId, owner, undefined, (o) => ({
      ...o, documents: [{ type: 'ET', number: '2172400000001', paxId: 'PAX1', orderItemIds: ['ITEM1'], issuedAt: '2026-05-01T09:05:00.000Z' }],
    }), { type: 'order.ticketed', clientId: owner });

    await waitFor(async () => (await store.history(order.orderId, owner)).some((e) => e.type === 'order.sales-reported'));
    const rows = await deliveriesOf(order.orderId);
    expect(rows.map((r) => [r.target_kind, r.event_type, r.status])).toEqual([
      ['accounting', 'order.sales_reported', 'delivered'],
      ['seller', 'order.ticketed', 'delivered'],
    ]);
    expect(accounting.received).toHaveLength(1);
    const sale = accounting.received[0]!;
    expect(verifyNotificationSignature({ header: sale.headers['x-ndc-signature'] as string, body: sale.body, secret: ACCOUNTING_SECRET })).toBe(true);
    expect(JSON.parse(sale.body)).toMatchObject({ type: 'order.sales_reported', data: { documents: ['2172400000001'] } });
    expect(seller.received.map((r) => r.headers['x-ndc-event-type'])).toEqual(['order.ticketed']);
    const recorded = (await store.history(order.orderId, owner)).find((e) => e.type === 'order.sales-reported');
    expect(recorded?.data).toEqual({ deliveryId: rows[0]?.delivery_id, documents: ['2172400000001'] });
  });

  it('refuses to redeliver a delivery that is still pending', async () => {
    const hook = await receiver(() => 503);
    const owner = `client-${randomUUID()}`;
    const notifications = await service(settings({ notifyBackoffBaseMs: 60_000, notifyBackoffMaxMs: 60_000 }), subscriptionsOf({ [owner]: sellerSubscription(hook.url) }));
    const order = await holdExpired(owner);
    await waitFor(async () => (await deliveriesOf(order.orderId))[0]?.attempts === 1);
    const [row] = await deliveriesOf(order.orderId);
    await expect(notifications.redeliver(String(row?.delivery_id))).rejects.toMatchObject({ code: 'DELIVERY_PENDING' });
  });

  it('sends NDC bodies through the renderer, JSON when the version cannot carry the notice, and retries a 2xx that is no acknowledgement', async () => {
    const renderer: NoticeRenderer = {
      render: (content, target) => (target.version === '21.3'
        ? { body: `<Notif id="${content.eventId}" type="${content.type}" order="${content.order.orderId}" version="${content.orderVersion}"/>`, contentType: 'application/xml' }
        : undefined),
      acknowledged: (_status, body) => body.includes('<Ack/>'),
    };
    // 200 without an acknowledgement twice, then an acknowledgement.
    const ndc = await receiver((n) => ({ status: 200, body: n <= 2 ? '<Nothing/>' : '<Ack/>' }));
    const json = await receiver();
    const [a, b] = [`client-${randomUUID()}`, `client-${randomUUID()}`];
    const started = await startNotificationService({
      settings: settings(), orders: store, logger: silent, sweepMs: 200, renderer,
      subscriptions: subscriptionsOf({
        [a]: { ...sellerSubscription(ndc.url, SECRET), format: 'ndc', version: '21.3' },
        [b]: { ...sellerSubscription(json.url, SECRET), format: 'ndc', version: '17.2' },
      }),
    });
    services.push(started);
    const orderA = await holdExpired(a);
    const orderB = await holdExpired(b);

    await waitFor(async () => (await deliveriesOf(orderB.orderId))[0]?.status === 'delivered');
    expect(json.received[0]?.headers['content-type']).toMatch(/^application\/json/);
    await waitFor(async () => (await deliveriesOf(orderA.orderId))[0]?.status === 'delivered');
    const [row] = await deliveriesOf(orderA.orderId);
    expect(row?.attempts).toBe(3);
    expect(ndc.received).toHaveLength(3);
    const got = ndc.received[2]!;
    expect(got.headers['content-type']).toBe('application/xml');
    expect(got.body).toBe(`<Notif id="${row?.delivery_id}" type="order.hold_expired" order="${orderA.orderId}" version="2"/>`);
    expect(verifyNotificationSignature({ header: got.headers['x-ndc-signature'] as string, body: got.body, secret: SECRET })).toBe(true);
  });

  it('makes no delivery for a client without a subscription, and still marks its notices dispatched', async () => {
    const owner = `client-${randomUUID()}`;
    const notifications = await service(settings(), subscriptionsOf({}));
    const order = await holdExpired(owner);
    await notifications.dispatchNow();
    // dispatchNow skips a notice the service's own dispatcher holds at that moment: wait for that one to commit.
    await waitFor(async () => (await harness.sql(`SELECT 1 FROM "${schema}".order_notices WHERE order_id = $1 AND dispatched_at IS NOT NULL`, [order.orderId])).length === 1);
    expect(await deliveriesOf(order.orderId)).toEqual([]);
  });
});
