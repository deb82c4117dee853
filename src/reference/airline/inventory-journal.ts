import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { InventoryCancelResult, InventoryDocument, InventoryIssueResult, Passenger } from '../../contracts/airline/index.ts';
import type { FlightChange } from './flight-network.ts';
import { expireHoldsOf } from './inventory-holds.ts';
import { moveSeats, takeItem } from './inventory-seat-counts.ts';
import type {
  Booking, BookingFlightChange, HoldRecord, InventoryJournalWriter, InventoryState, Keyed, StoredItem,
} from './inventory-state.ts';
import type { StoredFlightOffer } from './offer-store.ts';

/**
 * The inventory kept in a file, so holds and tickets survive a restart of the airline process and
 * the gateway and the airline cannot disagree after one. The file is a journal of JSON lines: each
 * write appends the whole booking it changed (with its holds), a replay answer, or a schedule
 * change, synchronously, before the command answers. Opening the file folds it (the last line of a
 * booking wins) and rewrites it compacted. Seat counts, assigned seats and hold expiries are not
 * written: they are rebuilt from the bookings, and holds that expired while the airline was down
 * are released at once. Offers are not kept (they expire anyway); a booking keeps its own offer.
 */

interface BookingSnapshot {
  readonly orderId: string;
  readonly offer: StoredFlightOffer;
  readonly passengers: readonly Passenger[];
  readonly items: readonly StoredItem[];
  readonly documents: readonly InventoryDocument[];
  readonly holds: readonly HoldRecord[];
  readonly airlineChanges?: readonly BookingFlightChange[];
}

type JournalLine =
  | { readonly booking: BookingSnapshot; readonly serial: number; readonly holdCounter: number }
  | { readonly forget: string }
  | { readonly issue: string; readonly answer: Keyed<InventoryIssueResult> | null }
  | { readonly cancel: string; readonly answer: Keyed<InventoryCancelResult> }
  | { readonly flight: string; readonly change: FlightChange };

export interface InventoryJournal extends InventoryJournalWriter {
  saveBooking(booking: Booking): void;
  saveIssue(requestKey: string, answer: Keyed<InventoryIssueResult> | undefined): void;
  saveCancel(requestKey: string, answer: Keyed<InventoryCancelResult>): void;
  saveFlightChange(key: string, change: FlightChange): void;
  close(): void;
}

interface Folded {
  bookings: Map<string, BookingSnapshot>;
  issues: Map<string, Keyed<InventoryIssueResult>>;
  cancels: Map<string, Keyed<InventoryCancelResult>>;
  flights: Map<string, FlightChange>;
  serial: number;
  holdCounter: number;
}

function fold(text: string): Folded {
  const folded: Folded = { bookings: new Map(), issues: new Map(), cancels: new Map(), flights: new Map(), serial: 0, holdCounter: 0 };
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    let line: JournalLine;
    try {
      line = JSON.parse(raw) as JournalLine;
    } catch {
      // Only the last line can be cut short (a crash mid-write); what it wrote never answered.
      continue;
    }
    if ('booking' in line) {
      // A booking keeps its first position: the oldest is forgotten first when the table is full.
      folded.bookings.set(line.booking.orderId, line.booking);
      folded.serial = Math.max(folded.serial, line.serial);
      folded.holdCounter = Math.max(folded.holdCounter, line.holdCounter);
    } else if ('forget' in line) {
      folded.bookings.delete(line.forget);
    } else if ('issue' in line) {
      if (line.answer) folded.issues.set(line.issue, line.answer);
      else folded.issues.delete(line.issue);
    } else if ('cancel' in line) {
      folded.cancels.set(line.cancel, line.answer);
    } else if ('flight' in line) {
      folded.flights.set(line.flight, line.change);
    }
  }
  return folded;
}

function compactLines(folded: Folded): string[] {
  return [
    ...[...folded.flights].map(([flight, change]) => JSON.stringify({ flight, change })),
    ...[...folded.bookings.values()].map((booking) => JSON.stringify({ booking, serial: folded.serial, holdCounter: folded.holdCounter })),
    ...[...folded.issues].map(([issue, answer]) => JSON.stringify({ issue, answer })),
    ...[...folded.cancels].map(([cancel, answer]) => JSON.stringify({ cancel, answer })),
  ];
}

/** Puts what the journal holds into a fresh inventory state (and its airline's schedule). */
function restore(state: InventoryState, folded: Folded): void {
  for (const [key, change] of folded.flights) {
    const [flightNumber, date] = key.split('|') as [string, string];
    state.ctx.network.changeFlight(flightNumber, date, change);
  }
  for (const snapshot of folded.bookings.values()) {
    const booking: Booking = {
      orderId: snapshot.orderId, offer: snapshot.offer, passengers: snapshot.passengers,
      items: new Map(snapshot.items.map((item) => [item.itemId, { ...item }])), documents: [...snapshot.documents],
      holdIds: snapshot.holds.map((h) => h.holdId), ...(snapshot.airlineChanges ? { airlineChanges: [...snapshot.airlineChanges] } : {}),
    };
    state.bookings.set(booking.orderId, booking);
    for (const item of booking.items.values()) {
      if (item.status !== 'HELD' && item.status !== 'ISSUED') continue;
      takeItem(state, booking, item);
      if (item.status === 'ISSUED') moveSeats(state, booking, item, 'sold');
    }
    for (const saved of snapshot.holds) {
      const hold: HoldRecord = { ...saved };
      state.holds.set(hold.holdId, hold);
      state.holdsByKey.set(hold.requestKey, hold.holdId);
      if (hold.status === 'HELD') state.holdExpiries.schedule(hold, hold.expiresAt);
    }
    expireHoldsOf(state, booking);
  }
  for (const [key, answer] of folded.issues) state.issues.set(key, answer);
  for (const [key, answer] of folded.cancels) state.cancels.set(key, answer);
  state.serial = Math.max(state.serial, folded.serial);
  state.holdCounter = Math.max(state.holdCounter, folded.holdCounter);
}

/**
 * Opens (or creates) the journal at `file`, restores what it holds into `state`, rewrites it
 * compacted, and returns the writer the inventory appends to.
 */
export function openInventoryJournal(file: string, state: InventoryState): InventoryJournal {
  mkdirSync(dirname(file), { recursive: true });
  const folded = fold(existsSync(file) ? readFileSync(file, 'utf8') : '');
  restore(state, folded);
  const lines = compactLines(folded);
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, lines.length > 0 ? `${lines.join('\n')}\n` : '');
  renameSync(temporary, file);
  const fd = openSync(file, 'a');
  let open = true;

  const append = (line: JournalLine): void => {
    writeSync(fd, `${JSON.stringify(line)}\n`);
  };

  return {
    saveBooking(booking) {
      const holds = booking.holdIds.map((id) => state.holds.get(id)).filter((h): h is HoldRecord => h !== undefined);
      append({
        booking: {
          orderId: booking.orderId, offer: booking.offer, passengers: booking.passengers, items: [...booking.items.values()], documents: booking.documents, holds,
          ...(booking.airlineChanges ? { airlineChanges: booking.airlineChanges } : {}),
        },
        serial: state.serial, holdCounter: state.holdCounter,
      });
    },
    forget: (orderId) => append({ forget: orderId }),
    saveIssue: (requestKey, answer) => append({ issue: requestKey, answer: answer ?? null }),
    saveCancel: (requestKey, answer) => append({ cancel: requestKey, answer }),
    saveFlightChange: (key, change) => append({ flight: key, change }),
    close() {
      if (!open) return;
      open = false;
      fsyncSync(fd);
      closeSync(fd);
    },
  };
}
