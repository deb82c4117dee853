import { describe, expect, it } from 'vitest';
import { diffValues, formatDifference } from '../../../src/tools/mapping-tools/diff-values.ts';

describe('diffValues', () => {
  it('finds nothing between equal values, and treats undefined properties as absent like toEqual', () => {
    expect(diffValues({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }], c: undefined })).toEqual([]);
  });

  it('names changed, missing and unexpected values by JSON pointer', () => {
    const differences = diffValues(
      { journeys: [{ origin: 'FRA', date: '2026-01-01' }], currency: 'EUR' },
      { journeys: [{ origin: 'MUC', date: '2026-01-01' }, { origin: 'LHR' }], cabin: 'ECONOMY' },
    );
    expect(differences.map(formatDifference)).toEqual([
      "/journeys/0/origin: expected 'FRA', got 'MUC'",
      '/journeys/1: unexpected {"origin":"LHR"}',
      "/currency: missing (expected 'EUR')",
      "/cabin: unexpected 'ECONOMY'",
    ]);
  });

  it('writes XML paths with 1-based indexes under the root element', () => {
    const expected = { Response: { Offer: [{ OfferID: 'A' }, { OfferID: 'B' }] } };
    const actual = { Response: { Offer: [{ OfferID: 'A' }, { OfferID: 'C' }] } };
    expect(diffValues(expected, actual, { style: 'xml', root: '/IATA_AirShoppingRS' }).map(formatDifference)).toEqual([
      "/IATA_AirShoppingRS/Response/Offer[2]/OfferID: expected 'B', got 'C'",
    ]);
  });

  it('stops at the limit, so a wholly wrong document stays readable', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    expect(diffValues(many, {}, { limit: 5 })).toHaveLength(5);
  });
});
