import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../../src/notifications/index.ts';

const settings = { baseMs: 1000, maxMs: 60_000 };

describe('retryDelayMs', () => {
  it('doubles with each failure, with equal jitter: between half and all of base × 2^(failures-1)', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, settings, () => 0))).toEqual([500, 1000, 2000, 4000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, settings, () => 1))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never waits longer than the maximum, however many failures', () => {
    expect(retryDelayMs(30, settings, () => 1)).toBe(60_000);
    expect(retryDelayMs(10_000, settings, () => 0)).toBe(30_000);
  });

  it('spreads retries of deliveries that failed together', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelayMs(5, settings)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(8000);
  });
});
