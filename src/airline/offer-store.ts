import { GatewayError } from '../errors/index.ts';
import type { Cabin, FareFamily, Journey, Passenger, Price, Segment } from './airline-types.ts';
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
  /** Drops offers expired longer than the retention; returns how many were dropped. */
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

/** A bounded in-memory store with TTL sweeping. One process holds it; the airline is the only writer. */
export function createOfferStore(options: OfferStoreOptions = {}): OfferStore {
  const maxEntries = options.maxEntries ?? 50_000;
  const retainExpiredMs = options.retainExpiredMs ?? 3_600_000;
  const now = options.now ?? (() => new Date());
  const offers = new Map<string, StoredOffer>();

  function sweep(): number {
    const cutoff = now().getTime() - retainExpiredMs;
    let dropped = 0;
    for (const [id, offer] of offers) {
      if (offer.expiresAt < cutoff) {
        offers.delete(id);
        dropped += 1;
      }
    }
    return dropped;
  }

  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  const timer = sweepIntervalMs > 0 ? setInterval(sweep, sweepIntervalMs) : undefined;
  timer?.unref();

  return {
    save(offer) {
      offers.delete(offer.offerId);
      if (offers.size >= maxEntries) sweep();
      while (offers.size >= maxEntries) {
        const oldest = offers.keys().next().value;
        if (oldest === undefined) break;
        offers.delete(oldest);
      }
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
