import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderCancelResult, OrderCreateResult, OrderHistoryResult, OrderRetrieveResult } from '../../../src/orchestration/index.ts';
import { createPgliteOrderStore } from '../../../src/orders/pglite-order-store.ts';
import type { OrderStore } from '../../../src/orders/order-store.ts';
import { send, shop, silentLogger, startHarness, type Harness } from './orchestration-fixtures.ts';

let h: Harness;
let db: PGlite;
let store: OrderStore;

beforeAll(async () => {
  h = await startHarness();
  db = await PGlite.create();
  store = createPgliteOrderStore({ database: db, schema: 'orders_smoke', logger: silentLogger });
  await store.migrate();
});

afterAll(async () => {
  await store.close();
  await db.close();
  await h.close();
});

describe('order lifecycle on the embedded PGlite store', () => {
  it('creates, replays, retrieves and cancels an order', async () => {
    const handlers = h.handlersWith({ store });
    const client = `client-${randomUUID()}`;
    const { offer } = await shop(h.airline, [{ id: 'P1', type: 'ADT' }], 'ECOFLEX');
    const command = { idempotencyKey: `smoke:${randomUUID()}`, offerId: offer.offerId, passengers: [{ paxId: 'P1', ptc: 'ADT', surname: 'Smoke' }], payment: { card: await h.card() } };

    const created = await send<OrderCreateResult>(handlers, 'order.create', command, client);
    expect(created.order.status).toBe('OPENED');
    expect(created.order.documents).toHaveLength(1);
    expect(await send(handlers, 'order.create', command, client)).toEqual(created);

    const retrieved = await send<OrderRetrieveResult>(handlers, 'order.retrieve', { orderId: created.order.orderId }, client);
    expect(retrieved.order).toEqual(created.order);

    const cancelled = await send<OrderCancelResult>(handlers, 'order.cancel', { idempotencyKey: `smoke:${randomUUID()}`, orderId: created.order.orderId }, client);
    expect(cancelled.order.status).toBe('CLOSED');
    expect(cancelled.refund.amount).toBe(created.order.totalPrice.total);
    const history = await send<OrderHistoryResult>(handlers, 'order.history', { orderId: created.order.orderId }, client);
    expect(history.events.map((e) => e.type)).toEqual(['order.created', 'order.delivered', 'order.cancelled', 'order.refunded']);
  });
});
