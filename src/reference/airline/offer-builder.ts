import type { Cabin, FareFamily, Journey, OfferItem, Passenger, Segment } from '../../contracts/airline/index.ts';
import { CABINS } from '../../contracts/airline/index.ts';
import type { FareFamilyData } from './airline-data.ts';
import type { AirlineContext } from './airline-context.ts';
import type { PricedJourney } from './fare-pricer.ts';
import type { DatedFlight, Itinerary } from './flight-network.ts';
import { multiplyPrice, sumPrices, toPrice, type MinorPrice } from './money.ts';

/**
 * The cabin flown on a flight when `wanted` is asked for: that cabin if the aircraft has it,
 * else the best lower one, else the lowest one it has (mixed-cabin itineraries).
 */
export function cabinOnFlight(ctx: AirlineContext, flight: DatedFlight, wanted: Cabin): Cabin {
  const available = new Set(ctx.data.aircraft[flight.aircraft]?.cabins.map((c) => c.cabin) ?? []);
  if (available.has(wanted)) return wanted;
  const rank = CABINS.indexOf(wanted);
  const lower = CABINS.slice(rank + 1).find((c) => available.has(c));
  if (lower) return lower;
  return [...CABINS].reverse().find((c) => available.has(c)) ?? wanted;
}

/** A journey priced in `wanted`, or undefined when no flight of it has that cabin. */
export function priceableJourney(ctx: AirlineContext, itinerary: Itinerary, wanted: Cabin): PricedJourney | undefined {
  const segmentCabins = itinerary.flights.map((f) => cabinOnFlight(ctx, f, wanted));
  return segmentCabins.includes(wanted) ? { flights: itinerary.flights, segmentCabins } : undefined;
}

export function toSegment(flight: DatedFlight, cabin: Cabin): Segment {
  return {
    segmentId: flight.key, origin: flight.origin, destination: flight.destination,
    departure: flight.departureLocal, arrival: flight.arrivalLocal,
    carrier: flight.carrier, flightNumber: flight.flightNumber, aircraft: flight.aircraft,
    durationMinutes: flight.durationMinutes, cabin,
  };
}

export function toJourney(journeyId: string, journey: PricedJourney): Journey {
  const first = journey.flights[0] as DatedFlight;
  const last = journey.flights[journey.flights.length - 1] as DatedFlight;
  return {
    journeyId, origin: first.origin, destination: last.destination,
    segmentIds: journey.flights.map((f) => f.key),
    durationMinutes: Math.round((last.arrivalUtc - first.departureUtc) / 60_000),
  };
}

export function toFareFamily(family: FareFamilyData): FareFamily {
  return {
    code: family.code, name: family.name, cabin: family.cabin, description: family.description,
    baggageAllowance: { ...family.baggageAllowance }, refundable: family.refundable, changeable: family.changeable,
  };
}

/** Passengers grouped by the PTC they were sent with, in order of first appearance. */
export function groupByPtc(passengers: readonly Passenger[]): { ptc: string; paxIds: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const p of passengers) groups.set(p.type, [...(groups.get(p.type) ?? []), p.id]);
  return [...groups].map(([ptc, paxIds]) => ({ ptc, paxIds }));
}

/** One offer item per passenger type group, each item's total in minor units, and their sum. Item ids are `<offerId>-<n>`. */
export function priceOfferItems(
  ctx: AirlineContext, offerId: string, journeys: readonly PricedJourney[], family: FareFamilyData,
  passengers: readonly Passenger[], currency: string,
): { items: OfferItem[]; itemTotals: MinorPrice[]; total: MinorPrice } {
  const minorItems: MinorPrice[] = [];
  const items = groupByPtc(passengers).map((group, index): OfferItem => {
    const unit = ctx.pricer.priceUnit({ journeys, fareFamily: family.code, ptc: group.ptc, currency });
    const all = multiplyPrice(unit, group.paxIds.length);
    minorItems.push(all);
    return {
      offerItemId: `${offerId}-${index + 1}`,
      paxIds: group.paxIds,
      ptc: group.ptc,
      price: toPrice(all, ctx.converter),
      unitPrice: toPrice(unit, ctx.converter),
      fareBasisCode: ctx.pricer.fareBasisCode(family.code, group.ptc),
      rbd: family.rbd,
      cabin: family.cabin,
    };
  });
  return { items, itemTotals: minorItems, total: sumPrices(currency, minorItems) };
}

/** ISO instant `seconds` after `now`, without milliseconds. */
export function expiryFrom(now: Date, seconds: number): { at: number; iso: string } {
  const at = Math.floor(now.getTime() / 1000) * 1000 + seconds * 1000;
  return { at, iso: new Date(at).toISOString().replace('.000Z', 'Z') };
}
