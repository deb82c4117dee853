import { describe, expect, it } from 'vitest';
import { computeAuc } from '../../../../src/analytics/prediction/rank-auc.ts';

describe('computeAuc', () => {
  it('is 1 when every positive scores above every negative', () => {
    expect(computeAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
  });

  it('is 0 when the order is reversed', () => {
    expect(computeAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
  });

  it('counts ties half: all scores equal give 0.5', () => {
    expect(computeAuc([0.3, 0.3, 0.3, 0.3, 0.3], [0, 1, 0, 1, 1])).toBe(0.5);
  });

  it('matches a count of pairs by hand', () => {
    // Pairs (positive, negative): (0.4 vs 0.1) win, (0.4 vs 0.4) tie, (0.4 vs 0.6) loss, (0.7 vs each) three wins → 4.5 / 6.
    expect(computeAuc([0.1, 0.4, 0.6, 0.4, 0.7], [0, 0, 0, 1, 1])).toBeCloseTo(4.5 / 6, 12);
  });

  it('is undefined without both classes', () => {
    expect(computeAuc([0.1, 0.2], [1, 1])).toBeUndefined();
    expect(computeAuc([], [])).toBeUndefined();
  });
});
