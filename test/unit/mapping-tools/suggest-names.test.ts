import { describe, expect, it } from 'vitest';
import { formatSuggestion, measureEditDistance, suggestNames } from '../../../src/tools/mapping-tools/suggest-names.ts';
import { createNameAllocator, toCamelCase, toPlural } from '../../../src/tools/mapping-tools/scaffold-names.ts';

describe('suggestNames', () => {
  const children = ['CabinTypeCode', 'CabinTypeName', 'PrefLevel'];

  it('proposes the name one letter away first', () => {
    expect(suggestNames('CabinTypCode', children)).toEqual(['CabinTypeCode']);
  });

  it('ranks a wrong case before anything else', () => {
    expect(suggestNames('cabintypename', children)[0]).toBe('CabinTypeName');
  });

  it('counts swapped letters as one edit', () => {
    expect(measureEditDistance('paxid', 'paxdi')).toBe(1);
    expect(suggestNames('PaxDI', ['PaxID', 'PTC'])).toEqual(['PaxID']);
  });

  it('proposes nothing for a name far from every candidate', () => {
    expect(suggestNames('Foo', ['FOID', 'PTC', 'Individual'])).toEqual([]);
    expect(formatSuggestion([])).toBe('');
  });

  it('words one or several suggestions as a question', () => {
    expect(formatSuggestion(['A'])).toBe(' (did you mean A?)');
    expect(formatSuggestion(['A', 'B', 'C'])).toBe(' (did you mean A, B or C?)');
  });
});

describe('scaffold field names', () => {
  it('turns XSD names into camelCase command fields', () => {
    expect(toCamelCase('PaxID')).toBe('paxId');
    expect(toCamelCase('IATA_LocationCode')).toBe('iataLocationCode');
    expect(toCamelCase('RFISC')).toBe('rfisc');
    expect(toCamelCase('DatedMarketingSegmentRefId')).toBe('datedMarketingSegmentRefId');
  });

  it('makes list fields plural', () => {
    expect(toPlural('offer')).toBe('offers');
    expect(toPlural('journey')).toBe('journeys');
    expect(toPlural('city')).toBe('cities');
    expect(toPlural('carrierOffers')).toBe('carrierOffers');
  });

  it('qualifies a second field of the same name by its parents', () => {
    const allocate = createNameAllocator();
    expect(allocate(['Dep', 'IATA_LocationCode'])).toBe('iataLocationCode');
    expect(allocate(['Arrival', 'IATA_LocationCode'])).toBe('arrivalIataLocationCode');
    expect(allocate(['Arrival', 'IATA_LocationCode'])).toBe('arrivalIataLocationCode2');
  });
});
