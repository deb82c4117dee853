import { describe, expect, it } from 'vitest';
import { createExpiryWheel } from '../../../src/collections/expiry-wheel.ts';
import { countCollectionSteps } from '../../support/count-collection-steps.ts';

describe('expiry wheel', () => {
  it('takes items once their time has come, in any order they were scheduled, never early', () => {
    const wheel = createExpiryWheel<string>({ slotMs: 1000 });
    wheel.schedule('late', 10_000);
    wheel.schedule('early', 3_000);
    wheel.schedule('middle', 5_000);
    expect(wheel.takeDue(2_999)).toEqual([]);
    expect(wheel.takeDue(3_000)).toEqual(['early']);
    expect(wheel.takeDue(3_000)).toEqual([]);
    expect(wheel.takeDue(9_999)).toEqual(['middle']);
    expect(wheel.takeDue(10_000)).toEqual(['late']);
    expect(wheel.size).toBe(0);
  });

  it('takes an item due within a slot at the end of that slot, at most one slot late', () => {
    const wheel = createExpiryWheel<string>({ slotMs: 1000 });
    wheel.schedule('A', 2_001);
    expect(wheel.takeDue(2_001)).toEqual([]);
    expect(wheel.takeDue(2_999)).toEqual([]);
    expect(wheel.takeDue(3_000)).toEqual(['A']);
  });

  it('cancels and reschedules', () => {
    const wheel = createExpiryWheel<string>();
    wheel.schedule('A', 1_000);
    wheel.schedule('B', 1_000);
    expect(wheel.cancel('A')).toBe(true);
    expect(wheel.cancel('A')).toBe(false);
    wheel.schedule('B', 5_000);
    expect(wheel.size).toBe(1);
    expect(wheel.takeDue(4_000)).toEqual([]);
    expect(wheel.takeDue(5_000)).toEqual(['B']);
  });

  it('takes an item scheduled in the past at the next call', () => {
    const wheel = createExpiryWheel<string>();
    expect(wheel.takeDue(10_000)).toEqual([]);
    wheel.schedule('overdue', 4_000);
    expect(wheel.takeDue(10_000)).toEqual(['overdue']);
  });

  it('takes everything due after a long quiet spell', () => {
    const wheel = createExpiryWheel<number>();
    for (let i = 0; i < 100; i += 1) wheel.schedule(i, 1_000 + i * 7_919);
    wheel.takeDue(0);
    expect(wheel.takeDue(365 * 86_400_000).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('does not walk the items that are not due', () => {
    const wheel = createExpiryWheel<number>();
    for (let i = 0; i < 10_000; i += 1) wheel.schedule(i, 60_000 + (i % 600) * 1_000);
    wheel.takeDue(59_000);
    let due: number[] = [];
    const steps = countCollectionSteps(() => {
      due = wheel.takeDue(60_000);
    });
    expect(due).toHaveLength(17);
    expect(steps).toBeLessThanOrEqual(due.length + 1);
    expect(countCollectionSteps(() => wheel.takeDue(60_500))).toBe(0);
  });
});
