import type { OrderPassenger } from '../../orders/one-order.ts';
import type { FareFamily, Passenger } from './common-types.ts';
import type { FlightSelection, InventoryItem, SeatSelection, ServiceSelection } from './inventory-item-types.ts';

/**
 * inventory.hold and inventory.release. Every writing inventory command carries a `requestKey`:
 * repeating it answers the first result and changes nothing.
 */

export interface InventoryHoldCommand {
  /** The airline that owns the offer (first hold only): an aggregator holds, and later runs every command of the order, there. */
  readonly owner?: string;
  readonly requestKey: string;
  readonly orderId: string;
  /** The flight offer; required by the first hold of an order, optional (but must match) later. */
  readonly offerId?: string;
  /** The passengers of the order as the offer knows them; required with the first hold. */
  readonly passengers?: readonly Passenger[];
  /** The passengers as the order names them (first hold only), for an airline with orders of its own; the reference airline does not keep them. */
  readonly paxDetails?: readonly OrderPassenger[];
  readonly flights?: readonly FlightSelection[];
  readonly services?: readonly ServiceSelection[];
  readonly seats?: readonly (SeatSelection & { readonly itemId: string })[];
}

export interface InventoryHoldResult {
  readonly holdId: string;
  readonly orderId: string;
  readonly offerId: string;
  readonly status: 'HELD';
  /** The ticketing time limit: unissued items are released after it. */
  readonly expiresAt: string;
  readonly currency: string;
  readonly fareFamily: FareFamily;
  /** The items of this hold. */
  readonly items: readonly InventoryItem[];
  /** The request key was seen before: this is the first hold (held again if it had been released). */
  readonly replayed: boolean;
  /** The order as the airline keeps it (aggregator mode): its owner code, OrderID and booking reference. */
  readonly airlineOrder?: { readonly owner: string; readonly orderId: string; readonly bookingReference?: string };
}

/** Releases what the hold made under `requestKey` holds, if anything; unknown keys release nothing. */
export interface InventoryReleaseCommand {
  readonly orderId: string;
  readonly requestKey: string;
}

export interface InventoryReleaseResult {
  readonly orderId: string;
  readonly holdId?: string;
  /** Items released by this call; empty when they were released, issued or cancelled before. */
  readonly released: readonly string[];
}
