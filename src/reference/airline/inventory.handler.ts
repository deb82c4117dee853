import type {
  InventoryAvailabilityQuery, InventoryAvailabilityResult, InventoryBookingResult, InventoryCancelCommand, InventoryCancelResult,
  InventoryHoldCommand, InventoryHoldResult, InventoryIssueCommand, InventoryIssueResult, InventoryOfferQuery, InventoryOrderQuery,
  InventoryRefundQuote, InventoryReleaseCommand, InventoryReleaseResult, InventoryRepriceResult, InventoryVoidCommand, InventoryVoidResult,
  SeatAvailabilityResult, ServiceListResult,
} from '../../contracts/airline/index.ts';
import type { AirlineContext } from './airline-context.ts';
import { hold, release } from './inventory-holds.ts';
import { availability, seats, services, showBooking } from './inventory-queries.ts';
import { quoteRefund, reprice } from './inventory-quotes.ts';
import { createInventoryState, type InventoryStateOptions } from './inventory-state.ts';
import { cancel, issue, voidIssue } from './inventory-ticketing.ts';

/**
 * The airline's inventory and ticketing: seats held for an order, then issued (e-tickets and
 * EMDs) or released, and cancelled later. The gateway keeps the ONE Order record; this is the
 * airline's own side of it, keyed by the gateway's order id, so the gateway needs no airline ids.
 *
 * Every writing command carries a `requestKey`: repeating it answers the first result and
 * changes nothing, so a worker re-run after a crash, or a retry after a lost answer, never holds,
 * issues or cancels twice. A held item leaves HELD exactly once (issued, released, expired or
 * cancelled), which is what keeps the seat counts right.
 *
 * One file per concept: the state and its shared rules (inventory-state.ts), seats per flight
 * (inventory-seat-counts.ts), pricing against the booked offer (inventory-booked-offer.ts,
 * inventory-hold-pricing.ts), holds and their expiry (inventory-holds.ts), issue, void and cancel
 * (inventory-ticketing.ts), refund and reprice quotes (inventory-quotes.ts) and the reads
 * (inventory-queries.ts).
 */

export type InventoryOptions = InventoryStateOptions;

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

/** Builds the inventory over the airline's data and offer store; state lives in this process's memory. */
export function createInventory(ctx: AirlineContext, options: InventoryOptions = {}): Inventory {
  const state = createInventoryState(ctx, options);
  return {
    hold: (command) => hold(state, command),
    release: (command) => release(state, command),
    issue: (command) => issue(state, command),
    void: (command) => voidIssue(state, command),
    cancel: (command) => cancel(state, command),
    quoteRefund: (command) => quoteRefund(state, command),
    reprice: (command) => reprice(state, command),
    services: (command) => services(state, command),
    seats: (command) => seats(state, command),
    availability: (command) => availability(state, command),
    booking: (command) => showBooking(state, command),
  };
}
