import { describe, it, expect } from 'vitest';
import {
  createAirlineContext, createOfferStore, listServices, loadAirlineData, priceOffer, shopOffers, showSeats,
  type AirlineData,
} from '../../../src/reference/airline/index.ts';
import type { OfferShopResult } from '../../../src/contracts/airline/index.ts';
import { GatewayError } from '../../../src/errors/index.ts';
import { codeOf, dayAfterToday, expectConsistentPrice, expectValidResult, TODAY } from './airline-test-support.ts';

const data = loadAirlineData();
const store = createOfferStore({ sweepIntervalMs: 0, now: () => TODAY });
const ctx = createAirlineContext({ designator: 'XR', data, store, now: () => TODAY });
const passengers = [{ id: 'A1', type: 'ADT' }, { id: 'C1', type: 'CHD' }, { id: 'I1', type: 'INF' }];

function shop(): OfferShopResult {
  return shopOffers({ journeys: [{ origin: 'LHR', destination: 'DEL', date: dayAfterToday(30) }, { origin: 'DEL', destination: 'LHR', date: dayAfterToday(40) }], passengers, directOnly: true }, ctx);
}

function offerOf(result: OfferShopResult, family: string): string {
  const found = result.offers.find((o) => o.fareFamily === family);
  if (!found) throw new Error(`no ${family} offer`);
  return found.offerId;
}

describe('offer.price', () => {
  it('reprices to the same total and refreshes the expiry', () => {
    const shopped = shop();
    const offer = shopped.offers[0];
    const later = new Date(TODAY.getTime() + 60_000);
    const priced = priceOffer({ offerId: offer?.offerId ?? '' }, { ...ctx, now: () => later });
    expectValidResult('offer.price', priced);
    expect(priced.priceChanged).toBe(false);
    expect(priced.previousTotal).toBeUndefined();
    expect(priced.offers[0]?.totalPrice).toEqual(offer?.totalPrice);
    expect(Date.parse(priced.offers[0]?.expiresAt ?? '')).toBe(Date.parse(offer?.expiresAt ?? '') + 60_000);
  });

  it('flags a changed price when the fare data changed since shopping', () => {
    const offer = shop().offers[0];
    const dearer: AirlineData = { ...data, fares: { ...data.fares, fareFamilies: data.fares.fareFamilies.map((f) => ({ ...f, factor: f.factor * 1.1 })) } };
    const repricing = createAirlineContext({ designator: 'XR', data: dearer, store, now: () => TODAY });
    const priced = priceOffer({ offerId: offer?.offerId ?? '' }, repricing);
    expectValidResult('offer.price', priced);
    expect(priced.priceChanged).toBe(true);
    expect(priced.previousTotal).toEqual(offer?.totalPrice);
    expect(priced.offers[0]?.totalPrice.total).toBeGreaterThan(offer?.totalPrice.total ?? 0);
  });

  it('answers only the selected items, in the requested currency', () => {
    const offer = shop().offers[0];
    const adultItem = offer?.offerItems.find((i) => i.ptc === 'ADT');
    const priced = priceOffer({ offerId: offer?.offerId ?? '', offerItemIds: [adultItem?.offerItemId ?? ''], currency: 'GBP' }, ctx);
    expectValidResult('offer.price', priced);
    expect(priced.offers[0]?.offerItems.map((i) => i.ptc)).toEqual(['ADT']);
    expect(priced.passengers.map((p) => p.id)).toEqual(['A1']);
    expect(priced.offers[0]?.totalPrice.currency).toBe('GBP');
    expect(priced.offers[0]?.totalPrice.total).toBe(priced.offers[0]?.offerItems[0]?.price.total);
  });

  it('refuses a-la-carte offers and passengers the offer was not made for', () => {
    const shopped = shop();
    const services = listServices({ offerId: shopped.offers[0]?.offerId ?? '' }, ctx);
    expect(codeOf(() => priceOffer({ offerId: services.offerId }, ctx))).toBe('INVALID_BUSINESS_DATA');
    expect(codeOf(() => priceOffer({ offerId: shopped.offers[0]?.offerId ?? '', passengers: [{ id: 'ZZ', type: 'ADT' }] }, ctx))).toBe('INVALID_BUSINESS_DATA');
  });
});

describe('service.list', () => {
  it('offers bags per journey and meals per flight, in the currency asked, never seats for infants', () => {
    const result = listServices({ offerId: offerOf(shop(), 'ECOLIGHT'), currency: 'USD' }, ctx);
    expectValidResult('service.list', result);
    const types = new Set(result.services.map((s) => s.type));
    expect(types).toEqual(new Set(['BAGGAGE', 'MEAL', 'SEAT', 'LOUNGE']));
    for (const service of result.services) {
      expectConsistentPrice(service.price);
      expect(service.price.currency).toBe('USD');
      if (service.type !== 'BAGGAGE') expect(service.paxIds).not.toContain('I1');
    }
    const bag = result.services.find((s) => s.code === 'XBAG');
    expect(bag?.segmentIds).toHaveLength(1);
    expect(bag?.price.total).toBe(80);
    expect(result.services.filter((s) => s.code === 'XBAG')).toHaveLength(2);
  });

  it('leaves seats out when the fare family includes them and narrows to the segments asked', () => {
    const shopped = shop();
    const classic = offerOf(shopped, 'ECOCLASSIC');
    const firstSegment = shopped.segments[0]?.segmentId ?? '';
    const result = listServices({ offerId: classic, segmentIds: [firstSegment] }, ctx);
    expectValidResult('service.list', result);
    expect(result.services.some((s) => s.type === 'SEAT')).toBe(false);
    expect(result.segments.map((s) => s.segmentId)).toEqual([firstSegment]);
    for (const service of result.services) expect(service.segmentIds).toEqual([firstSegment]);
    expect(codeOf(() => listServices({ offerId: classic, segmentIds: ['SEG-XR1-20990101'] }, ctx))).toBe('INVALID_BUSINESS_DATA');
  });

  it('names the order it cannot find', () => {
    try {
      listServices({ orderId: 'XYZ' }, ctx);
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).code).toBe('INVALID_BUSINESS_DATA');
      expect((error as GatewayError).message).toBe('order XYZ not found');
    }
  });
});

describe('seat.availability', () => {
  it('maps the booked cabin of every flight with positions, exits and paid bands', () => {
    const result = showSeats({ offerId: offerOf(shop(), 'ECOLIGHT') }, ctx);
    expectValidResult('seat.availability', result);
    expect(result.seatMaps).toHaveLength(2);
    const cabin = result.seatMaps[0]?.cabins[0];
    expect(cabin?.cabin).toBe('ECONOMY');
    const seats = cabin?.rows.flatMap((r) => r.seats.map((s) => ({ row: r.number, ...s }))) ?? [];
    expect(seats.filter((s) => s.characteristics.includes('E')).length).toBeGreaterThan(0);
    for (const seat of seats) {
      expect(seat.offerItemId, 'every seat is paid in Economy Light').toBeDefined();
      expect(result.offerItems.some((i) => i.offerItemId === seat.offerItemId)).toBe(true);
    }
    const window = seats.find((s) => s.column === 'A');
    expect(window?.characteristics).toContain('W');
    expect(seats.some((s) => !s.available)).toBe(true);
    expect(seats.some((s) => s.available)).toBe(true);
    for (const item of result.offerItems) expect(item.paxIds).toEqual(['A1', 'C1']);
  });

  it('makes seats free in families that include them and keeps occupancy stable per flight', () => {
    const shopped = shop();
    const flex = showSeats({ offerId: offerOf(shopped, 'ECOFLEX') }, ctx);
    const again = showSeats({ offerId: offerOf(shopped, 'ECOLIGHT') }, ctx);
    expectValidResult('seat.availability', flex);
    expect(flex.offerItems).toEqual([]);
    const availability = (r: typeof flex): boolean[] => r.seatMaps.flatMap((m) => m.cabins.flatMap((c) => c.rows.flatMap((row) => row.seats.map((s) => s.available))));
    expect(availability(again)).toEqual(availability(flex));
    const classic = showSeats({ offerId: offerOf(shopped, 'ECOCLASSIC') }, ctx);
    expect(new Set(classic.offerItems.map((i) => i.code))).toEqual(new Set(['SEATXL', 'SEATFC']));
  });
});
