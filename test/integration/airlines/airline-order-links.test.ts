import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AirlineOrderLinks } from '../../../src/airlines/airline-connector.ts';
import { createMemoryAirlineOrderLinks, createSqlAirlineOrderLinks } from '../../../src/airlines/ndc/index.ts';
import { createLogger } from '../../../src/log/logger.ts';
import { createPgliteOrderStore } from '../../../src/orders/pglite-order-store.ts';
import type { OrderStore } from '../../../src/orders/order-store.ts';

/** Both link stores keep the same promises: get what was put, items merged, the latest ids win, earlier reference and total kept. */

let db: PGlite;
let store: OrderStore;

beforeAll(async () => {
  db = await PGlite.create();
  store = createPgliteOrderStore({ database: db, schema: 'links_test', logger: createLogger('silent') });
  await store.migrate();
}, 60_000);

afterAll(async () => {
  await store?.close();
  await db?.close();
});

const kinds: [string, () => AirlineOrderLinks][] = [
  ['in memory', () => createMemoryAirlineOrderLinks()],
  ['in the order database (migration 0006)', () => createSqlAirlineOrderLinks(() => store.sql())],
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
});
