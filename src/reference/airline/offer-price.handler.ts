import { GatewayError } from '../../errors/index.ts';
import type { AirlineContext } from './airline-context.ts';
import type { Offer, OfferPriceCommand, OfferPriceResult } from '../../contracts/airline/index.ts';
import { expiryFrom, priceOfferItems, toFareFamily } from './offer-builder.ts';
import { verifyOffer, type StoredFlightOffer } from './offer-store.ts';
import { sumPrices, toPrice, totalMinor } from './money.ts';
import { toMinorUnits } from '../../money/index.ts';

/** Resolves an offer id to a stored flight offer, or throws the business error that says why not. */
export function verifyFlightOffer(ctx: AirlineContext, offerId: string, options: { offerItemIds?: readonly string[]; passengers?: OfferPriceCommand['passengers'] } = {}): StoredFlightOffer {
  const stored = verifyOffer(ctx.store, offerId, {
    now: ctx.now(), path: '/offerId',
    ...(options.offerItemIds ? { offerItemIds: options.offerItemIds } : {}),
    ...(options.passengers ? { passengers: options.passengers } : {}),
  });
  if (stored.kind !== 'flight') {
    throw new GatewayError('INVALID_BUSINESS_DATA', `Offer ${offerId} is an a-la-carte offer, not a flight offer`, [{ message: 'not a flight offer', path: '/offerId' }]);
  }
  return stored;
}

/**
 * offer.price: verify the offer, reprice it from the current fare data and refresh its expiry.
 * priceChanged compares totals in the currency the offer was shopped in.
 */
export function priceOffer(command: OfferPriceCommand, ctx: AirlineContext): OfferPriceResult {
  const stored = verifyFlightOffer(ctx, command.offerId, {
    ...(command.offerItemIds ? { offerItemIds: command.offerItemIds } : {}),
    ...(command.passengers ? { passengers: command.passengers } : {}),
  });
  const currency = command.currency ?? stored.currency;
  ctx.converter.check(currency, '/currency');
  const family = ctx.data.fares.fareFamilies.find((f) => f.code === stored.fareFamily.code);
  if (!family) throw new GatewayError('NO_AVAILABILITY', `Fare family ${stored.fareFamily.code} is no longer sold`, [{ message: 'fare withdrawn', path: '/offerId' }]);

  const now = ctx.now();
  const repriced = priceOfferItems(ctx, stored.offerId, stored.pricedJourneys, family, stored.passengers, stored.currency);
  const previousMinor = toMinorUnits(stored.totalPrice.total, stored.currency);
  const priceChanged = totalMinor(repriced.total) !== previousMinor;
  const inCurrency = currency === stored.currency ? repriced : priceOfferItems(ctx, stored.offerId, stored.pricedJourneys, family, stored.passengers, currency);

  const expiry = expiryFrom(now, ctx.offerTtlSeconds);
  ctx.store.save({ ...stored, expiresAt: expiry.at, totalPrice: toPrice(repriced.total, ctx.converter), fareFamily: toFareFamily(family) });

  const selected = command.offerItemIds ? new Set(command.offerItemIds) : undefined;
  const items = inCurrency.items.filter((i) => !selected || selected.has(i.offerItemId));
  const paxIds = new Set(items.flatMap((i) => i.paxIds));
  const total = selected
    ? sumPrices(currency, items.map((i) => {
      const index = inCurrency.items.indexOf(i);
      return inCurrency.itemTotals[index] ?? inCurrency.total;
    }))
    : inCurrency.total;
  const offer: Offer = {
    offerId: stored.offerId, owner: stored.owner, expiresAt: expiry.iso, fareFamily: family.code, cabin: stored.cabin,
    journeyIds: stored.journeys.map((j) => j.journeyId), totalPrice: toPrice(total, ctx.converter), offerItems: items,
  };

  return {
    shoppingResponseId: stored.shoppingResponseId,
    currency,
    offers: [offer],
    passengers: stored.passengers.filter((p) => paxIds.has(p.id)),
    journeys: stored.journeys,
    segments: stored.segments,
    fareFamilies: [toFareFamily(family)],
    priceChanged,
    ...(priceChanged ? { previousTotal: stored.totalPrice } : {}),
  };
}
