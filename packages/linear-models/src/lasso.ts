import { InvalidOptionError, Matrix, Rng, checkChoice, checkNumber } from '@ffnn/tensor';
import { LinearRegressor, type LinearRegressorJSON, centre } from './base.js';
import { checkBoolean, checkDesign, checkNonNegative, checkPositiveInteger, checkTarget } from './validate.js';

/** How coordinate descent visits the coefficients each sweep. */
export type LassoSelection = 'cyclic' | 'random';

/** Options of {@link Lasso} and {@link lassoPath}. */
export interface LassoOptions {
  /** Penalty α ≥ 0 on ‖w‖₁ in `(1/2n)‖y − Xw − b‖² + α‖w‖₁`. Default 1. */
  alpha?: number;
  /** Fit an unpenalized intercept b (X and y are centred). Default true. */
  fitIntercept?: boolean;
  /** Maximum number of sweeps over the coefficients. Default 1000. */
  maxIter?: number;
  /** Stopping tolerance, scikit-learn's `tol` (see {@link coordinateDescent}). Default 1e-4. */
  tol?: number;
  /** Start from the previous fit's coefficients instead of zeros. Default false. */
  warmStart?: boolean;
  /** `'cyclic'` visits coefficients in order; `'random'` draws one at random each step. Default `'cyclic'`. */
  selection?: LassoSelection;
  /** Seed of the random selection. Default 0. */
  seed?: number;
}

/** Result of {@link coordinateDescent}. */
export interface CoordinateDescentResult {
  /** Duality gap at the last check (in the scale of `½‖r‖² + nα‖w‖₁`). */
  gap: number;
  /** The gap threshold used, `tol·‖y‖²`. */
  gapTol: number;
  /** Sweeps done. */
  nIter: number;
  /** Whether the gap fell below `gapTol` within `maxIter` sweeps. */
  converged: boolean;
}

/**
 * Coordinate descent for `min ½‖y − Xw‖² + l1·‖w‖₁` (the Lasso objective times n, with `l1 = n·α`),
 * a transcription of scikit-learn 1.2's `_cd_fast.enet_coordinate_descent` without the L2 term:
 * each sweep sets `w_j ← S(x_jᵀr_j, l1) / ‖x_j‖²` (S = soft threshold, r_j the residual without
 * feature j); when the largest update of a sweep is below `tol · max|w|` (or w = 0, or at the last
 * sweep), the duality gap is computed and the loop stops if it is below `tol·‖y‖²`.
 *
 * `Xcol` is n × p column-major (columns contiguous), `w` is updated in place.
 */
export function coordinateDescent(
  w: Float64Array,
  l1: number,
  Xcol: Float64Array,
  y: Float64Array,
  n: number,
  maxIter: number,
  tol: number,
  rng: Rng | null,
): CoordinateDescentResult {
  const p = w.length;
  const normColsX = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Xcol[j * n + i]! ** 2;
    normColsX[j] = s;
  }
  // r = y − Xw
  const R = Float64Array.from(y);
  for (let j = 0; j < p; j++) {
    const wj = w[j]!;
    if (wj !== 0) for (let i = 0; i < n; i++) R[i] = R[i]! - wj * Xcol[j * n + i]!;
  }
  let yNorm2 = 0;
  for (let i = 0; i < n; i++) yNorm2 += y[i]! * y[i]!;
  const dwTol = tol;
  const gapTol = tol * yNorm2;
  let gap = tol + 1;
  for (let nIter = 0; nIter < maxIter; nIter++) {
    let wMax = 0;
    let dwMax = 0;
    for (let f = 0; f < p; f++) {
      const j = rng ? rng.int(p) : f;
      if (normColsX[j] === 0) continue;
      const col = j * n;
      const wj = w[j]!;
      if (wj !== 0) for (let i = 0; i < n; i++) R[i] = R[i]! + wj * Xcol[col + i]!;
      let tmp = 0;
      for (let i = 0; i < n; i++) tmp += Xcol[col + i]! * R[i]!;
      const shrunk = Math.abs(tmp) - l1; // soft threshold; +0 (not −0) when the coefficient is cut
      const wNew = shrunk > 0 ? (Math.sign(tmp) * shrunk) / normColsX[j]! : 0;
      w[j] = wNew;
      if (wNew !== 0) for (let i = 0; i < n; i++) R[i] = R[i]! - wNew * Xcol[col + i]!;
      dwMax = Math.max(dwMax, Math.abs(wNew - wj));
      wMax = Math.max(wMax, Math.abs(wNew));
    }
    if (wMax === 0 || dwMax / wMax < dwTol || nIter === maxIter - 1) {
      // Duality gap (sklearn's formula): θ = r scaled into the dual feasible set ‖Xᵀθ‖∞ ≤ l1.
      let dualNormXtA = 0;
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += Xcol[j * n + i]! * R[i]!;
        dualNormXtA = Math.max(dualNormXtA, Math.abs(s));
      }
      let rNorm2 = 0, rDotY = 0, l1Norm = 0;
      for (let i = 0; i < n; i++) {
        rNorm2 += R[i]! * R[i]!;
        rDotY += R[i]! * y[i]!;
      }
      for (let j = 0; j < p; j++) l1Norm += Math.abs(w[j]!);
      let constant: number;
      if (dualNormXtA > l1) {
        constant = l1 / dualNormXtA;
        gap = 0.5 * (rNorm2 + rNorm2 * constant * constant);
      } else {
        constant = 1;
        gap = rNorm2;
      }
      gap += l1 * l1Norm - constant * rDotY;
      if (gap < gapTol) return { gap, gapTol, nIter: nIter + 1, converged: true };
    }
  }
  return { gap, gapTol, nIter: maxIter, converged: false };
}

interface Resolved {
  alpha: number;
  fitIntercept: boolean;
  maxIter: number;
  tol: number;
  warmStart: boolean;
  selection: LassoSelection;
  seed: number;
}

function resolve(where: string, o: LassoOptions): Resolved {
  return {
    alpha: checkNonNegative(`${where}: alpha`, o.alpha ?? 1),
    fitIntercept: checkBoolean(`${where}: fitIntercept`, o.fitIntercept ?? true),
    maxIter: checkPositiveInteger(`${where}: maxIter`, o.maxIter ?? 1000),
    tol: checkNonNegative(`${where}: tol`, o.tol ?? 1e-4),
    warmStart: checkBoolean(`${where}: warmStart`, o.warmStart ?? false),
    selection: checkChoice(`${where}: selection`, o.selection ?? 'cyclic', ['cyclic', 'random'] as const),
    seed: checkNumber(`${where}: seed`, o.seed ?? 0, Number.isSafeInteger, 'a safe integer'),
  };
}

/** Column-major copy of a row-major matrix. */
function columns(X: Matrix): Float64Array {
  const { rows: n, cols: p } = X;
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) out[j * n + i] = X.data[i * p + j]!;
  return out;
}

/**
 * The Lasso, scikit-learn's `Lasso(alpha)`:
 *
 * minimize over w, b:  (1/2n)‖y − X·w − b·1‖² + α‖w‖₁
 *
 * by cyclic (or random) coordinate descent on centred data, stopping on the duality gap exactly as
 * scikit-learn does (see {@link coordinateDescent}); `b = ȳ − x̄ᵀw` is not penalized. `nIter` and
 * `dualGap` report the last fit; `converged` is false when `maxIter` sweeps were not enough.
 *
 * Relation to the MSE form `(1/n)‖y − Xw − b‖² + λ₁‖w‖₁` of a network's L1 penalty: `α = λ₁/2`.
 */
export class Lasso extends LinearRegressor {
  protected readonly modelName = 'Lasso';
  /** The options (validated at `fit`). */
  options: LassoOptions;
  /** Sweeps used by the last fit. */
  nIter = 0;
  /** Duality gap of the last fit, in scikit-learn's scale (`½‖r‖² + nα‖w‖₁` problem). */
  dualGap = NaN;
  /** Whether the last fit reached the tolerance. */
  converged = false;

  constructor(options: LassoOptions = {}) {
    super(options.fitIntercept ?? true);
    this.options = { ...options };
  }

  /** Fits w and b; `y` is n × 1. */
  fit(X: Matrix, y: Matrix): this {
    const o = resolve('Lasso', { ...this.options, fitIntercept: this.fitIntercept });
    checkDesign('Lasso.fit', X);
    checkTarget('Lasso.fit', X, y);
    const { Xc, yc, xMean, yMean } = centre(X, y.data, o.fitIntercept);
    const w = o.warmStart && this.isFitted && this.coef.rows === X.cols ? Float64Array.from(this.coef.data) : new Float64Array(X.cols);
    const res = coordinateDescent(w, o.alpha * X.rows, columns(Xc), yc, X.rows, o.maxIter, o.tol, o.selection === 'random' ? new Rng(o.seed) : null);
    let b = yMean;
    for (let j = 0; j < w.length; j++) b -= xMean[j]! * w[j]!;
    this.nIter = res.nIter;
    this.dualGap = res.gap;
    this.converged = res.converged;
    this.setFitted(w, b);
    return this;
  }

  /** The fitted model as plain JSON. */
  toJSON(): LinearRegressorJSON<'Lasso', LassoOptions> {
    return this.serialize({ ...this.options, fitIntercept: this.fitIntercept }) as LinearRegressorJSON<'Lasso', LassoOptions>;
  }

  /** Restores a model written by {@link Lasso.toJSON}. */
  static fromJSON(json: LinearRegressorJSON<'Lasso', LassoOptions>): Lasso {
    return new Lasso(json?.options ?? {}).restore(json);
  }
}

/** Result of {@link lassoPath}: one column per α, largest α first. */
export interface LassoPath {
  /** The α values, sorted decreasing. */
  alphas: Float64Array;
  /** p × m matrix; column k holds w at `alphas[k]`. */
  coefs: Matrix;
  /** Intercept per α. */
  intercepts: Float64Array;
  /** Sweeps used per α. */
  nIters: Int32Array;
  /** Duality gap per α. */
  dualGaps: Float64Array;
  /** Whether each α converged. */
  converged: boolean[];
}

/**
 * Lasso along a path of α values (sorted decreasing, like scikit-learn's `lasso_path`), each fit
 * warm-started from the previous solution, which is much faster than independent fits for small α.
 * Same objective and stopping rule as {@link Lasso}; `opts.alpha` and `opts.warmStart` are ignored.
 */
export function lassoPath(X: Matrix, y: Matrix, alphas: ArrayLike<number>, opts: LassoOptions = {}): LassoPath {
  const o = resolve('lassoPath', opts);
  checkDesign('lassoPath', X);
  checkTarget('lassoPath', X, y);
  if (alphas.length === 0) throw new InvalidOptionError('lassoPath: alphas is empty; give at least one α ≥ 0');
  const sorted = Float64Array.from(alphas, (a, k) => checkNonNegative(`lassoPath: alphas[${k}]`, a)).sort().reverse();
  const { rows: n, cols: p } = X;
  const { Xc, yc, xMean, yMean } = centre(X, y.data, o.fitIntercept);
  const Xcol = columns(Xc);
  const rng = o.selection === 'random' ? new Rng(o.seed) : null;
  const m = sorted.length;
  const coefs = new Matrix(p, m);
  const intercepts = new Float64Array(m);
  const nIters = new Int32Array(m);
  const dualGaps = new Float64Array(m);
  const converged: boolean[] = [];
  const w = new Float64Array(p);
  for (let k = 0; k < m; k++) {
    const res = coordinateDescent(w, sorted[k]! * n, Xcol, yc, n, o.maxIter, o.tol, rng);
    let b = yMean;
    for (let j = 0; j < p; j++) {
      coefs.data[j * m + k] = w[j]!;
      b -= xMean[j]! * w[j]!;
    }
    intercepts[k] = b;
    nIters[k] = res.nIter;
    dualGaps[k] = res.gap;
    converged.push(res.converged);
  }
  return { alphas: sorted, coefs, intercepts, nIters, dualGaps, converged };
}
