import type { AirlineContext } from './airline-context.ts';
import type { Passenger, Segment, ServiceListCommand, ServiceListResult, ServiceOffered } from '../../contracts/airline/index.ts';
import type { ServiceData } from './airline-data.ts';
import { haulPriceMinor, resolveAncillaryScope } from './ancillary-scope.ts';
import { expiryFrom } from './offer-builder.ts';
import { minorPrice, toPrice } from './money.ts';

function eligiblePassengers(ctx: AirlineContext, service: ServiceData, passengers: readonly Passenger[]): string[] {
  const excluded = new Set(service.excludePtcs ?? []);
  return passengers.filter((p) => !excluded.has(p.type) && !excluded.has(ctx.pricer.pricingType(p.type).code)).map((p) => p.id);
}

/**
 * service.list: an a-la-carte offer of the services in the data that fit the offer's flights,
 * cabins, fare family and passengers. Seats are left out when the fare family includes them.
 */
export function listServices(command: ServiceListCommand, ctx: AirlineContext): ServiceListResult {
  const scope = resolveAncillaryScope(command, ctx);
  const now = ctx.now();
  const offerId = `AL${ctx.newId()}`;
  const expiry = expiryFrom(now, ctx.offerTtlSeconds);
  const freeSeats = ctx.data.fares.fareFamilies.find((f) => f.code === scope.offer.fareFamily.code)?.freeSeats ?? 'STANDARD';
  const inScope = new Set(scope.segments.map((s) => s.segmentId));
  const segmentById = new Map(scope.segments.map((s) => [s.segmentId, s]));
  const distance = (segments: readonly Segment[]): number => segments.reduce((sum, s) => sum + (scope.flights.get(s.segmentId)?.distanceKm ?? 0), 0);
  const services: ServiceOffered[] = [];

  for (const service of ctx.data.services.services) {
    if (service.type === 'SEAT' && freeSeats !== 'NONE') continue;
    const paxIds = eligiblePassengers(ctx, service, scope.passengers);
    if (paxIds.length === 0) continue;
    const groups: Segment[][] = service.per === 'journey'
      ? scope.offer.journeys.map((j) => j.segmentIds.filter((id) => inScope.has(id)).map((id) => segmentById.get(id) as Segment)).filter((g) => g.length > 0)
      : scope.segments.map((s) => [s]);
    for (const segments of groups) {
      const first = segments[0] as Segment;
      if (service.cabins && !service.cabins.includes(first.cabin)) continue;
      const km = distance(segments);
      if (service.minDistanceKm !== undefined && km < service.minDistanceKm) continue;
      const amount = haulPriceMinor(ctx, service.prices, km >= ctx.data.services.longHaulKm, scope.currency);
      const n = services.length + 1;
      services.push({
        serviceId: `${offerId}-SV${n}`, offerItemId: `${offerId}-${n}`, code: service.code, name: service.name, type: service.type,
        description: service.description, price: toPrice(minorPrice(scope.currency, amount), ctx.converter),
        paxIds, segmentIds: segments.map((s) => s.segmentId),
      });
    }
  }

  ctx.store.save({
    kind: 'alacarte', offerId, owner: ctx.designator, createdAt: now.getTime(), expiresAt: expiry.at, currency: scope.currency,
    passengers: scope.passengers, offerItemIds: services.map((s) => s.offerItemId), parentOfferId: scope.offer.offerId, segmentIds: [...inScope],
  });
  return {
    currency: scope.currency, offerId, owner: ctx.designator, expiresAt: expiry.iso, services,
    passengers: scope.passengers, segments: scope.segments,
  };
}
