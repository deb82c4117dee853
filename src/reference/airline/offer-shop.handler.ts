import { GatewayError } from '../../errors/index.ts';
import type { AirlineContext } from './airline-context.ts';
import type { Cabin, Journey, Offer, OfferShopCommand, OfferShopResult, Passenger, Segment } from '../../contracts/airline/index.ts';
import type { FareFamilyData } from './airline-data.ts';
import type { PricedJourney } from './fare-pricer.ts';
import { expiryFrom, priceableJourney, priceOfferItems, toFareFamily, toJourney, toSegment } from './offer-builder.ts';
import { toPrice } from './money.ts';

/** @defaultValue for maxOffers when the command gives none. */
export const DEFAULT_MAX_OFFERS = 20;
/** Hard cap, whatever the command asks, to keep responses a sensible size. */
export const MAX_OFFERS_CAP = 100;
/** Sales close this long before departure. */
const SALES_CLOSE_MINUTES = 60;

/**
 * Passenger rules: unique ids, at least one passenger who takes a seat, and no more infants
 * than adults (each infant sits on an adult's lap).
 */
export function checkPassengers(ctx: AirlineContext, passengers: readonly Passenger[]): void {
  const seen = new Set<string>();
  let adults = 0;
  let infants = 0;
  let seated = 0;
  passengers.forEach((p, i) => {
    if (seen.has(p.id)) throw new GatewayError('INVALID_BUSINESS_DATA', `Passenger id ${p.id} is used twice`, [{ message: 'duplicate passenger id', path: `/passengers/${i}/id` }]);
    seen.add(p.id);
    const type = ctx.pricer.pricingType(p.type);
    if (!type.data.seat) infants += 1;
    else seated += 1;
    if (type.code === ctx.data.passengerTypes.pricedAs) adults += 1;
  });
  if (seated === 0) throw new GatewayError('INVALID_BUSINESS_DATA', 'At least one passenger must occupy a seat', [{ message: 'only lap infants', path: '/passengers' }]);
  if (infants > adults) throw new GatewayError('INVALID_BUSINESS_DATA', `${infants} infants need as many adults, there are ${adults}`, [{ message: 'more infants than adults', path: '/passengers' }]);
}

/** Cartesian product of the options per journey, best (lowest rank sum) first, keeping journeys in time order. */
function combine(options: readonly PricedJourney[][], minConnectionMs: number, limit: number): PricedJourney[][] {
  let combos: { journeys: PricedJourney[]; rank: number }[] = [{ journeys: [], rank: 0 }];
  for (const choices of options) {
    const next: { journeys: PricedJourney[]; rank: number }[] = [];
    for (const combo of combos) {
      const previous = combo.journeys[combo.journeys.length - 1];
      const readyAt = previous ? (previous.flights[previous.flights.length - 1]?.arrivalUtc ?? 0) + minConnectionMs : Number.NEGATIVE_INFINITY;
      choices.forEach((choice, rank) => {
        if ((choice.flights[0]?.departureUtc ?? 0) >= readyAt) next.push({ journeys: [...combo.journeys, choice], rank: combo.rank + rank });
      });
    }
    next.sort((a, b) => a.rank - b.rank);
    combos = next.slice(0, Math.max(limit, 1) * 4);
  }
  return combos.slice(0, limit).map((c) => c.journeys);
}

function optionsPerJourney(journeyCount: number): number {
  if (journeyCount <= 1) return 6;
  if (journeyCount === 2) return 4;
  if (journeyCount <= 4) return 3;
  return 2;
}

/** offer.shop: itineraries for every journey, combined, priced in each fare family of the cabin, and stored. */
export function shopOffers(command: OfferShopCommand, ctx: AirlineContext): OfferShopResult {
  const now = ctx.now();
  const currency = command.currency ?? ctx.defaultCurrency;
  ctx.converter.check(currency, '/currency');
  checkPassengers(ctx, command.passengers);

  const cabins: Cabin[] = command.journeys.map((j) => j.cabin ?? command.cabin ?? 'ECONOMY');
  const offerCabin = cabins[0] ?? 'ECONOMY';
  let families: FareFamilyData[] = ctx.data.fares.fareFamilies.filter((f) => f.cabin === offerCabin);
  if (command.fareFamilies) {
    const wanted = new Set(command.fareFamilies);
    families = families.filter((f) => wanted.has(f.code));
    if (families.length === 0) {
      throw new GatewayError('NO_AVAILABILITY', `No fare family ${command.fareFamilies.join(', ')} is sold in ${offerCabin}`, [{ message: 'no matching fare family', path: '/fareFamilies' }]);
    }
  }

  const perJourney = optionsPerJourney(command.journeys.length);
  const notBeforeUtc = now.getTime() + SALES_CLOSE_MINUTES * 60_000;
  const options = command.journeys.map((journey, i): PricedJourney[] => {
    const path = `/journeys/${i}`;
    const origins = ctx.network.resolveLocation(journey.origin, `${path}/origin`);
    const destinations = ctx.network.resolveLocation(journey.destination, `${path}/destination`);
    if (origins.some((o) => destinations.some((d) => d.code === o.code))) {
      throw new GatewayError('INVALID_BUSINESS_DATA', `Journey ${i + 1} starts and ends at ${journey.origin}`, [{ message: 'origin equals destination', path }]);
    }
    const previous = command.journeys[i - 1];
    if (previous && journey.date < previous.date) {
      throw new GatewayError('INVALID_BUSINESS_DATA', `Journey ${i + 1} on ${journey.date} is before journey ${i} on ${previous.date}`, [{ message: 'journeys out of date order', path: `${path}/date` }]);
    }
    ctx.network.checkDate(journey.date, `${path}/date`);
    const cabin = cabins[i] ?? offerCabin;
    const found = ctx.network.findItineraries(origins.map((a) => a.code), destinations.map((a) => a.code), journey.date, {
      maxResults: perJourney * 3, notBeforeUtc, ...(command.directOnly ? { directOnly: true } : {}),
    });
    const priceable = found.map((it) => priceableJourney(ctx, it, cabin)).filter((j): j is PricedJourney => j !== undefined).slice(0, perJourney);
    if (priceable.length === 0) {
      const what = command.directOnly ? 'direct flights' : 'flights';
      throw new GatewayError('NO_AVAILABILITY', `No ${what} with ${cabin} seats from ${journey.origin} to ${journey.destination} on ${journey.date}`, [{ message: 'no itinerary', path }]);
    }
    return priceable;
  });

  const maxOffers = Math.min(command.maxOffers ?? DEFAULT_MAX_OFFERS, MAX_OFFERS_CAP);
  const combos = combine(options, ctx.data.schedule.minConnectionMinutes * 60_000, Math.max(1, Math.ceil(maxOffers / families.length)));
  if (combos.length === 0) throw new GatewayError('NO_AVAILABILITY', 'No combination of flights connects the journeys in time order', [{ message: 'no combination', path: '/journeys' }]);

  const shoppingResponseId = `SR${ctx.newId()}`;
  const expiry = expiryFrom(now, ctx.offerTtlSeconds);
  const journeyIds = new Map<string, Journey>();
  const segments = new Map<string, Segment>();
  const offers: Offer[] = [];
  const usedFamilies = new Set<string>();
  const familyViews = new Map(families.map((f) => [f.code, toFareFamily(f)]));

  for (const combo of combos) {
    const comboJourneys = combo.map((journey) => {
      const key = journey.flights.map((f) => f.key).join('|');
      let found = journeyIds.get(key);
      if (!found) {
        found = toJourney(`${shoppingResponseId}-J${journeyIds.size + 1}`, journey);
        journeyIds.set(key, found);
      }
      journey.flights.forEach((f, i) => {
        if (!segments.has(f.key)) segments.set(f.key, toSegment(f, journey.segmentCabins[i] ?? offerCabin));
      });
      return found;
    });
    const comboSegmentIds = new Set(comboJourneys.flatMap((j) => j.segmentIds));
    const comboSegments = [...segments.values()].filter((s) => comboSegmentIds.has(s.segmentId));
    for (const family of families) {
      if (offers.length >= maxOffers) break;
      const offerId = `${shoppingResponseId}-OF${offers.length + 1}`;
      const { items, total } = priceOfferItems(ctx, offerId, combo, family, command.passengers, currency);
      const offer: Offer = {
        offerId, owner: ctx.designator, expiresAt: expiry.iso, fareFamily: family.code, cabin: family.cabin,
        journeyIds: comboJourneys.map((j) => j.journeyId), totalPrice: toPrice(total, ctx.converter), offerItems: items,
      };
      offers.push(offer);
      usedFamilies.add(family.code);
      ctx.store.save({
        kind: 'flight', offerId, owner: ctx.designator, createdAt: now.getTime(), expiresAt: expiry.at, currency,
        passengers: command.passengers, offerItemIds: items.map((i) => i.offerItemId), shoppingResponseId,
        cabin: family.cabin, totalPrice: offer.totalPrice, journeys: comboJourneys, segments: comboSegments,
        fareFamily: familyViews.get(family.code) ?? toFareFamily(family), pricedJourneys: combo,
      });
    }
  }

  return {
    shoppingResponseId, currency, offers, passengers: command.passengers,
    journeys: [...journeyIds.values()], segments: [...segments.values()],
    fareFamilies: families.filter((f) => usedFamilies.has(f.code)).map(toFareFamily),
  };
}
