import { describe, expect, it } from 'vitest';
import type { InventoryItem } from '../../../src/contracts/airline/index.ts';
import { applyDelivery, countersAfter, planItems, toOrderItems, upsertContacts, withTotal } from '../../../src/orchestration/order-items.ts';
import { amountDue, isItemPaid, sumMoney } from '../../../src/orchestration/order-money.ts';
import { toOrderView } from '../../../src/orchestration/order-view.ts';
import { assertValidOrderRecord, type Order } from '../../../src/orders/index.ts';
import { buildOrder } from '../orders/order-fixtures.ts';

const price = (total: number) => ({ base: total, taxes: 0, total, currency: 'EUR', taxBreakdown: [] });

const held: InventoryItem[] = [
  { itemId: 'OI1', kind: 'FLIGHT', status: 'HELD', paxIds: ['P1', 'P2'], segmentIds: ['S1', 'S2'], price: { base: 200, taxes: 50.5, total: 250.5, currency: 'EUR', taxBreakdown: [{ code: 'GB', amount: 50.5, description: 'Air passenger duty' }] }, offerItemId: 'OF1-1', rbd: 'K', fareBasisCode: 'KCL' },
  { itemId: 'OI2', kind: 'SERVICE', status: 'HELD', paxIds: ['P2'], segmentIds: ['S1'], price: price(35), code: 'XBAG', name: 'First extra checked bag', serviceType: 'BAGGAGE' },
  { itemId: 'OI3', kind: 'SEAT', status: 'HELD', paxIds: ['P1'], segmentIds: ['S1'], price: price(0), code: 'SEAT', name: 'Standard seat', serviceType: 'SEAT', seat: { paxId: 'P1', segmentId: 'S1', row: 7, column: 'A' } },
];

describe('planning and building items', () => {
  it('numbers items after the highest ids of the order', () => {
    const order = buildOrder();
    expect(countersAfter(undefined)).toEqual({ item: 0, service: 0 });
    const counters = countersAfter({ ...order, items: order.items.map((i, n) => ({ ...i, orderItemId: `OI${n + 4}`, services: i.services.map((s, m) => ({ ...s, serviceId: `SV${n * 10 + m}` })) })) });
    expect(counters).toEqual({ item: 6, service: 20 });
    const plan = planItems(counters, { offerItemIds: ['OF1-1'], services: [{ paxIds: ['P1'], code: 'XBAG' }], seats: [{ paxId: 'P1', segmentId: 'S1', row: 7, column: 'A' }] });
    expect([plan.flights[0]?.itemId, plan.services[0]?.itemId, plan.seats[0]?.itemId]).toEqual(['OI7', 'OI8', 'OI9']);
  });

  it('makes one confirmed service per passenger and segment, delivery in progress until issued', () => {
    const plan = planItems({ item: 0, service: 0 }, {});
    const items = toOrderItems(held, 'OF1', { item: 3, service: 0 }, plan);
    expect(items.map((i) => [i.orderItemId, i.services.length])).toEqual([['OI1', 4], ['OI2', 1], ['OI3', 1]]);
    expect(items[0]).toEqual(expect.objectContaining({ offerId: 'OF1', offerItemId: 'OF1-1', status: 'ACTIVE' }));
    expect(items[0]?.price.taxBreakdown).toEqual([{ code: 'GB', amount: 50.5, description: 'Air passenger duty' }]);
    expect(items.flatMap((i) => i.services.map((s) => s.serviceId))).toEqual(['SV1', 'SV2', 'SV3', 'SV4', 'SV5', 'SV6']);
    expect(items[2]?.services[0]).toEqual({
      serviceId: 'SV6', type: 'SEAT', status: 'CONFIRMED', paxId: 'P1', segmentId: 'S1', seat: { row: 7, column: 'A' }, code: 'SEAT', name: 'Standard seat',
      delivery: { status: 'IN_PROGRESS' }, settlement: { status: 'PENDING' },
    });
  });
});

describe('applyDelivery', () => {
  function unpaidOrder(): Order {
    const base = buildOrder({ payments: [], paymentTimeLimit: '2030-01-01T00:00:00Z' });
    const items = toOrderItems(held, 'OF1', { item: 3, service: 0 }, planItems({ item: 0, service: 0 }, {}));
    return withTotal({ ...base, items, segments: [{ ...base.segments[0], segmentId: 'S1' } as Order['segments'][number], { ...base.segments[1], segmentId: 'S2' } as Order['segments'][number]], journeys: [] });
  }

  it('records documents per passenger and item, settles what was issued and drops the time limit', () => {
    const order = unpaidOrder();
    expect(amountDue(order)).toBe(285.5);
    const delivered = applyDelivery(order, {
      issued: ['OI1', 'OI2', 'OI3'],
      documents: [
        { type: 'ET', number: '0001234567890', paxId: 'P1', itemIds: ['OI1'], status: 'ISSUED', issuedAt: '2026-01-01T00:00:00Z' },
        { type: 'ET', number: '0001234567891', paxId: 'P2', itemIds: ['OI1'], status: 'ISSUED', issuedAt: '2026-01-01T00:00:00Z' },
        { type: 'EMD', number: '0001234567892', paxId: 'P2', itemIds: ['OI2'], status: 'ISSUED', issuedAt: '2026-01-01T00:00:00Z' },
      ],
    }, '2026-01-01T00:00:01Z', []);
    assertValidOrderRecord(delivered);
    expect(amountDue(delivered)).toBe(0);
    expect(delivered.paymentTimeLimit).toBeUndefined();
    expect(delivered.status).toBe('OPENED');
    expect(delivered.items.every(isItemPaid)).toBe(true);
    const numbers = delivered.items.flatMap((i) => i.services.map((s) => [s.paxId, s.delivery.documentNumber ?? null]));
    expect(numbers).toEqual([['P1', '0001234567890'], ['P1', '0001234567890'], ['P2', '0001234567891'], ['P2', '0001234567891'], ['P2', '0001234567892'], ['P1', null]]);
    expect(delivered.documents.map((d) => d.orderItemIds)).toEqual([['OI1'], ['OI1'], ['OI2']]);
  });

  it('keeps the time limit while something is still due', () => {
    const order = unpaidOrder();
    const partly = applyDelivery(order, { issued: ['OI2'], documents: [] }, '2026-01-01T00:00:01Z', []);
    expect(amountDue(partly)).toBe(250.5);
    expect(partly.paymentTimeLimit).toBe('2030-01-01T00:00:00Z');
  });
});

describe('toOrderView', () => {
  it('shows the masked card without its token or the owner, what is due, and voided documents', () => {
    const order = buildOrder({
      documents: [{ type: 'EMD', number: '1231231231231', paxId: 'PAX2', orderItemIds: ['ITEM3'] }],
      items: buildOrder().items.map((i) => (i.orderItemId === 'ITEM3' ? { ...i, status: 'CANCELLED' as const } : i)),
    });
    const view = toOrderView(order);
    expect(JSON.stringify(view)).not.toContain('tok_4f9a2c');
    expect('ownerClientId' in view).toBe(false);
    expect(view.payments[0]?.method).toEqual({ type: 'CARD', maskedNumber: '************1111', brand: 'VI', expiry: '2028-12', holderName: 'ANNA MULLER' });
    expect(view.documents[0]?.status).toBe('VOIDED');
    expect(view.amountDue).toBe(amountDue(order));
  });
});

describe('contacts and money', () => {
  it('replaces contacts by id and adds new ones', () => {
    const order = buildOrder();
    const changed = upsertContacts(order, [{ contactId: 'CTC1', emails: [{ address: 'x@example.com' }] }, { contactId: 'CTC2' }]);
    expect(changed.contacts).toEqual([{ contactId: 'CTC1', emails: [{ address: 'x@example.com' }] }, { contactId: 'CTC2' }]);
  });

  it('adds amounts in cents', () => {
    expect(sumMoney('EUR', [{ base: 0.1, taxes: 0.2, total: 0.3, currency: 'EUR' }, { base: 0.2, taxes: 0.1, total: 0.3, currency: 'EUR' }]))
      .toEqual({ base: 0.3, taxes: 0.3, total: 0.6, currency: 'EUR' });
  });
});
