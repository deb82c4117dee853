import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHoldExpiryJob, startHousekeeping, type HousekeepingRunner } from '../../../src/housekeeping/index.ts';
import { createHoldExpiry, type OrderCreateResult } from '../../../src/orchestration/index.ts';
import { availabilityOf, send, shop, silentLogger, startHarness, type Harness } from '../orchestration/orchestration-fixtures.ts';
import { buildNewOrder } from '../../unit/orders/order-fixtures.ts';

/**
 * Two processes sweeping expired holds at once, each with its own order store over the same
 * PostgreSQL schema and both against the reference airline: every hold is cancelled once, its
 * seats released once, its notice written once. The sweeps' clock is moved past the time limits.
 */

const passengers = [{ paxId: 'PAX1', ptc: 'ADT', givenName: 'Anna', surname: 'Muller' }];

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

function runner(now: () => Date): Promise<HousekeepingRunner> {
  const store = h.openStore({});
  const expireHold = createHoldExpiry({ store, airline: h.airline, payment: h.payment, logger: silentLogger });
  // everyMs 0: scheduled nowhere, run by hand, so both runs start together.
  return startHousekeeping({ jobs: [createHoldExpiryJob({ store, expireHold, everyMs: 0 })], prefix: 'unused', logger: silentLogger, now });
}

describe('holds.expire with two runners at once', () => {
  it('cancels each hold once and releases its seats once, and leaves a paid order past its limit', async () => {
    const client = `client-${randomUUID()}`;
    const holds: OrderCreateResult['order'][] = [];
    for (let i = 0; i < 3; i++) {
      const { offer } = await shop(h.airline, [{ id: 'PAX1', type: 'ADT' }], 'ECOCLASSIC', 50 + i);
      const { order } = await send<OrderCreateResult>(h.handlers, 'order.create', {
        idempotencyKey: `hold-${randomUUID()}`, offerId: offer.offerId, passengers, contacts: [{ contactId: 'CTC1', emails: [{ address: 'anna@example.com' }] }],
      }, client);
      expect(order.paymentTimeLimit).toBeDefined();
      holds.push(order);
    }
    // Paid, though its time limit passed long ago: not a hold to release.
    const paid = await h.store.create(buildNewOrder(client, { paymentTimeLimit: '2026-01-01T00:00:00Z' }), { event: { type: 'order.created', clientId: client } });
    const before = await Promise.all(holds.map((o) => availabilityOf(h.airline, { orderId: o.orderId })));
    const latest = Math.max(...holds.map((o) => Date.parse(o.paymentTimeLimit!)));
    const later = (): Date => new Date(latest + 60_000);
    const [first, second] = await Promise.all([runner(later), runner(later)]);

    const counts = await Promise.all([first!.runNow('holds.expire'), second!.runNow('holds.expire')]);

    expect(counts.reduce((sum, c) => sum + (c.expired ?? 0), 0)).toBe(3);
    expect(counts.reduce((sum, c) => sum + (c.failed ?? 0), 0)).toBe(0);
    for (const [index, hold] of holds.entries()) {
      const events = await h.sql<{ type: string }>(`SELECT type FROM "${h.schema}".order_events WHERE order_id = $1 ORDER BY seq`, [hold.orderId]);
      expect(events.map((e) => e.type)).toEqual(['order.created', 'order.hold-expired', 'order.inventory-released']);
      const notices = await h.sql<{ type: string }>(`SELECT type FROM "${h.schema}".order_notices WHERE order_id = $1`, [hold.orderId]);
      expect(notices.map((n) => n.type)).toEqual(['order.hold_expired']);
      const after = await availabilityOf(h.airline, { orderId: hold.orderId });
      for (const [n, segment] of after.entries()) {
        expect(segment.held).toBe(before[index]![n]!.held - 1);
        expect(segment.available).toBe(before[index]![n]!.available + 1);
      }
    }
    expect((await h.store.get(paid.orderId, client))?.version).toBe(1);
    // Nothing left for a later sweep.
    expect(await first!.runNow('holds.expire')).toEqual({ expired: 0, changed: 0, kept: 0, failed: 0 });
    await first!.close();
    await second!.close();
  }, 60_000);

  it('leaves holds whose time limit has not passed', async () => {
    const { offer } = await shop(h.airline, [{ id: 'PAX1', type: 'ADT' }], 'ECOCLASSIC', 60);
    const client = `client-${randomUUID()}`;
    const { order } = await send<OrderCreateResult>(h.handlers, 'order.create', {
      idempotencyKey: `hold-${randomUUID()}`, offerId: offer.offerId, passengers, contacts: [{ contactId: 'CTC1', emails: [{ address: 'anna@example.com' }] }],
    }, client);
    const sweep = await runner(() => new Date(Date.parse(order.paymentTimeLimit!) - 1000));

    expect(await sweep.runNow('holds.expire')).toEqual({ expired: 0, changed: 0, kept: 0, failed: 0 });
    expect((await h.store.get(order.orderId, client))?.version).toBe(order.version);
    await sweep.close();
  }, 30_000);

  it('keeps, without writing or auditing anything, an expired hold that cannot be cancelled as it stands', async () => {
    const client = `client-${randomUUID()}`;
    const built = buildNewOrder(client, { payments: [], paymentTimeLimit: '2026-01-01T00:00:00Z' });
    const delivered = built.items.map((item, i) => (i === 2
      ? { ...item, services: item.services.map((service) => ({ ...service, delivery: { status: 'DELIVERED' as const } })) }
      : item));
    const order = await h.store.create({ ...built, items: delivered }, { event: { type: 'order.created', clientId: client } });
    const sweep = await runner(() => new Date('2026-01-02T00:00:00Z'));

    const counts = await sweep.runNow('holds.expire');

    expect(counts.kept).toBeGreaterThanOrEqual(1);
    expect((await h.store.get(order.orderId, client))?.version).toBe(1);
    expect(await h.sql(`SELECT 1 FROM "${h.schema}".audit_trail WHERE order_id = $1`, [order.orderId])).toEqual([]);
    await sweep.close();
  }, 30_000);
});
