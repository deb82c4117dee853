import type { FlightSelection, SeatSelection, ServiceListResult, ServiceOffered, ServiceSelection } from '../../contracts/airline/index.ts';
import { GatewayError } from '../../errors/index.ts';
import { bookedContext, familyOf, scalePrice } from './inventory-booked-offer.ts';
import { refuse, segmentOf, type Booking, type InventoryState, type NewItem } from './inventory-state.ts';
import { minorPrice, toPrice } from './money.ts';
import { priceOfferItems } from './offer-builder.ts';
import { verifyOffer } from './offer-store.ts';
import { seatBand, showSeats } from './seat-availability.handler.ts';
import { listServices } from './service-list.handler.ts';

/**
 * What a hold takes, priced: the flights at the offer's fares, ancillaries from the service list of
 * the order's flights (an item of an a-la-carte offer, or a service code), and seats from the seat
 * map, free when the fare family includes them.
 */

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

export function priceFlights(state: InventoryState, booking: Booking, selections: readonly FlightSelection[]): NewItem[] {
  if (selections.length === 0) return [];
  const { offer } = booking;
  const priced = priceOfferItems(state.ctx, offer.offerId, offer.pricedJourneys, familyOf(state, offer), offer.passengers, offer.currency);
  return selections.map((selection, index) => {
    const offerItem = priced.items.find((i) => i.offerItemId === selection.offerItemId);
    if (!offerItem) throw refuse(`Offer item ${selection.offerItemId} is not part of offer ${offer.offerId}`, `/flights/${index}/offerItemId`);
    for (const paxId of offerItem.paxIds) {
      if (!booking.passengers.some((p) => p.id === paxId)) throw refuse(`Passenger ${paxId} of offer item ${offerItem.offerItemId} is missing from the order`, '/passengers');
    }
    const seated = offerItem.paxIds.filter((id) => {
      const pax = offer.passengers.find((p) => p.id === id);
      return pax !== undefined && state.ctx.pricer.pricingType(pax.type).data.seat;
    }).length;
    return {
      itemId: selection.itemId, kind: 'FLIGHT', paxIds: offerItem.paxIds, segmentIds: offer.segments.map((s) => s.segmentId),
      price: offerItem.price, seatsTaken: seated,
      details: { offerItemId: offerItem.offerItemId, ptc: offerItem.ptc, fareBasisCode: offerItem.fareBasisCode, rbd: offerItem.rbd },
    };
  });
}

/** Recomputes the a-la-carte offer service.list made, with its own ids, to learn what an item of it was. */
function resolveAlaCarteService(state: InventoryState, booking: Booking, offerId: string, offerItemId: string, path: string): ServiceOffered {
  const stored = verifyOffer(state.ctx.store, offerId, { now: state.ctx.now(), offerItemIds: [offerItemId], path: `${path}/offerId` });
  if (stored.kind !== 'alacarte' || stored.parentOfferId !== booking.offer.offerId) {
    throw refuse(`Offer ${offerId} is not a service offer for the flights of order ${booking.orderId}`, `${path}/offerId`);
  }
  const again = listServices(
    { offerId: stored.parentOfferId, segmentIds: stored.segmentIds, passengers: stored.passengers, currency: stored.currency },
    bookedContext(state, booking.offer, false, stored.offerId.slice(2)),
  );
  const service = again.services.find((s) => s.offerItemId === offerItemId);
  if (!service) throw refuse(`Offer item ${offerItemId} of offer ${offerId} is not a service`, `${path}/offerItemId`);
  return service;
}

export function priceServices(state: InventoryState, booking: Booking, selections: readonly ServiceSelection[]): NewItem[] {
  if (selections.length === 0) return [];
  let all: ServiceListResult | undefined;
  return selections.map((selection, index) => {
    const path = `/services/${index}`;
    let service: ServiceOffered;
    if (selection.offerId !== undefined && selection.offerItemId !== undefined) {
      service = resolveAlaCarteService(state, booking, selection.offerId, selection.offerItemId, path);
    } else if (selection.code !== undefined) {
      all ??= listServices({ offerId: booking.offer.offerId, currency: booking.offer.currency }, bookedContext(state, booking.offer, false));
      const candidates = all.services.filter((s) => s.code === selection.code && (!selection.segmentIds || sameSet(s.segmentIds, selection.segmentIds)));
      const first = candidates[0];
      if (!first) throw refuse(`Service ${selection.code} is not offered${selection.segmentIds ? ` on ${selection.segmentIds.join(', ')}` : ''} for this order`, `${path}/code`);
      if (candidates.length > 1) throw refuse(`Service ${selection.code} is sold per journey or segment; name its segmentIds`, `${path}/segmentIds`);
      service = first;
    } else {
      throw refuse('A service names a code, or an offerId with an offerItemId', path);
    }
    for (const paxId of selection.paxIds) {
      if (!service.paxIds.includes(paxId)) throw refuse(`Service ${service.code} is not offered to passenger ${paxId}`, `${path}/paxIds`);
    }
    return {
      itemId: selection.itemId, kind: 'SERVICE', paxIds: [...selection.paxIds], segmentIds: service.segmentIds,
      price: scalePrice(state, service.price, selection.paxIds.length), seatsTaken: 0,
      details: { code: service.code, name: service.name, serviceType: service.type },
    };
  });
}

export function priceSeats(state: InventoryState, booking: Booking, selections: readonly (SeatSelection & { itemId: string })[]): NewItem[] {
  const chosen = new Set<string>();
  return selections.map((selection, index) => {
    const path = `/seats/${index}`;
    const pax = booking.passengers.find((p) => p.id === selection.paxId);
    if (!pax) throw refuse(`Passenger ${selection.paxId} is not in the order`, `${path}/paxId`);
    if (!state.ctx.pricer.pricingType(pax.type).data.seat) throw refuse(`Passenger ${pax.id} (${pax.type}) travels without a seat`, `${path}/paxId`);
    const segment = segmentOf(booking, selection.segmentId, `${path}/segmentId`);
    const perPax = `${segment.segmentId}/${pax.id}`;
    const hasSeat = [...booking.items.values()].some((i) => i.kind === 'SEAT' && (i.status === 'HELD' || i.status === 'ISSUED')
      && i.details.seat?.paxId === pax.id && i.details.seat.segmentId === segment.segmentId);
    if (hasSeat || chosen.has(perPax)) throw refuse(`Passenger ${pax.id} already has a seat on ${segment.segmentId}; cancel it first`, path);
    chosen.add(perPax);
    const map = showSeats({ offerId: booking.offer.offerId, segmentIds: [segment.segmentId], passengers: [pax], currency: booking.offer.currency }, bookedContext(state, booking.offer, false));
    const cabin = map.seatMaps[0]?.cabins[0];
    const seat = cabin?.rows.find((r) => r.number === selection.row)?.seats.find((s) => s.column === selection.column);
    if (!cabin || !seat) throw refuse(`There is no seat ${selection.row}${selection.column} in the ${segment.cabin} cabin of ${segment.segmentId}`, path);
    const seatKey = `${segment.segmentId}:${selection.row}${selection.column}`;
    if (!seat.available || state.assignedSeats.has(seatKey)) {
      throw new GatewayError('NO_AVAILABILITY', `Seat ${selection.row}${selection.column} on ${segment.segmentId} is taken`, [{ message: 'seat taken', path }]);
    }
    const layout = state.ctx.data.aircraft[segment.aircraft]?.cabins.find((c) => c.cabin === segment.cabin);
    const band = state.ctx.data.seatPrices.bands[layout ? seatBand(layout, selection.row) : 'STANDARD'];
    const paid = map.offerItems.find((i) => i.offerItemId === seat.offerItemId);
    return {
      itemId: selection.itemId, kind: 'SEAT', paxIds: [pax.id], segmentIds: [segment.segmentId],
      price: seat.price ?? toPrice(minorPrice(booking.offer.currency, 0), state.ctx.converter), seatsTaken: 0,
      details: { code: paid?.code ?? band.code, name: paid?.name ?? band.name, serviceType: 'SEAT' as const,
        seat: { paxId: pax.id, segmentId: segment.segmentId, row: selection.row, column: selection.column } },
    };
  });
}
