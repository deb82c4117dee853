import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createOrderStore } from '../../../src/orders/index.ts';
import { buildNewOrder } from '../../unit/orders/order-fixtures.ts';
import { DATABASE_URL, silentLogger, uniqueSchema } from './order-store-fixtures.ts';

describe('createOrderStore', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'order-store-')), 'orders');

  afterAll(() => {
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('without a database URL keeps orders, events and idempotency keys in the data folder across a restart', async () => {
    const config = { databaseUrl: undefined, databaseSchema: 'ndc_gateway', dataDir, personalDataKeys: undefined };
    const first = createOrderStore(config, silentLogger);
    await first.migrate();
    await first.claim('client-a:MSG-1', 'client-a', 'hash-1');
    const order = await first.create(buildNewOrder('client-a'), { event: { type: 'order.created', clientId: 'client-a' }, idempotencyKey: 'client-a:MSG-1' });
    await first.complete('client-a:MSG-1', '<OrderViewRS/>', order.orderId);
    await first.close();

    const reopened = createOrderStore(config, silentLogger);
    try {
      await reopened.migrate();
      expect(await reopened.get(order.orderId, 'client-a')).toEqual(order);
      expect(await reopened.findByBookingReference(order.bookingReference, 'client-a')).toEqual(order);
      expect((await reopened.history(order.orderId, 'client-a')).map((e) => e.type)).toEqual(['order.created']);
      expect(await reopened.claim('client-a:MSG-1', 'client-a', 'hash-1')).toEqual({ state: 'completed', orderId: order.orderId, response: '<OrderViewRS/>' });
    } finally {
      await reopened.close();
    }
  });

  it('with a database URL stores orders in PostgreSQL, in the configured schema', async () => {
    const schema = uniqueSchema();
    const store = createOrderStore({ databaseUrl: DATABASE_URL, databaseSchema: schema, dataDir, personalDataKeys: undefined }, silentLogger);
    const admin = new Pool({ connectionString: DATABASE_URL, max: 1 });
    try {
      await store.migrate();
      const order = await store.create(buildNewOrder('client-a'), { event: { type: 'order.created', clientId: 'client-a' } });

      const rows = await admin.query(`SELECT order_id, version FROM "${schema}".orders`);
      expect(rows.rows).toEqual([{ order_id: order.orderId, version: 1 }]);
    } finally {
      await store.close();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  });
});
