import { describe, expect, it } from 'vitest';
import { computeSigmoid, fitLogisticRegression, predictProbability } from '../../../../src/analytics/prediction/logistic-regression.ts';

/** Four rows with x = 0 (one positive) and four with x = 1 (three positive). */
const rows = [[0], [0], [0], [0], [1], [1], [1], [1]];
const labels = [1, 0, 0, 0, 1, 1, 1, 0];

describe('fitLogisticRegression', () => {
  it('without a penalty finds the maximum likelihood by hand: logit(1/4) and logit(3/4) − logit(1/4)', async () => {
    const fit = await fitLogisticRegression(rows, labels, { l2: 0 });
    expect(fit.converged).toBe(true);
    expect(fit.intercept).toBeCloseTo(-Math.log(3), 8);
    expect(fit.weights[0]).toBeCloseTo(2 * Math.log(3), 8);
    expect(predictProbability(fit, [0])).toBeCloseTo(0.25, 8);
    expect(predictProbability(fit, [1])).toBeCloseTo(0.75, 8);
  });

  it('with an L2 penalty shrinks the weight but not the intercept, and is a stationary point of the penalised likelihood', async () => {
    const l2 = 2;
    const fit = await fitLogisticRegression(rows, labels, { l2 });
    const w = fit.weights[0]!;
    expect(w).toBeGreaterThan(0);
    expect(w).toBeLessThan(2 * Math.log(3));
    // Gradient of log-likelihood − λ/2·w²: Σ(y − p) = 0 for the intercept, Σ(y − p)·x − λw = 0 for w.
    const residuals = rows.map((row, i) => labels[i]! - predictProbability(fit, row));
    expect(residuals.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 8);
    expect(residuals.reduce((a, r, i) => a + r * rows[i]![0]!, 0) - l2 * w).toBeCloseTo(0, 8);
  });

  it('gives the same coefficients on every run, whether or not it gives the event loop back', async () => {
    expect(await fitLogisticRegression(rows, labels)).toEqual(await fitLogisticRegression(rows, labels, { yieldEveryRows: 3 }));
  });

  it('keeps finite coefficients on separable data and on a constant column, thanks to the penalty', async () => {
    const fit = await fitLogisticRegression([[0, 5], [0, 5], [1, 5], [1, 5]], [0, 0, 1, 1], { l2: 0.1 });
    expect(fit.converged).toBe(true);
    expect(Number.isFinite(fit.weights[0]) && Number.isFinite(fit.weights[1])).toBe(true);
    expect(predictProbability(fit, [1, 5])).toBeGreaterThan(0.75);
    expect(predictProbability(fit, [0, 5])).toBeLessThan(0.25);
  });

  it('computes σ without overflow', () => {
    expect(computeSigmoid(1000)).toBe(1);
    expect(computeSigmoid(-1000)).toBe(0);
    expect(computeSigmoid(0)).toBe(0.5);
  });
});
