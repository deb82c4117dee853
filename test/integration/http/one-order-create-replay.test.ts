import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../../src/auth/index.ts';
import { dayFromToday } from '../../support/ndc-doc.ts';
import { startGatewayWithClients, TEST_DATABASE_URL, type RunningGateway } from '../../support/start-gateway.ts';

/**
 * Regression: with PostgreSQL restarted under load, a create over REST was answered 200 with an
 * order that had no tickets and an authorisation that was never captured. The first attempt
 * wrote the order, then PostgreSQL went away before the delivery was recorded; the seller's retry
 * found an order with the request's id and answered it as made, instead of letting the request
 * finish (or answer its stored error). The test leaves an order in that state, as the store holds
 * it after such an attempt, and replays the request.
 */

const KEY = 'agency-replay-key-3c9e1f7a55';

type Json = Record<string, any>;

describe('ONE Order REST create replayed while its first attempt is unfinished', () => {
  let gw: RunningGateway;
  const db = new pg.Client({ connectionString: TEST_DATABASE_URL });

  async function create(offerId: string, idempotencyKey: string): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${gw.url}/api/v1/one-order/create`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify({
        offerId,
        passengers: [{ paxId: 'PAX1', ptc: 'ADT', givenName: 'Ada', surname: 'Lovelace' }],
        contacts: [{ contactId: 'C1', emails: [{ address: 'ada@example.com' }] }],
        payment: { card: { number: '4111111111111111', expiry: '12/30', cvv: '123', holderName: 'Ada Lovelace' } },
      }),
    });
    return { status: response.status, body: await response.json() as Json };
  }

  beforeAll(async () => {
    gw = await startGatewayWithClients([{ id: 'agency-replay', name: 'Agency', apiKeys: [hashApiKey(KEY)], messages: ['OrderCreateRQ', 'OrderRetrieveRQ'] }], { NDC_VERSIONS: '21.3' });
    await db.connect();
  });

  afterAll(async () => {
    await db.end();
    await gw?.close();
  });

  it('is not answered with the half-made order: the request is still in progress until it finishes', async () => {
    const shop = await fetch(`${gw.airlineUrl}/v1/offer.shop`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ journeys: [{ origin: 'LHR', destination: 'FRA', date: dayFromToday(30) }], passengers: [{ id: 'PAX1', type: 'ADT' }] }),
    });
    const { offers } = await shop.json() as { offers: { offerId: string }[] };
    const idempotencyKey = `replay-${Date.now()}`;
    const first = await create(offers[0]!.offerId, idempotencyKey);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const { orderId } = first.body.order as { orderId: string };

    // What an attempt leaves when the store goes away between writing the order and recording its
    // delivery: the payment authorised, not captured, no documents, the key still held.
    const schema = `"${gw.config.databaseSchema}"`;
    await db.query(`UPDATE ${schema}.orders SET record = jsonb_set(jsonb_set(record, '{payments,0,status}', '"PENDING"'), '{documents}', '[]') WHERE order_id = $1`, [orderId]);
    const held = await db.query(`UPDATE ${schema}.idempotency_keys SET state = 'in-progress', response = NULL, created_at = now() WHERE order_id = $1`, [orderId]);
    expect(held.rowCount).toBe(1);

    const replay = await create(offers[0]!.offerId, idempotencyKey);
    expect(replay.status, JSON.stringify(replay.body)).toBe(409);
    expect(JSON.stringify(replay.body)).toContain('REQUEST_IN_PROGRESS');
  });
});
