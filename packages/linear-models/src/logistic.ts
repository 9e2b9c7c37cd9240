import { type CsrMatrix, DataFormatError, checkChoice, Matrix, ShapeError, StateError, gemm, gemmCsr, toCsr } from '@ffnn/tensor';
import { lbfgs } from './lbfgs.js';
import { checkBoolean, checkColumns, checkDesign, checkPositive, checkPositiveInteger, checkNonNegative } from './validate.js';

/** Class labels: integers, one per row of X, as an array or an n × 1 matrix. */
export type ClassLabels = Int32Array | readonly number[] | Matrix;

/** Options of {@link LogisticRegression}. */
export interface LogisticRegressionOptions {
  /** Inverse penalty strength C > 0, scikit-learn's `C`. Default 1. */
  C?: number;
  /** Maximum L-BFGS iterations. Default 1000. */
  maxIter?: number;
  /** Stop when ‖∇objective‖∞ ≤ tol (scikit-learn's `tol` for lbfgs). Default 1e-4. */
  tol?: number;
  /** Fit an unpenalized intercept per class. Default true. */
  fitIntercept?: boolean;
  /** L-BFGS memory (correction pairs). Default 10. */
  memory?: number;
  /**
   * How the objective's products treat X (the same bits either way, so not part of the fitted
   * model): 'always' on its CSR forms, made once per fit (faster when X is mostly zeros, such as
   * MNIST pixels; memory for X's nonzero entries twice), 'never' on X as it is, 'auto' (default)
   * on the CSR forms when at most 40 % of X is nonzero.
   */
  sparseDesign?: 'auto' | 'always' | 'never';
}

/** JSON form of a fitted {@link LogisticRegression}. */
export interface LogisticRegressionJSON {
  /** Which model this is. */
  model: 'LogisticRegression';
  /** Version of this layout. */
  version: 1;
  /** The options the model was fitted with, defaults filled in (all but `sparseDesign`, which does not change the fit). */
  options: Required<Omit<LogisticRegressionOptions, 'sparseDesign'>>;
  /** Sorted class labels. */
  classes: number[];
  /** K rows of p weights (class-major, like scikit-learn's `coef_`). */
  weights: number[][];
  /** K intercepts. */
  intercept: number[];
}

/** The two products of the objective: logits Z = X·Wᵀ (n × K) and the weight gradient Dᵀ·X (K × p). */
export interface LogisticProducts {
  /** Whether they run on X's CSR forms. */
  readonly sparse: boolean;
  logits(W: Matrix, Z: Matrix): void;
  gradient(D: Matrix, gW: Matrix): void;
}

/** At most this fraction of X nonzero: the products run on X's CSR forms (MNIST pixels: 19 %). */
export const SPARSE_DESIGN_FRACTION = 0.4;

/**
 * The objective's products on X. With `form` 'auto', on X's CSR forms (made once: X and Xᵀ) when
 * at most {@link SPARSE_DESIGN_FRACTION} of X is nonzero, else by `gemm` on X itself. Either way the
 * same bits: a CSR product is `gemm`'s sum over the same terms in the same order, less terms that
 * are zero (for finite W and D), and the gradient is Xᵀ·D transposed, whose every sum has the
 * terms of Dᵀ·X in the same order.
 */
export function logisticProducts(X: Matrix, form: 'auto' | 'always' | 'never' = 'auto'): LogisticProducts {
  let sparse = form === 'always';
  if (form === 'auto') {
    let nonzero = 0;
    for (let t = 0; t < X.size; t++) if (X.data[t] !== 0) nonzero++;
    sparse = nonzero <= SPARSE_DESIGN_FRACTION * X.size;
  }
  if (!sparse) {
    return {
      sparse,
      logits: (W, Z) => void gemm(1, X, W, 0, Z, { transB: true }),
      gradient: (D, gW) => void gemm(1, D, X, 0, gW, { transA: true }),
    };
  }
  const S: CsrMatrix = toCsr(X);
  const St: CsrMatrix = toCsr(X, { transpose: true });
  let gWt: Matrix | undefined;
  return {
    sparse,
    logits: (W, Z) => void gemmCsr(1, S, W, 0, Z, { transB: true }),
    gradient: (D, gW) => {
      const K = gW.rows, p = gW.cols;
      gWt ??= new Matrix(p, K);
      gemmCsr(1, St, D, 0, gWt);
      for (let c = 0; c < p; c++) for (let k = 0; k < K; k++) gW.data[k * p + c] = gWt.data[c * K + k]!;
    },
  };
}

/** Validates labels and maps them to class indices 0..K−1 (classes sorted ascending). */
function encodeLabels(where: string, y: ClassLabels, n: number): { classes: Int32Array; index: Int32Array } {
  let values: ArrayLike<number>;
  if (y instanceof Matrix) {
    if (y.cols !== 1) throw new ShapeError(`${where}: y is ${y.shapeString()}, expected ${n}×1 labels`);
    values = y.data;
  } else if (y instanceof Int32Array || Array.isArray(y)) {
    values = y;
  } else {
    throw new ShapeError(`${where}: y must be an Int32Array, a number[] or an n×1 Matrix of class labels`);
  }
  if (values.length !== n) throw new ShapeError(`${where}: y has ${values.length} labels, expected ${n} (one per row of X)`);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || Math.abs(v) > 2147483647) throw new DataFormatError(`${where}: y[${i}] is ${String(v)}; labels must be 32-bit integers`);
  }
  const classes = Int32Array.from(new Set(Array.from(values))).sort();
  const lookup = new Map<number, number>();
  classes.forEach((c, k) => lookup.set(c, k));
  const index = Int32Array.from(values, (v) => lookup.get(v)!);
  return { classes, index };
}

/**
 * Multinomial logistic regression (softmax) with an L2 penalty, scikit-learn's
 * `LogisticRegression(multi_class='multinomial', solver='lbfgs', C)`:
 *
 * minimize over W (K × p), b (K): $C \sum_i \mathrm{CE}_i + \tfrac12 \lVert W \rVert_F^2$, with
 *
 * $$
 * \mathrm{CE}_i = -\log \operatorname{softmax}(W x_i + b)_{y_i} = \operatorname{logsumexp}(z_i) - z_{i, y_i}
 * $$
 *
 * The intercept is not penalized. Solved by {@link lbfgs} to `‖∇‖∞ ≤ tol`. Dividing by C·n gives the
 * mean-cross-entropy form `(1/n)Σ CE_i + λ‖W‖²` of a softmax network with L2 penalty: `λ = 1/(2Cn)`,
 * i.e. `C = 1/(2nλ)`.
 *
 * The products X·Wᵀ and (P − Y)ᵀ·X go through `gemm` of @ffnn/tensor on X itself, or, when X is
 * mostly zeros (e.g. MNIST pixels), through `gemmCsr` on its CSR forms, made once per fit (memory
 * for X's nonzero entries twice; see `sparseDesign`): the same bits either way.
 *
 * @example
 * ```ts
 * const clf = new LogisticRegression({ C: 1 }).fit(X, labels);
 * clf.predictProba(Xtest); // n × K
 * clf.score(Xtest, testLabels); // accuracy
 * ```
 */
export class LogisticRegression {
  /** Inverse penalty strength. */
  C: number;
  /** Maximum L-BFGS iterations. */
  maxIter: number;
  /** Gradient tolerance. */
  tol: number;
  /** Whether intercepts are fitted. */
  fitIntercept: boolean;
  /** L-BFGS memory. */
  memory: number;
  /** Whether the objective's products run on X's CSR forms (see {@link LogisticRegressionOptions.sparseDesign}). */
  sparseDesign: 'auto' | 'always' | 'never';
  /** Iterations of the last fit. */
  nIter = 0;
  /** Whether the last fit reached `tol`. */
  converged = false;
  /** Objective value at the solution. */
  objective = NaN;
  private fittedClasses: Int32Array | undefined;
  /** K × p, row k = weights of class k. */
  private W: Matrix | undefined;
  private b: Float64Array | undefined;

  constructor(options: LogisticRegressionOptions = {}) {
    this.C = options.C ?? 1;
    this.maxIter = options.maxIter ?? 1000;
    this.tol = options.tol ?? 1e-4;
    this.fitIntercept = options.fitIntercept ?? true;
    this.memory = options.memory ?? 10;
    this.sparseDesign = options.sparseDesign ?? 'auto';
  }

  /** Sorted class labels seen at fit. */
  get classes(): Int32Array {
    return this.state('classes').classes;
  }

  /** Coefficients, p × K (column k belongs to `classes[k]`). */
  get coef(): Matrix {
    const { W } = this.state('coef');
    const out = new Matrix(W.cols, W.rows);
    for (let k = 0; k < W.rows; k++) for (let j = 0; j < W.cols; j++) out.data[j * W.rows + k] = W.data[k * W.cols + j]!;
    return out;
  }

  /** Intercepts, 1 × K. */
  get intercept(): Matrix {
    return Matrix.fromArray(1, this.state('intercept').b.length, this.state('intercept').b);
  }

  /** Fits W and b by L-BFGS; `y` holds integer class labels (at least two distinct). */
  fit(X: Matrix, y: ClassLabels): this {
    const C = checkPositive('LogisticRegression: C', this.C);
    const maxIter = checkPositiveInteger('LogisticRegression: maxIter', this.maxIter);
    const tol = checkNonNegative('LogisticRegression: tol', this.tol);
    const fitIntercept = checkBoolean('LogisticRegression: fitIntercept', this.fitIntercept);
    const memory = checkPositiveInteger('LogisticRegression: memory', this.memory);
    const sparseDesign = checkChoice('LogisticRegression: sparseDesign', this.sparseDesign, ['auto', 'always', 'never'] as const);
    checkDesign('LogisticRegression.fit', X);
    const { classes, index } = encodeLabels('LogisticRegression.fit', y, X.rows);
    const K = classes.length;
    if (K < 2) throw new DataFormatError(`LogisticRegression.fit: y has a single class (${classes[0]}); at least 2 are needed`);
    const { rows: n, cols: p } = X;
    const Z = new Matrix(n, K);
    const products = logisticProducts(X, sparseDesign);
    const objective = (theta: Float64Array, grad: Float64Array): number => {
      const W = new Matrix(K, p, theta.subarray(0, K * p));
      const gW = new Matrix(K, p, grad.subarray(0, K * p));
      products.logits(W, Z);
      let loss = 0;
      for (let i = 0; i < n; i++) {
        const r = i * K;
        // log-sum-exp with the row maximum subtracted, so exp never overflows.
        let m = -Infinity;
        for (let k = 0; k < K; k++) {
          const z = Z.data[r + k]! + (fitIntercept ? theta[K * p + k]! : 0);
          Z.data[r + k] = z;
          if (z > m) m = z;
        }
        let s = 0;
        for (let k = 0; k < K; k++) s += Math.exp(Z.data[r + k]! - m);
        const lse = m + Math.log(s);
        loss += lse - Z.data[r + index[i]!]!;
        // Z becomes D = C·(P − Y), the gradient of C·Σ CE with respect to the logits.
        for (let k = 0; k < K; k++) Z.data[r + k] = C * Math.exp(Z.data[r + k]! - lse);
        Z.data[r + index[i]!] = Z.data[r + index[i]!]! - C;
      }
      products.gradient(Z, gW);
      let penalty = 0;
      for (let t = 0; t < K * p; t++) {
        penalty += theta[t]! * theta[t]!;
        grad[t] = grad[t]! + theta[t]!;
      }
      for (let k = 0; k < K; k++) grad[K * p + k] = 0;
      if (fitIntercept) for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) grad[K * p + k] = grad[K * p + k]! + Z.data[i * K + k]!;
      return C * loss + 0.5 * penalty;
    };
    const res = lbfgs(objective, new Float64Array(K * p + K), { gtol: tol, maxIter, memory });
    this.fittedClasses = classes;
    this.W = Matrix.fromArray(K, p, res.x.subarray(0, K * p));
    this.b = Float64Array.from(res.x.subarray(K * p));
    this.nIter = res.nIter;
    this.converged = res.converged;
    this.objective = res.f;
    return this;
  }

  /** Logits `X·W + b`, n × K. */
  decisionFunction(X: Matrix): Matrix {
    const { W, b } = this.state('decisionFunction');
    checkDesign('LogisticRegression.decisionFunction', X);
    checkColumns('LogisticRegression.decisionFunction', X, W.cols);
    const K = W.rows;
    const Z = new Matrix(X.rows, K);
    gemm(1, X, W, 0, Z, { transB: true });
    for (let i = 0; i < X.rows; i++) for (let k = 0; k < K; k++) Z.data[i * K + k] = Z.data[i * K + k]! + b[k]!;
    return Z;
  }

  /** Class probabilities softmax(X·W + b), n × K (columns in the order of `classes`). */
  predictProba(X: Matrix): Matrix {
    const Z = this.decisionFunction(X);
    const K = Z.cols;
    for (let i = 0; i < Z.rows; i++) {
      const r = i * K;
      let m = -Infinity;
      for (let k = 0; k < K; k++) m = Math.max(m, Z.data[r + k]!);
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(Z.data[r + k]! - m);
      const lse = m + Math.log(s);
      for (let k = 0; k < K; k++) Z.data[r + k] = Math.exp(Z.data[r + k]! - lse);
    }
    return Z;
  }

  /** The most probable class label of each row, as an Int32Array. */
  predictLabels(X: Matrix): Int32Array {
    const Z = this.decisionFunction(X);
    const classes = this.classes;
    const K = Z.cols;
    const out = new Int32Array(Z.rows);
    for (let i = 0; i < Z.rows; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (Z.data[i * K + k]! > Z.data[i * K + best]!) best = k;
      out[i] = classes[best]!;
    }
    return out;
  }

  /** The most probable class label of each row, as an n × 1 matrix (the estimator shape). */
  predict(X: Matrix): Matrix {
    return Matrix.column(this.predictLabels(X));
  }

  /** Accuracy: the fraction of rows whose predicted label equals `y`. */
  score(X: Matrix, y: ClassLabels): number {
    const pred = this.predictLabels(X);
    const values = y instanceof Matrix ? y.data : y;
    if (values.length !== X.rows) throw new ShapeError(`LogisticRegression.score: y has ${values.length} labels, expected ${X.rows} (one per row of X)`);
    let correct = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === values[i]) correct++;
    return correct / pred.length;
  }

  /** The fitted model as plain JSON. */
  toJSON(): LogisticRegressionJSON {
    const { W, b, classes } = this.state('toJSON');
    return {
      model: 'LogisticRegression',
      version: 1,
      options: { C: this.C, maxIter: this.maxIter, tol: this.tol, fitIntercept: this.fitIntercept, memory: this.memory },
      classes: Array.from(classes),
      weights: W.toArray(),
      intercept: Array.from(b),
    };
  }

  /** Restores a model written by {@link LogisticRegression.toJSON}. */
  static fromJSON(json: LogisticRegressionJSON): LogisticRegression {
    if (json?.model !== 'LogisticRegression' || json.version !== 1) {
      throw new DataFormatError(`LogisticRegression.fromJSON: expected model "LogisticRegression" version 1, got ${String(json?.model)}`);
    }
    const m = new LogisticRegression(json.options);
    const K = json.classes.length;
    if (json.weights.length !== K || json.intercept.length !== K) {
      throw new DataFormatError(`LogisticRegression.fromJSON: ${K} classes need ${K} weight rows and ${K} intercepts`);
    }
    const W = Matrix.from(json.weights);
    if (!W.data.every(Number.isFinite) || !json.intercept.every(Number.isFinite)) {
      throw new DataFormatError('LogisticRegression.fromJSON: weights and intercepts must be finite numbers');
    }
    m.W = W;
    m.b = Float64Array.from(json.intercept);
    m.fittedClasses = Int32Array.from(json.classes);
    return m;
  }

  private state(what: string): { W: Matrix; b: Float64Array; classes: Int32Array } {
    if (!this.W || !this.b || !this.fittedClasses) {
      throw new StateError(`LogisticRegression.${what}: the model is not fitted; call fit(X, y) first`);
    }
    return { W: this.W, b: this.b, classes: this.fittedClasses };
  }
}
