import { createExpiryWheel, type ExpiryWheel } from '../../collections/expiry-wheel.ts';
import { createInsertionOrderedMap, type InsertionOrderedMap } from '../../collections/insertion-ordered-map.ts';
import type {
  InventoryCancelResult, InventoryDocument, InventoryIssueResult, InventoryItem, InventoryItemKind, InventoryItemStatus, Passenger, Price, Segment,
} from '../../contracts/airline/index.ts';
import { GatewayError } from '../../errors/index.ts';
import type { AirlineContext } from './airline-context.ts';
import type { StoredFlightOffer } from './offer-store.ts';

/**
 * What the airline's inventory keeps in this process's memory, and the small rules every part of
 * it shares. The inventory is the airline's side of an order: seats held, then issued (e-tickets
 * and EMDs) or released, and cancelled later, keyed by the gateway's order and item ids.
 */

export interface InventoryStateOptions {
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

export interface StoredItem {
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

/** An item a hold is about to take: priced, not yet stored. */
export interface NewItem {
  readonly itemId: string;
  readonly kind: InventoryItemKind;
  readonly paxIds: readonly string[];
  readonly segmentIds: readonly string[];
  readonly price: Price;
  readonly seatsTaken: number;
  readonly details: StoredItem['details'];
}

/** A change the airline made to a flight of the booking (see inventory-flight-change.ts). */
export interface BookingFlightChange {
  readonly changeId: string;
  readonly kind: 'SCHEDULE_CHANGE' | 'CANCELLATION' | 'EQUIPMENT_CHANGE';
  readonly segmentId: string;
  readonly cancelled: boolean;
  /** The flight before the change: local times and aircraft. */
  readonly before: { readonly departure: string; readonly arrival: string; readonly aircraft: string };
  readonly at: string;
  readonly reason?: string;
}

export interface Booking {
  readonly orderId: string;
  /** Replaced, never edited, when the airline changes one of its flights: offers share segments. */
  offer: StoredFlightOffer;
  readonly passengers: readonly Passenger[];
  readonly items: Map<string, StoredItem>;
  readonly documents: InventoryDocument[];
  /** Every hold made for the order; they are forgotten with it. */
  readonly holdIds: string[];
  /** The airline's changes to the booking's flights, oldest first. */
  airlineChanges?: BookingFlightChange[];
}

export interface HoldRecord {
  readonly holdId: string;
  readonly orderId: string;
  readonly requestKey: string;
  readonly fingerprint: string;
  /** Shrinks when a released item's id is taken by a later hold. */
  itemIds: readonly string[];
  status: 'HELD' | 'RELEASED';
  expiresAt: number;
}

/** The answer of a keyed request, with the fingerprint of the request that got it. */
export interface Keyed<T> {
  readonly fingerprint: string;
  readonly result: T;
}

export interface InventoryState {
  readonly ctx: AirlineContext;
  readonly accountingCode: string;
  readonly holdTtlSeconds: number;
  readonly maxBookings: number;
  // Per-order state is bounded: bookings (with their holds) and replay answers go oldest first.
  readonly bookings: InsertionOrderedMap<string, Booking>;
  readonly holds: Map<string, HoldRecord>;
  readonly holdsByKey: Map<string, string>;
  /** Holds that may still have HELD items, by expiry: they expire in departure order, not in the order they were made. */
  readonly holdExpiries: ExpiryWheel<HoldRecord>;
  readonly issues: InsertionOrderedMap<string, Keyed<InventoryIssueResult>>;
  readonly cancels: InsertionOrderedMap<string, Keyed<InventoryCancelResult>>;
  // Per-flight state: bounded by the seats of the flights on sale, not by the orders made.
  /** `${segmentId}|${cabin}` → seats held and sold. */
  readonly counts: Map<string, { held: number; sold: number }>;
  readonly capacities: Map<string, number>;
  /** `${segmentId}:${row}${column}` → the seat item holding it. */
  readonly assignedSeats: Map<string, string>;
  /** The serial of the last document issued. */
  serial: number;
  holdCounter: number;
  /** Where the bookings are kept across restarts, when the airline has a state file. */
  journal?: InventoryJournalWriter;
}

/** What the inventory writes to its journal; see inventory-journal.ts. */
export interface InventoryJournalWriter {
  forget(orderId: string): void;
}

export function createInventoryState(ctx: AirlineContext, options: InventoryStateOptions = {}): InventoryState {
  const accountingCode = options.accountingCode ?? '000';
  if (!/^\d{3}$/.test(accountingCode)) throw new RangeError(`accountingCode must be 3 digits, got ${accountingCode}`);
  const maxBookings = options.maxBookings ?? 100_000;
  if (!Number.isInteger(maxBookings) || maxBookings < 1) throw new RangeError(`maxBookings must be a positive integer, got ${maxBookings}`);
  return {
    ctx, accountingCode, holdTtlSeconds: options.holdTtlSeconds ?? 86_400, maxBookings,
    bookings: createInsertionOrderedMap(), holds: new Map(), holdsByKey: new Map(), holdExpiries: createExpiryWheel(),
    issues: createInsertionOrderedMap(), cancels: createInsertionOrderedMap(),
    counts: new Map(), capacities: new Map(), assignedSeats: new Map(),
    serial: Math.floor(ctx.now().getTime() / 1000) % 9_000_000_000, holdCounter: 0,
  };
}

export const nowMs = (state: InventoryState): number => state.ctx.now().getTime();

export const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

export function refuse(message: string, path?: string): GatewayError {
  return new GatewayError('INVALID_BUSINESS_DATA', message, [{ message, ...(path ? { path } : {}) }]);
}

/** Stable JSON (keys sorted), so a repeated command is recognised whatever order its keys came in. */
export function fingerprintOf(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

export function bookingOf(state: InventoryState, orderId: string, path = '/orderId'): Booking {
  const booking = state.bookings.get(orderId);
  if (!booking) throw new GatewayError('ORDER_NOT_FOUND', `The airline holds nothing for order ${orderId}`, [{ message: `unknown order ${orderId}`, path }]);
  return booking;
}

/** Keeps the answer of a keyed request for replays; the oldest goes when the table is full. */
export function remember<T>(state: InventoryState, table: InsertionOrderedMap<string, Keyed<T>>, requestKey: string, answer: Keyed<T>): void {
  while (table.size >= state.maxBookings) table.shift();
  table.set(requestKey, answer);
}

/** The earlier answer to the same request key, or undefined; the key used for another request is refused. */
export function replayOf<T>(table: InsertionOrderedMap<string, Keyed<T>>, requestKey: string, fingerprint: string): T | undefined {
  const earlier = table.get(requestKey);
  if (!earlier) return undefined;
  if (earlier.fingerprint !== fingerprint) throw refuse(`Request key ${requestKey} was used for another request`, '/requestKey');
  return earlier.result;
}

export function segmentOf(booking: Pick<Booking, 'offer'>, segmentId: string, path?: string): Segment {
  const segment = booking.offer.segments.find((s) => s.segmentId === segmentId);
  if (!segment) throw refuse(`Segment ${segmentId} is not a flight of offer ${booking.offer.offerId}`, path);
  return segment;
}

export function selectedItems(booking: Booking, itemIds: readonly string[] | undefined): StoredItem[] {
  if (!itemIds) return [...booking.items.values()].filter((i) => i.status === 'HELD' || i.status === 'ISSUED');
  return itemIds.map((id, index) => {
    const item = booking.items.get(id);
    if (!item) throw refuse(`Order ${booking.orderId} has no item ${id} at the airline`, `/itemIds/${index}`);
    return item;
  });
}

export function itemView(item: StoredItem): InventoryItem {
  return { itemId: item.itemId, kind: item.kind, status: item.status, paxIds: item.paxIds, segmentIds: item.segmentIds, price: item.price, ...item.details };
}
