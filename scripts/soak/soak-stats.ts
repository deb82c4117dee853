/**
 * The soak's arithmetic: a least-squares line through memory samples, and whether its slope is
 * flat within the noise of the samples. Pure functions, so a unit test pins them.
 */

/** A least-squares line y = intercept + slope·x, with the standard error of its slope. */
export interface LinearFit {
  readonly n: number;
  /** y units per x unit (MB per minute for the soak). */
  readonly slope: number;
  readonly intercept: number;
  /** Standard error of the slope: sqrt(residual variance / Σ(x − x̄)²); NaN below 3 points. */
  readonly slopeError: number;
  /** Standard deviation of the residuals around the line (n − 2 degrees of freedom). */
  readonly residualSd: number;
  readonly mean: number;
}

export function fitLine(xs: readonly number[], ys: readonly number[]): LinearFit {
  if (xs.length !== ys.length) throw new Error(`fitLine: ${xs.length} x values against ${ys.length} y values`);
  const n = xs.length;
  if (n < 2) throw new Error('fitLine: at least two points are needed');
  const meanX = xs.reduce((s, x) => s + x, 0) / n;
  const meanY = ys.reduce((s, y) => s + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - meanX) ** 2;
    sxy += (xs[i]! - meanX) * (ys[i]! - meanY);
  }
  if (sxx === 0) throw new Error('fitLine: every x is the same');
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (ys[i]! - (intercept + slope * xs[i]!)) ** 2;
  const residualVariance = n > 2 ? rss / (n - 2) : Number.NaN;
  return { n, slope, intercept, slopeError: Math.sqrt(residualVariance / sxx), residualSd: Math.sqrt(residualVariance), mean: meanY };
}

/** Why a series counts as flat, or not. */
export interface FlatVerdict {
  readonly flat: boolean;
  /** The slope lies within two standard errors of zero: no trend the samples can tell from noise. */
  readonly withinTwoErrors: boolean;
  /** The drift the line makes over the window, |slope| × window, in y units. */
  readonly drift: number;
  /** The line's drift over the window is smaller than the residual standard deviation: any trend is smaller than the scatter of single samples. */
  readonly driftBelowNoise: boolean;
  readonly reason: string;
}

/**
 * Flat within noise: |slope| < 2·SE (no trend distinguishable from zero at about 95%), or the
 * line's whole drift over the measured window is below the residual standard deviation of the
 * samples (a trend smaller than the scatter of one reading to the next, as a garbage collector's
 * sawtooth makes it). The second arm keeps a very steady series from failing on a slope too small
 * to matter; the first keeps a noisy one from failing on a slope the samples cannot show.
 * A leak of a constant rate fails both once the run is long enough to show it.
 */
export function judgeFlat(fit: LinearFit, window: number): FlatVerdict {
  const withinTwoErrors = Math.abs(fit.slope) < 2 * fit.slopeError;
  const drift = Math.abs(fit.slope) * window;
  const driftBelowNoise = drift < fit.residualSd;
  const flat = withinTwoErrors || driftBelowNoise;
  const reason = withinTwoErrors
    ? `|slope| ${Math.abs(fit.slope).toFixed(3)} < 2 × SE ${fit.slopeError.toFixed(3)}`
    : driftBelowNoise
      ? `drift over the window ${drift.toFixed(2)} < residual SD ${fit.residualSd.toFixed(2)}`
      : `|slope| ${Math.abs(fit.slope).toFixed(3)} ≥ 2 × SE ${fit.slopeError.toFixed(3)} and drift ${drift.toFixed(2)} ≥ residual SD ${fit.residualSd.toFixed(2)}`;
  return { flat, withinTwoErrors, drift, driftBelowNoise, reason };
}

/** One series of a soak: its fit in MB per minute, per hour, and the verdict. */
export interface SeriesSlope {
  readonly series: string;
  readonly n: number;
  readonly meanMb: number;
  readonly slopeMbPerMinute: number;
  readonly slopeErrorMbPerMinute: number;
  readonly slopeMbPerHour: number;
  readonly residualSdMb: number;
  readonly driftMb: number;
  readonly flat: boolean;
  readonly reason: string;
}

/** Fits `values` (MB) against `minutes` and judges the slope over the window the minutes span. */
export function slopeOf(series: string, minutes: readonly number[], values: readonly number[]): SeriesSlope {
  const fit = fitLine(minutes, values);
  const window = Math.max(...minutes) - Math.min(...minutes);
  const verdict = judgeFlat(fit, window);
  return {
    series,
    n: fit.n,
    meanMb: fit.mean,
    slopeMbPerMinute: fit.slope,
    slopeErrorMbPerMinute: fit.slopeError,
    slopeMbPerHour: fit.slope * 60,
    residualSdMb: fit.residualSd,
    driftMb: verdict.drift,
    flat: verdict.flat,
    reason: verdict.reason,
  };
}
