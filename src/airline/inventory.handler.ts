import { createExpiryWheel } from '../collections/expiry-wheel.ts';
import { createInsertionOrderedMap, type InsertionOrderedMap } from '../collections/insertion-ordered-map.ts';
import { GatewayError } from '../errors/index.ts';
import type { AirlineContext } from './airline-context.ts';
import type { FareFamilyData } from './airline-data.ts';
import type {
  FlightSelection, InventoryAvailabilityQuery, InventoryAvailabilityResult, InventoryBookingResult, InventoryCancelCommand, InventoryCancelResult,
  InventoryDocument, InventoryHoldCommand, InventoryHoldResult, InventoryIssueCommand, InventoryIssueResult, InventoryItem, InventoryItemKind,
  InventoryItemStatus, InventoryOfferQuery, InventoryOrderQuery, InventoryRefundQuote, InventoryReleaseCommand, InventoryReleaseResult,
  InventoryRepriceResult, InventoryVoidCommand, InventoryVoidResult, Passenger, Price, RefundQuoteItem, RepriceQuoteItem, SeatAvailabilityResult,
  SeatSelection, Segment, SegmentAvailability, ServiceListResult, ServiceOffered, ServiceSelection,
} from '../contracts/airline/index.ts';
import { hashString } from './ancillary-scope.ts';
import { expiryFrom, priceOfferItems } from './offer-builder.ts';
import { verifyFlightOffer } from './offer-price.handler.ts';
import { verifyOffer, type OfferStore, type StoredFlightOffer } from './offer-store.ts';
import { minorPrice, toPrice } from './money.ts';
import { seatBand, showSeats } from './seat-availability.handler.ts';
import { listServices } from './service-list.handler.ts';

/**
 * The airline's inventory and ticketing: seats held for an order, then issued (e-tickets and
 * EMDs) or released, and cancelled later. The gateway keeps the ONE Order record; this is the
 * airline's own side of it, keyed by the gateway's order id, so the gateway needs no airline ids.
 *
 * Every writing command carries a `requestKey`: repeating it answers the first result and
 * changes nothing, so a worker re-run after a crash, or a retry after a lost answer, never holds,
 * issues or cancels twice. A held item leaves HELD exactly once (issued, released, expired or
 * cancelled), which is what keeps the seat counts right.
 */

export interface InventoryOptions {
  /** The airline's 3-digit accounting code, the first digits of every ticket and EMD number. @defaultValue '000' */
  readonly accountingCode?: string;
  /** How long unissued items stay held (capped one hour before departure). @defaultValue 86400 */
  readonly holdTtlSeconds?: number;
  /**
   * Bound on the orders the airline keeps; when full, the oldest booking is forgotten with its
   * holds (what it still held is released; seats sold stay sold), and later commands for it answer
   * ORDER_NOT_FOUND. Issue and cancel answers kept for replays are bounded alike. @defaultValue 100000
   */
  readonly maxBookings?: number;
}

export interface Inventory {
  hold(command: InventoryHoldCommand): InventoryHoldResult;
  release(command: InventoryReleaseCommand): InventoryReleaseResult;
  issue(command: InventoryIssueCommand): InventoryIssueResult;
  void(command: InventoryVoidCommand): InventoryVoidResult;
  cancel(command: InventoryCancelCommand): InventoryCancelResult;
  quoteRefund(command: InventoryOrderQuery): InventoryRefundQuote;
  reprice(command: InventoryOrderQuery): InventoryRepriceResult;
  services(command: InventoryOfferQuery): ServiceListResult;
  seats(command: InventoryOfferQuery): SeatAvailabilityResult;
  availability(command: InventoryAvailabilityQuery): InventoryAvailabilityResult;
  booking(command: InventoryOrderQuery): InventoryBookingResult;
}

interface StoredItem {
  readonly itemId: string;
  readonly kind: InventoryItemKind;
  status: InventoryItemStatus;
  readonly holdId: string;
  readonly paxIds: readonly string[];
  readonly segmentIds: readonly string[];
  readonly price: Price;
  /** Seats of the cabin taken on each of segmentIds (flights: passengers who need a seat). */
  readonly seatsTaken: number;
  readonly details: Omit<InventoryItem, 'itemId' | 'kind' | 'status' | 'paxIds' | 'segmentIds' | 'price'>;
}

interface Booking {
  readonly orderId: string;
  readonly offer: StoredFlightOffer;
  readonly passengers: readonly Passenger[];
  readonly items: Map<string, StoredItem>;
  readonly documents: InventoryDocument[];
  /** Every hold made for the order; they are forgotten with it. */
  readonly holdIds: string[];
}

interface HoldRecord {
  readonly holdId: string;
  readonly orderId: string;
  readonly requestKey: string;
  readonly fingerprint: string;
  /** Shrinks when a released item's id is taken by a later hold. */
  itemIds: readonly string[];
  status: 'HELD' | 'RELEASED';
  expiresAt: number;
}

interface Keyed<T> {
  readonly fingerprint: string;
  readonly result: T;
}

const HOUR_MS = 3_600_000;
/** A hold never lasts less than this, even for a flight about to close. */
const MIN_HOLD_MS = 5 * 60_000;

function refuse(message: string, path?: string): GatewayError {
  return new GatewayError('INVALID_BUSINESS_DATA', message, [{ message, ...(path ? { path } : {}) }]);
}

/** Stable JSON (keys sorted), so a repeated command is recognised whatever order its keys came in. */
function fingerprintOf(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/** Builds the inventory over the airline's data and offer store; state lives in this process's memory. */
export function createInventory(ctx: AirlineContext, options: InventoryOptions = {}): Inventory {
  const accountingCode = options.accountingCode ?? '000';
  if (!/^\d{3}$/.test(accountingCode)) throw new RangeError(`accountingCode must be 3 digits, got ${accountingCode}`);
  const holdTtlSeconds = options.holdTtlSeconds ?? 86_400;
  const maxBookings = options.maxBookings ?? 100_000;
  if (!Number.isInteger(maxBookings) || maxBookings < 1) throw new RangeError(`maxBookings must be a positive integer, got ${maxBookings}`);

  // Per-order state is bounded: bookings (with their holds) and replay answers go oldest first.
  const bookings = createInsertionOrderedMap<string, Booking>();
  const holds = new Map<string, HoldRecord>();
  const holdsByKey = new Map<string, string>();
  /** Holds that may still have HELD items, by expiry: they expire in departure order, not in the order they were made. */
  const holdExpiries = createExpiryWheel<HoldRecord>();
  const issues = createInsertionOrderedMap<string, Keyed<InventoryIssueResult>>();
  const cancels = createInsertionOrderedMap<string, Keyed<InventoryCancelResult>>();
  // Per-flight state: bounded by the seats of the flights on sale, not by the orders made.
  /** `${segmentId}|${cabin}` → seats held and sold. */
  const counts = new Map<string, { held: number; sold: number }>();
  const capacities = new Map<string, number>();
  /** `${segmentId}:${row}${column}` → the seat item holding it. */
  const assignedSeats = new Map<string, string>();
  let serial = Math.floor(ctx.now().getTime() / 1000) % 9_000_000_000;
  let holdCounter = 0;

  const nowMs = (): number => ctx.now().getTime();
  const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

  function nextDocumentNumber(): string {
    serial = (serial + 1) % 10_000_000_000;
    return `${accountingCode}${String(serial).padStart(10, '0')}`;
  }

  function bookingOf(orderId: string, path = '/orderId'): Booking {
    const booking = bookings.get(orderId);
    if (!booking) throw new GatewayError('ORDER_NOT_FOUND', `The airline holds nothing for order ${orderId}`, [{ message: `unknown order ${orderId}`, path }]);
    return booking;
  }

  function admitBooking(booking: Booking): void {
    while (bookings.size >= maxBookings) {
      const oldest = bookings.shift();
      if (oldest) forgetBooking(oldest);
    }
    bookings.set(booking.orderId, booking);
  }

  /** Drops a booking's holds and releases what it still holds; what it bought stays sold. */
  function forgetBooking(booking: Booking): void {
    for (const holdId of booking.holdIds) {
      const record = holds.get(holdId);
      if (!record) continue;
      holdExpiries.cancel(record);
      holds.delete(holdId);
      holdsByKey.delete(record.requestKey);
    }
    for (const item of booking.items.values()) if (item.status === 'HELD') freeItem(booking, item, 'HELD');
  }

  function remember<T>(table: InsertionOrderedMap<string, Keyed<T>>, requestKey: string, answer: Keyed<T>): void {
    while (table.size >= maxBookings) table.shift();
    table.set(requestKey, answer);
  }

  function segmentOf(booking: Pick<Booking, 'offer'>, segmentId: string, path?: string): Segment {
    const segment = booking.offer.segments.find((s) => s.segmentId === segmentId);
    if (!segment) throw refuse(`Segment ${segmentId} is not a flight of offer ${booking.offer.offerId}`, path);
    return segment;
  }

  function capacityOf(segment: Segment): number {
    const key = `${segment.segmentId}|${segment.cabin}`;
    const known = capacities.get(key);
    if (known !== undefined) return known;
    const layout = ctx.data.aircraft[segment.aircraft]?.cabins.find((c) => c.cabin === segment.cabin);
    let free = 0;
    if (layout) {
      for (let row = layout.firstRow; row <= layout.lastRow; row += 1) {
        if (layout.skipRows?.includes(row)) continue;
        for (const column of layout.columns) {
          // The same rule as the seat map, so the count and the map agree.
          if (hashString(`${segment.segmentId}:${row}${column.id}`) % 100 >= layout.occupiedPercent) free += 1;
        }
      }
    }
    capacities.set(key, free);
    return free;
  }

  function countsOf(segment: Segment): { held: number; sold: number } {
    const key = `${segment.segmentId}|${segment.cabin}`;
    let entry = counts.get(key);
    if (!entry) {
      entry = { held: 0, sold: 0 };
      counts.set(key, entry);
    }
    return entry;
  }

  function availabilityOf(segment: Segment): SegmentAvailability {
    const { held, sold } = countsOf(segment);
    const capacity = capacityOf(segment);
    return { segmentId: segment.segmentId, cabin: segment.cabin, capacity, held, sold, available: Math.max(0, capacity - held - sold) };
  }

  /**
   * The airline context as seen from a booking: its flight offer never expires (the order keeps
   * the flights), and offers made while recomputing are not stored unless `keepOffers`.
   */
  function bookedContext(offer: StoredFlightOffer, keepOffers: boolean, fixedId?: string): AirlineContext {
    const live: StoredFlightOffer = { ...offer, expiresAt: Number.MAX_SAFE_INTEGER };
    const store: OfferStore = {
      save(saved) {
        if (keepOffers && saved.offerId !== live.offerId) ctx.store.save(saved);
      },
      get: (offerId) => (offerId === live.offerId ? live : ctx.store.get(offerId)),
      sweep: () => ctx.store.sweep(),
      get size() {
        return ctx.store.size;
      },
      close() {},
    };
    return { ...ctx, store, ...(fixedId === undefined ? {} : { newId: () => fixedId }) };
  }

  function familyOf(offer: StoredFlightOffer): FareFamilyData {
    const family = ctx.pricer.fareFamily(offer.fareFamily.code);
    if (!family) throw new GatewayError('NO_AVAILABILITY', `Fare family ${offer.fareFamily.code} is no longer sold`);
    return family;
  }

  function scalePrice(price: Price, count: number): Price {
    const decimals = ctx.converter.decimals(price.currency);
    const scale = (amount: number): number => ctx.converter.toMajor(Math.round(amount * 10 ** decimals) * count, price.currency);
    const taxBreakdown = price.taxBreakdown.map((t) => ({ ...t, amount: scale(t.amount) }));
    return { base: scale(price.base), taxes: scale(price.taxes), total: scale(price.total), currency: price.currency, taxBreakdown };
  }

  // ---- releasing and expiry -------------------------------------------------------------------

  function freeItem(booking: Booking, item: StoredItem, from: 'HELD' | 'ISSUED'): void {
    if (item.seatsTaken > 0) {
      for (const segmentId of item.segmentIds) {
        const entry = countsOf(segmentOf(booking, segmentId));
        if (from === 'HELD') entry.held -= item.seatsTaken;
        else entry.sold -= item.seatsTaken;
      }
    }
    const seat = item.details.seat;
    if (seat) {
      const key = `${seat.segmentId}:${seat.row}${seat.column}`;
      if (assignedSeats.get(key) === `${booking.orderId}/${item.itemId}`) assignedSeats.delete(key);
    }
  }

  /** Releases the still-held items of a hold; items issued or cancelled meanwhile are left alone. */
  function releaseHold(hold: HoldRecord): string[] {
    const booking = bookingOf(hold.orderId);
    const released: string[] = [];
    for (const itemId of hold.itemIds) {
      const item = booking.items.get(itemId);
      if (item?.status !== 'HELD') continue;
      freeItem(booking, item, 'HELD');
      item.status = 'RELEASED';
      released.push(itemId);
    }
    hold.status = 'RELEASED';
    holdExpiries.cancel(hold);
    return released;
  }

  function expireHolds(): void {
    for (const hold of holdExpiries.takeDue(nowMs())) if (hold.status === 'HELD') releaseHold(hold);
  }

  /** The wheel may take a hold up to a second late; ticketing goes by the exact time limit. */
  function expireHoldsOf(booking: Booking): void {
    const now = nowMs();
    for (const holdId of booking.holdIds) {
      const hold = holds.get(holdId);
      if (hold?.status === 'HELD' && hold.expiresAt <= now) releaseHold(hold);
    }
  }

  // ---- pricing a hold ---------------------------------------------------------------------------

  interface NewItem {
    readonly itemId: string;
    readonly kind: InventoryItemKind;
    readonly paxIds: readonly string[];
    readonly segmentIds: readonly string[];
    readonly price: Price;
    readonly seatsTaken: number;
    readonly details: StoredItem['details'];
  }

  function priceFlights(booking: Booking, selections: readonly FlightSelection[]): NewItem[] {
    if (selections.length === 0) return [];
    const { offer } = booking;
    const priced = priceOfferItems(ctx, offer.offerId, offer.pricedJourneys, familyOf(offer), offer.passengers, offer.currency);
    return selections.map((selection, index) => {
      const offerItem = priced.items.find((i) => i.offerItemId === selection.offerItemId);
      if (!offerItem) throw refuse(`Offer item ${selection.offerItemId} is not part of offer ${offer.offerId}`, `/flights/${index}/offerItemId`);
      for (const paxId of offerItem.paxIds) {
        if (!booking.passengers.some((p) => p.id === paxId)) throw refuse(`Passenger ${paxId} of offer item ${offerItem.offerItemId} is missing from the order`, '/passengers');
      }
      const seated = offerItem.paxIds.filter((id) => {
        const pax = offer.passengers.find((p) => p.id === id);
        return pax !== undefined && ctx.pricer.pricingType(pax.type).data.seat;
      }).length;
      return {
        itemId: selection.itemId, kind: 'FLIGHT', paxIds: offerItem.paxIds, segmentIds: offer.segments.map((s) => s.segmentId),
        price: offerItem.price, seatsTaken: seated,
        details: { offerItemId: offerItem.offerItemId, ptc: offerItem.ptc, fareBasisCode: offerItem.fareBasisCode, rbd: offerItem.rbd },
      };
    });
  }

  /** Recomputes the a-la-carte offer service.list made, with its own ids, to learn what an item of it was. */
  function resolveAlaCarteService(booking: Booking, offerId: string, offerItemId: string, path: string): ServiceOffered {
    const stored = verifyOffer(ctx.store, offerId, { now: ctx.now(), offerItemIds: [offerItemId], path: `${path}/offerId` });
    if (stored.kind !== 'alacarte' || stored.parentOfferId !== booking.offer.offerId) {
      throw refuse(`Offer ${offerId} is not a service offer for the flights of order ${booking.orderId}`, `${path}/offerId`);
    }
    const again = listServices(
      { offerId: stored.parentOfferId, segmentIds: stored.segmentIds, passengers: stored.passengers, currency: stored.currency },
      bookedContext(booking.offer, false, stored.offerId.slice(2)),
    );
    const service = again.services.find((s) => s.offerItemId === offerItemId);
    if (!service) throw refuse(`Offer item ${offerItemId} of offer ${offerId} is not a service`, `${path}/offerItemId`);
    return service;
  }

  function priceServices(booking: Booking, selections: readonly ServiceSelection[]): NewItem[] {
    if (selections.length === 0) return [];
    let all: ServiceListResult | undefined;
    return selections.map((selection, index) => {
      const path = `/services/${index}`;
      let service: ServiceOffered;
      if (selection.offerId !== undefined && selection.offerItemId !== undefined) {
        service = resolveAlaCarteService(booking, selection.offerId, selection.offerItemId, path);
      } else if (selection.code !== undefined) {
        all ??= listServices({ offerId: booking.offer.offerId, currency: booking.offer.currency }, bookedContext(booking.offer, false));
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
        price: scalePrice(service.price, selection.paxIds.length), seatsTaken: 0,
        details: { code: service.code, name: service.name, serviceType: service.type },
      };
    });
  }

  function priceSeats(booking: Booking, selections: readonly (SeatSelection & { itemId: string })[]): NewItem[] {
    const chosen = new Set<string>();
    return selections.map((selection, index) => {
      const path = `/seats/${index}`;
      const pax = booking.passengers.find((p) => p.id === selection.paxId);
      if (!pax) throw refuse(`Passenger ${selection.paxId} is not in the order`, `${path}/paxId`);
      if (!ctx.pricer.pricingType(pax.type).data.seat) throw refuse(`Passenger ${pax.id} (${pax.type}) travels without a seat`, `${path}/paxId`);
      const segment = segmentOf(booking, selection.segmentId, `${path}/segmentId`);
      const perPax = `${segment.segmentId}/${pax.id}`;
      const hasSeat = [...booking.items.values()].some((i) => i.kind === 'SEAT' && (i.status === 'HELD' || i.status === 'ISSUED')
        && i.details.seat?.paxId === pax.id && i.details.seat.segmentId === segment.segmentId);
      if (hasSeat || chosen.has(perPax)) throw refuse(`Passenger ${pax.id} already has a seat on ${segment.segmentId}; cancel it first`, path);
      chosen.add(perPax);
      const map = showSeats({ offerId: booking.offer.offerId, segmentIds: [segment.segmentId], passengers: [pax], currency: booking.offer.currency }, bookedContext(booking.offer, false));
      const cabin = map.seatMaps[0]?.cabins[0];
      const seat = cabin?.rows.find((r) => r.number === selection.row)?.seats.find((s) => s.column === selection.column);
      if (!cabin || !seat) throw refuse(`There is no seat ${selection.row}${selection.column} in the ${segment.cabin} cabin of ${segment.segmentId}`, path);
      const seatKey = `${segment.segmentId}:${selection.row}${selection.column}`;
      if (!seat.available || assignedSeats.has(seatKey)) {
        throw new GatewayError('NO_AVAILABILITY', `Seat ${selection.row}${selection.column} on ${segment.segmentId} is taken`, [{ message: 'seat taken', path }]);
      }
      const layout = ctx.data.aircraft[segment.aircraft]?.cabins.find((c) => c.cabin === segment.cabin);
      const band = ctx.data.seatPrices.bands[layout ? seatBand(layout, selection.row) : 'STANDARD'];
      const paid = map.offerItems.find((i) => i.offerItemId === seat.offerItemId);
      return {
        itemId: selection.itemId, kind: 'SEAT', paxIds: [pax.id], segmentIds: [segment.segmentId],
        price: seat.price ?? toPrice(minorPrice(booking.offer.currency, 0), ctx.converter), seatsTaken: 0,
        details: { code: paid?.code ?? band.code, name: paid?.name ?? band.name, serviceType: 'SEAT' as const,
          seat: { paxId: pax.id, segmentId: segment.segmentId, row: selection.row, column: selection.column } },
      };
    });
  }

  /** Seats the new items need per segment, checked against what is left; throws NO_AVAILABILITY. */
  function checkCapacity(booking: Booking, items: readonly NewItem[]): void {
    const needed = new Map<string, number>();
    for (const item of items) for (const segmentId of item.segmentIds) needed.set(segmentId, (needed.get(segmentId) ?? 0) + item.seatsTaken);
    for (const [segmentId, seats] of needed) {
      if (seats === 0) continue;
      const left = availabilityOf(segmentOf(booking, segmentId)).available;
      if (seats > left) throw new GatewayError('NO_AVAILABILITY', `Only ${left} seats are left on ${segmentId}, ${seats} asked for`, [{ message: 'flight full', path: '/flights' }]);
    }
    const asked = new Set<string>();
    for (const item of items) {
      const seat = item.details.seat;
      if (!seat) continue;
      const key = `${seat.segmentId}:${seat.row}${seat.column}`;
      const twice = asked.has(key);
      asked.add(key);
      if (twice || assignedSeats.has(key)) {
        throw new GatewayError('NO_AVAILABILITY', `Seat ${seat.row}${seat.column} on ${seat.segmentId} is taken`, [{ message: 'seat taken', path: '/seats' }]);
      }
    }
  }

  function takeItem(booking: Booking, item: Pick<StoredItem, 'itemId' | 'seatsTaken' | 'segmentIds' | 'details'>): void {
    if (item.seatsTaken > 0) for (const segmentId of item.segmentIds) countsOf(segmentOf(booking, segmentId)).held += item.seatsTaken;
    const seat = item.details.seat;
    if (seat) assignedSeats.set(`${seat.segmentId}:${seat.row}${seat.column}`, `${booking.orderId}/${item.itemId}`);
  }

  function holdExpiry(offer: StoredFlightOffer): number {
    const now = nowMs();
    const firstDeparture = offer.pricedJourneys[0]?.flights[0]?.departureUtc ?? Number.MAX_SAFE_INTEGER;
    return Math.max(now + MIN_HOLD_MS, Math.min(expiryFrom(ctx.now(), holdTtlSeconds).at, firstDeparture - HOUR_MS));
  }

  function itemView(item: StoredItem): InventoryItem {
    return { itemId: item.itemId, kind: item.kind, status: item.status, paxIds: item.paxIds, segmentIds: item.segmentIds, price: item.price, ...item.details };
  }

  function holdView(hold: HoldRecord, replayed: boolean): InventoryHoldResult {
    const booking = bookingOf(hold.orderId);
    return {
      holdId: hold.holdId, orderId: hold.orderId, offerId: booking.offer.offerId, status: 'HELD', expiresAt: iso(hold.expiresAt),
      currency: booking.offer.currency, fareFamily: booking.offer.fareFamily,
      items: hold.itemIds.map((id) => itemView(booking.items.get(id) as StoredItem)), replayed,
    };
  }

  /** A hold that was released (compensated, or expired) is taken again when the same request comes back. */
  function holdAgain(hold: HoldRecord): void {
    const booking = bookingOf(hold.orderId);
    const items = hold.itemIds.map((id) => booking.items.get(id) as StoredItem);
    const again = items.filter((i) => i.status === 'RELEASED');
    if (again.length === 0) return;
    checkCapacity(booking, again);
    for (const item of again) {
      takeItem(booking, item);
      item.status = 'HELD';
    }
    hold.status = 'HELD';
    hold.expiresAt = holdExpiry(booking.offer);
    holdExpiries.schedule(hold, hold.expiresAt);
  }

  // ---- commands ------------------------------------------------------------------------------

  function hold(command: InventoryHoldCommand): InventoryHoldResult {
    expireHolds();
    const fingerprint = fingerprintOf(command);
    const earlierId = holdsByKey.get(command.requestKey);
    if (earlierId !== undefined) {
      const earlier = holds.get(earlierId) as HoldRecord;
      if (earlier.fingerprint !== fingerprint) throw refuse(`Request key ${command.requestKey} was used for another hold`, '/requestKey');
      if (earlier.status === 'RELEASED') holdAgain(earlier);
      return holdView(earlier, true);
    }

    let booking = bookings.get(command.orderId);
    const isNew = booking === undefined;
    if (!booking) {
      if (command.offerId === undefined || command.passengers === undefined) {
        throw refuse(`The first hold of order ${command.orderId} names the offerId and the passengers`, '/offerId');
      }
      const offer = verifyFlightOffer(ctx, command.offerId, {
        passengers: command.passengers, ...(command.flights ? { offerItemIds: command.flights.map((f) => f.offerItemId) } : {}),
      });
      booking = { orderId: command.orderId, offer, passengers: command.passengers, items: new Map(), documents: [], holdIds: [] };
    } else if (command.offerId !== undefined && command.offerId !== booking.offer.offerId) {
      throw refuse(`Order ${command.orderId} is booked on offer ${booking.offer.offerId}, not ${command.offerId}`, '/offerId');
    }

    const items = [
      ...priceFlights(booking, command.flights ?? []),
      ...priceServices(booking, command.services ?? []),
      ...priceSeats(booking, command.seats ?? []),
    ];
    if (items.length === 0) throw refuse('A hold names at least one flight, service or seat', '/flights');
    const ids = new Set<string>();
    for (const item of items) {
      // A released item never reached the order (its request was undone), so its id may be used again.
      const earlierItem = booking.items.get(item.itemId);
      if (ids.has(item.itemId) || (earlierItem && earlierItem.status !== 'RELEASED')) throw refuse(`Item id ${item.itemId} is used twice in order ${command.orderId}`, '/');
      ids.add(item.itemId);
    }
    checkCapacity(booking, items);

    holdCounter += 1;
    const record: HoldRecord = {
      holdId: `HL${ctx.newId()}${holdCounter}`, orderId: command.orderId, requestKey: command.requestKey, fingerprint,
      itemIds: items.map((i) => i.itemId), status: 'HELD', expiresAt: holdExpiry(booking.offer),
    };
    if (isNew) admitBooking(booking);
    for (const item of items) {
      const replaced = booking.items.get(item.itemId);
      const earlierHold = replaced ? holds.get(replaced.holdId) : undefined;
      if (earlierHold) earlierHold.itemIds = earlierHold.itemIds.filter((id) => id !== item.itemId);
      const stored: StoredItem = { ...item, status: 'HELD', holdId: record.holdId };
      takeItem(booking, stored);
      booking.items.set(item.itemId, stored);
    }
    holds.set(record.holdId, record);
    holdsByKey.set(command.requestKey, record.holdId);
    booking.holdIds.push(record.holdId);
    holdExpiries.schedule(record, record.expiresAt);
    return holdView(record, false);
  }

  function release(command: InventoryReleaseCommand): InventoryReleaseResult {
    expireHolds();
    const holdId = holdsByKey.get(command.requestKey);
    const record = holdId === undefined ? undefined : holds.get(holdId);
    if (!record) return { orderId: command.orderId, released: [] };
    if (record.orderId !== command.orderId) throw refuse(`Request key ${command.requestKey} held order ${record.orderId}, not ${command.orderId}`, '/requestKey');
    return { orderId: command.orderId, holdId: record.holdId, released: record.status === 'HELD' ? releaseHold(record) : [] };
  }

  function replayOf<T>(table: InsertionOrderedMap<string, Keyed<T>>, requestKey: string, fingerprint: string): T | undefined {
    const earlier = table.get(requestKey);
    if (!earlier) return undefined;
    if (earlier.fingerprint !== fingerprint) throw refuse(`Request key ${requestKey} was used for another request`, '/requestKey');
    return earlier.result;
  }

  function issue(command: InventoryIssueCommand): InventoryIssueResult {
    expireHolds();
    const fingerprint = fingerprintOf(command);
    const earlier = replayOf(issues, command.requestKey, fingerprint);
    if (earlier) return { ...earlier, replayed: true };
    const booking = bookingOf(command.orderId);
    expireHoldsOf(booking);
    const targets = command.itemIds
      ? command.itemIds.map((id, i) => {
        const item = booking.items.get(id);
        if (!item) throw refuse(`Order ${command.orderId} has no item ${id} at the airline`, `/itemIds/${i}`);
        return item;
      })
      : [...booking.items.values()].filter((i) => i.status === 'HELD');
    const toIssue = targets.filter((i) => i.status !== 'ISSUED');
    for (const item of toIssue) {
      if (item.status !== 'HELD') {
        const record = holds.get(item.holdId);
        const when = record ? ` (held until ${iso(record.expiresAt)})` : '';
        throw new GatewayError('ORDER_NOT_CHANGEABLE', `Item ${item.itemId} of order ${command.orderId} is ${item.status.toLowerCase()}${when}; it can no longer be issued`);
      }
    }
    const issuedAt = iso(nowMs());
    const documents: InventoryDocument[] = [];
    const flights = toIssue.filter((i) => i.kind === 'FLIGHT');
    for (const pax of booking.passengers) {
      const covered = flights.filter((i) => i.paxIds.includes(pax.id)).map((i) => i.itemId);
      if (covered.length > 0) documents.push({ type: 'ET', number: nextDocumentNumber(), paxId: pax.id, itemIds: covered, status: 'ISSUED', issuedAt });
    }
    for (const item of toIssue.filter((i) => i.kind !== 'FLIGHT' && i.price.total > 0)) {
      for (const paxId of item.paxIds) documents.push({ type: 'EMD', number: nextDocumentNumber(), paxId, itemIds: [item.itemId], status: 'ISSUED', issuedAt });
    }
    for (const item of toIssue) {
      if (item.seatsTaken > 0) {
        for (const segmentId of item.segmentIds) {
          const entry = countsOf(segmentOf(booking, segmentId));
          entry.held -= item.seatsTaken;
          entry.sold += item.seatsTaken;
        }
      }
      item.status = 'ISSUED';
    }
    booking.documents.push(...documents);
    const result: InventoryIssueResult = { orderId: command.orderId, documents, issued: toIssue.map((i) => i.itemId), replayed: false };
    remember(issues, command.requestKey, { fingerprint, result });
    return result;
  }

  function voidIssue(command: InventoryVoidCommand): InventoryVoidResult {
    expireHolds();
    const earlier = issues.get(command.issueRequestKey)?.result;
    if (!earlier || earlier.orderId !== command.orderId) return { orderId: command.orderId, voidedDocuments: [], restored: [] };
    const booking = bookingOf(command.orderId);
    const voidedDocuments: InventoryDocument[] = [];
    for (const issued of earlier.documents) {
      const index = booking.documents.findIndex((d) => d.number === issued.number);
      const document = booking.documents[index];
      if (document?.status !== 'ISSUED') continue;
      const voided: InventoryDocument = { ...document, status: 'VOIDED' };
      booking.documents[index] = voided;
      voidedDocuments.push(voided);
    }
    const restored: string[] = [];
    for (const itemId of earlier.issued) {
      const item = booking.items.get(itemId);
      if (item?.status !== 'ISSUED') continue;
      if (item.seatsTaken > 0) {
        for (const segmentId of item.segmentIds) {
          const entry = countsOf(segmentOf(booking, segmentId));
          entry.sold -= item.seatsTaken;
          entry.held += item.seatsTaken;
        }
      }
      item.status = 'HELD';
      restored.push(itemId);
      const record = holds.get(item.holdId);
      if (record) {
        record.status = 'HELD';
        holdExpiries.schedule(record, record.expiresAt);
      }
    }
    // The issue is undone: the same key may issue afresh when its request is sent again.
    issues.delete(command.issueRequestKey);
    return { orderId: command.orderId, voidedDocuments, restored };
  }

  function cancel(command: InventoryCancelCommand): InventoryCancelResult {
    expireHolds();
    const fingerprint = fingerprintOf(command);
    const earlier = replayOf(cancels, command.requestKey, fingerprint);
    if (earlier) return { ...earlier, replayed: true };
    const booking = bookings.get(command.orderId);
    if (!booking) {
      // Nothing was ever held for the order: cancelling it is already done.
      const result: InventoryCancelResult = { orderId: command.orderId, cancelled: [], voidedDocuments: [], replayed: false };
      remember(cancels, command.requestKey, { fingerprint, result });
      return result;
    }
    const targets = command.itemIds
      ? command.itemIds.map((id, i) => {
        const item = booking.items.get(id);
        if (!item) throw refuse(`Order ${command.orderId} has no item ${id} at the airline`, `/itemIds/${i}`);
        return item;
      })
      : [...booking.items.values()];
    const cancelled: string[] = [];
    for (const item of targets) {
      if (item.status === 'HELD' || item.status === 'ISSUED') {
        freeItem(booking, item, item.status);
        cancelled.push(item.itemId);
      }
      item.status = 'CANCELLED';
    }
    const voidedDocuments: InventoryDocument[] = [];
    booking.documents.forEach((document, index) => {
      if (document.status !== 'ISSUED') return;
      if (document.itemIds.every((id) => booking.items.get(id)?.status === 'CANCELLED')) {
        const voided: InventoryDocument = { ...document, status: 'VOIDED' };
        booking.documents[index] = voided;
        voidedDocuments.push(voided);
      }
    });
    const result: InventoryCancelResult = { orderId: command.orderId, cancelled, voidedDocuments, replayed: false };
    remember(cancels, command.requestKey, { fingerprint, result });
    return result;
  }

  function selectedItems(booking: Booking, itemIds: readonly string[] | undefined): StoredItem[] {
    if (!itemIds) return [...booking.items.values()].filter((i) => i.status === 'HELD' || i.status === 'ISSUED');
    return itemIds.map((id, index) => {
      const item = booking.items.get(id);
      if (!item) throw refuse(`Order ${booking.orderId} has no item ${id} at the airline`, `/itemIds/${index}`);
      return item;
    });
  }

  function quoteRefund(command: InventoryOrderQuery): InventoryRefundQuote {
    expireHolds();
    const booking = bookingOf(command.orderId);
    const family = booking.offer.fareFamily;
    const currency = booking.offer.currency;
    const decimals = ctx.converter.decimals(currency);
    const minor = (amount: number): number => Math.round(amount * 10 ** decimals);
    const items = selectedItems(booking, command.itemIds).map((item): RefundQuoteItem => {
      // A non-refundable fare keeps its base fare and gives back the taxes; ancillaries not yet used are given back.
      const penalty = item.kind === 'FLIGHT' && !family.refundable ? item.price.base : 0;
      return { itemId: item.itemId, kind: item.kind, total: item.price.total, penalty, refundable: ctx.converter.toMajor(minor(item.price.total) - minor(penalty), currency) };
    });
    const sum = (pick: (i: RefundQuoteItem) => number): number => ctx.converter.toMajor(items.reduce((s, i) => s + minor(pick(i)), 0), currency);
    return {
      orderId: command.orderId, currency, fareFamily: family, items, penalty: sum((i) => i.penalty), refundable: sum((i) => i.refundable),
      description: family.refundable
        ? `${family.name} is refundable: cancelling before departure costs nothing.`
        : `${family.name} is not refundable: the base fare is kept and taxes are refunded; ancillaries not yet used are refunded.`,
    };
  }

  function reprice(command: InventoryOrderQuery): InventoryRepriceResult {
    expireHolds();
    const booking = bookingOf(command.orderId);
    const { offer } = booking;
    const current = priceOfferItems(ctx, offer.offerId, offer.pricedJourneys, familyOf(offer), offer.passengers, offer.currency);
    const decimals = ctx.converter.decimals(offer.currency);
    const minor = (amount: number): number => Math.round(amount * 10 ** decimals);
    let previousMinor = 0;
    let currentMinor = 0;
    const items: RepriceQuoteItem[] = [];
    for (const item of selectedItems(booking, command.itemIds)) {
      previousMinor += minor(item.price.total);
      const now = item.kind === 'FLIGHT' ? current.items.find((i) => i.offerItemId === item.details.offerItemId)?.price ?? item.price : item.price;
      currentMinor += minor(now.total);
      if (item.kind === 'FLIGHT') items.push({ itemId: item.itemId, offerItemId: item.details.offerItemId ?? '', previous: item.price, current: now });
    }
    return {
      orderId: command.orderId, currency: offer.currency, items,
      previousTotal: ctx.converter.toMajor(previousMinor, offer.currency), currentTotal: ctx.converter.toMajor(currentMinor, offer.currency),
      priceChanged: previousMinor !== currentMinor,
    };
  }

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

  function services(command: InventoryOfferQuery): ServiceListResult {
    const booking = bookingOf(command.orderId);
    return listServices(offerQuery(booking, command), bookedContext(booking.offer, true));
  }

  function seats(command: InventoryOfferQuery): SeatAvailabilityResult {
    expireHolds();
    const booking = bookingOf(command.orderId);
    const result = showSeats(offerQuery(booking, command), bookedContext(booking.offer, true));
    // The seat map knows the seats taken before sale; the inventory knows the ones sold since.
    return {
      ...result,
      seatMaps: result.seatMaps.map((map) => ({
        ...map,
        cabins: map.cabins.map((cabin) => ({
          ...cabin,
          rows: cabin.rows.map((row) => ({
            ...row,
            seats: row.seats.map((seat) => (assignedSeats.has(`${map.segmentId}:${row.number}${seat.column}`) ? { ...seat, available: false } : seat)),
          })),
        })),
      })),
    };
  }

  function availability(command: InventoryAvailabilityQuery): InventoryAvailabilityResult {
    expireHolds();
    let segments: readonly Segment[];
    if (command.orderId !== undefined) {
      segments = bookingOf(command.orderId).offer.segments;
    } else if (command.offerId !== undefined) {
      const offer = ctx.store.get(command.offerId);
      if (offer?.kind !== 'flight') throw new GatewayError('OFFER_NOT_FOUND', `Offer ${command.offerId} is unknown`, [{ message: 'unknown offer', path: '/offerId' }]);
      segments = offer.segments;
    } else {
      throw refuse('An offerId or orderId is required', '/offerId');
    }
    return { segments: segments.map(availabilityOf) };
  }

  function showBooking(command: InventoryOrderQuery): InventoryBookingResult {
    expireHolds();
    const found = bookingOf(command.orderId);
    return {
      orderId: found.orderId, offerId: found.offer.offerId, currency: found.offer.currency,
      items: selectedItems(found, command.itemIds ?? [...found.items.keys()]).map(itemView), documents: [...found.documents],
    };
  }

  return { hold, release, issue, void: voidIssue, cancel, quoteRefund, reprice, services, seats, availability, booking: showBooking };
}
