import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeatAvailabilityResult, ServiceListResult } from '../../../src/contracts/airline/index.ts';
import type {
  OrderCancelResult, OrderChangeResult, OrderCreateResult, OrderHistoryResult, OrderListResult, OrderQuoteResult, OrderReshopResult, OrderRetrieveResult,
} from '../../../src/orchestration/index.ts';
import { availabilityOf, codeOf, expectValid, send, shop, startHarness, type Harness } from './orchestration-fixtures.ts';

const passengers = [{ paxId: 'PAX1', ptc: 'ADT', givenName: 'Anna', surname: 'Muller' }, { paxId: 'PAX2', ptc: 'ADT', givenName: 'Jonas', surname: 'Weber' }];
const airlinePassengers = passengers.map((p) => ({ id: p.paxId, type: p.ptc }));

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

const key = (): string => `agency-1:${randomUUID()}`;

async function createOrder(client: string, options: { hold?: boolean; family?: string } = {}): Promise<OrderCreateResult> {
  const { offer } = await shop(h.airline, airlinePassengers, options.family ?? 'ECOCLASSIC');
  return send<OrderCreateResult>(h.handlers, 'order.create', {
    idempotencyKey: key(), offerId: offer.offerId, passengers,
    ...(options.hold ? {} : { payment: { card: await h.card() } }),
  }, client);
}

/** A free seat of the seat map of the order's first flight, for PAX1. */
async function freeSeat(orderId: string): Promise<{ segmentId: string; row: number; column: string; price: number }> {
  const map = await h.airline.call('inventory.seats', { orderId }, { correlationId: 'seats' }) as SeatAvailabilityResult;
  const seatMap = map.seatMaps[0];
  for (const row of seatMap?.cabins[0]?.rows ?? []) {
    const seat = row.seats.find((s) => s.available && s.characteristics.includes('W'));
    if (seat) return { segmentId: seatMap?.segmentId ?? '', row: row.number, column: seat.column, price: seat.price?.total ?? 0 };
  }
  throw new Error('no free seat');
}

describe('hold booking', () => {
  it('is created unpaid with a payment time limit, then paid by order.change', async () => {
    const client = `client-${randomUUID()}`;
    const { order: held } = await createOrder(client, { hold: true });
    expect(held.version).toBe(1);
    expect(held.status).toBe('OPENED');
    expect(held.amountDue).toBe(held.totalPrice.total);
    expect(Date.parse(held.paymentTimeLimit ?? '')).toBeGreaterThan(Date.now());
    expect(held.payments).toEqual([]);
    expect(held.documents).toEqual([]);
    for (const service of held.items.flatMap((i) => i.services)) {
      expect(service.status).toBe('CONFIRMED');
      expect(service.delivery).toEqual({ status: 'IN_PROGRESS' });
    }
    const heldSeats = await availabilityOf(h.airline, { orderId: held.orderId });
    expect(heldSeats.every((s) => s.held >= 2)).toBe(true);

    const quote = await send<OrderQuoteResult>(h.handlers, 'order.quote', { orderId: held.orderId }, client);
    expectValid('order.quote.result', quote);
    expect(quote.amountDue).toBe(held.totalPrice.total);
    expect(quote.repriceQuote.priceChanged).toBe(false);

    const paid = await send<OrderChangeResult>(h.handlers, 'order.change', {
      idempotencyKey: key(), orderId: held.orderId, expectedVersion: 1, payment: { card: await h.card(), amount: held.amountDue },
    }, client);
    expectValid('order.change.result', paid);
    expect(paid.order.version).toBe(2);
    expect(paid.order.amountDue).toBe(0);
    expect(paid.order.paymentTimeLimit).toBeUndefined();
    expect(paid.payment).toEqual(expect.objectContaining({ amount: held.totalPrice.total, status: 'SUCCESSFUL' }));
    expect(paid.order.documents.filter((d) => d.type === 'ET')).toHaveLength(2);
    expect(paid.order.items.flatMap((i) => i.services).every((s) => s.delivery.status === 'READY_TO_PROCEED' && s.settlement?.status === 'SETTLED')).toBe(true);
    const sold = await availabilityOf(h.airline, { orderId: held.orderId });
    expect(sold.map((s) => [s.held, s.sold])).toEqual(heldSeats.map((s) => [s.held - 2, s.sold + 2]));
  });

  it('refuses to pay once the payment time limit has passed, without charging', async () => {
    const client = `client-${randomUUID()}`;
    const { order } = await createOrder(client, { hold: true });
    const later = h.handlersWith({ now: () => new Date(Date.parse(order.paymentTimeLimit ?? '') + 1000) });
    expect(await codeOf(send(later, 'order.change', { idempotencyKey: key(), orderId: order.orderId, payment: { card: await h.card() } }, client)))
      .toBe('ORDER_NOT_CHANGEABLE');
    expect(h.paymentService.authorisations().filter((a) => a.reference === order.orderId)).toEqual([]);
  });

  it('quotes a repricing of the order at today\'s fares', async () => {
    const client = `client-${randomUUID()}`;
    const { order } = await createOrder(client, { hold: true });
    const reshop = await send<OrderReshopResult>(h.handlers, 'order.reshop', { orderId: order.orderId, action: 'REPRICE' }, client);
    expectValid('order.reshop.result', reshop);
    expect(reshop.repriceQuote).toEqual(expect.objectContaining({ previousTotal: order.totalPrice.total, currentTotal: order.totalPrice.total, difference: 0, priceChanged: false }));
    expect(reshop.repriceQuote?.items.map((i) => i.orderItemId)).toEqual(order.items.map((i) => i.orderItemId));
  });
});

describe('order.change', () => {
  it('adds a paid seat and a bag, charged to the card on file, with EMDs', async () => {
    const client = `client-${randomUUID()}`;
    const { order } = await createOrder(client, { family: 'ECOLIGHT' });
    const seat = await freeSeat(order.orderId);
    expect(seat.price).toBeGreaterThan(0);
    const services = await h.airline.call('inventory.services', { orderId: order.orderId }, { correlationId: 'services' }) as ServiceListResult;
    const bag = services.services.find((s) => s.code === 'XBAG');
    expect(bag).toBeDefined();

    const changed = await send<OrderChangeResult>(h.handlers, 'order.change', {
      idempotencyKey: key(), orderId: order.orderId, expectedVersion: order.version,
      addSeats: [{ paxId: 'PAX1', segmentId: seat.segmentId, row: seat.row, column: seat.column }],
      addServices: [{ paxIds: ['PAX2'], offerId: services.offerId, offerItemId: bag?.offerItemId }],
    }, client);

    expectValid('order.change.result', changed);
    const added = changed.order.items.slice(order.items.length);
    expect(added).toHaveLength(2);
    const seatService = added.flatMap((i) => i.services).find((s) => s.type === 'SEAT');
    expect(seatService).toEqual(expect.objectContaining({ paxId: 'PAX1', segmentId: seat.segmentId, seat: { row: seat.row, column: seat.column }, status: 'CONFIRMED' }));
    expect(seatService?.delivery.status).toBe('READY_TO_PROCEED');
    const due = seat.price + (bag?.price.total ?? 0);
    expect(changed.payment).toEqual(expect.objectContaining({ amount: due, status: 'SUCCESSFUL' }));
    expect(changed.order.payments).toHaveLength(2);
    expect(changed.order.documents.filter((d) => d.type === 'EMD').map((d) => d.paxId).sort()).toEqual(['PAX1', 'PAX2']);
    expect(changed.order.totalPrice.total).toBeCloseTo(order.totalPrice.total + due, 2);
    expect(changed.order.version).toBe(order.version + 1);

    // The seat is gone from the seat map.
    const map = await h.airline.call('inventory.seats', { orderId: order.orderId }, { correlationId: 'seats' }) as SeatAvailabilityResult;
    const taken = map.seatMaps.find((m) => m.segmentId === seat.segmentId)?.cabins[0]?.rows.find((r) => r.number === seat.row)?.seats.find((s) => s.column === seat.column);
    expect(taken?.available).toBe(false);
  });

  it('changes a contact, and refuses a stale version with ORDER_VERSION_CONFLICT', async () => {
    const client = `client-${randomUUID()}`;
    const { order } = await createOrder(client);
    const contact = { contactId: 'CTC1', emails: [{ address: 'new@example.com' }] };
    const changed = await send<OrderChangeResult>(h.handlers, 'order.change', { idempotencyKey: key(), orderId: order.orderId, expectedVersion: order.version, contacts: [contact] }, client);
    expect(changed.order.contacts).toEqual([contact]);
    expect(await codeOf(send(h.handlers, 'order.change', {
      idempotencyKey: key(), orderId: order.orderId, addServices: [{ paxIds: ['NOBODY'], code: 'XBAG', segmentIds: [order.segments[0]?.segmentId] }],
    }, client))).toBe('INVALID_BUSINESS_DATA');
    expect(await codeOf(send(h.handlers, 'order.change', { idempotencyKey: key(), orderId: order.orderId, cancelOrder: true, contacts: [contact] }, client))).toBe('INVALID_BUSINESS_DATA');
    expect(await codeOf(send(h.handlers, 'order.change', { idempotencyKey: key(), orderId: order.orderId, payment: { card: await h.card() } }, client))).toBe('INVALID_BUSINESS_DATA');
    expect(await codeOf(send(h.handlers, 'order.change', {
      idempotencyKey: key(), orderId: order.orderId, expectedVersion: order.version, contacts: [{ ...contact, emails: [{ address: 'old@example.com' }] }],
    }, client))).toBe('ORDER_VERSION_CONFLICT');
    expect(await codeOf(send(h.handlers, 'order.cancel', { idempotencyKey: key(), orderId: order.orderId, expectedVersion: order.version }, client))).toBe('ORDER_VERSION_CONFLICT');
  });

  it("keeps one client's orders from another: ORDER_NOT_FOUND for reads and changes", async () => {
    const owner = `client-${randomUUID()}`;
    const other = `client-${randomUUID()}`;
    const { order } = await createOrder(owner);
    const retrieved = await send<OrderRetrieveResult>(h.handlers, 'order.retrieve', { bookingReference: order.bookingReference.toLowerCase() }, owner);
    expect(retrieved.order.orderId).toBe(order.orderId);
    expect(await codeOf(send(h.handlers, 'order.retrieve', { orderId: order.orderId }, other))).toBe('ORDER_NOT_FOUND');
    expect(await codeOf(send(h.handlers, 'order.retrieve', { bookingReference: order.bookingReference }, other))).toBe('ORDER_NOT_FOUND');
    expect(await codeOf(send(h.handlers, 'order.history', { orderId: order.orderId }, other))).toBe('ORDER_NOT_FOUND');
    expect(await codeOf(send(h.handlers, 'order.change', { idempotencyKey: key(), orderId: order.orderId, contacts: [{ contactId: 'X' }] }, other))).toBe('ORDER_NOT_FOUND');
    expect(await codeOf(send(h.handlers, 'order.cancel', { idempotencyKey: key(), orderId: order.orderId }, other))).toBe('ORDER_NOT_FOUND');
    expect(await codeOf(send(h.handlers, 'order.reshop', { orderId: order.orderId, action: 'CANCEL' }, other))).toBe('ORDER_NOT_FOUND');
    expect((await send<OrderListResult>(h.handlers, 'order.list', {}, other)).orders).toEqual([]);
    expect((await send<OrderRetrieveResult>(h.handlers, 'order.retrieve', { orderId: order.orderId }, owner)).order.version).toBe(order.version);
  });
});

describe('order.reshop and order.cancel', () => {
  it('quotes the refund of a refundable fare, then cancels: refunded, items cancelled, every step in the history', async () => {
    const client = `client-${randomUUID()}`;
    const { order } = await createOrder(client, { family: 'ECOFLEX' });
    const before = await availabilityOf(h.airline, { orderId: order.orderId });

    const reshop = await send<OrderReshopResult>(h.handlers, 'order.reshop', { orderId: order.orderId, action: 'CANCEL' }, client);
    expectValid('order.reshop.result', reshop);
    expect(reshop.refundQuote?.fareFamily.refundable).toBe(true);
    expect(reshop.refundQuote?.penalty).toBe(0);
    expect(reshop.refundQuote?.refundAmount).toBe(order.totalPrice.total);

    const cancelled = await send<OrderCancelResult>(h.handlers, 'order.cancel', { idempotencyKey: key(), orderId: order.orderId, expectedVersion: order.version }, client);
    expectValid('order.cancel.result', cancelled);
    expect(cancelled.refund.amount).toBe(reshop.refundQuote?.refundAmount);
    expect(cancelled.refund.refunds).toEqual([expect.objectContaining({ paymentId: order.payments[0]?.paymentId, amount: order.totalPrice.total })]);
    expect(cancelled.order.status).toBe('CLOSED');
    expect(cancelled.order.items.every((i) => i.status === 'CANCELLED')).toBe(true);
    expect(cancelled.order.items.flatMap((i) => i.services).every((s) => s.status === 'CANCELLED' && s.delivery.status === 'CANCELLED')).toBe(true);
    expect(cancelled.order.payments[0]?.status).toBe('REFUNDED');
    expect(cancelled.order.documents.every((d) => d.status === 'VOIDED')).toBe(true);
    expect([...cancelled.refund.voidedDocuments].sort()).toEqual(order.documents.map((d) => d.number).sort());
    const authorisation = h.paymentService.authorisations().find((a) => a.authorisationId === order.payments[0]?.paymentId);
    expect(authorisation?.status).toBe('REFUNDED');
    const after = await availabilityOf(h.airline, { orderId: order.orderId });
    expect(after.map((s) => s.sold)).toEqual(before.map((s) => s.sold - 2));

    const history = await send<OrderHistoryResult>(h.handlers, 'order.history', { orderId: order.orderId }, client);
    expect(history.events.map((e) => e.type)).toEqual(['order.created', 'order.delivered', 'order.cancelled', 'order.refunded']);
    expect(history.events.map((e) => e.version)).toEqual([1, 2, 3, 4]);
    expect(await codeOf(send(h.handlers, 'order.cancel', { idempotencyKey: key(), orderId: order.orderId }, client))).toBe('ORDER_NOT_CHANGEABLE');
  });

  it('keeps the base fare of a non-refundable fare and refunds the taxes', async () => {
    const client = `client-${randomUUID()}`;
    const { order } = await createOrder(client, { family: 'ECOLIGHT' });
    const reshop = await send<OrderReshopResult>(h.handlers, 'order.reshop', { orderId: order.orderId, action: 'CANCEL' }, client);
    expect(reshop.refundQuote?.fareFamily.refundable).toBe(false);
    expect(reshop.refundQuote?.penalty).toBe(order.totalPrice.base);
    expect(reshop.refundQuote?.refundAmount).toBe(order.totalPrice.taxes);
    const cancelled = await send<OrderChangeResult>(h.handlers, 'order.change', { idempotencyKey: key(), orderId: order.orderId, cancelOrder: true }, client);
    expect(cancelled.refund?.amount).toBe(order.totalPrice.taxes);
    expect(cancelled.order.payments[0]?.status).toBe('SUCCESSFUL');
  });

  it('cancels one added item, refunding it in full, and leaves the flights', async () => {
    const client = `client-${randomUUID()}`;
    const { order } = await createOrder(client, { family: 'ECOLIGHT' });
    const seat = await freeSeat(order.orderId);
    const changed = await send<OrderChangeResult>(h.handlers, 'order.change', {
      idempotencyKey: key(), orderId: order.orderId, addSeats: [{ paxId: 'PAX2', segmentId: seat.segmentId, row: seat.row, column: seat.column }],
    }, client);
    const seatItem = changed.order.items.at(-1);
    const cancelled = await send<OrderChangeResult>(h.handlers, 'order.change', {
      idempotencyKey: key(), orderId: order.orderId, expectedVersion: changed.order.version, cancelOrderItemIds: [seatItem?.orderItemId],
    }, client);
    expect(cancelled.refund).toEqual(expect.objectContaining({ amount: seat.price, penalty: 0, orderItemIds: [seatItem?.orderItemId] }));
    expect(cancelled.order.status).toBe('OPENED');
    expect(cancelled.order.items.filter((i) => i.status === 'ACTIVE')).toHaveLength(order.items.length);
    expect(cancelled.order.totalPrice.total).toBe(order.totalPrice.total);
    expect(cancelled.order.payments.map((p) => p.status)).toEqual(['SUCCESSFUL', 'REFUNDED']);
  });

  it('refunds a cancelled item to the card that paid for it', async () => {
    const client = `client-${randomUUID()}`;
    const { order } = await createOrder(client, { family: 'ECOLIGHT' });
    const bagged = await send<OrderChangeResult>(h.handlers, 'order.change', {
      idempotencyKey: key(), orderId: order.orderId, addServices: [{ paxIds: ['PAX1'], code: 'XBAG', segmentIds: [order.segments[0]?.segmentId] }],
      payment: { card: await h.card('5555555555554444') },
    }, client);
    const seat = await freeSeat(order.orderId);
    const seated = await send<OrderChangeResult>(h.handlers, 'order.change', {
      idempotencyKey: key(), orderId: order.orderId, addSeats: [{ paxId: 'PAX1', segmentId: seat.segmentId, row: seat.row, column: seat.column }],
      payment: { card: await h.card('378282246310005') },
    }, client);
    expect(seated.order.payments.map((p) => p.method.brand)).toEqual(['VI', 'CA', 'AX']);
    const bagItem = bagged.order.items.at(-1);

    const cancelled = await send<OrderChangeResult>(h.handlers, 'order.change', { idempotencyKey: key(), orderId: order.orderId, cancelOrderItemIds: [bagItem?.orderItemId] }, client);

    expect(cancelled.refund?.refunds).toEqual([expect.objectContaining({ paymentId: bagged.payment?.paymentId, amount: bagItem?.price.total })]);
    expect(cancelled.order.payments.map((p) => p.status)).toEqual(['SUCCESSFUL', 'REFUNDED', 'SUCCESSFUL']);
  });

  it('cancels a hold booking without a refund and releases its seats', async () => {
    const client = `client-${randomUUID()}`;
    const { order } = await createOrder(client, { hold: true });
    const before = await availabilityOf(h.airline, { orderId: order.orderId });
    const cancelled = await send<OrderCancelResult>(h.handlers, 'order.cancel', { idempotencyKey: key(), orderId: order.orderId }, client);
    expect(cancelled.refund.amount).toBe(0);
    expect(cancelled.order.status).toBe('CLOSED');
    const after = await availabilityOf(h.airline, { orderId: order.orderId });
    expect(after.map((s) => s.held)).toEqual(before.map((s) => s.held - 2));
    const history = await send<OrderHistoryResult>(h.handlers, 'order.history', { orderId: order.orderId }, client);
    expect(history.events.map((e) => e.type)).toEqual(['order.created', 'order.cancelled', 'order.inventory-released']);
  });
});
