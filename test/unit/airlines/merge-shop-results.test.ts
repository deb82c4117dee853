import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mergeShopResults } from '../../../src/airlines/airline-router.ts';
import type { OfferShopResult } from '../../../src/contracts/airline/index.ts';

/** A real offer.shop result (the reference airline's, from the mapping fixtures), answered as if by `owner`. */
function answerOf(owner: string): OfferShopResult {
  const result = JSON.parse(readFileSync('fixtures/mapping/21.3/air-shopping-single-adult-direct-default-currency/result.json', 'utf8')) as OfferShopResult;
  return { ...result, offers: result.offers.map((o) => ({ ...o, owner })) };
}

describe('mergeShopResults', () => {
  it('renames only the ids the later airline shares with an earlier one, everywhere they are referred to', () => {
    const merged = mergeShopResults([{ designator: 'XA', result: answerOf('XA') }, { designator: 'XB', result: answerOf('XB') }], 200, undefined);
    const original = answerOf('XA');
    expect(merged.offers).toHaveLength(original.offers.length * 2);
    const xb = merged.offers.filter((o) => o.owner === 'XB');
    for (const offer of xb) {
      expect(offer.journeyIds.every((id) => id.startsWith('XB-'))).toBe(true);
      expect(offer.fareFamily.startsWith('XB_')).toBe(true);
    }
    // XA's ids stay its own.
    const idsOf = (offers: readonly { offerId: string; journeyIds: readonly string[] }[]) => offers.map((o) => `${o.offerId}:${o.journeyIds.join(',')}`).sort();
    expect(idsOf(merged.offers.filter((o) => o.owner === 'XA'))).toEqual(idsOf(original.offers));
    for (const list of [merged.journeys.map((j) => j.journeyId), merged.segments.map((s) => s.segmentId), merged.fareFamilies.map((f) => f.code)]) {
      expect(new Set(list).size).toBe(list.length);
    }
    const segments = new Set(merged.segments.map((s) => s.segmentId));
    for (const journey of merged.journeys) for (const id of journey.segmentIds) expect(segments.has(id)).toBe(true);
    expect(merged.segments.filter((s) => s.segmentId.startsWith('XB-'))).toHaveLength(original.segments.length);
  });

  it('sorts by total, ties by owner, caps, and keeps only the data the kept offers refer to', () => {
    const all = mergeShopResults([{ designator: 'XB', result: answerOf('XB') }, { designator: 'XA', result: answerOf('XA') }], 200, 'EUR');
    const keys = all.offers.map((o) => [o.totalPrice.total, o.owner] as const);
    keys.slice(1).forEach(([total, owner], i) => {
      const [before, beforeOwner] = keys[i]!;
      expect(total > before || (total === before && owner >= beforeOwner)).toBe(true);
    });
    // Every offer of both airlines at the lowest price comes first, XA's before XB's.
    const cheapest = Math.min(...answerOf('XA').offers.map((o) => o.totalPrice.total));
    expect(all.offers[0]).toMatchObject({ owner: 'XA', totalPrice: { total: cheapest } });
    const merged = mergeShopResults([{ designator: 'XB', result: answerOf('XB') }, { designator: 'XA', result: answerOf('XA') }], 2, 'EUR');
    expect(merged.offers.map((o) => o.offerId)).toEqual(all.offers.slice(0, 2).map((o) => o.offerId));
    const journeyIds = new Set(merged.offers.flatMap((o) => o.journeyIds));
    expect(merged.journeys.map((j) => j.journeyId).sort()).toEqual([...journeyIds].sort());
    expect(new Set(merged.fareFamilies.map((f) => f.code))).toEqual(new Set(merged.offers.map((o) => o.fareFamily)));
  });

  it('passes the airlines\' own warnings on', () => {
    const warned = { ...answerOf('XB'), warnings: [{ code: 'FIELD_NOT_TRANSLATED', message: 'cabin per journey is not sent in 17.2', owner: 'XB' }] };
    const merged = mergeShopResults([{ designator: 'XA', result: answerOf('XA') }, { designator: 'XB', result: warned }], 200, undefined);
    expect(merged.warnings).toEqual(warned.warnings);
  });
});
