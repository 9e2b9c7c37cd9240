import { type Matrix, checkNumber } from '@ffnn/tensor';
import { LinearRegressor, type LinearRegressorJSON, centre } from './base.js';
import { defaultRcond, lstsq } from './linalg.js';
import { checkBoolean, checkDesign, checkTarget } from './validate.js';

/** Options of {@link LinearRegression}. */
export interface LinearRegressionOptions {
  /** Fit an intercept b (X and y are centred first, as scikit-learn does). Default true. */
  fitIntercept?: boolean;
  /**
   * Singular values `s ≤ rcond · s_max` of the (centred) X count as zero, so a rank-deficient X gets
   * the minimum-norm solution. Default `eps · max(n, p)`, NumPy's `lstsq` default.
   */
  rcond?: number;
}

/**
 * Ordinary least squares, scikit-learn's `LinearRegression`:
 *
 * minimize over w, b:  ‖y − X·w − b·1‖²
 *
 * solved as `w = X_c⁺·y_c` on centred data through a thin SVD (Householder QR, then one-sided Jacobi),
 * and `b = ȳ − x̄ᵀw`. When X is rank deficient the pseudo-inverse gives the minimum-norm w, like
 * `scipy.linalg.lstsq`, which scikit-learn calls.
 *
 * @example
 * ```ts
 * const model = new LinearRegression().fit(X, y);
 * model.coef; // p × 1
 * model.score(Xtest, ytest); // R²
 * ```
 */
export class LinearRegression extends LinearRegressor {
  protected readonly modelName = 'LinearRegression';
  /** See {@link LinearRegressionOptions.rcond}; `undefined` means the default. */
  rcond: number | undefined;
  /** Effective rank of the (centred) design found by the last fit. */
  rank = 0;

  constructor(options: LinearRegressionOptions = {}) {
    super(options.fitIntercept ?? true);
    this.rcond = options.rcond;
  }

  /** Fits w and b by least squares; `y` is n × 1. */
  fit(X: Matrix, y: Matrix): this {
    checkBoolean('LinearRegression: fitIntercept', this.fitIntercept);
    checkDesign('LinearRegression.fit', X);
    checkTarget('LinearRegression.fit', X, y);
    const rcond = this.rcond === undefined ? defaultRcond(X.rows, X.cols) : checkNumber('LinearRegression: rcond', this.rcond, (v) => v >= 0 && v < 1, 'a number in [0, 1)');
    const { Xc, yc, xMean, yMean } = centre(X, y.data, this.fitIntercept);
    const { x: w, rank } = lstsq(Xc, yc, rcond);
    let b = yMean;
    for (let j = 0; j < w.length; j++) b -= xMean[j]! * w[j]!;
    this.rank = rank;
    this.setFitted(w, b);
    return this;
  }

  /** The fitted model as plain JSON. */
  toJSON(): LinearRegressorJSON<'LinearRegression', LinearRegressionOptions> {
    return this.serialize({ fitIntercept: this.fitIntercept, ...(this.rcond === undefined ? {} : { rcond: this.rcond }) }) as LinearRegressorJSON<'LinearRegression', LinearRegressionOptions>;
  }

  /** Restores a model written by {@link LinearRegression.toJSON}. */
  static fromJSON(json: LinearRegressorJSON<'LinearRegression', LinearRegressionOptions>): LinearRegression {
    return new LinearRegression(json?.options ?? {}).restore(json);
  }
}
