import type {
  InventoryAvailabilityQuery, InventoryAvailabilityResult, InventoryBookingResult, InventoryOfferQuery, InventoryOrderQuery, Passenger,
  SeatAvailabilityResult, Segment, ServiceListResult,
} from '../../contracts/airline/index.ts';
import { GatewayError } from '../../errors/index.ts';
import { bookedContext } from './inventory-booked-offer.ts';
import { expireHolds } from './inventory-holds.ts';
import { availabilityOf } from './inventory-seat-counts.ts';
import { bookingOf, itemView, refuse, selectedItems, type Booking, type InventoryState } from './inventory-state.ts';
import { showSeats } from './seat-availability.handler.ts';
import { listServices } from './service-list.handler.ts';

/**
 * The inventory's reads: an order's post-booking service list and seat map (the a-la-carte offers
 * they make are for the order's flights, so a later hold can take their items), seats left per
 * flight, and what the airline holds for an order.
 */

function offerQuery(booking: Booking, command: InventoryOfferQuery): { offerId: string; segmentIds?: readonly string[]; passengers?: readonly Passenger[]; currency: string } {
  const passengers = command.paxIds?.map((id, i) => {
    const pax = booking.passengers.find((p) => p.id === id);
    if (!pax) throw refuse(`Passenger ${id} is not in order ${booking.orderId}`, `/paxIds/${i}`);
    return pax;
  });
  return {
    offerId: booking.offer.offerId, currency: command.currency ?? booking.offer.currency,
    ...(command.segmentIds ? { segmentIds: command.segmentIds } : {}), ...(passengers ? { passengers } : {}),
  };
}

export function services(state: InventoryState, command: InventoryOfferQuery): ServiceListResult {
  const booking = bookingOf(state, command.orderId);
  return listServices(offerQuery(booking, command), bookedContext(state, booking.offer, true));
}

export function seats(state: InventoryState, command: InventoryOfferQuery): SeatAvailabilityResult {
  expireHolds(state);
  const booking = bookingOf(state, command.orderId);
  const result = showSeats(offerQuery(booking, command), bookedContext(state, booking.offer, true));
  // The seat map knows the seats taken before sale; the inventory knows the ones sold since.
  return {
    ...result,
    seatMaps: result.seatMaps.map((map) => ({
      ...map,
      cabins: map.cabins.map((cabin) => ({
        ...cabin,
        rows: cabin.rows.map((row) => ({
          ...row,
          seats: row.seats.map((seat) => (state.assignedSeats.has(`${map.segmentId}:${row.number}${seat.column}`) ? { ...seat, available: false } : seat)),
        })),
      })),
    })),
  };
}

export function availability(state: InventoryState, command: InventoryAvailabilityQuery): InventoryAvailabilityResult {
  expireHolds(state);
  let segments: readonly Segment[];
  if (command.orderId !== undefined) {
    segments = bookingOf(state, command.orderId).offer.segments;
  } else if (command.offerId !== undefined) {
    const offer = state.ctx.store.get(command.offerId);
    if (offer?.kind !== 'flight') throw new GatewayError('OFFER_NOT_FOUND', `Offer ${command.offerId} is unknown`, [{ message: 'unknown offer', path: '/offerId' }]);
    segments = offer.segments;
  } else {
    throw refuse('An offerId or orderId is required', '/offerId');
  }
  return { segments: segments.map((segment) => availabilityOf(state, segment)) };
}

export function showBooking(state: InventoryState, command: InventoryOrderQuery): InventoryBookingResult {
  expireHolds(state);
  const found = bookingOf(state, command.orderId);
  return {
    orderId: found.orderId, offerId: found.offer.offerId, currency: found.offer.currency,
    items: selectedItems(found, command.itemIds ?? [...found.items.keys()]).map(itemView), documents: [...found.documents],
  };
}

/** Every booking the airline holds, oldest first, as showBooking shows one. */
export function listBookings(state: InventoryState): InventoryBookingResult[] {
  expireHolds(state);
  return [...state.bookings.values()].map((booking) => ({
    orderId: booking.orderId, offerId: booking.offer.offerId, currency: booking.offer.currency,
    items: [...booking.items.values()].map(itemView), documents: [...booking.documents],
  }));
}
