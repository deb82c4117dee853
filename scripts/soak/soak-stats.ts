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
  /** The drift is below `driftBound`: a trend too small to matter even where the samples are steady enough to show it. */
  readonly driftBelowBound: boolean;
  readonly reason: string;
}

/** Below this drift over the measured window (MB) a series is flat whatever its standard error says. */
export const DRIFT_BOUND_MB = 1;

/**
 * Flat within noise: |slope| < 2·SE, i.e. no trend distinguishable from zero at about 95%; or the
 * line's whole drift over the measured window is below `driftBound` (RSS moves in pages and can be
 * so steady that a trend of a few hundred KB an hour is "significant" yet meaningless). The
 * garbage collector's sawtooth makes neighbouring residuals correlated, which makes the standard
 * error too small rather than too large: the test errs towards calling a trend real. A leak of a
 * constant rate fails both arms once the run is long enough to show it.
 */
export function judgeFlat(fit: LinearFit, window: number, driftBound = DRIFT_BOUND_MB): FlatVerdict {
  const withinTwoErrors = Math.abs(fit.slope) < 2 * fit.slopeError;
  const drift = Math.abs(fit.slope) * window;
  const driftBelowBound = drift < driftBound;
  const flat = withinTwoErrors || driftBelowBound;
  const reason = withinTwoErrors
    ? `|slope| ${Math.abs(fit.slope).toFixed(3)} < 2 × SE ${fit.slopeError.toFixed(3)}`
    : driftBelowBound
      ? `drift over the window ${drift.toFixed(2)} < ${driftBound}`
      : `|slope| ${Math.abs(fit.slope).toFixed(3)} ≥ 2 × SE ${fit.slopeError.toFixed(3)} and drift ${drift.toFixed(2)} ≥ ${driftBound}`;
  return { flat, withinTwoErrors, drift, driftBelowBound, reason };
}

/** One series of a soak: its fit in MB per minute, per hour, and the verdict. */
export interface SeriesSlope {
  readonly series: string;
  readonly n: number;
  readonly meanMb: number;
  readonly slopeMbPerMinute: number;
  readonly slopeErrorMbPerMinute: number;
  readonly slopeMbPerHour: number;
  /** slope + 2·SE, per hour: the fastest growth the run leaves plausible. */
  readonly upperBoundMbPerHour: number;
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
    upperBoundMbPerHour: (fit.slope + 2 * fit.slopeError) * 60,
    residualSdMb: fit.residualSd,
    driftMb: verdict.drift,
    flat: verdict.flat,
    reason: verdict.reason,
  };
}
