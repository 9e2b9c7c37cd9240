import type { Optimizer } from '@ffnn/optim';
import { InvalidOptionError, Matrix, Rng, checkNumber, gatherRows, gemm } from '@ffnn/tensor';
import { LinearRegressor, type LinearRegressorJSON } from './base.js';
import { checkBoolean, checkDesign, checkNonNegative, checkPositiveInteger, checkTarget } from './validate.js';

/** Options of {@link LinearGD} and {@link fitLinearGD}. */
export interface LinearGDOptions {
  /** The optimizer that applies the updates, e.g. `createOptimizer('adam', { lr: 0.01 })`. Required. */
  optimizer: Optimizer;
  /** Ridge penalty λ ≥ 0 in `(1/n)‖y − Xw − b‖² + λ‖w‖²`; 0 gives OLS. Default 0. */
  lambda?: number;
  /** Passes over the data. Default 100. */
  epochs?: number;
  /** Rows per update; default (undefined) is the full batch. */
  batchSize?: number;
  /** Seed of the mini-batch shuffling. Default 0. */
  seed?: number;
  /** Fit an (unpenalized) intercept. Default true. */
  fitIntercept?: boolean;
}

/** Per-epoch record of a gradient-descent fit. */
export interface GDHistory {
  /** Objective `(1/n)‖y − Xw − b‖² + λ‖w‖²` on the whole training set after each epoch. */
  loss: number[];
}

/**
 * OLS or Ridge fitted by gradient descent through an `@ffnn/optim` optimizer ("Project 1"), so its
 * learning curve can be compared with a network's:
 *
 * minimize over w, b:  L(w, b) = (1/n)‖y − X·w − b·1‖² + λ‖w‖²
 *
 * Each step on a batch B uses `∇_w = (2/|B|)·X_Bᵀ(X_B·w + b − y_B) + 2λw` and `∇_b = (2/|B|)·Σ(X_B·w + b − y_B)`,
 * starting from w = 0, b = 0. The minimizer is that of {@link Ridge} with `α = n·λ` (scikit-learn's
 * `alpha`), since `n·L = ‖y − Xw − b‖² + nλ‖w‖²`.
 */
export class LinearGD extends LinearRegressor {
  protected readonly modelName = 'LinearGD';
  /** The options (validated at `fit`). */
  options: LinearGDOptions;
  /** Loss per epoch of the last fit. */
  history: GDHistory = { loss: [] };

  constructor(options: LinearGDOptions) {
    super(options?.fitIntercept ?? true);
    this.options = { ...options };
  }

  /** Runs `epochs` passes of the optimizer from w = 0, b = 0; `y` is n × 1. */
  fit(X: Matrix, y: Matrix): this {
    const o = this.options;
    const opt = o.optimizer;
    if (typeof opt?.step !== 'function') throw new InvalidOptionError('LinearGD: optimizer must be an Optimizer from @ffnn/optim (e.g. createOptimizer("adam"))');
    const lambda = checkNonNegative('LinearGD: lambda', o.lambda ?? 0);
    const epochs = checkPositiveInteger('LinearGD: epochs', o.epochs ?? 100);
    const fitIntercept = checkBoolean('LinearGD: fitIntercept', this.fitIntercept);
    const seed = checkNumber('LinearGD: seed', o.seed ?? 0, Number.isSafeInteger, 'a safe integer');
    checkDesign('LinearGD.fit', X);
    checkTarget('LinearGD.fit', X, y);
    const { rows: n, cols: p } = X;
    const batchSize = o.batchSize === undefined ? n : Math.min(n, checkPositiveInteger('LinearGD: batchSize', o.batchSize));
    const rng = new Rng(seed);

    const w = new Matrix(p, 1);
    const b = new Matrix(1, 1);
    const gw = new Matrix(p, 1);
    const gb = new Matrix(1, 1);
    const params = fitIntercept ? [w, b] : [w];
    const grads = fitIntercept ? [gw, gb] : [gw];
    const fullBatch = batchSize === n;
    const Xb = fullBatch ? X : new Matrix(batchSize, p);
    const yb = fullBatch ? y : new Matrix(batchSize, 1);
    const residual = new Matrix(batchSize, 1);
    const residualAll = new Matrix(n, 1);
    const loss: number[] = [];
    let order: Int32Array = new Int32Array(0);

    for (let epoch = 0; epoch < epochs; epoch++) {
      if (!fullBatch) order = rng.permutation(n);
      for (let start = 0; start < n; start += batchSize) {
        const m = Math.min(batchSize, n - start);
        let Xm = Xb, ym = yb, r = residual;
        if (!fullBatch) {
          if (m !== batchSize) {
            Xm = new Matrix(m, p);
            ym = new Matrix(m, 1);
            r = new Matrix(m, 1);
          }
          gatherRows(X, order, Xm, start);
          gatherRows(y, order, ym, start);
        }
        // r = X_B·w + b − y_B
        gemm(1, Xm, w, 0, r);
        for (let i = 0; i < m; i++) r.data[i] = r.data[i]! + b.data[0]! - ym.data[i]!;
        // ∇_w = (2/m)·X_Bᵀr + 2λw;  ∇_b = (2/m)·Σr
        gemm(2 / m, Xm, r, 0, gw, { transA: true });
        for (let j = 0; j < p; j++) gw.data[j] = gw.data[j]! + 2 * lambda * w.data[j]!;
        let s = 0;
        for (let i = 0; i < m; i++) s += r.data[i]!;
        gb.data[0] = (2 / m) * s;
        opt.step(params, grads);
      }
      gemm(1, X, w, 0, residualAll);
      let sse = 0, ww = 0;
      for (let i = 0; i < n; i++) sse += (residualAll.data[i]! + b.data[0]! - y.data[i]!) ** 2;
      for (let j = 0; j < p; j++) ww += w.data[j]! ** 2;
      loss.push(sse / n + lambda * ww);
    }
    this.history = { loss };
    this.setFitted(w.data, b.data[0]!);
    return this;
  }

  /** The fitted coefficients as JSON (the optimizer is not serialized; its options are omitted). */
  toJSON(): LinearRegressorJSON<'LinearGD', Omit<LinearGDOptions, 'optimizer'>> {
    const { optimizer: _optimizer, ...rest } = this.options;
    return this.serialize({ ...rest, fitIntercept: this.fitIntercept }) as LinearRegressorJSON<'LinearGD', Omit<LinearGDOptions, 'optimizer'>>;
  }

  /** Restores fitted coefficients written by {@link LinearGD.toJSON}; pass an optimizer to fit again. */
  static fromJSON(json: LinearRegressorJSON<'LinearGD', Omit<LinearGDOptions, 'optimizer'>>, optimizer?: Optimizer): LinearGD {
    return new LinearGD({ ...(json?.options ?? {}), optimizer: optimizer as Optimizer }).restore(json);
  }
}

/**
 * Fits OLS (λ = 0) or Ridge by gradient descent (see {@link LinearGD}) and returns the fitted model
 * and its per-epoch loss.
 *
 * @example
 * ```ts
 * const { model, history } = fitLinearGD(X, y, { optimizer: createOptimizer('adam', { lr: 0.01 }), lambda: 1e-3, epochs: 500 });
 * ```
 */
export function fitLinearGD(
  X: Matrix,
  y: Matrix,
  options: LinearGDOptions,
): {
  /** The fitted model. */
  model: LinearGD;
  /** Its loss per epoch. */
  history: GDHistory;
} {
  const model = new LinearGD(options).fit(X, y);
  return { model, history: model.history };
}
