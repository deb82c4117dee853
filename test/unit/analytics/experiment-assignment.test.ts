import { describe, expect, it } from 'vitest';
import { assignVariant, assignVariants } from '../../../src/analytics/experiment-assignment.ts';
import type { Experiment } from '../../../src/analytics/analytics-types.ts';

const JOURNEYS = Array.from({ length: 10_000 }, (_, i) => `journey-${i}`);

function countsOf(experimentId: string, variants: readonly { name: string; weight: number }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const journey of JOURNEYS) {
    const variant = assignVariant(experimentId, journey, variants);
    counts.set(variant, (counts.get(variant) ?? 0) + 1);
  }
  return counts;
}

describe('assignVariant', () => {
  it('gives a journey the same variant every time', () => {
    const variants = [{ name: 'control', weight: 1 }, { name: 'green-button', weight: 1 }];
    const first = JOURNEYS.slice(0, 200).map((j) => assignVariant('exp-1', j, variants));

    expect(JOURNEYS.slice(0, 200).map((j) => assignVariant('exp-1', j, variants))).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['control', 'green-button']));
  });

  /*
   * Each count is binomial(n = 10,000, p = weight share) if the hash spreads journeys evenly.
   * Tolerance: 4 standard deviations √(n·p·(1−p)) — 30 for p = 0.1, 40 for p = 0.2, 45.8 for
   * p = 0.7 — which a fair split exceeds with probability ~6e-5 per arm, while an assignment
   * ignoring the weights (3,333 each) is off by more than 50 deviations.
   */
  it('splits 10,000 journeys by the weights, within 4 standard deviations', () => {
    const variants = [{ name: 'a', weight: 1 }, { name: 'b', weight: 2 }, { name: 'c', weight: 7 }];
    const counts = countsOf('weights', variants);

    for (const { name, weight } of variants) {
      const p = weight / 10;
      const expected = 10_000 * p;
      const sd = Math.sqrt(10_000 * p * (1 - p));
      expect(Math.abs((counts.get(name) ?? 0) - expected), `${name}: ${counts.get(name)} for ${expected}`).toBeLessThanOrEqual(4 * sd);
    }
  });

  it('assigns independently across experiments: a journey\'s arm in one says nothing of its arm in another', () => {
    const variants = [{ name: 'x', weight: 1 }, { name: 'y', weight: 1 }];
    let both = 0;
    for (const journey of JOURNEYS) {
      if (assignVariant('first', journey, variants) === 'x' && assignVariant('second', journey, variants) === 'x') both += 1;
    }
    // Independent: p = 1/4, sd = √(10,000·0.25·0.75) = 43.3; the same hash for both would give ~5,000.
    expect(Math.abs(both - 2500)).toBeLessThanOrEqual(4 * 43.3);
  });

  it('assigns the running experiments only, and refuses variants without weight', () => {
    const experiments: Experiment[] = [
      { id: 'on', name: 'On', variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }], status: 'running', startedAt: '2026-01-01T00:00:00.000Z' },
      { id: 'off', name: 'Off', variants: [{ name: 'a', weight: 1 }, { name: 'b', weight: 1 }], status: 'stopped', startedAt: '2026-01-01T00:00:00.000Z' },
    ];

    expect(Object.keys(assignVariants('j1', experiments))).toEqual(['on']);
    expect(() => assignVariant('e', 'j', [])).toThrow(/no variant/);
  });
});
