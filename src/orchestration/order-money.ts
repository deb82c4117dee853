import type { Price } from '../contracts/airline/index.ts';
import { fromMinorUnits, toMinorUnits } from '../money/index.ts';
import type { ItemPrice, Money, Order, OrderItem } from '../orders/one-order.ts';

/**
 * Money as the order keeps it: decimal amounts with their currency's ISO 4217 decimals (JPY none,
 * KWD three), added in whole minor units so sums never drift.
 */
export const toMinor = toMinorUnits;
export const fromMinor = fromMinorUnits;

export function sumMoney(currency: string, prices: readonly Money[]): Money {
  let base = 0;
  let taxes = 0;
  for (const p of prices) {
    base += toMinor(p.base, currency);
    taxes += toMinor(p.taxes, currency);
  }
  return { base: fromMinor(base, currency), taxes: fromMinor(taxes, currency), total: fromMinor(base + taxes, currency), currency };
}

/** The airline's price as an order item's price (tax descriptions only when given). */
export function toItemPrice(price: Price): ItemPrice {
  return {
    base: price.base, taxes: price.taxes, total: price.total, currency: price.currency,
    ...(price.taxBreakdown.length > 0
      ? { taxBreakdown: price.taxBreakdown.map((t) => ({ code: t.code, amount: t.amount, ...(t.description ? { description: t.description } : {}) })) }
      : {}),
  };
}

/** An item is paid once every service of it is settled (its payment captured). */
export function isItemPaid(item: OrderItem): boolean {
  return item.services.length > 0 && item.services.every((s) => s.settlement?.status === 'SETTLED');
}

/** Active items nobody has paid for yet: a hold booking, or ancillaries added to one. */
export function unpaidItems(order: Order): OrderItem[] {
  return order.items.filter((i) => i.status === 'ACTIVE' && !isItemPaid(i));
}

export function amountDue(order: Order): number {
  return fromMinor(unpaidItems(order).reduce((sum, i) => sum + toMinor(i.price.total, order.currency), 0), order.currency);
}

/** The order total: what its active items cost; cancelled items no longer count. */
export function orderTotal(order: Pick<Order, 'currency' | 'items'>): Money {
  return sumMoney(order.currency, order.items.filter((i) => i.status === 'ACTIVE').map((i) => i.price));
}
