import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcile } from '../../scripts/faults/reconcile.ts';
import type { CreateOutcome } from '../../scripts/faults/types.ts';
import { TEST_DATABASE_URL } from '../support/start-gateway.ts';

/**
 * Reconciliation must see what a fault can break: a second order for one request, an answered
 * order the store lost, an order made for a refused request, a second capture, a second set of
 * tickets, a second hold on the card for one order, and money held for no order. Each is laid
 * out here in a store schema and in stand-ins of the airline's and payment service's admin
 * listings.
 */

const schema = `test_reconcile_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
let listings: Server;
let url: string;

const ticket = (orderId: string, number: string, itemId = 'I1') => ({ type: 'ET', number, paxId: 'PAX1', itemIds: [itemId], status: 'ISSUED', issuedAt: '2026-01-01T00:00:00Z' });
const capture = (authorisationId: string, reference: string, status = 'CAPTURED') => ({ authorisationId, reference, status, amount: 100, currency: 'EUR', capturedAmount: status === 'CAPTURED' ? 100 : 0, refundedAmount: 0, createdAt: '2026-01-01T00:00:00Z' });

const ORDERS: [string, string, string[]][] = [
  ['O-CLEAN', 'CLEAN', ['0001']],
  ['O-TWICE-1', 'TWICE', ['0002']],
  ['O-TWICE-2', 'TWICE', ['0003']],
  ['O-REFUSED', 'REFUSED', []],
  ['O-CAPTURED2', 'CAPTUREDTWICE', ['0004']],
  ['O-TICKETED2', 'TICKETEDTWICE', ['0005']],
  ['O-HELD2', 'HELDTWICE', ['0007']],
];
const BOOKINGS = [
  { orderId: 'O-CLEAN', items: [{ itemId: 'I1', status: 'ISSUED' }], documents: [ticket('O-CLEAN', '0001')] },
  { orderId: 'O-TWICE-1', items: [], documents: [ticket('O-TWICE-1', '0002')] },
  { orderId: 'O-CAPTURED2', items: [], documents: [ticket('O-CAPTURED2', '0004')] },
  { orderId: 'O-TICKETED2', items: [], documents: [ticket('O-TICKETED2', '0005'), ticket('O-TICKETED2', '0006')] },
  { orderId: 'O-HELD2', items: [], documents: [ticket('O-HELD2', '0007')] },
];
const AUTHORISATIONS = [
  capture('A1', 'O-CLEAN'), capture('A2', 'O-TWICE-1'), capture('A3', 'O-CAPTURED2'), capture('A4', 'O-CAPTURED2'),
  capture('A5', 'O-TICKETED2'), capture('A6', 'O-NOWHERE', 'AUTHORISED'), capture('A7', 'O-HELD2'), capture('A8', 'O-HELD2', 'AUTHORISED'),
];

const create = (marker: string, orderId?: string, refusedCode?: string): CreateOutcome => ({
  idempotencyKey: `key-${marker}`, marker, attempts: 1, lostAnswers: 0, ...(orderId ? { orderId } : {}), ...(refusedCode ? { refusedCode } : {}),
});

beforeAll(async () => {
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.query(`CREATE TABLE "${schema}".orders (order_id text PRIMARY KEY, status text NOT NULL, pax_surnames text[] NOT NULL, record jsonb NOT NULL)`);
  for (const [orderId, surname, tickets] of ORDERS) {
    const record = { payments: [{ status: 'SUCCESSFUL' }], documents: tickets.map((number) => ({ type: 'ET', number })) };
    await admin.query(`INSERT INTO "${schema}".orders VALUES ($1, 'OPENED', $2, $3)`, [orderId, [surname], JSON.stringify(record)]);
  }
  listings = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(req.url === '/admin/bookings' ? { bookings: BOOKINGS } : { authorisations: AUTHORISATIONS }));
  }).listen(0, '127.0.0.1');
  await once(listings, 'listening');
  url = `http://127.0.0.1:${(listings.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
  listings?.close();
});

describe('reconciliation', () => {
  it('counts one clean order as found, and every broken promise as a duplicate, a missing order or an orphan', async () => {
    const result = await reconcile({
      creates: [
        create('CLEAN', 'O-CLEAN'), create('TWICE', 'O-TWICE-1'), create('LOST', 'O-LOST'), create('REFUSED', undefined, 'OFFER_EXPIRED'),
        create('CAPTUREDTWICE', 'O-CAPTURED2'), create('TICKETEDTWICE', 'O-TICKETED2'), create('HELDTWICE', 'O-HELD2'),
      ],
    }, { databaseUrl: TEST_DATABASE_URL, schema, airlineUrl: url, paymentUrl: url });
    expect(result.ordersExpected).toBe(6);
    expect(result.ordersFound).toBe(5);
    expect(result.duplicates).toBe(4);
    expect(result.missing).toBe(1);
    // The refused request's order, and the authorisation held for an order that does not exist.
    expect(result.orphans).toBe(2);
    const text = result.problems.join('\n');
    expect(text).toContain('2 orders (O-TWICE-1, O-TWICE-2)');
    expect(text).toContain('O-LOST, which the store does not hold');
    expect(text).toContain('refused OFFER_EXPIRED but the store holds order(s) O-REFUSED');
    expect(text).toContain('O-CAPTURED2 captured 2 times');
    expect(text).toContain('O-TICKETED2 has tickets issued more than once');
    expect(text).toContain('A6 AUTHORISED for O-NOWHERE');
    expect(text).toContain('O-HELD2 left 1 authorisation(s) open besides its capture');
    expect(text).not.toContain('O-CLEAN');
  });
});
