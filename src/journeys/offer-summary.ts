import type { OfferSummary } from './journey-data.ts';

interface ShopSegment { segmentId: string; departure: string; arrival: string; carrier: string; flightNumber: string }
interface ShopJourney { journeyId: string; segmentIds: string[] }
interface ShopOffer { offerId: string; owner?: string; cabin: string; expiresAt: string; journeyIds: string[]; totalPrice: { total: number; currency: string } }

/** The parts of an offer.shop (or offer.price) result a summary reads; the command schema guarantees them. */
export interface ShopResult {
  readonly shoppingResponseId: string;
  readonly offers: readonly ShopOffer[];
  readonly journeys: readonly ShopJourney[];
  readonly segments: readonly ShopSegment[];
}

/**
 * The compact summaries a journey keeps of a shop result: what a filter, a sort and a list of
 * offers need, a few hundred bytes each, instead of the whole result with its data lists.
 */
export function summariseOffers(result: ShopResult): OfferSummary[] {
  const journeys = new Map(result.journeys.map((j) => [j.journeyId, j]));
  const segments = new Map(result.segments.map((s) => [s.segmentId, s]));
  return result.offers.map((offer) => {
    const legs = offer.journeyIds.map((id) => (journeys.get(id)?.segmentIds ?? []).map((s) => segments.get(s)).filter((s): s is ShopSegment => s !== undefined));
    const outbound = legs[0] ?? [];
    const flights = legs.flat();
    return {
      offerId: offer.offerId,
      total: offer.totalPrice.total,
      currency: offer.totalPrice.currency,
      stops: Math.max(0, ...legs.map((leg) => leg.length - 1)),
      departure: outbound[0]?.departure ?? '',
      arrival: outbound[outbound.length - 1]?.arrival ?? '',
      carriers: [...new Set(flights.map((s) => s.carrier))],
      cabin: offer.cabin,
      flightNumbers: flights.map((s) => `${s.carrier}${s.flightNumber}`),
      expiresAt: offer.expiresAt,
      ...(offer.owner ? { owner: offer.owner } : {}),
    };
  });
}
