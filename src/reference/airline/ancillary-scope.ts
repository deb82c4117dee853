import { GatewayError } from '../../errors/index.ts';
import type { AirlineContext } from './airline-context.ts';
import type { Passenger, PostShoppingCommand, Segment } from '../../contracts/airline/index.ts';
import type { HaulPrices } from './airline-data.ts';
import type { DatedFlight } from './flight-network.ts';
import { verifyFlightOffer } from './offer-price.handler.ts';
import type { StoredFlightOffer } from './offer-store.ts';
import { toMinorUnits } from '../../money/index.ts';

/** What service.list and seat.availability act on: the offer, and the flights and passengers asked about. */
export interface AncillaryScope {
  readonly offer: StoredFlightOffer;
  readonly currency: string;
  readonly segments: readonly Segment[];
  readonly passengers: readonly Passenger[];
  readonly flights: ReadonlyMap<string, DatedFlight>;
}

/**
 * Resolves the command's offer, narrows it to the requested segments and passengers, and checks the
 * currency. service.list and seat.availability answer for an offer: the gateway asks for an order's
 * services and seats with inventory.services and inventory.seats, so an orderId here is refused.
 */
export function resolveAncillaryScope(command: PostShoppingCommand, ctx: AirlineContext): AncillaryScope {
  if (command.orderId !== undefined) {
    throw new GatewayError('INVALID_BUSINESS_DATA', `order ${command.orderId} not found`, [{ message: `unknown order ${command.orderId}`, path: '/orderId' }]);
  }
  if (command.offerId === undefined) throw new GatewayError('INVALID_BUSINESS_DATA', 'An offerId or orderId is required', [{ message: 'missing offerId', path: '/offerId' }]);
  const offer = verifyFlightOffer(ctx, command.offerId, command.passengers ? { passengers: command.passengers } : {});
  const currency = command.currency ?? offer.currency;
  ctx.converter.check(currency, '/currency');
  const wanted = command.segmentIds ? new Set(command.segmentIds) : undefined;
  command.segmentIds?.forEach((id, i) => {
    if (!offer.segments.some((s) => s.segmentId === id)) {
      throw new GatewayError('INVALID_BUSINESS_DATA', `Segment ${id} is not part of offer ${offer.offerId}`, [{ message: `unknown segment ${id}`, path: `/segmentIds/${i}` }]);
    }
  });
  const flights = new Map<string, DatedFlight>();
  for (const journey of offer.pricedJourneys) for (const f of journey.flights) flights.set(f.key, f);
  const passengers = command.passengers
    ? offer.passengers.filter((p) => command.passengers?.some((q) => q.id === p.id))
    : offer.passengers;
  return { offer, currency, segments: offer.segments.filter((s) => !wanted || wanted.has(s.segmentId)), passengers, flights };
}

/**
 * A per-passenger price from haul prices in minor units of `currency`: the listed amount when the
 * data has one for that currency, else the EUR amount converted.
 */
export function haulPriceMinor(ctx: AirlineContext, prices: HaulPrices, long: boolean, currency: string): number {
  const table = long ? prices.long : prices.short;
  const listed = table[currency];
  if (listed !== undefined) return toMinorUnits(listed, currency);
  const eur = table.EUR ?? 0;
  return ctx.converter.toMinor(eur / ctx.converter.rate('EUR'), currency);
}

/** 32-bit FNV-1a: a cheap, stable hash so seat occupancy is the same on every call for a flight. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
