import type { Price } from '../../contracts/airline/index.ts';
import { GatewayError } from '../../errors/index.ts';
import type { AirlineContext } from './airline-context.ts';
import type { FareFamilyData } from './airline-data.ts';
import type { InventoryState } from './inventory-state.ts';
import type { OfferStore, StoredFlightOffer } from './offer-store.ts';
import { toMinorUnits } from '../../money/index.ts';

/** The flight offer an order was booked on, as the inventory prices against it after the sale. */

/**
 * The airline context as seen from a booking: its flight offer never expires (the order keeps
 * the flights), and offers made while recomputing are not stored unless `keepOffers`.
 */
export function bookedContext(state: InventoryState, offer: StoredFlightOffer, keepOffers: boolean, fixedId?: string): AirlineContext {
  const live: StoredFlightOffer = { ...offer, expiresAt: Number.MAX_SAFE_INTEGER };
  const store: OfferStore = {
    save(saved) {
      if (keepOffers && saved.offerId !== live.offerId) state.ctx.store.save(saved);
    },
    get: (offerId) => (offerId === live.offerId ? live : state.ctx.store.get(offerId)),
    sweep: () => state.ctx.store.sweep(),
    get size() {
      return state.ctx.store.size;
    },
    close() {},
  };
  return { ...state.ctx, store, ...(fixedId === undefined ? {} : { newId: () => fixedId }) };
}

export function familyOf(state: InventoryState, offer: StoredFlightOffer): FareFamilyData {
  const family = state.ctx.pricer.fareFamily(offer.fareFamily.code);
  if (!family) throw new GatewayError('NO_AVAILABILITY', `Fare family ${offer.fareFamily.code} is no longer sold`);
  return family;
}

export function scalePrice(state: InventoryState, price: Price, count: number): Price {
  const scale = (amount: number): number => state.ctx.converter.toMajor(toMinorUnits(amount, price.currency) * count, price.currency);
  const taxBreakdown = price.taxBreakdown.map((t) => ({ ...t, amount: scale(t.amount) }));
  return { base: scale(price.base), taxes: scale(price.taxes), total: scale(price.total), currency: price.currency, taxBreakdown };
}
