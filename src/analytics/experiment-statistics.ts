/**
 * The statistics of an A/B experiment's results, as pure functions: conversion rates of a control
 * and a variant, the lift, the 95% confidence interval of the difference and the two-proportion
 * z-test. Kept apart from SQL so each figure can be checked against a case computed by hand.
 */

/** z such that Φ(z) = 0.975: the half-width of a two-sided 95% interval in standard errors. */
export const Z_95 = 1.959963984540054;

/**
 * The standard normal CDF Φ(x), by Hart's algorithm 5666 as given by G. West ("Better
 * approximations to cumulative normal functions", 2005): a rational approximation of the tail to
 * double precision (absolute error below 1e-14), and a continued fraction beyond |x| ≈ 7.07. The
 * tail is computed directly, so Φ(-8) keeps its relative precision, which 1 − Φ(8) would not.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const a = Math.abs(x);
  let tail: number;
  if (a > 37) {
    tail = 0;
  } else {
    const exponential = Math.exp(-a * a / 2);
    if (a < 7.07106781186547) {
      let numerator = 3.52624965998911e-2 * a + 0.700383064443688;
      numerator = numerator * a + 6.37396220353165;
      numerator = numerator * a + 33.912866078383;
      numerator = numerator * a + 112.079291497871;
      numerator = numerator * a + 221.213596169931;
      numerator = numerator * a + 220.206867912376;
      let denominator = 8.83883476483184e-2 * a + 1.75566716318264;
      denominator = denominator * a + 16.064177579207;
      denominator = denominator * a + 86.7807322029461;
      denominator = denominator * a + 296.564248779674;
      denominator = denominator * a + 637.333633378831;
      denominator = denominator * a + 793.826512519948;
      denominator = denominator * a + 440.413735824752;
      tail = exponential * numerator / denominator;
    } else {
      let fraction = a + 0.65;
      fraction = a + 4 / fraction;
      fraction = a + 3 / fraction;
      fraction = a + 2 / fraction;
      fraction = a + 1 / fraction;
      tail = exponential / fraction / 2.506628274631;
    }
  }
  return x > 0 ? 1 - tail : tail;
}

/** Exposures (journeys that saw the arm) and conversions (those that completed). */
export interface ArmCounts {
  readonly exposures: number;
  readonly conversions: number;
}

export interface ArmComparison {
  /** Relative lift of the variant's rate over the control's; absent when the control converted none. */
  readonly lift?: number;
  /** 95% interval of rate(variant) − rate(control), unpooled Wald; absent when an arm has no exposure. */
  readonly differenceCi95?: readonly [number, number];
  /** Pooled two-proportion z-test; absent when an arm has no exposure or nothing varies (all or none converted). */
  readonly zScore?: number;
  /** Two-sided p-value of the z-test. */
  readonly pValue?: number;
}

/** conversions / exposures, 0 with no exposure. */
export function conversionRate(arm: ArmCounts): number {
  return arm.exposures === 0 ? 0 : arm.conversions / arm.exposures;
}

/**
 * Compares a variant with the control: lift, 95% CI of the difference of rates (unpooled Wald:
 * d ± 1.96·√(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂)) and the pooled z-test (z = d / √(p(1−p)(1/n₁ + 1/n₂)),
 * p the pooled rate), whose two-sided p-value is 2·Φ(−|z|).
 */
export function compareArms(control: ArmCounts, variant: ArmCounts): ArmComparison {
  const pc = conversionRate(control);
  const pv = conversionRate(variant);
  const difference = pv - pc;
  const result: { -readonly [K in keyof ArmComparison]: ArmComparison[K] } = {};
  if (pc > 0) result.lift = difference / pc;
  if (control.exposures > 0 && variant.exposures > 0) {
    const unpooled = Math.sqrt(pc * (1 - pc) / control.exposures + pv * (1 - pv) / variant.exposures);
    result.differenceCi95 = [difference - Z_95 * unpooled, difference + Z_95 * unpooled];
    const pooled = (control.conversions + variant.conversions) / (control.exposures + variant.exposures);
    const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / control.exposures + 1 / variant.exposures));
    if (standardError > 0) {
      result.zScore = difference / standardError;
      result.pValue = Math.min(1, 2 * normalCdf(-Math.abs(result.zScore)));
    }
  }
  return result;
}
