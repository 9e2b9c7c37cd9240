import { DataFormatError, Matrix, ShapeError } from '@ffnn/tensor';

/** Targets or predictions: a matrix (n × outputs) or a flat array (n × 1). */
export type RegressionValues = Matrix | ArrayLike<number>;

interface Columns {
  rows: number;
  cols: number;
  data: ArrayLike<number>;
}

function columns(v: RegressionValues): Columns {
  return v instanceof Matrix ? v : { rows: v.length, cols: 1, data: v };
}

/** Checks matching shapes and finite values; returns the two as row-major n × p. */
function pair(what: string, yTrue: RegressionValues, yPred: RegressionValues, minRows: number): [Columns, Columns] {
  const a = columns(yTrue);
  const b = columns(yPred);
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new ShapeError(`${what}: yTrue is ${a.rows}×${a.cols} but yPred is ${b.rows}×${b.cols}`);
  }
  if (a.rows < minRows) throw new DataFormatError(`${what}: needs at least ${minRows} samples, got ${a.rows}`);
  for (const [name, m] of [['yTrue', a], ['yPred', b]] as const) {
    for (let k = 0; k < m.data.length; k++) {
      const v = m.data[k]!;
      if (!Number.isFinite(v)) {
        throw new DataFormatError(`${what}: ${name} element ${k} is ${v}; all values must be finite`);
      }
    }
  }
  return [a, b];
}

/**
 * Mean squared error `(1/(n·p)) Σ (y − ŷ)²` over all elements (for several outputs, the mean of
 * the per-output MSEs, as scikit-learn's default `uniform_average`).
 *
 * @throws DataFormatError on NaN/±Infinity or no samples; ShapeError on mismatched shapes.
 */
export function mse(yTrue: RegressionValues, yPred: RegressionValues): number {
  const [a, b] = pair('mse', yTrue, yPred, 1);
  let s = 0;
  for (let k = 0; k < a.data.length; k++) {
    const d = a.data[k]! - b.data[k]!;
    s += d * d;
  }
  return s / a.data.length;
}

/** Mean absolute error `(1/(n·p)) Σ |y − ŷ|` (see {@link mse} for shapes and errors). */
export function mae(yTrue: RegressionValues, yPred: RegressionValues): number {
  const [a, b] = pair('mae', yTrue, yPred, 1);
  let s = 0;
  for (let k = 0; k < a.data.length; k++) s += Math.abs(a.data[k]! - b.data[k]!);
  return s / a.data.length;
}

/**
 * Coefficient of determination `R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²`, scikit-learn's `r2_score`
 * (several outputs: the plain mean of the per-output scores).
 *
 * Constant `yTrue` (zero denominator) follows scikit-learn's `force_finite=True`: R² = 1 when the
 * predictions are exact, else 0 (instead of NaN or −∞). R² can be negative for bad predictions.
 *
 * @throws DataFormatError on NaN/±Infinity or fewer than two samples.
 */
export function r2(yTrue: RegressionValues, yPred: RegressionValues): number {
  const [a, b] = pair('r2', yTrue, yPred, 2);
  const { rows: n, cols: p } = a;
  let total = 0;
  for (let j = 0; j < p; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += a.data[i * p + j]!;
    mean /= n;
    let ssRes = 0;
    let ssTot = 0;
    for (let i = 0; i < n; i++) {
      const y = a.data[i * p + j]!;
      const r = y - b.data[i * p + j]!;
      ssRes += r * r;
      ssTot += (y - mean) * (y - mean);
    }
    total += ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
  }
  return total / p;
}
