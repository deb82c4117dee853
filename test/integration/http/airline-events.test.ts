import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/auth/index.ts';
import { quoteSchema } from '../../../src/orders/index.ts';
import { bookOrder, getOrder, laterLocal, postAirlineEvent, shopOffer, type BookedOrder } from '../../support/airline-change-support.ts';
import { postXml, startGatewayWithClients, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * The airline's JSON event of a change to its flights (`POST /api/v1/airline/events`), applied by
 * the order.airline-change handler on real PostgreSQL: each order hit gets one version with the
 * change PENDING and its notice, found by the gateway's id or the airline's OrderID; unknown,
 * foreign and unmatched orders fail alone; a repeat changes nothing. Then the seller accepts, and
 * the default action cancels and refunds in full an order nobody answered for.
 */

const KEY_A = 'events-agency-a-6f2c81d0';
const KEY_B = 'events-agency-b-93be7a15';
const KEY_XR = 'events-airline-xr-0c4d2e9b';
const KEY_YY = 'events-airline-yy-71a3f5c8';
const KEY_SHOP = 'events-shopper-2b8e6d4a';

describe('airline events: changes to flights applied to the orders they hit', () => {
  let gw: RunningGateway;
  let a1: BookedOrder;
  let b1: BookedOrder;
  let c1: BookedOrder;

  const flightOf = (order: BookedOrder) => {
    const segment = order.segments[0]!;
    return { carrier: segment.carrier, flightNumber: segment.flightNumber, departureDate: segment.departure.slice(0, 10) };
  };

  async function query<Row>(text: (schema: string) => string, params: unknown[] = []): Promise<Row[]> {
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: gw.config.databaseUrl });
    await client.connect();
    try {
      return (await client.query(text(quoteSchema(gw.config.databaseSchema)), params)).rows as Row[];
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    gw = await startGatewayWithClients([
      { id: 'agency-a', name: 'Agency A', apiKeys: [hashApiKey(KEY_A)], messages: ['*'] },
      { id: 'agency-b', name: 'Agency B', apiKeys: [hashApiKey(KEY_B)], messages: ['*'] },
      { id: 'airline-xr', name: 'XR operations', apiKeys: [hashApiKey(KEY_XR)], messages: ['OrderChangeNotifRQ'], airlines: ['XR'] },
      { id: 'airline-yy', name: 'YY operations', apiKeys: [hashApiKey(KEY_YY)], messages: ['OrderChangeNotifRQ'], airlines: ['YY'] },
      { id: 'shopper', name: 'Shopper', apiKeys: [hashApiKey(KEY_SHOP)], messages: ['AirShoppingRQ'] },
    ], { NDC_VERSIONS: '21.3' });
    const offer = () => shopOffer(gw.airlineUrl, { origin: 'LHR', destination: 'FRA' }, 30);
    a1 = await bookOrder(gw.url, KEY_A, await offer(), 'events-a1');
    b1 = await bookOrder(gw.url, KEY_B, await offer(), 'events-b1');
    c1 = await bookOrder(gw.url, KEY_A, await shopOffer(gw.airlineUrl, { origin: 'LHR', destination: 'FRA' }, 31), 'events-c1');
  }, 90_000);

  afterAll(async () => {
    await gw?.close();
  });

  it('books orders of two clients on one flight', () => {
    expect(flightOf(a1)).toEqual(flightOf(b1));
    expect(a1.segments[0]!.carrier).toBe('XR');
  });

  it('moves the flight in each order hit, found by our id or the airline\'s OrderID, and fails an unknown order alone', async () => {
    await query((s) => `INSERT INTO ${s}.airline_order_links (gateway_order_id, owner, airline_order_id) VALUES ($1, 'XR', $2)`, [b1.orderId, `XR-${b1.orderId}`]);
    const segment = a1.segments[0]!;
    const limit = new Date(Date.now() + 86_400_000).toISOString();
    const { status, body } = await postAirlineEvent(gw.url, KEY_XR, {
      changeId: 'CHG-1', owner: 'XR', kind: 'SCHEDULE_CHANGE', reason: 'Slot moved by the airport',
      orders: [{ orderId: a1.orderId }, { airlineOrderId: `XR-${b1.orderId}` }, { orderId: 'ORDUNKNOWN' }],
      segments: [{ ...flightOf(a1), departure: laterLocal(segment.departure, 95).slice(0, 16), arrival: laterLocal(segment.arrival, 110) }],
      actionTimeLimit: limit, defaultAction: 'ACCEPT',
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.changeId).toBe('CHG-1');
    expect(body.orders).toEqual([
      { orderId: a1.orderId, outcome: 'APPLIED', version: a1.version + 1 },
      { orderId: b1.orderId, airlineOrderId: `XR-${b1.orderId}`, outcome: 'APPLIED', version: b1.version + 1 },
      { orderId: 'ORDUNKNOWN', outcome: 'FAILED', error: { code: 'ORDER_NOT_FOUND', message: expect.any(String) } },
    ]);

    const order = await getOrder(gw.url, KEY_A, a1.orderId);
    expect(order.segments[0]).toMatchObject({ departure: laterLocal(segment.departure, 95), arrival: laterLocal(segment.arrival, 110), aircraft: segment.aircraft });
    if (order.segments[0].durationMinutes !== undefined) {
      expect(order.segments[0].durationMinutes).toBe((a1.segments[0] as { durationMinutes?: number }).durationMinutes! + 15);
    }
    expect(order.airlineChanges).toEqual([{
      changeId: 'CHG-1', kind: 'SCHEDULE_CHANGE', reason: 'Slot moved by the airport', receivedAt: expect.any(String),
      segments: [{ segmentId: segment.segmentId, before: { departure: segment.departure, arrival: segment.arrival, aircraft: segment.aircraft },
        after: { departure: laterLocal(segment.departure, 95), arrival: laterLocal(segment.arrival, 110), aircraft: segment.aircraft } }],
      actionTimeLimit: limit, defaultAction: 'ACCEPT', status: 'PENDING',
    }]);

    const events = await query<{ type: string; client_id: string; data: { changeId: string; reason: string; actionTimeLimit: string; defaultAction: string; segments: unknown[] } }>(
      (s) => `SELECT type, client_id, data FROM ${s}.order_events WHERE order_id = $1 ORDER BY seq`, [a1.orderId]);
    const event = events.at(-1)!;
    expect(event).toMatchObject({ type: 'order.airline-change', client_id: 'airline-xr' });
    expect(event.data).toMatchObject({ changeId: 'CHG-1', kind: 'SCHEDULE_CHANGE', reason: 'Slot moved by the airport', actionTimeLimit: limit, defaultAction: 'ACCEPT' });
    expect(event.data.segments).toHaveLength(1);

    const notices = await query<{ order_id: string; owner_client_id: string; type: string; data: { changeId: string } }>(
      (s) => `SELECT order_id, owner_client_id, type, data FROM ${s}.order_notices WHERE type = 'order.airline_initiated_change' ORDER BY notice_id`);
    expect(notices.map((n) => [n.order_id, n.owner_client_id, n.data.changeId])).toEqual([[a1.orderId, 'agency-a', 'CHG-1'], [b1.orderId, 'agency-b', 'CHG-1']]);
  });

  it('answers the same change again as ALREADY_APPLIED and writes nothing', async () => {
    const { status, body } = await postAirlineEvent(gw.url, KEY_XR, {
      changeId: 'CHG-1', owner: 'XR', kind: 'SCHEDULE_CHANGE', orders: [{ orderId: a1.orderId }], segments: [{ ...flightOf(a1), aircraft: '789' }],
    });
    expect(status).toBe(200);
    expect(body.orders).toEqual([{ orderId: a1.orderId, outcome: 'ALREADY_APPLIED', version: a1.version + 1 }]);
    const order = await getOrder(gw.url, KEY_A, a1.orderId);
    expect(order.version).toBe(a1.version + 1);
  });

  it('fails an order of another airline (as unknown) and an order none of whose flights is named', async () => {
    const foreign = await postAirlineEvent(gw.url, KEY_YY, {
      changeId: 'CHG-YY', owner: 'YY', kind: 'CANCELLATION', orders: [{ orderId: a1.orderId }], segments: [flightOf(a1)],
    });
    expect(foreign.status).toBe(200);
    expect(foreign.body.orders).toEqual([{ orderId: a1.orderId, outcome: 'FAILED', error: { code: 'ORDER_NOT_FOUND', message: expect.any(String) } }]);
    const unmatched = await postAirlineEvent(gw.url, KEY_XR, {
      changeId: 'CHG-2', owner: 'XR', kind: 'EQUIPMENT_CHANGE', orders: [{ orderId: a1.orderId }], segments: [{ ...flightOf(a1), flightNumber: '9999', aircraft: '789' }],
    });
    expect(unmatched.body.orders).toEqual([{ orderId: a1.orderId, outcome: 'FAILED', error: { code: 'INVALID_BUSINESS_DATA', message: expect.any(String) } }]);
    expect((await getOrder(gw.url, KEY_A, a1.orderId)).version).toBe(a1.version + 1);
  });

  it('applies two changes of one order sent at once, one version each (the loser of the race reads again)', async () => {
    const before = (await getOrder(gw.url, KEY_B, b1.orderId)).version as number;
    const event = (changeId: string, aircraft: string) => ({ changeId, owner: 'XR', kind: 'EQUIPMENT_CHANGE', orders: [{ orderId: b1.orderId }], segments: [{ ...flightOf(b1), aircraft }] });
    const answers = await Promise.all([postAirlineEvent(gw.url, KEY_XR, event('CHG-P1', '321')), postAirlineEvent(gw.url, KEY_XR, event('CHG-P2', '32N'))]);
    expect(answers.map((a) => a.body.orders[0].outcome)).toEqual(['APPLIED', 'APPLIED']);
    expect(answers.map((a) => a.body.orders[0].version).sort()).toEqual([before + 1, before + 2]);
    const order = await getOrder(gw.url, KEY_B, b1.orderId);
    expect(order.airlineChanges.map((c: { changeId: string }) => c.changeId).sort()).toEqual(['CHG-1', 'CHG-P1', 'CHG-P2']);
  });

  it('refuses an event of an airline the client does not speak for, a client without the message, and a body that breaks the schema', async () => {
    const event = { changeId: 'CHG-3', owner: 'YY', kind: 'CANCELLATION', orders: [{ orderId: a1.orderId }], segments: [flightOf(a1)] };
    const other = await postAirlineEvent(gw.url, KEY_XR, event);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('MESSAGE_NOT_ALLOWED');
    const unnamed = await postAirlineEvent(gw.url, KEY_XR, { ...event, owner: undefined });
    expect(unnamed.status).toBe(403);
    const shopper = await postAirlineEvent(gw.url, KEY_SHOP, event);
    expect(shopper.status).toBe(403);
    expect(shopper.body.error.code).toBe('MESSAGE_NOT_ALLOWED');
    const anonymous = await fetch(`${gw.url}/api/v1/airline/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);
    const broken = await postAirlineEvent(gw.url, KEY_XR, { changeId: 'CHG-4', owner: 'XR', orders: [{ orderId: a1.orderId }], segments: [flightOf(a1)] });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('INVALID_COMMAND');
  });

  it('refuses an NDC OrderChangeNotifRQ of an airline the client does not speak for, as it refuses the JSON event', async () => {
    const xml = readFileSync('fixtures/mapping/21.3/order-change-notif-schedule-change/request.xml', 'utf8');
    const answer = await postXml(`${gw.url}/api/v1/ndc`, xml, { 'x-api-key': KEY_YY });
    expect(answer.status, answer.text.slice(0, 800)).toBe(403);
    expect(answer.text).toContain('MESSAGE_NOT_ALLOWED');
  });

  it('lets the seller accept the change (order.change acceptAirlineChange): ACCEPTED, with its answer time', async () => {
    const response = await fetch(`${gw.url}/api/v1/one-order/${a1.orderId}`, {
      method: 'PUT', headers: { 'content-type': 'application/json', 'x-api-key': KEY_A, 'if-match': `"${a1.version + 1}"` },
      body: JSON.stringify({ acceptAirlineChange: true }),
    });
    const body = await response.json() as { order: { version: number; airlineChanges: { status: string; answeredAt?: string }[] } };
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.order.version).toBe(a1.version + 2);
    expect(body.order.airlineChanges[0]).toMatchObject({ status: 'ACCEPTED', answeredAt: expect.any(String) });
    const events = await query<{ type: string }>((s) => `SELECT type FROM ${s}.order_events WHERE order_id = $1 ORDER BY seq`, [a1.orderId]);
    expect(events.at(-1)!.type).toBe('order.airline-change-accepted');

    const again = await fetch(`${gw.url}/api/v1/one-order/${a1.orderId}`, {
      method: 'PUT', headers: { 'content-type': 'application/json', 'x-api-key': KEY_A, 'if-match': `"${a1.version + 2}"` },
      body: JSON.stringify({ acceptAirlineChange: true }),
    });
    expect(again.status).toBe(409);
  });

  it('runs the default action at the action time limit: CANCEL cancels the cancelled flight and refunds it in full (REFUNDED)', async () => {
    const { body } = await postAirlineEvent(gw.url, KEY_XR, {
      changeId: 'CHG-CNX', owner: 'XR', kind: 'CANCELLATION', reason: 'Aircraft unserviceable',
      orders: [{ orderId: c1.orderId }], segments: [flightOf(c1)], actionTimeLimit: new Date(Date.now() - 1000).toISOString(),
    });
    expect(body.orders[0].outcome).toBe('APPLIED');
    const changed = await getOrder(gw.url, KEY_A, c1.orderId);
    expect(changed.segments[0].cancelled).toBe(true);
    expect(changed.airlineChanges[0]).toMatchObject({ kind: 'CANCELLATION', defaultAction: 'CANCEL', status: 'PENDING', segments: [{ cancelled: true }] });

    const report = await gw.gateway.airlineChangeDefaults.run();
    expect(report).toEqual({ accepted: 0, refunded: 1, failed: 0 });
    const order = await getOrder(gw.url, KEY_A, c1.orderId);
    expect(order.status).toBe('CLOSED');
    expect(order.items.every((i: { status: string }) => i.status === 'CANCELLED')).toBe(true);
    expect(order.airlineChanges[0]).toMatchObject({ status: 'REFUNDED', answeredAt: expect.any(String) });
    expect(order.payments[0].status).toBe('REFUNDED');
    const events = await query<{ type: string; data: { penalty?: number; refundAmount?: number } }>(
      (s) => `SELECT type, data FROM ${s}.order_events WHERE order_id = $1 ORDER BY seq`, [c1.orderId]);
    const committed = events.find((e) => e.type === 'order.cancelled')!;
    // ECOLIGHT keeps its base fare when the passenger cancels; the airline cancelled, so nothing is kept.
    expect(committed.data).toMatchObject({ penalty: 0, refundAmount: c1.total });
    expect(await gw.gateway.airlineChangeDefaults.run()).toEqual({ accepted: 0, refunded: 0, failed: 0 });
    // The order is closed now: a later change of its flight does not reach it.
    const later = await postAirlineEvent(gw.url, KEY_XR, { changeId: 'CHG-LATE', owner: 'XR', kind: 'EQUIPMENT_CHANGE', orders: [{ orderId: c1.orderId }], segments: [{ ...flightOf(c1), aircraft: '789' }] });
    expect(later.body.orders).toEqual([{ orderId: c1.orderId, outcome: 'FAILED', error: { code: 'ORDER_NOT_CHANGEABLE', message: expect.any(String) } }]);
  });
});
