import type { Matrix } from '@ffnn/tensor';
import { LinearRegressor, type LinearRegressorJSON, centre } from './base.js';
import { solveSvd, svd } from './linalg.js';
import { checkBoolean, checkDesign, checkNonNegative, checkTarget } from './validate.js';

/** Options of {@link Ridge}. */
export interface RidgeOptions {
  /** Penalty α ≥ 0 on ‖w‖² (not divided by n, exactly scikit-learn's `Ridge(alpha)`). Default 1. */
  alpha?: number;
  /** Fit an unpenalized intercept b. Default true. */
  fitIntercept?: boolean;
}

/**
 * Ridge regression, scikit-learn's `Ridge(alpha)`:
 *
 * minimize over w, b:  ‖y − X·w − b·1‖² + α‖w‖²
 *
 * The intercept is not penalized: X and y are centred, `w = V·diag(s/(s² + α))·Uᵀ·y_c` from the thin
 * SVD of the centred X (exact for any α ≥ 0; α = 0 gives the minimum-norm least-squares solution),
 * and `b = ȳ − x̄ᵀw`.
 *
 * Relation to the mean-squared-error form `(1/n)‖y − Xw − b‖² + λ‖w‖²` used by {@link fitLinearGD}
 * and by a network with an L2 penalty: `α = n·λ`.
 */
export class Ridge extends LinearRegressor {
  protected readonly modelName = 'Ridge';
  /** The penalty α. */
  alpha: number;

  constructor(options: RidgeOptions = {}) {
    super(options.fitIntercept ?? true);
    this.alpha = options.alpha ?? 1;
  }

  /** Fits w and b in closed form; `y` is n × 1. */
  fit(X: Matrix, y: Matrix): this {
    const alpha = checkNonNegative('Ridge: alpha', this.alpha);
    checkBoolean('Ridge: fitIntercept', this.fitIntercept);
    checkDesign('Ridge.fit', X);
    checkTarget('Ridge.fit', X, y);
    const { Xc, yc, xMean, yMean } = centre(X, y.data, this.fitIntercept);
    const f = svd(Xc);
    const cutoff = alpha === 0 ? Number.EPSILON * Math.max(X.rows, X.cols) * (f.s[0] ?? 0) : 0;
    const { x: w } = solveSvd(f, yc, (s) => (s > cutoff ? s / (s * s + alpha) : 0));
    let b = yMean;
    for (let j = 0; j < w.length; j++) b -= xMean[j]! * w[j]!;
    this.setFitted(w, b);
    return this;
  }

  /** The fitted model as plain JSON. */
  toJSON(): LinearRegressorJSON<'Ridge', Required<RidgeOptions>> {
    return this.serialize({ alpha: this.alpha, fitIntercept: this.fitIntercept }) as LinearRegressorJSON<'Ridge', Required<RidgeOptions>>;
  }

  /** Restores a model written by {@link Ridge.toJSON}. */
  static fromJSON(json: LinearRegressorJSON<'Ridge', RidgeOptions>): Ridge {
    return new Ridge(json?.options ?? {}).restore(json);
  }
}
