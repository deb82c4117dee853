import type { FareFamily, Price } from './common-types.ts';
import type { InventoryItemKind } from './inventory-item-types.ts';

/** inventory.refund-quote and inventory.reprice: what cancelling would give back, what the flights cost today. */

export interface RefundQuoteItem {
  readonly itemId: string;
  readonly kind: InventoryItemKind;
  readonly total: number;
  /** What the airline keeps when the item is cancelled. */
  readonly penalty: number;
  /** total - penalty: the most that is given back if the item was paid. */
  readonly refundable: number;
}

export interface InventoryRefundQuote {
  readonly orderId: string;
  readonly currency: string;
  readonly fareFamily: FareFamily;
  readonly items: readonly RefundQuoteItem[];
  readonly penalty: number;
  readonly refundable: number;
  readonly description: string;
}

export interface RepriceQuoteItem {
  readonly itemId: string;
  readonly offerItemId: string;
  readonly previous: Price;
  readonly current: Price;
}

export interface InventoryRepriceResult {
  readonly orderId: string;
  readonly currency: string;
  /** Flight items repriced at today's fares; ancillaries keep their price. */
  readonly items: readonly RepriceQuoteItem[];
  readonly previousTotal: number;
  readonly currentTotal: number;
  readonly priceChanged: boolean;
}
