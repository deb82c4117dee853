import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/auth/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { createPgOrderStore, type Order, type OrderStore } from '../../../src/orders/index.ts';
import { verifyNotificationSignature, type Delivery } from '../../../src/notifications/index.ts';
import { startGatewayWithClients, TEST_DATABASE_URL, type RunningGateway } from '../../support/start-gateway.ts';
import { waitFor } from '../../support/wait-for.ts';
import { buildNewOrder } from '../../unit/orders/order-fixtures.ts';
import { startReceiver, type Receiver } from '../notifications/notification-fixtures.ts';

const KEY_A = 'agency-a-key-0000000001';
const KEY_B = 'agency-b-key-0000000002';
const KEY_OPS = 'operator-key-0000000003';
const SECRET_A = 'a'.repeat(40);

describe('notification deliveries API', () => {
  let gw: RunningGateway;
  let store: OrderStore;
  let hookA: Receiver;
  let hookB: Receiver;
  let orderA: Order;
  let orderB: Order;

  const call = async (path: string, key: string | undefined, method = 'GET'): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(`${gw.url}/api/v1/notifications${path}`, { method, headers: key ? { authorization: `Bearer ${key}` } : {} });
    return { status: response.status, body: await response.json() as Record<string, unknown> };
  };
  const list = async (query: string, key: string): Promise<Delivery[]> => (await call(`/deliveries${query}`, key)).body.deliveries as Delivery[];

  async function holdExpired(owner: string): Promise<Order> {
    const order = await store.create(buildNewOrder(owner), { event: { type: 'order.created', clientId: owner } });
    return store.update(order.orderId, owner, undefined, (o) => o, { type: 'order.hold-expired', clientId: 'gateway.housekeeping' });
  }

  beforeAll(async () => {
    hookA = await startReceiver(() => 500);
    hookB = await startReceiver(() => 200);
    gw = await startGatewayWithClients([
      { id: 'agency-a', name: 'Agency A', apiKeys: [hashApiKey(KEY_A)], messages: ['*'], notifications: { url: hookA.url, format: 'json', secret: { env: 'AGENCY_A_HOOK_SECRET' } } },
      { id: 'agency-b', name: 'Agency B', apiKeys: [hashApiKey(KEY_B)], messages: ['*'], notifications: { url: hookB.url, format: 'json', secret: 'b'.repeat(40) } },
      { id: 'ops', name: 'Operator', apiKeys: [hashApiKey(KEY_OPS)], messages: [], admin: true, monitoring: true },
    ], {
      NDC_VERSIONS: '21.3', AGENCY_A_HOOK_SECRET: SECRET_A,
      NOTIFY_MAX_AGE_MS: '500', NOTIFY_BACKOFF_BASE_MS: '20', NOTIFY_BACKOFF_MAX_MS: '60', NOTIFY_DISPATCH_MS: '25',
    });
    // The gateway's own schema: orders written here are the gateway's orders, and their notices its notices.
    store = createPgOrderStore({ connectionString: TEST_DATABASE_URL, schema: gw.config.databaseSchema, logger: createLogger('silent') });
    await store.migrate();
    orderA = await holdExpired('agency-a');
    orderB = await holdExpired('agency-b');
    await waitFor(async () => (await list('?status=dead', KEY_A)).length === 1 && (await list('?status=delivered', KEY_B)).length === 1);
  });

  afterAll(async () => {
    await store?.close();
    await gw?.close();
    await hookA?.close();
    await hookB?.close();
  });

  it('lists the calling client\'s deliveries only, and an operator\'s every client\'s', async () => {
    const [a] = await list('', KEY_A);
    expect(a).toMatchObject({ clientId: 'agency-a', targetKind: 'seller', orderId: orderA.orderId, eventType: 'order.hold_expired', status: 'dead', url: hookA.url, format: 'json' });
    expect(a?.lastStatus).toBe(500);
    expect(a?.attempts).toBeGreaterThanOrEqual(1);
    expect((await list('', KEY_B)).map((d) => d.orderId)).toEqual([orderB.orderId]);
    expect((await list(`?orderId=${orderA.orderId}`, KEY_B))).toEqual([]);
    expect((await list('?clientId=agency-a', KEY_OPS)).map((d) => d.deliveryId)).toEqual([a?.deliveryId]);
    expect((await call(`/deliveries/${a?.deliveryId}`, KEY_B)).body).toMatchObject({ error: { code: 'DELIVERY_NOT_FOUND' } });
    expect((await call(`/deliveries/${a?.deliveryId}`, KEY_B)).status).toBe(404);
    expect((await call('/deliveries?clientId=agency-a', KEY_B)).status).toBe(400);
    expect((await call('/deliveries?status=lost', KEY_A)).body).toMatchObject({ error: { code: 'INVALID_COMMAND' } });
    expect((await call('/deliveries', undefined)).status).toBe(401);
    // The hook got the same event id at every attempt, signed with the secret read from the environment.
    expect(new Set(hookA.received.map((r) => r.headers['x-ndc-event-id']))).toEqual(new Set([a?.deliveryId]));
    expect(hookA.received.every((r) => verifyNotificationSignature({ header: r.headers['x-ndc-signature'] as string, body: r.body, secret: SECRET_A }))).toBe(true);
  });

  it('pages with next and after', async () => {
    const extra = await holdExpired('agency-b');
    await waitFor(async () => (await list('?status=delivered', KEY_B)).length === 2);
    const first = await call('/deliveries?limit=1', KEY_B);
    expect((first.body.deliveries as Delivery[]).map((d) => d.orderId)).toEqual([extra.orderId]);
    const second = await call(`/deliveries?limit=1&after=${first.body.next}`, KEY_B);
    expect((second.body.deliveries as Delivery[]).map((d) => d.orderId)).toEqual([orderB.orderId]);
  });

  it('redelivers a dead delivery once the receiver works, with the same event id; an unknown one is 404', async () => {
    const [dead] = await list('?status=dead', KEY_A);
    hookA.answer = () => 204;
    const again = await call(`/deliveries/${dead?.deliveryId}/redeliver`, KEY_A, 'POST');
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ deliveryId: dead?.deliveryId, status: 'pending', attempts: 0 });
    await waitFor(async () => (await call(`/deliveries/${dead?.deliveryId}`, KEY_A)).body.status === 'delivered');
    expect(hookA.received.at(-1)?.headers['x-ndc-event-id']).toBe(dead?.deliveryId);
    expect((await call('/deliveries/nope/redeliver', KEY_A, 'POST')).status).toBe(404);
  });

  it('counts attempts in the metrics', async () => {
    const response = await fetch(`${gw.url}/api/v1/monitoring/metrics`, { headers: { authorization: `Bearer ${KEY_OPS}` } });
    const text = await response.text();
    expect(text).toMatch(/ndc_notifications_total\{type="order.hold_expired",outcome="dead"\} 1/);
    expect(text).toMatch(/ndc_notifications_total\{type="order.hold_expired",outcome="delivered"\} \d/);
    expect(text).toMatch(/ndc_notifications_pending \d/);
  });
});
