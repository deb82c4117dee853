type Iterating = (this: unknown, ...args: unknown[]) => Iterator<unknown>;

const WALKS: readonly (string | symbol)[] = ['entries', 'keys', 'values', Symbol.iterator];

/**
 * Runs `work` and counts every step taken over any Map or Set while it ran (iterator steps and
 * forEach calls), so a test can tell a store that walks its entries from one that does not,
 * without timing anything. A walk over a store of n entries shows up as about n steps.
 */
export function countCollectionSteps(work: () => void): number {
  let steps = 0;
  const restore: (() => void)[] = [];
  for (const prototype of [Map.prototype, Set.prototype] as unknown as Record<string | symbol, unknown>[]) {
    for (const name of WALKS) {
      const original = prototype[name] as Iterating;
      prototype[name] = function counted(this: unknown, ...args: unknown[]) {
        const iterator = original.apply(this, args);
        return {
          next() {
            steps += 1;
            return iterator.next();
          },
          [Symbol.iterator]() {
            return this;
          },
        };
      };
      restore.push(() => {
        prototype[name] = original;
      });
    }
    const forEach = prototype.forEach as (this: unknown, callback: (...args: unknown[]) => void, thisArg?: unknown) => void;
    prototype.forEach = function counted(this: unknown, callback: (...args: unknown[]) => void, thisArg?: unknown) {
      forEach.call(this, (...args: unknown[]) => {
        steps += 1;
        callback.apply(thisArg, args);
      });
    };
    restore.push(() => {
      prototype.forEach = forEach;
    });
  }
  try {
    work();
  } finally {
    for (const undo of restore) undo();
  }
  return steps;
}
