import type { InventoryHoldCommand, InventoryHoldResult, InventoryReleaseCommand, InventoryReleaseResult } from '../../contracts/airline/index.ts';
import { priceFlights, priceSeats, priceServices } from './inventory-hold-pricing.ts';
import { checkCapacity, freeItem, takeItem } from './inventory-seat-counts.ts';
import {
  bookingOf, fingerprintOf, iso, itemView, nowMs, refuse, type Booking, type HoldRecord, type InventoryState, type StoredItem,
} from './inventory-state.ts';
import { offerAsFlownNow } from './inventory-flight-change.ts';
import { expiryFrom } from './offer-builder.ts';
import { verifyFlightOffer } from './offer-price.handler.ts';
import type { StoredFlightOffer } from './offer-store.ts';

/**
 * inventory.hold and inventory.release: seats held for an order until its ticketing time limit,
 * then released by the gateway's compensation or when the limit passes. Every hold carries a
 * requestKey: repeating it answers the first hold (held again if it had been released) and holds
 * nothing twice.
 */

const HOUR_MS = 3_600_000;
/** A hold never lasts less than this, even for a flight about to close. */
const MIN_HOLD_MS = 5 * 60_000;

function admitBooking(state: InventoryState, booking: Booking): void {
  while (state.bookings.size >= state.maxBookings) {
    const oldest = state.bookings.shift();
    if (oldest) {
      forgetBooking(state, oldest);
      state.journal?.forget(oldest.orderId);
    }
  }
  state.bookings.set(booking.orderId, booking);
}

/** Drops a booking's holds and releases what it still holds; what it bought stays sold. */
function forgetBooking(state: InventoryState, booking: Booking): void {
  for (const holdId of booking.holdIds) {
    const record = state.holds.get(holdId);
    if (!record) continue;
    state.holdExpiries.cancel(record);
    state.holds.delete(holdId);
    state.holdsByKey.delete(record.requestKey);
  }
  for (const item of booking.items.values()) if (item.status === 'HELD') freeItem(state, booking, item, 'HELD');
}

/** Releases the still-held items of a hold; items issued or cancelled meanwhile are left alone. */
function releaseHold(state: InventoryState, hold: HoldRecord): string[] {
  const booking = bookingOf(state, hold.orderId);
  const released: string[] = [];
  for (const itemId of hold.itemIds) {
    const item = booking.items.get(itemId);
    if (item?.status !== 'HELD') continue;
    freeItem(state, booking, item, 'HELD');
    item.status = 'RELEASED';
    released.push(itemId);
  }
  hold.status = 'RELEASED';
  state.holdExpiries.cancel(hold);
  return released;
}

export function expireHolds(state: InventoryState): void {
  for (const hold of state.holdExpiries.takeDue(nowMs(state))) if (hold.status === 'HELD') releaseHold(state, hold);
}

/** The wheel may take a hold up to a second late; ticketing goes by the exact time limit. */
export function expireHoldsOf(state: InventoryState, booking: Booking): void {
  const now = nowMs(state);
  for (const holdId of booking.holdIds) {
    const hold = state.holds.get(holdId);
    if (hold?.status === 'HELD' && hold.expiresAt <= now) releaseHold(state, hold);
  }
}

function holdExpiry(state: InventoryState, offer: StoredFlightOffer): number {
  const now = nowMs(state);
  const firstDeparture = offer.pricedJourneys[0]?.flights[0]?.departureUtc ?? Number.MAX_SAFE_INTEGER;
  return Math.max(now + MIN_HOLD_MS, Math.min(expiryFrom(state.ctx.now(), state.holdTtlSeconds).at, firstDeparture - HOUR_MS));
}

function holdView(state: InventoryState, hold: HoldRecord, replayed: boolean): InventoryHoldResult {
  const booking = bookingOf(state, hold.orderId);
  return {
    holdId: hold.holdId, orderId: hold.orderId, offerId: booking.offer.offerId, status: 'HELD', expiresAt: iso(hold.expiresAt),
    currency: booking.offer.currency, fareFamily: booking.offer.fareFamily,
    items: hold.itemIds.map((id) => itemView(booking.items.get(id) as StoredItem)), replayed,
  };
}

/** A hold that was released (compensated, or expired) is taken again when the same request comes back. */
function holdAgain(state: InventoryState, hold: HoldRecord): void {
  const booking = bookingOf(state, hold.orderId);
  const items = hold.itemIds.map((id) => booking.items.get(id) as StoredItem);
  const again = items.filter((i) => i.status === 'RELEASED');
  if (again.length === 0) return;
  checkCapacity(state, booking, again);
  for (const item of again) {
    takeItem(state, booking, item);
    item.status = 'HELD';
  }
  hold.status = 'HELD';
  hold.expiresAt = holdExpiry(state, booking.offer);
  state.holdExpiries.schedule(hold, hold.expiresAt);
}

export function hold(state: InventoryState, command: InventoryHoldCommand): InventoryHoldResult {
  expireHolds(state);
  const fingerprint = fingerprintOf(command);
  const earlierId = state.holdsByKey.get(command.requestKey);
  if (earlierId !== undefined) {
    const earlier = state.holds.get(earlierId) as HoldRecord;
    if (earlier.fingerprint !== fingerprint) throw refuse(`Request key ${command.requestKey} was used for another hold`, '/requestKey');
    if (earlier.status === 'RELEASED') holdAgain(state, earlier);
    return holdView(state, earlier, true);
  }

  let booking = state.bookings.get(command.orderId);
  const isNew = booking === undefined;
  if (!booking) {
    if (command.offerId === undefined || command.passengers === undefined) {
      throw refuse(`The first hold of order ${command.orderId} names the offerId and the passengers`, '/offerId');
    }
    const offer = offerAsFlownNow(state, verifyFlightOffer(state.ctx, command.offerId, {
      passengers: command.passengers, ...(command.flights ? { offerItemIds: command.flights.map((f) => f.offerItemId) } : {}),
    }));
    booking = { orderId: command.orderId, offer, passengers: command.passengers, items: new Map(), documents: [], holdIds: [] };
  } else if (command.offerId !== undefined && command.offerId !== booking.offer.offerId) {
    throw refuse(`Order ${command.orderId} is booked on offer ${booking.offer.offerId}, not ${command.offerId}`, '/offerId');
  }

  const items = [
    ...priceFlights(state, booking, command.flights ?? []),
    ...priceServices(state, booking, command.services ?? []),
    ...priceSeats(state, booking, command.seats ?? []),
  ];
  if (items.length === 0) throw refuse('A hold names at least one flight, service or seat', '/flights');
  const ids = new Set<string>();
  for (const item of items) {
    // A released item never reached the order (its request was undone), so its id may be used again.
    const earlierItem = booking.items.get(item.itemId);
    if (ids.has(item.itemId) || (earlierItem && earlierItem.status !== 'RELEASED')) throw refuse(`Item id ${item.itemId} is used twice in order ${command.orderId}`, '/');
    ids.add(item.itemId);
  }
  checkCapacity(state, booking, items);

  state.holdCounter += 1;
  const record: HoldRecord = {
    holdId: `HL${state.ctx.newId()}${state.holdCounter}`, orderId: command.orderId, requestKey: command.requestKey, fingerprint,
    itemIds: items.map((i) => i.itemId), status: 'HELD', expiresAt: holdExpiry(state, booking.offer),
  };
  if (isNew) admitBooking(state, booking);
  for (const item of items) {
    const replaced = booking.items.get(item.itemId);
    const earlierHold = replaced ? state.holds.get(replaced.holdId) : undefined;
    if (earlierHold) earlierHold.itemIds = earlierHold.itemIds.filter((id) => id !== item.itemId);
    const stored: StoredItem = { ...item, status: 'HELD', holdId: record.holdId };
    takeItem(state, booking, stored);
    booking.items.set(item.itemId, stored);
  }
  state.holds.set(record.holdId, record);
  state.holdsByKey.set(command.requestKey, record.holdId);
  booking.holdIds.push(record.holdId);
  state.holdExpiries.schedule(record, record.expiresAt);
  return holdView(state, record, false);
}

export function release(state: InventoryState, command: InventoryReleaseCommand): InventoryReleaseResult {
  expireHolds(state);
  const holdId = state.holdsByKey.get(command.requestKey);
  const record = holdId === undefined ? undefined : state.holds.get(holdId);
  if (!record) return { orderId: command.orderId, released: [] };
  if (record.orderId !== command.orderId) throw refuse(`Request key ${command.requestKey} held order ${record.orderId}, not ${command.orderId}`, '/requestKey');
  return { orderId: command.orderId, holdId: record.holdId, released: record.status === 'HELD' ? releaseHold(state, record) : [] };
}
