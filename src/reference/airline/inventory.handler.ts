import type {
  InventoryAvailabilityQuery, InventoryAvailabilityResult, InventoryBookingResult, InventoryCancelCommand, InventoryCancelResult,
  InventoryHoldCommand, InventoryHoldResult, InventoryIssueCommand, InventoryIssueResult, InventoryOfferQuery, InventoryOrderQuery,
  InventoryRefundQuote, InventoryReleaseCommand, InventoryReleaseResult, InventoryRepriceResult, InventoryVoidCommand, InventoryVoidResult,
  SeatAvailabilityResult, ServiceListResult,
} from '../../contracts/airline/index.ts';
import type { AirlineContext } from './airline-context.ts';
import { hold, release } from './inventory-holds.ts';
import { availability, listBookings, seats, services, showBooking } from './inventory-queries.ts';
import { quoteRefund, reprice } from './inventory-quotes.ts';
import { changeFlight, type FlightChangeOutcome, type FlightChangeRequest } from './inventory-flight-change.ts';
import { openInventoryJournal, type InventoryJournal } from './inventory-journal.ts';
import { createInventoryState, type InventoryState, type InventoryStateOptions } from './inventory-state.ts';
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

export interface InventoryOptions extends InventoryStateOptions {
  /**
   * A journal file keeping bookings, holds, tickets, replay answers and schedule changes across
   * restarts (inventory-journal.ts); without it the inventory lives in memory only.
   */
  readonly stateFile?: string;
}

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
  /** Every booking held, oldest first: what the admin listing and reconciliation read. */
  bookings(): InventoryBookingResult[];
  /** An airline-initiated change to one flight: the schedule and the bookings on it change, and the event for the gateway is built. */
  changeFlight(request: FlightChangeRequest): FlightChangeOutcome;
  /** Flushes and closes the journal, if any. */
  close(): void;
}

/** Writes what a command changed to the journal; without one, nothing. */
function journalAfter(state: InventoryState, journal: InventoryJournal | undefined, orderId: string): void {
  const booking = state.bookings.get(orderId);
  if (journal && booking) journal.saveBooking(booking);
}

/** Builds the inventory over the airline's data and offer store; state lives in memory, and in `stateFile` when given. */
export function createInventory(ctx: AirlineContext, options: InventoryOptions = {}): Inventory {
  const state = createInventoryState(ctx, options);
  const journal = options.stateFile === undefined ? undefined : openInventoryJournal(options.stateFile, state);
  if (journal) state.journal = journal;
  return {
    hold(command) {
      const result = hold(state, command);
      journalAfter(state, journal, command.orderId);
      return result;
    },
    release(command) {
      const result = release(state, command);
      journalAfter(state, journal, command.orderId);
      return result;
    },
    issue(command) {
      const result = issue(state, command);
      if (journal && !result.replayed) {
        journalAfter(state, journal, command.orderId);
        journal.saveIssue(command.requestKey, state.issues.get(command.requestKey));
      }
      return result;
    },
    void(command) {
      const result = voidIssue(state, command);
      if (journal) {
        journalAfter(state, journal, command.orderId);
        journal.saveIssue(command.issueRequestKey, undefined);
      }
      return result;
    },
    cancel(command) {
      const result = cancel(state, command);
      const answer = state.cancels.get(command.requestKey);
      if (journal && !result.replayed && answer) {
        journalAfter(state, journal, command.orderId);
        journal.saveCancel(command.requestKey, answer);
      }
      return result;
    },
    quoteRefund: (command) => quoteRefund(state, command),
    reprice: (command) => reprice(state, command),
    services: (command) => services(state, command),
    seats: (command) => seats(state, command),
    availability: (command) => availability(state, command),
    booking: (command) => showBooking(state, command),
    bookings: () => listBookings(state),
    changeFlight(request) {
      const { outcome, changedBookings, flightKey } = changeFlight(state, request);
      if (journal) {
        journal.saveFlightChange(flightKey, ctx.network.flightChanges().get(flightKey) ?? {});
        for (const booking of changedBookings) journal.saveBooking(booking);
      }
      return outcome;
    },
    close: () => journal?.close(),
  };
}
