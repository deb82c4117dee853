import { describe, expect, it } from 'vitest';
import { createAirlineContext } from '../../../src/reference/airline/airline-context.ts';
import { loadAirlineData, type AirlineData } from '../../../src/reference/airline/airline-data.ts';
import type { InventoryHoldCommand, Offer, Passenger } from '../../../src/contracts/airline/index.ts';
import { createInventory, type Inventory } from '../../../src/reference/airline/inventory.handler.ts';
import { shopOffers } from '../../../src/reference/airline/offer-shop.handler.ts';
import { createOfferStore } from '../../../src/reference/airline/offer-store.ts';
import { showSeats } from '../../../src/reference/airline/seat-availability.handler.ts';
import { codeOf, dayAfterToday, TODAY } from '../airline/airline-test-support.ts';

const data = loadAirlineData();
const passengers: Passenger[] = [{ id: 'A1', type: 'ADT' }, { id: 'C1', type: 'CHD' }, { id: 'I1', type: 'INF' }];

function setUp(airlineData: AirlineData = data, holdTtlSeconds = 3600) {
  let clock = TODAY.getTime();
  const now = (): Date => new Date(clock);
  const ctx = createAirlineContext({ designator: 'XR', data: airlineData, store: createOfferStore({ sweepIntervalMs: 0, now }), now });
  const inventory = createInventory(ctx, { accountingCode: '157', holdTtlSeconds });
  const shop = (family = 'ECOLIGHT'): Offer => {
    const result = shopOffers({
      journeys: [{ origin: 'LHR', destination: 'FRA', date: dayAfterToday(30) }, { origin: 'FRA', destination: 'LHR', date: dayAfterToday(37) }],
      passengers, directOnly: true, fareFamilies: [family],
    }, ctx);
    const offer = result.offers[0];
    if (!offer) throw new Error('no offer');
    return offer;
  };
  return { ctx, inventory, shop, advance: (ms: number) => { clock += ms; } };
}

function holdCommand(offer: Offer, orderId: string, extra: Partial<InventoryHoldCommand> = {}): InventoryHoldCommand {
  return {
    requestKey: `${orderId}:hold`, orderId, offerId: offer.offerId, passengers,
    flights: offer.offerItems.map((i, n) => ({ itemId: `OI${n + 1}`, offerItemId: i.offerItemId })), ...extra,
  };
}

function counts(inventory: Inventory, offerId: string): [number, number][] {
  return inventory.availability({ offerId }).segments.map((s) => [s.held, s.sold]);
}


describe('holds', () => {
  it('holds a seat per seated passenger (infants on a lap take none) and releases it exactly once', () => {
    const { inventory, shop } = setUp();
    const offer = shop();
    const hold = inventory.hold(holdCommand(offer, 'O1'));
    expect(hold.replayed).toBe(false);
    expect(hold.items.map((i) => i.kind)).toEqual(['FLIGHT', 'FLIGHT', 'FLIGHT']);
    expect(counts(inventory, offer.offerId)).toEqual([[2, 0], [2, 0]]);
    const capacity = inventory.availability({ offerId: offer.offerId }).segments[0]?.capacity ?? 0;
    expect(inventory.availability({ offerId: offer.offerId }).segments[0]?.available).toBe(capacity - 2);

    expect(inventory.release({ orderId: 'O1', requestKey: 'O1:hold' }).released).toEqual(['OI1', 'OI2', 'OI3']);
    expect(inventory.release({ orderId: 'O1', requestKey: 'O1:hold' }).released).toEqual([]);
    expect(inventory.release({ orderId: 'O1', requestKey: 'never-held' }).released).toEqual([]);
    expect(counts(inventory, offer.offerId)).toEqual([[0, 0], [0, 0]]);
  });

  it('answers a repeated request with the same hold, holds it again after a release, and refuses the key for another hold', () => {
    const { inventory, shop } = setUp();
    const offer = shop();
    const first = inventory.hold(holdCommand(offer, 'O1'));
    const again = inventory.hold(holdCommand(offer, 'O1'));
    expect(again).toEqual({ ...first, replayed: true });
    expect(counts(inventory, offer.offerId)).toEqual([[2, 0], [2, 0]]);

    inventory.release({ orderId: 'O1', requestKey: 'O1:hold' });
    expect(inventory.hold(holdCommand(offer, 'O1')).holdId).toBe(first.holdId);
    expect(counts(inventory, offer.offerId)).toEqual([[2, 0], [2, 0]]);

    expect(codeOf(() => inventory.hold(holdCommand(offer, 'O1', { flights: [] })))).toBe('INVALID_BUSINESS_DATA');
  });

  it('releases what is still held when the hold expires; it can then no longer be issued', () => {
    const { inventory, shop, advance } = setUp(data, 600);
    const offer = shop();
    const hold = inventory.hold(holdCommand(offer, 'O1'));
    expect(Date.parse(hold.expiresAt)).toBe(TODAY.getTime() + 600_000);
    advance(600_000);
    expect(counts(inventory, offer.offerId)).toEqual([[0, 0], [0, 0]]);
    expect(codeOf(() => inventory.issue({ orderId: 'O1', requestKey: 'O1:issue', itemIds: ['OI1'] }))).toBe('ORDER_NOT_CHANGEABLE');
  });

  it('refuses a full flight, an unknown or expired offer', () => {
    const full: AirlineData = {
      ...data,
      aircraft: Object.fromEntries(Object.entries(data.aircraft).map(([code, a]) => [code, { ...a, cabins: a.cabins.map((c) => ({ ...c, occupiedPercent: 100 })) }])),
    };
    const { inventory, shop, advance } = setUp(full);
    const offer = shop();
    expect(codeOf(() => inventory.hold(holdCommand(offer, 'O1')))).toBe('NO_AVAILABILITY');
    expect(inventory.availability({ offerId: offer.offerId }).segments.every((s) => s.held === 0)).toBe(true);
    expect(codeOf(() => inventory.hold({ ...holdCommand(offer, 'O2'), offerId: 'NOSUCH' }))).toBe('OFFER_NOT_FOUND');
    advance(3 * 3_600_000);
    expect(codeOf(() => inventory.hold(holdCommand(offer, 'O3')))).toBe('OFFER_EXPIRED');
  });
});

describe('seats and services', () => {
  function freeSeats(ctx: ReturnType<typeof setUp>['ctx'], offerId: string, count: number): { segmentId: string; row: number; column: string; price: number }[] {
    const map = showSeats({ offerId, passengers: [passengers[0] as Passenger] }, ctx).seatMaps[0];
    const found: { segmentId: string; row: number; column: string; price: number }[] = [];
    for (const row of map?.cabins[0]?.rows ?? []) {
      for (const seat of row.seats) if (seat.available && found.length < count) found.push({ segmentId: map?.segmentId ?? '', row: row.number, column: seat.column, price: seat.price?.total ?? 0 });
    }
    return found;
  }

  it('prices seats from the seat map and bags from the service list, and keeps a seat to one passenger', () => {
    const { ctx, inventory, shop } = setUp();
    const offer = shop();
    const [seat, other] = freeSeats(ctx, offer.offerId, 2);
    if (!seat || !other) throw new Error('no seats');
    const segmentId = seat.segmentId;
    const hold = inventory.hold(holdCommand(offer, 'O1', {
      seats: [{ itemId: 'OI9', paxId: 'A1', segmentId, row: seat.row, column: seat.column }],
      services: [{ itemId: 'OI10', paxIds: ['A1', 'C1'], code: 'XBAG', segmentIds: [segmentId] }],
    }));
    const seatItem = hold.items.find((i) => i.kind === 'SEAT');
    expect(seatItem?.price.total).toBe(seat.price);
    expect(seatItem?.seat).toEqual({ paxId: 'A1', segmentId, row: seat.row, column: seat.column });
    const bag = hold.items.find((i) => i.kind === 'SERVICE');
    expect(bag?.code).toBe('XBAG');
    expect(bag?.price.total).toBe(70);

    const taken = inventory.seats({ orderId: 'O1' }).seatMaps.find((m) => m.segmentId === segmentId)?.cabins[0]?.rows.find((r) => r.number === seat.row)?.seats.find((s) => s.column === seat.column);
    expect(taken?.available).toBe(false);
    const second = shop();
    expect(codeOf(() => inventory.hold(holdCommand(second, 'O2', { seats: [{ itemId: 'OI9', paxId: 'A1', segmentId, row: seat.row, column: seat.column }] })))).toBe('NO_AVAILABILITY');
    expect(codeOf(() => inventory.hold({ requestKey: 'O1:more', orderId: 'O1', seats: [{ itemId: 'OI11', paxId: 'C1', segmentId, row: other.row, column: other.column }, { itemId: 'OI12', paxId: 'C1', segmentId, row: other.row, column: other.column }] }))).toBe('INVALID_BUSINESS_DATA');
    expect(codeOf(() => inventory.hold({ requestKey: 'O1:inf', orderId: 'O1', seats: [{ itemId: 'OI13', paxId: 'I1', segmentId, row: other.row, column: other.column }] }))).toBe('INVALID_BUSINESS_DATA');
    expect(codeOf(() => inventory.hold({ requestKey: 'O1:bag', orderId: 'O1', services: [{ itemId: 'OI14', paxIds: ['A1'], code: 'XBAG' }] }))).toBe('INVALID_BUSINESS_DATA');
  });
});

describe('issuing, voiding and cancelling', () => {
  it('issues one ticket per passenger and an EMD per paid ancillary, once per request', () => {
    const { inventory, shop } = setUp();
    const offer = shop();
    const outbound = inventory.availability({ offerId: offer.offerId }).segments[0]?.segmentId ?? '';
    inventory.hold(holdCommand(offer, 'O1', { services: [{ itemId: 'OI9', paxIds: ['A1', 'C1'], code: 'XBAG', segmentIds: [outbound] }] }));
    const issued = inventory.issue({ orderId: 'O1', requestKey: 'O1:issue' });
    expect(issued.documents.map((d) => [d.type, d.paxId, d.itemIds])).toEqual([
      ['ET', 'A1', ['OI1']], ['ET', 'C1', ['OI2']], ['ET', 'I1', ['OI3']], ['EMD', 'A1', ['OI9']], ['EMD', 'C1', ['OI9']],
    ]);
    for (const d of issued.documents) expect(d.number).toMatch(/^157\d{10}$/);
    expect(new Set(issued.documents.map((d) => d.number)).size).toBe(5);
    expect(counts(inventory, offer.offerId)).toEqual([[0, 2], [0, 2]]);
    expect(inventory.issue({ orderId: 'O1', requestKey: 'O1:issue' })).toEqual({ ...issued, replayed: true });
    expect(inventory.issue({ orderId: 'O1', requestKey: 'O1:issue-again' }).documents).toEqual([]);
  });

  it('voids an issue back to held, after which the same request issues new documents', () => {
    const { inventory, shop } = setUp();
    const offer = shop();
    inventory.hold(holdCommand(offer, 'O1'));
    const first = inventory.issue({ orderId: 'O1', requestKey: 'O1:issue' });
    const voided = inventory.void({ orderId: 'O1', issueRequestKey: 'O1:issue' });
    expect(voided.restored).toEqual(['OI1', 'OI2', 'OI3']);
    expect(voided.voidedDocuments.map((d) => d.status)).toEqual(['VOIDED', 'VOIDED', 'VOIDED']);
    expect(counts(inventory, offer.offerId)).toEqual([[2, 0], [2, 0]]);
    expect(inventory.void({ orderId: 'O1', issueRequestKey: 'O1:issue' }).restored).toEqual([]);
    const second = inventory.issue({ orderId: 'O1', requestKey: 'O1:issue' });
    expect(second.replayed).toBe(false);
    expect(second.documents.map((d) => d.number)).not.toEqual(first.documents.map((d) => d.number));
  });

  it('cancels issued items: seats back, documents voided, once per request', () => {
    const { inventory, shop } = setUp();
    const offer = shop();
    inventory.hold(holdCommand(offer, 'O1'));
    inventory.issue({ orderId: 'O1', requestKey: 'O1:issue' });
    const cancelled = inventory.cancel({ orderId: 'O1', requestKey: 'O1:cancel' });
    expect(cancelled.cancelled).toEqual(['OI1', 'OI2', 'OI3']);
    expect(cancelled.voidedDocuments).toHaveLength(3);
    expect(counts(inventory, offer.offerId)).toEqual([[0, 0], [0, 0]]);
    expect(inventory.cancel({ orderId: 'O1', requestKey: 'O1:cancel' }).replayed).toBe(true);
    expect(inventory.cancel({ orderId: 'O1', requestKey: 'O1:cancel-2' }).cancelled).toEqual([]);
    expect(counts(inventory, offer.offerId)).toEqual([[0, 0], [0, 0]]);
  });
});

describe('quotes', () => {
  it('keeps the base fare of a non-refundable family and nothing of a refundable one', () => {
    const { inventory, shop } = setUp();
    const light = shop('ECOLIGHT');
    const flex = shop('ECOFLEX');
    inventory.hold(holdCommand(light, 'L1'));
    inventory.hold(holdCommand(flex, 'F1'));
    const lightQuote = inventory.quoteRefund({ orderId: 'L1' });
    expect(lightQuote.fareFamily.refundable).toBe(false);
    expect(lightQuote.penalty).toBe(light.totalPrice.base);
    expect(lightQuote.refundable).toBe(light.totalPrice.taxes);
    const flexQuote = inventory.quoteRefund({ orderId: 'F1' });
    expect([flexQuote.penalty, flexQuote.refundable]).toEqual([0, flex.totalPrice.total]);
    const reprice = inventory.reprice({ orderId: 'F1' });
    expect([reprice.priceChanged, reprice.previousTotal, reprice.currentTotal]).toEqual([false, flex.totalPrice.total, flex.totalPrice.total]);
    expect(codeOf(() => inventory.quoteRefund({ orderId: 'NOPE' }))).toBe('ORDER_NOT_FOUND');
  });
});
