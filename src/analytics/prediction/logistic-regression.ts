/**
 * Logistic regression fitted by Newton's method (IRLS) with an L2 penalty on the weights (not on
 * the intercept). Written out here rather than taken from a library: it is a few dozen lines, it
 * is deterministic (no random start, no shuffling), and the penalty keeps the Hessian positive
 * definite even when one-hot columns are collinear with the intercept or a column is constant.
 */

export interface LogisticFit {
  readonly intercept: number;
  readonly weights: readonly number[];
  /** Newton steps taken. */
  readonly iterations: number;
  readonly converged: boolean;
}

export interface LogisticOptions {
  /** Penalty λ in −log-likelihood + λ/2·‖w‖². @defaultValue 1 */
  readonly l2?: number;
  /** @defaultValue 50 */
  readonly maxIterations?: number;
  /** Stop when no coefficient moves by more than this. @defaultValue 1e-9 */
  readonly tolerance?: number;
  /** @defaultValue 4096 */
  readonly yieldEveryRows?: number;
}

/** σ(z), computed without overflow for large |z|. */
export function computeSigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** P(y = 1 | x) under a fitted model. */
export function predictProbability(fit: Pick<LogisticFit, 'intercept' | 'weights'>, x: readonly number[]): number {
  let z = fit.intercept;
  for (let j = 0; j < fit.weights.length; j += 1) z += fit.weights[j]! * (x[j] ?? 0);
  return computeSigmoid(z);
}

/**
 * Fits `labels` (0 or 1) on `rows` (each of the same length). Each Newton step solves
 * (XᵀWX + λI′)·Δ = Xᵀ(y − p) − λw′ by Cholesky, where ′ leaves the intercept out of the penalty.
 * Rows are mostly zeros (one-hot columns), so each is reduced once to its non-zero columns. The
 * pass over the rows gives the event loop back every `yieldEveryRows` rows: training runs in a
 * serving process, and a long fit must not hold up its requests.
 */
export async function fitLogisticRegression(rows: readonly (readonly number[])[], labels: readonly number[], options: LogisticOptions = {}): Promise<LogisticFit> {
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-9;
  const yieldEveryRows = options.yieldEveryRows ?? 4096;
  if (rows.length !== labels.length) throw new Error(`${rows.length} rows but ${labels.length} labels`);
  if (rows.length === 0) throw new Error('Nothing to fit');
  const d = (rows[0]?.length ?? 0) + 1;
  // Column 0 is the intercept: an implicit leading column of ones.
  const sparse = rows.map((row) => {
    const columns = [0];
    const values = [1];
    row.forEach((value, j) => {
      if (value !== 0) {
        columns.push(j + 1);
        values.push(value);
      }
    });
    return { columns, values };
  });
  const beta = new Array<number>(d).fill(0);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations && !converged) {
    iterations += 1;
    const gradient = new Array<number>(d).fill(0);
    const hessian = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < sparse.length; i += 1) {
      if (i > 0 && i % yieldEveryRows === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const { columns, values } = sparse[i]!;
      let z = 0;
      for (let a = 0; a < columns.length; a += 1) z += beta[columns[a]!]! * values[a]!;
      const p = computeSigmoid(z);
      const residual = labels[i]! - p;
      const w = p * (1 - p);
      for (let a = 0; a < columns.length; a += 1) {
        const j = columns[a]!;
        const wx = w * values[a]!;
        gradient[j]! += values[a]! * residual;
        const hj = hessian[j]!;
        // Columns are in increasing order, so k ≤ j fills the lower triangle.
        for (let b = 0; b <= a; b += 1) hj[columns[b]!]! += wx * values[b]!;
      }
    }
    for (let j = 1; j < d; j += 1) {
      gradient[j]! -= l2 * beta[j]!;
      hessian[j]![j]! += l2;
    }
    // A tiny ridge on the intercept too, so a data set of one class still gives a finite step.
    hessian[0]![0]! += 1e-9;
    const step = solveSymmetric(hessian, gradient);
    let largest = 0;
    for (let j = 0; j < d; j += 1) {
      beta[j]! += step[j]!;
      largest = Math.max(largest, Math.abs(step[j]!));
    }
    converged = largest < tolerance;
  }
  return { intercept: beta[0]!, weights: beta.slice(1), iterations, converged };
}

/** Solves A·x = b for a symmetric positive definite A given by its lower triangle (Cholesky). */
function solveSymmetric(lower: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let sum = lower[i]![j]!;
      for (let k = 0; k < j; k += 1) sum -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (!(sum > 0)) throw new Error('The system is not positive definite');
        l[i]![i] = Math.sqrt(sum);
      } else {
        l[i]![j] = sum / l[j]![j]!;
      }
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i += 1) {
    let sum = b[i]!;
    for (let k = 0; k < i; k += 1) sum -= l[i]![k]! * y[k]!;
    y[i] = sum / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i -= 1) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k += 1) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
}
