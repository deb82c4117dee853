import type { InventoryOrderQuery, InventoryRefundQuote, InventoryRepriceResult, RefundQuoteItem, RepriceQuoteItem } from '../../contracts/airline/index.ts';
import { familyOf } from './inventory-booked-offer.ts';
import { expireHolds } from './inventory-holds.ts';
import { bookingOf, selectedItems, type InventoryState } from './inventory-state.ts';
import { priceOfferItems } from './offer-builder.ts';
import { toMinorUnits } from '../../money/index.ts';

/** inventory.refund-quote and inventory.reprice: what cancelling would give back, and what the flights cost today. Neither changes anything. */

export function quoteRefund(state: InventoryState, command: InventoryOrderQuery): InventoryRefundQuote {
  expireHolds(state);
  const booking = bookingOf(state, command.orderId);
  const family = booking.offer.fareFamily;
  const currency = booking.offer.currency;
  const minor = (amount: number): number => toMinorUnits(amount, currency);
  const items = selectedItems(booking, command.itemIds).map((item): RefundQuoteItem => {
    // A non-refundable fare keeps its base fare and gives back the taxes; ancillaries not yet used are given back.
    const penalty = item.kind === 'FLIGHT' && !family.refundable ? item.price.base : 0;
    return { itemId: item.itemId, kind: item.kind, total: item.price.total, penalty, refundable: state.ctx.converter.toMajor(minor(item.price.total) - minor(penalty), currency) };
  });
  const sum = (pick: (i: RefundQuoteItem) => number): number => state.ctx.converter.toMajor(items.reduce((s, i) => s + minor(pick(i)), 0), currency);
  return {
    orderId: command.orderId, currency, fareFamily: family, items, penalty: sum((i) => i.penalty), refundable: sum((i) => i.refundable),
    description: family.refundable
      ? `${family.name} is refundable: cancelling before departure costs nothing.`
      : `${family.name} is not refundable: the base fare is kept and taxes are refunded; ancillaries not yet used are refunded.`,
  };
}

export function reprice(state: InventoryState, command: InventoryOrderQuery): InventoryRepriceResult {
  expireHolds(state);
  const booking = bookingOf(state, command.orderId);
  const { offer } = booking;
  const current = priceOfferItems(state.ctx, offer.offerId, offer.pricedJourneys, familyOf(state, offer), offer.passengers, offer.currency);
  const minor = (amount: number): number => toMinorUnits(amount, offer.currency);
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
    previousTotal: state.ctx.converter.toMajor(previousMinor, offer.currency), currentTotal: state.ctx.converter.toMajor(currentMinor, offer.currency),
    priceChanged: previousMinor !== currentMinor,
  };
}
