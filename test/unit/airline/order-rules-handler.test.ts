import { describe, expect, it } from 'vitest';
import { createAirlineContext, createOfferStore, loadAirlineData, shopOffers, showOrderRules } from '../../../src/reference/airline/index.ts';
import type { OfferShopResult } from '../../../src/contracts/airline/index.ts';
import { codeOf, dayAfterToday, expectValidResult, TODAY } from './airline-test-support.ts';

const data = loadAirlineData();
const store = createOfferStore({ sweepIntervalMs: 0, now: () => TODAY });
const ctx = createAirlineContext({ designator: 'XR', data, store, now: () => TODAY, offerTtlSeconds: 600 });
const passengers = [{ id: 'A1', type: 'ADT' }, { id: 'A2', type: 'ADT' }, { id: 'C1', type: 'CHD' }, { id: 'I1', type: 'INF' }];

function shop(cabin: 'ECONOMY' | 'BUSINESS' | 'FIRST'): OfferShopResult {
  return shopOffers({ journeys: [{ origin: 'LHR', destination: 'JFK', date: dayAfterToday(30), cabin }], passengers, currency: 'GBP' }, ctx);
}

function offerOf(result: OfferShopResult, family: string): OfferShopResult['offers'][number] {
  const found = result.offers.find((o) => o.fareFamily === family);
  if (!found) throw new Error(`no ${family} offer`);
  return found;
}

describe('order.rules', () => {
  it('prices a change fee per seated passenger and keeps the base fare of a non-refundable fare', () => {
    const offer = offerOf(shop('BUSINESS'), 'BUSSAVER');
    const rules = showOrderRules({ offerId: offer.offerId }, ctx);
    expectValidResult('order.rules', rules);
    expect(rules).toMatchObject({ offerId: offer.offerId, owner: 'XR', currency: 'GBP', fareFamily: { code: 'BUSSAVER', refundable: false, changeable: true } });
    const [change, cancellation] = rules.penalties;
    // 150 EUR for each of the three passengers with a seat, in GBP
    const fee = ctx.converter.toMajor(ctx.converter.toMinor(150 / ctx.converter.rate('EUR'), 'GBP'), 'GBP');
    expect(change).toMatchObject({ type: 'CHANGE', permitted: true, amount: Number((fee * 3).toFixed(2)) });
    expect(cancellation).toMatchObject({ type: 'CANCELLATION', permitted: true, amount: offer.totalPrice.base });
    expect(rules.fareBasisCodes).toEqual(['ISV', 'ISVCH', 'ISVIN']);
    expect(rules.ruleTexts.map((t) => t.ruleCode)).toEqual([undefined, undefined, '16']);
    expect(rules.ruleTexts[1]!.text).toBe('Baggage per passenger: 2 checked bags of up to 32 kg and 2 cabin bags.');
  });

  it('makes changes and refunds free on refundable fares and refuses changes on fares that allow none', () => {
    const flex = showOrderRules({ offerId: offerOf(shop('FIRST'), 'FIRST').offerId, currency: 'EUR' }, ctx);
    expect(flex.currency).toBe('EUR');
    expect(flex.penalties.map((p) => [p.type, p.permitted, p.amount])).toEqual([['CHANGE', true, 0], ['CANCELLATION', true, 0]]);
    const light = showOrderRules({ offerId: offerOf(shop('ECONOMY'), 'ECOLIGHT').offerId }, ctx);
    expectValidResult('order.rules', light);
    expect(light.penalties[0]).toEqual({ penaltyId: 'PEN-CHANGE', type: 'CHANGE', permitted: false, description: 'Changes are not permitted.' });
    expect(light.ruleTexts[1]!.text).toBe('Baggage per passenger: no checked bag and 1 cabin bag.');
  });

  it('refuses unknown and expired offers, orders and currencies it does not sell in', () => {
    const offerId = offerOf(shop('ECONOMY'), 'ECOCLASSIC').offerId;
    expect(codeOf(() => showOrderRules({ offerId: 'SRNOSUCH-OF1' }, ctx))).toBe('OFFER_NOT_FOUND');
    expect(codeOf(() => showOrderRules({ offerId }, { ...ctx, now: () => new Date(TODAY.getTime() + 3_600_000) }))).toBe('OFFER_EXPIRED');
    expect(codeOf(() => showOrderRules({ offerId, currency: 'XXX' }, ctx))).toBe('INVALID_BUSINESS_DATA');
    expect(() => showOrderRules({ orderId: 'XR7KQ2M4' }, ctx)).toThrow('order XR7KQ2M4 not found');
  });
});
