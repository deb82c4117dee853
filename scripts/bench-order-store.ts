/**
 * Measures durable order creates per second on PostgreSQL, with concurrent writers.
 *   npx tsx scripts/bench-order-store.ts [--orders 3000] [--writers 16,32] [--pool 16] [--flow both|create|idempotent]
 * flow create: one create (order row + first event, one statement).
 * flow idempotent: what a paid OrderCreate does: claim the key, create linked to it, then record the
 * delivery as the next version with the response stored under the key (three statements, three commits).
 * Uses DATABASE_URL from the configuration, or the local PostgreSQL, in a schema of its own that
 * is dropped afterwards. Commits are durable: the store forces synchronous_commit on.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/log/logger.ts';
import { createPgOrderStore, type NewOrder, type OrderStore } from '../src/orders/index.ts';

type Flow = 'create' | 'idempotent';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '3000' },
    writers: { type: 'string', default: '16,32' },
    pool: { type: 'string', default: '16' },
    flow: { type: 'string', default: 'both' },
  },
});
const orders = Number(values.orders);
const writerCounts = values.writers.split(',').map(Number);
const poolSize = Number(values.pool);
const flows: Flow[] = values.flow === 'both' ? ['create', 'idempotent'] : [values.flow as Flow];
const databaseUrl = loadConfig().databaseUrl ?? 'postgresql://postgres@127.0.0.1:5432/test';
const schema = `bench_${randomBytes(4).toString('hex')}`;
const logger = createLogger('warn');
/** About the size of an OrderViewRS for two passengers. */
const RESPONSE = `<OrderViewRS>${'x'.repeat(6000)}</OrderViewRS>`;

function buildOrder(owner: string): NewOrder {
  const pax = ['PAX1', 'PAX2'];
  return {
    orderId: `ORD-${randomUUID()}`,
    ownerClientId: owner,
    status: 'OPENED',
    currency: 'EUR',
    totalPrice: { base: 800, taxes: 254.9, total: 1054.9, currency: 'EUR' },
    paymentTimeLimit: '2026-06-01T12:00:00Z',
    passengers: [
      { paxId: 'PAX1', ptc: 'ADT', givenName: 'Anna', surname: 'Muller', birthdate: '1985-03-14', gender: 'FEMALE' },
      { paxId: 'PAX2', ptc: 'ADT', givenName: 'Jonas', surname: 'Weber' },
    ],
    contacts: [{ contactId: 'CTC1', paxIds: ['PAX1'], emails: [{ address: 'anna@example.com' }], phones: [{ number: '1701234567', countryDialingCode: '49' }] }],
    items: [{
      orderItemId: 'ITEM1', offerId: 'OF1', offerItemId: 'OF1-1', status: 'ACTIVE', paxIds: pax,
      price: { base: 800, taxes: 254.9, total: 1054.9, currency: 'EUR' },
      services: ['SEG1', 'SEG2'].flatMap((segmentId) => pax.map((paxId) => ({
        serviceId: `SRV-${paxId}-${segmentId}`, type: 'FLIGHT' as const, status: 'CONFIRMED' as const, paxId, segmentId,
        delivery: { status: 'READY_TO_PROCEED' as const },
      }))),
    }],
    segments: [
      { segmentId: 'SEG1', origin: 'FRA', destination: 'JFK', departure: '2026-07-01T10:15:00', arrival: '2026-07-01T12:55:00', carrier: 'XR', flightNumber: '400', aircraft: '359', cabin: 'ECONOMY' },
      { segmentId: 'SEG2', origin: 'JFK', destination: 'FRA', departure: '2026-07-10T17:30:00', arrival: '2026-07-11T07:20:00', carrier: 'XR', flightNumber: '401', aircraft: '359', cabin: 'ECONOMY' },
    ],
    journeys: [
      { journeyId: 'J1', origin: 'FRA', destination: 'JFK', segmentIds: ['SEG1'] },
      { journeyId: 'J2', origin: 'JFK', destination: 'FRA', segmentIds: ['SEG2'] },
    ],
    payments: [{
      paymentId: 'PAY1', status: 'SUCCESSFUL', amount: 1054.9, currency: 'EUR', createdAt: '2026-05-01T09:00:00.000Z',
      method: { type: 'CARD', token: 'tok_4f9a2c', maskedNumber: '************1111', brand: 'VI' },
    }],
    documents: [],
  };
}

async function createOne(store: OrderStore, flow: Flow, owner: string): Promise<void> {
  const event = { type: 'order.created', clientId: owner };
  if (flow === 'create') {
    await store.create(buildOrder(owner), { event });
    return;
  }
  const key = `${owner}:${randomUUID()}`;
  const claim = await store.claim(key, owner, 'request-hash');
  if (claim.state !== 'claimed') throw new Error(`claim answered ${claim.state}`);
  const order = await store.create(buildOrder(owner), { event, idempotencyKey: key });
  await store.updateFrom(order, (o) => o, { type: 'order.delivered', clientId: owner }, { complete: { key, response: () => RESPONSE } });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function run(store: OrderStore, flow: Flow, writers: number, total: number): Promise<{ perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: writers }, async (_, w) => {
    while (next < total) {
      next++;
      const t = performance.now();
      await createOne(store, flow, `bench-client-${w % 4}`);
      latencies.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const admin = new Pool({ connectionString: databaseUrl, max: 1 });
const store = createPgOrderStore({ connectionString: databaseUrl, schema, logger, poolSize });
try {
  const settings = await admin.query<{ name: string; setting: string }>(
    `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'commit_delay', 'server_version')`,
  );
  console.log(`PostgreSQL ${settings.rows.map((r) => `${r.name}=${r.setting}`).join(' ')}; store pool ${poolSize}; schema ${schema}`);
  await store.migrate();
  await run(store, 'idempotent', 8, 300);
  console.log('flow        writers  orders   orders/s   p50 ms   p99 ms');
  for (const flow of flows) {
    for (const writers of writerCounts) {
      const figures = await run(store, flow, writers, orders);
      console.log(`${flow.padEnd(11)} ${String(writers).padStart(7)} ${String(orders).padStart(7)} ${figures.perSecond.toFixed(0).padStart(10)} ${figures.p50.toFixed(1).padStart(8)} ${figures.p99.toFixed(1).padStart(8)}`);
    }
  }
} finally {
  await store.close();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}
