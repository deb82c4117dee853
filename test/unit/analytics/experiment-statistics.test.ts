import { describe, expect, it } from 'vitest';
import { compareArms, conversionRate, normalCdf, Z_95 } from '../../../src/analytics/experiment-statistics.ts';

describe('normalCdf', () => {
  // Φ(x) = erfc(−x/√2)/2, computed with Python's math.erfc (correctly rounded to ~1 ulp).
  it.each([
    [0, 0.5],
    [0.5, 0.6914624612740131],
    [1, 0.8413447460685429],
    [-1, 0.15865525393145707],
    [Z_95, 0.975],
    [2.5, 0.9937903346742238],
    [3, 0.9986501019683699],
    [-3, 0.0013498980316300957],
    [4.5, 0.9999966023268753],
    [-5, 2.866515718791946e-7],
    [-6.5, 4.016000583859125e-11],
    [7.5, 0.9999999999999681],
  ])('Φ(%d) = %d within 1e-12', (x, expected) => {
    expect(Math.abs(normalCdf(x) - expected)).toBeLessThan(1e-12);
  });

  it('keeps the relative precision of far tails, where 1 − Φ(|x|) would round to 0', () => {
    expect(normalCdf(-7.5) / 3.19089167291092e-14).toBeCloseTo(1, 6);
    expect(normalCdf(-8) / 6.220960574271819e-16).toBeCloseTo(1, 6);
    expect(normalCdf(-10) / 7.619853024160593e-24).toBeCloseTo(1, 6);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
  });
});

describe('compareArms', () => {
  /*
   * Hand-computed case: control 200 of 1000 convert, variant 250 of 1000.
   *   rates: pc = 0.20, pv = 0.25; difference d = 0.05; lift = 0.05 / 0.20 = 0.25
   *   unpooled SE = √(0.2·0.8/1000 + 0.25·0.75/1000) = √(0.000160 + 0.0001875) = √0.0003475 = 0.0186413519
   *   95% CI = 0.05 ± 1.959964 · 0.0186413519 = 0.05 ± 0.0365364 = [0.0134636, 0.0865364]
   *   pooled p = 450 / 2000 = 0.225; SE = √(0.225·0.775·(1/1000 + 1/1000)) = √(0.174375·0.002) = √0.00034875 = 0.0186748494
   *   z = 0.05 / 0.0186748494 = 2.6773978
   *   p-value = 2·Φ(−2.6773978) = 2 · 0.0037098 = 0.0074196
   */
  it('matches the hand-computed case', () => {
    const result = compareArms({ exposures: 1000, conversions: 200 }, { exposures: 1000, conversions: 250 });

    expect(result.lift).toBeCloseTo(0.25, 12);
    expect(result.differenceCi95![0]).toBeCloseTo(0.0134636, 6);
    expect(result.differenceCi95![1]).toBeCloseTo(0.0865364, 6);
    expect(result.zScore).toBeCloseTo(2.6773978, 6);
    expect(result.pValue).toBeCloseTo(0.0074196, 6);
  });

  it('is symmetric: a worse variant has the negative z, the same p-value and a negative lift', () => {
    const result = compareArms({ exposures: 1000, conversions: 250 }, { exposures: 1000, conversions: 200 });

    expect(result.lift).toBeCloseTo(-0.2, 12);
    expect(result.zScore).toBeCloseTo(-2.6773978, 6);
    expect(result.pValue).toBeCloseTo(0.0074196, 6);
  });

  it('finds no difference between equal arms (z 0, p 1)', () => {
    const result = compareArms({ exposures: 500, conversions: 50 }, { exposures: 500, conversions: 50 });

    expect(result).toEqual({ lift: 0, differenceCi95: [expect.any(Number), expect.any(Number)], zScore: 0, pValue: 1 });
    expect(result.differenceCi95![0]).toBeCloseTo(-result.differenceCi95![1], 12);
  });

  it('leaves out what cannot be computed: no exposure, no conversion in the control, nothing varying', () => {
    expect(compareArms({ exposures: 0, conversions: 0 }, { exposures: 10, conversions: 3 })).toEqual({});
    expect(compareArms({ exposures: 10, conversions: 0 }, { exposures: 10, conversions: 0 })).toEqual({ differenceCi95: [0, 0] });
    expect(conversionRate({ exposures: 0, conversions: 0 })).toBe(0);
  });
});
