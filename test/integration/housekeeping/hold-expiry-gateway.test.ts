import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Offer, Passenger } from '../../../src/contracts/airline/index.ts';
import { dayFromToday } from '../../support/ndc-doc.ts';
import { startGateway, TEST_DATABASE_URL, type RunningGateway } from '../../support/start-gateway.ts';
import { waitFor } from '../../support/wait-for.ts';

/**
 * `holds.expire` in a running gateway (a BullMQ job scheduler with Redis, a timer without; the
 * PostgreSQL order store; the reference airline): an unpaid order past its payment time limit is cancelled, its seat released
 * at the airline so the flight's last seat can be held again, and the seller's notice written.
 *
 * The airline's clock runs 25 hours behind the gateway's. A hold lasts 24 hours at the airline, so
 * the payment time limit it gives has passed for the gateway as soon as the order is written,
 * while the airline still holds the seat: only the gateway's release gives it back.
 */

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const AIRLINE_BEHIND_MS = 25 * 3_600_000;
const SWEEP_MS = 250;

interface Answer { status: number; body: Record<string, any> }

describe.each([
  ['with Redis: a BullMQ job scheduler', { REDIS_URL }, 'bullmq'],
  ['without Redis: a timer of the gateway process', {}, 'timers'],
])('holds.expire through the gateway, %s', (_name, env: Record<string, string>, transport) => {
  let gw: RunningGateway;
  let db: pg.Pool;
  let schema: string;

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(`${gw.url}/api/v1/one-order${path}`, {
      method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? {} : JSON.parse(text) as Record<string, any> };
  }

  async function shop(passengers: number, days: number): Promise<Offer[]> {
    const response = await fetch(`${gw.airlineUrl}/v1/offer.shop`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        journeys: [{ origin: 'LHR', destination: 'FRA', date: dayFromToday(days) }], directOnly: true,
        passengers: Array.from({ length: passengers }, (_, i): Passenger => ({ id: `PAX${i + 1}`, type: 'ADT' })),
      }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { offers: Offer[] }).offers;
  }

  const segmentOf = (offerId: string) => gw.airline.inventory.availability({ offerId }).segments[0]!;

  /** Holds `offer` at the airline directly, for an order the gateway does not know (another seller's). */
  function holdAtAirline(offer: Offer, orderId: string) {
    return gw.airline.inventory.hold({
      requestKey: `${orderId}:hold`, orderId, offerId: offer.offerId,
      passengers: offer.offerItems.flatMap((item) => item.paxIds.map((id) => ({ id, type: 'ADT' as const }))),
      flights: offer.offerItems.map((item, n) => ({ itemId: `I${n + 1}`, offerItemId: item.offerItemId })),
    });
  }

  function orderBody(offerId: string, card?: string): Record<string, unknown> {
    return {
      offerId,
      passengers: [{ paxId: 'PAX1', ptc: 'ADT', givenName: 'Ada', surname: 'Lovelace' }],
      contacts: [{ contactId: 'C1', emails: [{ address: 'ada@example.com' }] }],
      ...(card ? { payment: { card: { number: card, expiry: '12/30', cvv: '123', holderName: 'Ada Lovelace' } } } : {}),
    };
  }

  beforeAll(async () => {
    gw = await startGateway({ NDC_VERSIONS: '21.3', ...env, HOLD_EXPIRY_SWEEP_MS: String(SWEEP_MS) }, undefined,
      { now: () => new Date(Date.now() - AIRLINE_BEHIND_MS) });
    expect(gw.gateway.housekeeping?.transport).toBe(transport);
    schema = gw.config.databaseSchema;
    db = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 2 });
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
    await db?.end();
  });

  it('cancels an expired hold with order.hold-expired, tells the seller, and gives the last seat back to be held again', async () => {
    const [offer] = await shop(1, 30);
    const segmentId = segmentOf(offer!.offerId).segmentId;
    const big = (await shop(9, 30)).find((o) => segmentOf(o.offerId).segmentId === segmentId)!;
    const small = (await shop(1, 30)).filter((o) => segmentOf(o.offerId).segmentId === segmentId);
    // Another seller fills the flight up to its last seat.
    let filled = 0;
    while (segmentOf(offer!.offerId).available > 9) holdAtAirline(big, `FILL-${filled++}`);
    while (segmentOf(offer!.offerId).available > 1) holdAtAirline(small[0]!, `FILL-${filled++}`);
    expect(segmentOf(offer!.offerId).available).toBe(1);

    const created = await call('POST', '/create', orderBody(offer!.offerId), { 'idempotency-key': `hold-${randomUUID()}` });
    expect(created.status).toBe(201);
    const orderId: string = created.body.order.orderId;
    expect(created.body.order.status).toBe('OPENED');
    expect(Date.parse(created.body.order.paymentTimeLimit)).toBeLessThan(Date.now());
    expect(segmentOf(offer!.offerId).available).toBe(0);
    expect(() => holdAtAirline(small[0]!, 'FILL-too-many')).toThrow(/seats are left/);

    // The scheduler's next tick.
    await waitFor(async () => (await call('GET', `/${orderId}`)).body.order?.status === 'CLOSED', 100);

    const order = (await call('GET', `/${orderId}`)).body.order;
    expect(order.items.every((item: { status: string }) => item.status === 'CANCELLED')).toBe(true);
    const events = (await db.query(`SELECT type, client_id FROM "${schema}".order_events WHERE order_id = $1 ORDER BY seq`, [orderId])).rows;
    expect(events).toEqual([
      { type: 'order.created', client_id: expect.any(String) },
      { type: 'order.hold-expired', client_id: 'housekeeping' },
      { type: 'order.inventory-released', client_id: 'housekeeping' },
    ]);
    const notices = (await db.query(`SELECT type, order_version FROM "${schema}".order_notices WHERE order_id = $1 ORDER BY notice_id`, [orderId])).rows;
    expect(notices).toEqual([{ type: 'order.hold_expired', order_version: 2 }]);

    expect(segmentOf(offer!.offerId)).toMatchObject({ available: 1, sold: 0 });
    expect(holdAtAirline(small[0]!, 'FILL-last')).toMatchObject({ status: 'HELD' });
    expect(segmentOf(offer!.offerId).available).toBe(0);
  }, 60_000);

  it('leaves a paid order alone', async () => {
    const [offer] = await shop(1, 33);
    const created = await call('POST', '/create', orderBody(offer!.offerId, '4111111111111111'), { 'idempotency-key': `paid-${randomUUID()}` });
    expect(created.status).toBe(201);
    const orderId: string = created.body.order.orderId;
    const version: number = created.body.order.version;

    await new Promise((resolve) => setTimeout(resolve, SWEEP_MS * 4));

    const after = (await call('GET', `/${orderId}`)).body.order;
    expect(after.version).toBe(version);
    expect(after.items.every((item: { status: string }) => item.status === 'ACTIVE')).toBe(true);
    const types = (await db.query(`SELECT type FROM "${schema}".order_events WHERE order_id = $1`, [orderId])).rows.map((r) => r.type);
    expect(types).not.toContain('order.hold-expired');
  }, 30_000);
});
