import { describe, expect, it } from 'vitest';
import { fitLine, judgeFlat, slopeOf } from '../../../scripts/soak/soak-stats.ts';

const minutes = Array.from({ length: 28 }, (_, i) => i + 3);
/** A fixed zig-zag of ±4 MB, as a collector's sawtooth makes it, with no trend of its own. */
const sawtooth = minutes.map((_, i) => [4, -2, 1, -4, 3, -1, -3, 2][i % 8]!);

describe('soak slope', () => {
  it('fits an exact line: slope, intercept, no residual', () => {
    const fit = fitLine([0, 1, 2, 3], [10, 12, 14, 16]);
    expect(fit.slope).toBeCloseTo(2, 12);
    expect(fit.intercept).toBeCloseTo(10, 12);
    expect(fit.residualSd).toBeCloseTo(0, 12);
    expect(fit.slopeError).toBeCloseTo(0, 12);
  });

  it('gives the textbook standard error of the slope', () => {
    // x 1..5, y 2,4,5,4,5: slope 0.6, residual SS 2.4, s² = 0.8, Sxx = 10, SE = sqrt(0.08).
    const fit = fitLine([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]);
    expect(fit.slope).toBeCloseTo(0.6, 12);
    expect(fit.intercept).toBeCloseTo(2.2, 12);
    expect(fit.slopeError).toBeCloseTo(Math.sqrt(0.08), 12);
  });

  it('calls a noisy series without a trend flat, by the two-error arm', () => {
    const slope = slopeOf('heap', minutes, sawtooth.map((d) => 200 + d));
    expect(slope.flat).toBe(true);
    expect(Math.abs(slope.slopeMbPerMinute)).toBeLessThan(2 * slope.slopeErrorMbPerMinute);
    expect(slope.slopeMbPerHour).toBeCloseTo(slope.slopeMbPerMinute * 60, 12);
  });

  it('calls a leak of 0.5 MB a minute under the same noise not flat', () => {
    const slope = slopeOf('rss', minutes, sawtooth.map((d, i) => 200 + 0.5 * minutes[i]! + d));
    expect(slope.flat).toBe(false);
    expect(slope.slopeMbPerMinute).toBeGreaterThan(0.4);
    expect(slope.reason).toMatch(/≥ 2 × SE/);
  });

  it('calls a very steady series with a tiny significant trend flat by the drift bound, and a larger one not', () => {
    const steady = (perMinute: number): number[] => minutes.map((m, i) => 150 + perMinute * m + (i % 2 ? 0.01 : -0.01));
    const tiny = slopeOf('rss', minutes, steady(0.02)); // 0.54 MB over 27 minutes
    expect(tiny.flat).toBe(true);
    expect(tiny.reason).toMatch(/drift/);
    expect(slopeOf('rss', minutes, steady(0.1)).flat).toBe(false); // 2.7 MB over 27 minutes
  });

  it('judges a falling line as it judges a rising one', () => {
    const fit = fitLine(minutes, sawtooth.map((d, i) => 300 - 0.5 * minutes[i]! + d));
    expect(judgeFlat(fit, 27).flat).toBe(false);
  });

  it('refuses fewer than two points or mismatched lengths', () => {
    expect(() => fitLine([1], [1])).toThrow(/two points/);
    expect(() => fitLine([1, 2], [1])).toThrow(/against/);
  });
});
