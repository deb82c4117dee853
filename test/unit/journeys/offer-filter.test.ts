import { describe, expect, it } from 'vitest';
import type { OfferSummary } from '../../../src/journeys/journey-data.ts';
import { pageOffers, parseOfferFilter } from '../../../src/journeys/offer-filter.ts';
import { summariseOffers } from '../../../src/journeys/offer-summary.ts';

function offer(offerId: string, total: number, departure: string, extra: Partial<OfferSummary> = {}): OfferSummary {
  return { offerId, total, currency: 'EUR', stops: 0, departure, arrival: departure, carriers: ['XR'], cabin: 'ECONOMY', flightNumbers: ['XR1'], expiresAt: '2026-01-01T00:00:00Z', ...extra };
}

const OFFERS = [
  offer('O1', 300, '2026-05-01T18:00'),
  offer('O2', 120, '2026-05-01T09:30'),
  offer('O3', 120, '2026-05-01T07:15', { stops: 1, carriers: ['XR', 'LH'] }),
  offer('O4', 900, '2026-05-01T11:00', { cabin: 'BUSINESS' }),
  offer('O5', 200, '2026-05-01T13:45'),
];

describe('offer filter and pages', () => {
  it('sorts by price, then departure', () => {
    expect(pageOffers(OFFERS, {}, 'S1', 20, undefined).offers.map((o) => o.offerId)).toEqual(['O3', 'O2', 'O5', 'O1', 'O4']);
  });

  it('applies price ceiling, stops, departure window, cabin and carriers', () => {
    const ids = (filter: object) => pageOffers(OFFERS, parseOfferFilter(filter), 'S1', 20, undefined).offers.map((o) => o.offerId);
    expect(ids({ maxPrice: 200 })).toEqual(['O3', 'O2', 'O5']);
    expect(ids({ maxStops: 0 })).toEqual(['O2', 'O5', 'O1', 'O4']);
    expect(ids({ departureFrom: '09:00', departureTo: '14:00' })).toEqual(['O2', 'O5', 'O4']);
    expect(ids({ cabin: 'BUSINESS' })).toEqual(['O4']);
    expect(ids({ carriers: ['XR'] })).toEqual(['O2', 'O5', 'O1', 'O4']);
  });

  it('pages with an opaque cursor that belongs to one search', () => {
    const first = pageOffers(OFFERS, {}, 'S1', 2, undefined);
    expect(first).toMatchObject({ total: 5, offers: [{ offerId: 'O3' }, { offerId: 'O2' }] });
    const second = pageOffers(OFFERS, {}, 'S1', 2, first.nextCursor);
    expect(second.offers.map((o) => o.offerId)).toEqual(['O5', 'O1']);
    const last = pageOffers(OFFERS, {}, 'S1', 2, second.nextCursor);
    expect(last.offers.map((o) => o.offerId)).toEqual(['O4']);
    expect(last.nextCursor).toBeUndefined();
    expect(() => pageOffers(OFFERS, {}, 'S2', 2, first.nextCursor)).toThrow(expect.objectContaining({ code: 'INVALID_COMMAND' }));
    expect(() => pageOffers(OFFERS, {}, 'S1', 2, 'garbage')).toThrow(expect.objectContaining({ code: 'INVALID_COMMAND' }));
  });

  it('names every problem of a filter', () => {
    expect(() => parseOfferFilter({ maxPrice: -1, maxStops: 1.5, departureFrom: '25:00', cabin: 'COACH', carriers: [], colour: 'red' })).toThrow(expect.objectContaining({
      details: expect.arrayContaining(['/filter/maxPrice', '/filter/maxStops', '/filter/departureFrom', '/filter/cabin', '/filter/carriers', '/filter/colour'].map((path) => expect.objectContaining({ path }))),
    }));
  });
});

describe('summariseOffers', () => {
  it('keeps price, stops, times, carriers and flights of each offer', () => {
    const [summary] = summariseOffers({
      shoppingResponseId: 'S1',
      offers: [{ offerId: 'O1', cabin: 'ECONOMY', expiresAt: 'x', journeyIds: ['J1', 'J2'], totalPrice: { total: 250, currency: 'EUR' } }],
      journeys: [{ journeyId: 'J1', segmentIds: ['S1', 'S2'] }, { journeyId: 'J2', segmentIds: ['S3'] }],
      segments: [
        { segmentId: 'S1', departure: '2026-05-01T08:00', arrival: '2026-05-01T09:00', carrier: 'XR', flightNumber: '10' },
        { segmentId: 'S2', departure: '2026-05-01T10:00', arrival: '2026-05-01T12:00', carrier: 'LH', flightNumber: '400' },
        { segmentId: 'S3', departure: '2026-05-08T08:00', arrival: '2026-05-08T11:00', carrier: 'XR', flightNumber: '11' },
      ],
    });
    expect(summary).toEqual({
      offerId: 'O1', total: 250, currency: 'EUR', stops: 1, departure: '2026-05-01T08:00', arrival: '2026-05-01T12:00',
      carriers: ['XR', 'LH'], cabin: 'ECONOMY', flightNumbers: ['XR10', 'LH400', 'XR11'], expiresAt: 'x',
    });
  });
});
