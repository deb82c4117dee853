import { createInsertionOrderedMap } from '../../collections/insertion-ordered-map.ts';
import { GatewayError } from '../../errors/index.ts';
import type { Cabin, FareFamily, Journey, Passenger, Price, Segment } from '../../contracts/airline/index.ts';
import type { PricedJourney } from './fare-pricer.ts';

interface StoredOfferBase {
  readonly offerId: string;
  readonly owner: string;
  /** Epoch ms. */
  readonly createdAt: number;
  /** Epoch ms; after it the offer can no longer be priced or ordered. */
  readonly expiresAt: number;
  readonly currency: string;
  readonly passengers: readonly Passenger[];
  /** Ids of the offer's items, for checking a selection. */
  readonly offerItemIds: readonly string[];
}

/**
 * A flight offer made by offer.shop or offer.price: what rebuilding and repricing it needs, not
 * the whole answer (offers are many and mostly never priced, so each is kept small and shares
 * journeys, segments and flights with the other offers of its shopping response).
 */
export interface StoredFlightOffer extends StoredOfferBase {
  readonly kind: 'flight';
  readonly shoppingResponseId: string;
  readonly cabin: Cabin;
  /** The total last quoted, in `currency`; offer.price compares against it. */
  readonly totalPrice: Price;
  readonly journeys: readonly Journey[];
  readonly segments: readonly Segment[];
  readonly fareFamily: FareFamily;
  readonly pricedJourneys: readonly PricedJourney[];
}

/** An a-la-carte offer (services or seats) made for a flight offer. */
export interface StoredAlaCarteOffer extends StoredOfferBase {
  readonly kind: 'alacarte';
  readonly parentOfferId: string;
  readonly segmentIds: readonly string[];
}

export type StoredOffer = StoredFlightOffer | StoredAlaCarteOffer;

/** Offers the airline has made, kept until a while after they expire. */
export interface OfferStore {
  save(offer: StoredOffer): void;
  get(offerId: string): StoredOffer | undefined;
  /** Drops the oldest offers while they are expired longer than the retention; returns how many were dropped. */
  sweep(): number;
  readonly size: number;
  /** Stops the sweep timer. */
  close(): void;
}

export interface OfferStoreOptions {
  /** Bound on stored offers; the oldest are dropped first when full. @defaultValue 50000 */
  readonly maxEntries?: number;
  /** How long an expired offer is kept so it is reported as expired rather than unknown. @defaultValue 3600000 */
  readonly retainExpiredMs?: number;
  /** Interval of the background sweep; 0 disables it. @defaultValue 60000 */
  readonly sweepIntervalMs?: number;
  readonly now?: () => Date;
}

/**
 * A bounded in-memory store. One process holds it; the airline is the only writer.
 *
 * Offers are kept in the order they were saved (a repriced offer moves to the newest end), and
 * every eviction takes the oldest: on save, those expired longer than the retention, then one
 * more while the store is full. Nothing ever walks the store, so a save costs the same with
 * 50,000 offers as with none.
 *
 * Saving order is expiry order while every offer lives as long (createdAt only grows, one TTL).
 * Should lifetimes differ, an offer saved after a longer-lived one is dropped when that one is,
 * or by the bound: it is answered as expired a little past its retention, never as unknown early.
 */
export function createOfferStore(options: OfferStoreOptions = {}): OfferStore {
  const maxEntries = options.maxEntries ?? 50_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  const retainExpiredMs = options.retainExpiredMs ?? 3_600_000;
  const now = options.now ?? (() => new Date());
  const offers = createInsertionOrderedMap<string, StoredOffer>();

  function dropExpired(at: number): number {
    return offers.dropOldestWhile((offer) => offer.expiresAt + retainExpiredMs < at);
  }

  const sweep = (): number => dropExpired(now().getTime());

  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  const timer = sweepIntervalMs > 0 ? setInterval(sweep, sweepIntervalMs) : undefined;
  timer?.unref();

  return {
    save(offer) {
      offers.delete(offer.offerId);
      dropExpired(now().getTime());
      while (offers.size >= maxEntries) offers.shift();
      offers.set(offer.offerId, offer);
    },
    get: (offerId) => offers.get(offerId),
    sweep,
    get size() {
      return offers.size;
    },
    close() {
      if (timer) clearInterval(timer);
    },
  };
}

export interface VerifyOfferOptions {
  readonly now: Date;
  /** The selected items; each must belong to the offer. */
  readonly offerItemIds?: readonly string[];
  /** The passengers named by the request; each must be one the offer was made for, with the same type. */
  readonly passengers?: readonly Passenger[];
  /** Where the offer id sits in the request, for error details. */
  readonly path?: string;
}

/**
 * Checks that an offer can still be acted on, the same way for pricing, service and seat requests
 * and order creation: unknown → OFFER_NOT_FOUND, past its expiry → OFFER_EXPIRED, a selection
 * that does not fit the offer → INVALID_BUSINESS_DATA.
 */
export function verifyOffer(store: OfferStore, offerId: string, options: VerifyOfferOptions): StoredOffer {
  const at = options.path ? { path: options.path } : {};
  const offer = store.get(offerId);
  if (!offer) throw new GatewayError('OFFER_NOT_FOUND', `Offer ${offerId} is unknown`, [{ message: `unknown offer ${offerId}`, ...at }]);
  if (options.now.getTime() >= offer.expiresAt) {
    throw new GatewayError('OFFER_EXPIRED', `Offer ${offerId} expired at ${new Date(offer.expiresAt).toISOString()}`, [{ message: `offer ${offerId} expired`, ...at }]);
  }
  for (const itemId of options.offerItemIds ?? []) {
    if (!offer.offerItemIds.includes(itemId)) {
      throw new GatewayError('INVALID_BUSINESS_DATA', `Offer item ${itemId} is not part of offer ${offerId}`, [{ message: `unknown offer item ${itemId}` }]);
    }
  }
  for (const pax of options.passengers ?? []) {
    const known = offer.passengers.find((p) => p.id === pax.id);
    if (!known) throw new GatewayError('INVALID_BUSINESS_DATA', `Passenger ${pax.id} is not a passenger of offer ${offerId}`, [{ message: `unknown passenger ${pax.id}` }]);
    if (known.type !== pax.type) {
      throw new GatewayError('INVALID_BUSINESS_DATA', `Passenger ${pax.id} was offered as ${known.type}, not ${pax.type}`, [{ message: `passenger type mismatch for ${pax.id}` }]);
    }
  }
  return offer;
}
