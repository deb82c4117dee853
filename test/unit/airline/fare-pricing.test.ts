import { describe, it, expect } from 'vitest';
import { createAirlineContext, loadAirlineData, shopOffers } from '../../../src/reference/airline/index.ts';
import type { OfferShopCommand, OfferShopResult } from '../../../src/contracts/airline/index.ts';
import { GatewayError } from '../../../src/errors/index.ts';
import { decimalPlaces } from '../../../src/money/index.ts';
import { dayAfterToday, expectConsistentPrice, expectValidResult, TODAY } from './airline-test-support.ts';

const data = loadAirlineData();
const ctx = createAirlineContext({ designator: 'XR', data, now: () => TODAY });

const DATE = dayAfterToday(60);

function shop(overrides: Partial<OfferShopCommand> = {}): OfferShopResult {
  return shopOffers({
    journeys: [{ origin: 'LHR', destination: 'JFK', date: DATE }],
    passengers: [{ id: 'PAX1', type: 'ADT' }],
    directOnly: true,
    ...overrides,
  }, ctx);
}

function refusal(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('fare pricing', () => {
  it('answers schema-valid offers whose prices add up', () => {
    const result = shop({ passengers: [{ id: 'A1', type: 'ADT' }, { id: 'A2', type: 'ADT' }, { id: 'C1', type: 'CHD' }, { id: 'I1', type: 'INF' }] });
    expectValidResult('offer.shop', result);
    for (const offer of result.offers) {
      expectConsistentPrice(offer.totalPrice);
      const itemCents = offer.offerItems.reduce((sum, i) => sum + Math.round(i.price.total * 100), 0);
      expect(itemCents).toBe(Math.round(offer.totalPrice.total * 100));
      for (const item of offer.offerItems) {
        expectConsistentPrice(item.price);
        expectConsistentPrice(item.unitPrice);
        expect(Math.round(item.unitPrice.total * 100) * item.paxIds.length).toBe(Math.round(item.price.total * 100));
      }
    }
  });

  it('groups passengers into one offer item per passenger type', () => {
    const offer = shop({ passengers: [{ id: 'A1', type: 'ADT' }, { id: 'C1', type: 'CHD' }, { id: 'A2', type: 'ADT' }, { id: 'I1', type: 'INF' }] }).offers[0];
    expect(offer?.offerItems.map((i) => [i.ptc, i.paxIds])).toEqual([['ADT', ['A1', 'A2']], ['CHD', ['C1']], ['INF', ['I1']]]);
    expect(offer?.offerItems.map((i) => i.fareBasisCode)).toEqual(['OLT', 'OLTCH', 'OLTIN']);
  });

  it('prices children at 75 % and infants at 10 % of the adult fare', () => {
    const offer = shop({ passengers: [{ id: 'A1', type: 'ADT' }, { id: 'C1', type: 'CHD' }, { id: 'I1', type: 'INF' }] }).offers[0];
    const base = (ptc: string): number => offer?.offerItems.find((i) => i.ptc === ptc)?.unitPrice.base ?? Number.NaN;
    expect(base('CHD')).toBeCloseTo(base('ADT') * 0.75, 1);
    expect(base('INF')).toBeCloseTo(base('ADT') * 0.1, 1);
  });

  it('prices passenger types it does not know as adults', () => {
    const offer = shop({ passengers: [{ id: 'A1', type: 'ADT' }, { id: 'Y1', type: 'GBE' }] }).offers[0];
    const [adult, youth] = offer?.offerItems ?? [];
    expect(youth?.ptc).toBe('GBE');
    expect(youth?.unitPrice).toEqual(adult?.unitPrice);
  });

  it('honours the requested currency at the table rate', () => {
    const eur = shop().offers[0];
    const usd = shop({ currency: 'USD' }).offers[0];
    const rate = data.currencies.currencies.USD?.rate ?? 0;
    expect(usd?.totalPrice.currency).toBe('USD');
    expect(usd?.offerItems[0]?.price.currency).toBe('USD');
    expect(usd?.totalPrice.base).toBeCloseTo((eur?.totalPrice.base ?? 0) * rate, 1);
    expect(usd?.totalPrice.taxes).toBeCloseTo((eur?.totalPrice.taxes ?? 0) * rate, 0);
    expect(usd?.totalPrice.total).not.toBe(eur?.totalPrice.total);
  });

  it('prices KWD with up to three decimals, the ISO 4217 minor unit, adding up exactly', () => {
    const offers = shop({ currency: 'KWD', passengers: [{ id: 'A1', type: 'ADT' }, { id: 'C1', type: 'CHD' }] }).offers;
    expect(offers.length).toBeGreaterThan(0);
    const amounts = offers.flatMap((o) => [o.totalPrice.total, o.totalPrice.base, ...o.totalPrice.taxBreakdown.map((t) => t.amount)]);
    for (const amount of amounts) expect(decimalPlaces(amount)).toBeLessThanOrEqual(3);
    // Converted at 0.333 KWD per EUR, some amount needs the third decimal.
    expect(amounts.some((amount) => decimalPlaces(amount) === 3)).toBe(true);
    for (const offer of offers) {
      expectConsistentPrice(offer.totalPrice);
      for (const item of offer.offerItems) expectConsistentPrice(item.unitPrice);
    }
  });

  it('rounds currencies without minor units to whole amounts', () => {
    const jpy = shop({ currency: 'JPY' }).offers[0];
    expect(Number.isInteger(jpy?.totalPrice.total)).toBe(true);
    for (const tax of jpy?.totalPrice.taxBreakdown ?? []) expect(Number.isInteger(tax.amount)).toBe(true);
  });

  it('itemises taxes: UK duty and Heathrow charge leaving London, US taxes arriving in the US', () => {
    const offer = shop({ passengers: [{ id: 'A1', type: 'ADT' }, { id: 'C1', type: 'CHD' }, { id: 'I1', type: 'INF' }] }).offers[0];
    const codes = (ptc: string): string[] => offer?.offerItems.find((i) => i.ptc === ptc)?.unitPrice.taxBreakdown.map((t) => t.code) ?? [];
    expect(codes('ADT')).toEqual(expect.arrayContaining(['YQ', 'GB', 'UB', 'US']));
    expect(codes('ADT')).not.toContain('QX');
    expect(codes('CHD')).not.toContain('GB');
    expect(codes('INF')).not.toContain('GB');
    expect(codes('INF')).not.toContain('UB');
    const back = shop({ journeys: [{ origin: 'JFK', destination: 'LHR', date: DATE }] }).offers[0];
    const backCodes = back?.totalPrice.taxBreakdown.map((t) => t.code) ?? [];
    expect(backCodes).toEqual(expect.arrayContaining(['US', 'XF', 'AY', 'QX']));
    expect(backCodes).not.toContain('GB');
  });

  it('makes dearer families cost more, and business more than economy', () => {
    const result = shop();
    const total = (family: string): number => result.offers.find((o) => o.fareFamily === family)?.totalPrice.base ?? Number.NaN;
    expect(total('ECOLIGHT')).toBeLessThan(total('ECOCLASSIC'));
    expect(total('ECOCLASSIC')).toBeLessThan(total('ECOFLEX'));
    const business = shop({ cabin: 'BUSINESS' });
    expect(business.offers.every((o) => o.cabin === 'BUSINESS')).toBe(true);
    expect(business.fareFamilies.map((f) => f.code).sort()).toEqual(['BUSFLEX', 'BUSSAVER']);
    expect(business.offers[0]?.totalPrice.base ?? 0).toBeGreaterThan(total('ECOFLEX'));
  });

  it('grows fares with distance', () => {
    const short = shop({ journeys: [{ origin: 'LHR', destination: 'CDG', date: DATE }] }).offers[0];
    const long = shop({ journeys: [{ origin: 'LHR', destination: 'JNB', date: DATE }] }).offers[0];
    expect(long?.totalPrice.base ?? 0).toBeGreaterThan((short?.totalPrice.base ?? 0) * 3);
  });

  it('flies mixed cabins when a leg has no first class, and refuses when none has', () => {
    const mixed = shopOffers({ journeys: [{ origin: 'CDG', destination: 'DXB', date: DATE }], passengers: [{ id: 'A1', type: 'ADT' }], cabin: 'FIRST' }, ctx);
    expectValidResult('offer.shop', mixed);
    expect(mixed.offers[0]?.cabin).toBe('FIRST');
    expect(new Set(mixed.segments.map((s) => s.cabin))).toEqual(new Set(['FIRST', 'BUSINESS']));
    expect(refusal(() => shop({ journeys: [{ origin: 'LHR', destination: 'CDG', date: DATE }], cabin: 'FIRST' })).code).toBe('NO_AVAILABILITY');
  });

  it('caps the number of offers', () => {
    expect(shop({ directOnly: false, maxOffers: 4 }).offers).toHaveLength(4);
    expect(shop({ directOnly: false }).offers.length).toBeLessThanOrEqual(20);
  });

  it('combines round trips in time order with one journey list per direction', () => {
    const result = shopOffers({
      journeys: [{ origin: 'LON', destination: 'JNB', date: DATE }, { origin: 'JNB', destination: 'LON', date: dayAfterToday(67) }],
      passengers: [{ id: 'A1', type: 'ADT' }],
    }, ctx);
    expectValidResult('offer.shop', result);
    for (const offer of result.offers) {
      expect(offer.journeyIds).toHaveLength(2);
      const [out, back] = offer.journeyIds.map((id) => result.journeys.find((j) => j.journeyId === id));
      expect(out?.origin === 'LHR' || out?.origin === 'LGW').toBe(true);
      expect(back?.origin).toBe('JNB');
    }
    const ids = new Set(result.segments.map((s) => s.segmentId));
    for (const journey of result.journeys) for (const id of journey.segmentIds) expect(ids.has(id)).toBe(true);
  });

  it('refuses what the airline cannot sell with the business code that says why', () => {
    expect(refusal(() => shop({ currency: 'XXX' })).code).toBe('INVALID_BUSINESS_DATA');
    expect(refusal(() => shop({ passengers: [{ id: 'I1', type: 'INF' }] })).code).toBe('INVALID_BUSINESS_DATA');
    expect(refusal(() => shop({ passengers: [{ id: 'A1', type: 'ADT' }, { id: 'I1', type: 'INF' }, { id: 'I2', type: 'INF' }] })).code).toBe('INVALID_BUSINESS_DATA');
    expect(refusal(() => shop({ passengers: [{ id: 'A1', type: 'ADT' }, { id: 'A1', type: 'ADT' }] })).code).toBe('INVALID_BUSINESS_DATA');
    expect(refusal(() => shop({ journeys: [{ origin: 'LHR', destination: 'XYZ', date: DATE }] })).code).toBe('UNKNOWN_LOCATION');
    expect(refusal(() => shop({ journeys: [{ origin: 'LHR', destination: 'JFK', date: '2026-01-11' }] })).code).toBe('NO_AVAILABILITY');
    expect(refusal(() => shop({ fareFamilies: ['BUSFLEX'] })).code).toBe('NO_AVAILABILITY');
    expect(refusal(() => shop({ journeys: [{ origin: 'LHR', destination: 'LON', date: DATE }] })).code).toBe('INVALID_BUSINESS_DATA');
  });
});
