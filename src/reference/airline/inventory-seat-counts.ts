import type { Segment, SegmentAvailability } from '../../contracts/airline/index.ts';
import { GatewayError } from '../../errors/index.ts';
import { hashString } from './ancillary-scope.ts';
import { segmentOf, type Booking, type InventoryState, type NewItem, type StoredItem } from './inventory-state.ts';

/**
 * Seats per flight and cabin: how many the seat map has for sale, how many orders hold and have
 * bought, and which seat each seat item holds. An item takes its seats when held and gives them
 * back exactly once (released, expired or cancelled), which is what keeps the counts right.
 */

function capacityOf(state: InventoryState, segment: Segment): number {
  const key = `${segment.segmentId}|${segment.cabin}`;
  const known = state.capacities.get(key);
  if (known !== undefined) return known;
  const layout = state.ctx.data.aircraft[segment.aircraft]?.cabins.find((c) => c.cabin === segment.cabin);
  let free = 0;
  if (layout) {
    for (let row = layout.firstRow; row <= layout.lastRow; row += 1) {
      if (layout.skipRows?.includes(row)) continue;
      for (const column of layout.columns) {
        // The same rule as the seat map, so the count and the map agree.
        if (hashString(`${segment.segmentId}:${row}${column.id}`) % 100 >= layout.occupiedPercent) free += 1;
      }
    }
  }
  state.capacities.set(key, free);
  return free;
}

export function countsOf(state: InventoryState, segment: Segment): { held: number; sold: number } {
  const key = `${segment.segmentId}|${segment.cabin}`;
  let entry = state.counts.get(key);
  if (!entry) {
    entry = { held: 0, sold: 0 };
    state.counts.set(key, entry);
  }
  return entry;
}

export function availabilityOf(state: InventoryState, segment: Segment): SegmentAvailability {
  const { held, sold } = countsOf(state, segment);
  const capacity = capacityOf(state, segment);
  return { segmentId: segment.segmentId, cabin: segment.cabin, capacity, held, sold, available: Math.max(0, capacity - held - sold) };
}

/** Seats the new items need per segment, checked against what is left; throws NO_AVAILABILITY. */
export function checkCapacity(state: InventoryState, booking: Booking, items: readonly NewItem[]): void {
  const needed = new Map<string, number>();
  for (const item of items) for (const segmentId of item.segmentIds) needed.set(segmentId, (needed.get(segmentId) ?? 0) + item.seatsTaken);
  for (const [segmentId, seats] of needed) {
    if (seats === 0) continue;
    const left = availabilityOf(state, segmentOf(booking, segmentId)).available;
    if (seats > left) throw new GatewayError('NO_AVAILABILITY', `Only ${left} seats are left on ${segmentId}, ${seats} asked for`, [{ message: 'flight full', path: '/flights' }]);
  }
  const asked = new Set<string>();
  for (const item of items) {
    const seat = item.details.seat;
    if (!seat) continue;
    const key = `${seat.segmentId}:${seat.row}${seat.column}`;
    const twice = asked.has(key);
    asked.add(key);
    if (twice || state.assignedSeats.has(key)) {
      throw new GatewayError('NO_AVAILABILITY', `Seat ${seat.row}${seat.column} on ${seat.segmentId} is taken`, [{ message: 'seat taken', path: '/seats' }]);
    }
  }
}

export function takeItem(state: InventoryState, booking: Booking, item: Pick<StoredItem, 'itemId' | 'seatsTaken' | 'segmentIds' | 'details'>): void {
  if (item.seatsTaken > 0) for (const segmentId of item.segmentIds) countsOf(state, segmentOf(booking, segmentId)).held += item.seatsTaken;
  const seat = item.details.seat;
  if (seat) state.assignedSeats.set(`${seat.segmentId}:${seat.row}${seat.column}`, `${booking.orderId}/${item.itemId}`);
}

/** An item's seats counted as sold (it was issued) or held again (its issue was undone). */
export function moveSeats(state: InventoryState, booking: Booking, item: StoredItem, to: 'sold' | 'held'): void {
  if (item.seatsTaken === 0) return;
  const from = to === 'sold' ? 'held' : 'sold';
  for (const segmentId of item.segmentIds) {
    const entry = countsOf(state, segmentOf(booking, segmentId));
    entry[from] -= item.seatsTaken;
    entry[to] += item.seatsTaken;
  }
}

export function freeItem(state: InventoryState, booking: Booking, item: StoredItem, from: 'HELD' | 'ISSUED'): void {
  if (item.seatsTaken > 0) {
    for (const segmentId of item.segmentIds) {
      const entry = countsOf(state, segmentOf(booking, segmentId));
      if (from === 'HELD') entry.held -= item.seatsTaken;
      else entry.sold -= item.seatsTaken;
    }
  }
  const seat = item.details.seat;
  if (seat) {
    const key = `${seat.segmentId}:${seat.row}${seat.column}`;
    if (state.assignedSeats.get(key) === `${booking.orderId}/${item.itemId}`) state.assignedSeats.delete(key);
  }
}
