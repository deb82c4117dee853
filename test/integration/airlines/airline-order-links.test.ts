import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirlineOrderLinks } from '../../../src/airlines/airline-connector.ts';
import { createMemoryAirlineOrderLinks, createSqlAirlineOrderLinks } from '../../../src/airlines/ndc/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { createPgOrderStore } from '../../../src/orders/pg-order-store.ts';
import { createPgliteOrderStore } from '../../../src/orders/pglite-order-store.ts';
import type { OrderStore } from '../../../src/orders/order-store.ts';
import { dropSchema, TEST_DATABASE_URL } from '../../support/start-gateway.ts';

/**
 * Every link store keeps the same promises: get what was put, items merged, the latest ids win,
 * earlier reference and total kept, and an airline's order id (with its owner) leads back to the
 * gateway order.
 */

let db: PGlite;
let store: OrderStore;
let pgStore: OrderStore;
const pgSchema = `links_${randomUUID().replaceAll('-', '')}`;

beforeAll(async () => {
  db = await PGlite.create();
  store = createPgliteOrderStore({ database: db, schema: 'links_test', logger: createLogger('silent') });
  await store.migrate();
  pgStore = createPgOrderStore({ connectionString: TEST_DATABASE_URL, schema: pgSchema, logger: createLogger('silent'), poolSize: 2 });
  await pgStore.migrate();
}, 60_000);

afterAll(async () => {
  await store?.close();
  await db?.close();
  await pgStore?.close();
  await dropSchema(TEST_DATABASE_URL, pgSchema);
});

const kinds: [string, () => AirlineOrderLinks][] = [
  ['in memory', () => createMemoryAirlineOrderLinks()],
  ['in the order database on PGlite (migration 0006)', () => createSqlAirlineOrderLinks(() => store.sql())],
  ['in the order database on PostgreSQL (migration 0006)', () => createSqlAirlineOrderLinks(() => pgStore.sql())],
];

describe.each(kinds)('airline order links %s', (_name, make) => {
  it('answers undefined for an order it never saw', async () => {
    expect(await make().get('GW-NONE')).toBeUndefined();
  });

  it('keeps a link, merges items on a later put and keeps the booking reference and total it knew', async () => {
    const links = make();
    const id = `GW-${_name.length}-${Date.now()}`;
    await links.put({ gatewayOrderId: id, owner: 'XB', orderId: 'AIR-1', bookingReference: 'ABC123', items: { I1: 'A1', I2: 'A2' }, total: { amount: 812.4, currency: 'EUR' } });
    await links.put({ gatewayOrderId: id, owner: 'XB', orderId: 'AIR-1', items: { I3: 'A3', I1: 'A1b' } });
    expect(await links.get(id)).toEqual({
      gatewayOrderId: id, owner: 'XB', orderId: 'AIR-1', bookingReference: 'ABC123',
      items: { I1: 'A1b', I2: 'A2', I3: 'A3' }, total: { amount: 812.4, currency: 'EUR' },
    });
  });

  it('finds the gateway order of an airline order by owner and airline order id, the latest link first', async () => {
    const links = make();
    const run = randomUUID();
    await links.put({ gatewayOrderId: `GW-A-${run}`, owner: 'XB', orderId: `AIR-${run}`, items: {} });
    await links.put({ gatewayOrderId: `GW-B-${run}`, owner: 'XC', orderId: `AIR-${run}`, items: {} });
    expect((await links.findByAirlineOrderId('XB', `AIR-${run}`))?.gatewayOrderId).toBe(`GW-A-${run}`);
    expect((await links.findByAirlineOrderId('XC', `AIR-${run}`))?.gatewayOrderId).toBe(`GW-B-${run}`);
    expect(await links.findByAirlineOrderId('XD', `AIR-${run}`)).toBeUndefined();
    expect(await links.findByAirlineOrderId('XB', `AIR-OTHER-${run}`)).toBeUndefined();
    // The airline gave its order a new id (a re-issue): the new id finds the order, the old one no longer.
    await links.put({ gatewayOrderId: `GW-A-${run}`, owner: 'XB', orderId: `AIR2-${run}`, items: { I1: 'A1' } });
    expect(await links.findByAirlineOrderId('XB', `AIR2-${run}`)).toEqual({ gatewayOrderId: `GW-A-${run}`, owner: 'XB', orderId: `AIR2-${run}`, items: { I1: 'A1' } });
    expect(await links.findByAirlineOrderId('XB', `AIR-${run}`)).toBeUndefined();
  });
});
