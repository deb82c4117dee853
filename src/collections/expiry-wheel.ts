/**
 * Items that fall due at given times, kept in slots of `slotMs` (a timer wheel without a fixed
 * size), for stores whose entries expire in no particular order. Scheduling and cancelling cost
 * O(1); taking what is due costs the items taken plus one step per slot elapsed since the last
 * call (or, after a long quiet spell, one per slot still holding items, if that is fewer). Nothing
 * walks the items that are not due.
 *
 * An item due at `t` sits in the slot that ends at or after `t`, so it is taken once that slot
 * has ended: never early, at most `slotMs` late. Callers that must be exact compare the item's own
 * time where it matters.
 */
export interface ExpiryWheel<T> {
  readonly size: number;
  /** Schedules the item for `dueAt` (epoch ms), replacing an earlier schedule of it. */
  schedule(item: T, dueAt: number): void;
  /** Unschedules the item; false when it was not scheduled. */
  cancel(item: T): boolean;
  /** Removes and returns every item whose slot has ended at `now`. */
  takeDue(now: number): T[];
}

export interface ExpiryWheelOptions {
  /** Width of a slot. @defaultValue 1000 */
  readonly slotMs?: number;
}

export function createExpiryWheel<T>(options: ExpiryWheelOptions = {}): ExpiryWheel<T> {
  const slotMs = options.slotMs ?? 1000;
  if (!(slotMs > 0)) throw new RangeError(`slotMs must be positive, got ${slotMs}`);
  const slots = new Map<number, Set<T>>();
  const slotOf = new Map<T, number>();
  /** No slot below this holds items. */
  let lowest = Number.POSITIVE_INFINITY;

  function cancel(item: T): boolean {
    const slot = slotOf.get(item);
    if (slot === undefined) return false;
    slotOf.delete(item);
    const items = slots.get(slot);
    items?.delete(item);
    if (items?.size === 0) slots.delete(slot);
    return true;
  }

  function take(slot: number, into: T[]): void {
    const items = slots.get(slot);
    if (!items) return;
    slots.delete(slot);
    for (const item of items) {
      slotOf.delete(item);
      into.push(item);
    }
  }

  return {
    get size() {
      return slotOf.size;
    },
    schedule(item, dueAt) {
      cancel(item);
      const slot = Math.ceil(dueAt / slotMs);
      let items = slots.get(slot);
      if (!items) {
        items = new Set();
        slots.set(slot, items);
      }
      items.add(item);
      slotOf.set(item, slot);
      if (slot < lowest) lowest = slot;
    },
    cancel,
    takeDue(now) {
      const ended = Math.floor(now / slotMs);
      const due: T[] = [];
      if (lowest > ended) return due;
      if (ended - lowest >= slots.size) {
        // Fewer slots hold items than have elapsed: look at those instead of every elapsed slot.
        for (const slot of [...slots.keys()]) if (slot <= ended) take(slot, due);
      } else {
        for (let slot = lowest; slot <= ended; slot += 1) take(slot, due);
      }
      lowest = ended + 1;
      return due;
    },
  };
}
