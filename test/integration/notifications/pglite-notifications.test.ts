import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationService } from '../../../src/notifications/index.ts';
import type { OrderStore } from '../../../src/orders/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import { buildNewOrder } from '../../unit/orders/order-fixtures.ts';
import { startPgliteHarness, uniqueSchema, type StoreHarness } from '../orders/order-store-fixtures.ts';
import { sellerSubscription, startReceiver, startService, subscriptionsOf, testSettings, type Receiver } from './notification-fixtures.ts';

/** The embedded demo keeps orders in PGlite and has no Redis: the same SQL and the in-process queue. */
describe('notification delivery on the embedded PGlite store', () => {
  let harness: StoreHarness;
  let store: OrderStore;
  let hook: Receiver;
  let service: NotificationService;

  beforeAll(async () => {
    harness = await startPgliteHarness();
    store = harness.open(uniqueSchema());
    await store.migrate();
    hook = await startReceiver((n) => (n === 1 ? 503 : 200));
  });

  afterAll(async () => {
    await service?.close();
    await hook?.close();
    await store?.close();
    await harness?.close();
  });

  it('dispatches, retries and delivers, and lists the delivery', async () => {
    const owner = `client-${randomUUID()}`;
    service = await startService(testSettings(false), store, subscriptionsOf({ [owner]: sellerSubscription(hook.url) }));
    const order = await store.create(buildNewOrder(owner), { event: { type: 'order.created', clientId: owner } });
    await store.update(order.orderId, owner, undefined, (o) => ({ ...o, items: o.items.map((i) => ({ ...i, status: 'CANCELLED' as const })) }), { type: 'order.cancelled', clientId: owner });
    await waitFor(async () => (await service.list({ clientId: owner }))[0]?.status === 'delivered');
    const [delivery] = await service.list({ clientId: owner, orderId: order.orderId });
    expect(delivery).toMatchObject({ eventType: 'order.cancelled', attempts: 2, lastStatus: 200, targetKind: 'seller' });
    expect(hook.received.map((r) => r.headers['x-ndc-event-id'])).toEqual([delivery?.deliveryId, delivery?.deliveryId]);
  });
});
