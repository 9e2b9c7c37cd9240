import { r2 } from '@ffnn/datasets';
import { DataFormatError, Matrix, StateError } from '@ffnn/tensor';
import { checkColumns, checkDesign, checkTarget } from './validate.js';

/** The JSON form of a fitted linear regressor (see each model's `toJSON`). */
export interface LinearRegressorJSON<Name extends string = string, Options = unknown> {
  /** Which estimator wrote this, e.g. `"Ridge"`. */
  model: Name;
  /** Format version. */
  version: 1;
  /** The constructor options. */
  options: Options;
  /** The p fitted coefficients. */
  coef: number[];
  /** The fitted intercept (0 when `fitIntercept` is false). */
  intercept: number;
}

/** Centred copies of X and y, as scikit-learn's `_preprocess_data` makes them for the intercept. */
export interface Centred {
  /** `X − 1·x̄ᵀ` (a copy; X itself when not fitting an intercept). */
  Xc: Matrix;
  /** `y − ȳ` (a copy). */
  yc: Float64Array;
  /** Column means x̄ (zeros when not fitting an intercept). */
  xMean: Float64Array;
  /** ȳ (0 when not fitting an intercept). */
  yMean: number;
}

/** Centres X and y when `fitIntercept`; the intercept is then `ȳ − x̄ᵀw` and is never penalized. */
export function centre(X: Matrix, y: ArrayLike<number>, fitIntercept: boolean): Centred {
  const { rows: n, cols: p } = X;
  const xMean = new Float64Array(p);
  let yMean = 0;
  const yc = Float64Array.from(y);
  if (!fitIntercept) return { Xc: X, yc, xMean, yMean };
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) xMean[j] = xMean[j]! + X.data[i * p + j]!;
  for (let j = 0; j < p; j++) xMean[j] = xMean[j]! / n;
  for (let i = 0; i < n; i++) yMean += yc[i]!;
  yMean /= n;
  const Xc = new Matrix(n, p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) Xc.data[i * p + j] = X.data[i * p + j]! - xMean[j]!;
  for (let i = 0; i < n; i++) yc[i] = yc[i]! - yMean;
  return { Xc, yc, xMean, yMean };
}

/**
 * The shared shape of the regressors (`LinearRegression`, `Ridge`, `Lasso`, `LinearGD`):
 * `fit(X, y)` returns `this`; `predict(X) = X·coef + intercept`; `score` is R².
 */
export abstract class LinearRegressor {
  /** Whether an (unpenalized) intercept is fitted; if false the model is `ŷ = X·w`. */
  fitIntercept: boolean;
  /** Name used in messages and in JSON. */
  protected abstract readonly modelName: string;
  private fittedCoef: Matrix | undefined;
  private fittedIntercept = 0;

  protected constructor(fitIntercept: boolean) {
    this.fitIntercept = fitIntercept;
  }

  /** Fits the model to `X` (n × p) and `y` (n × 1); returns `this`. */
  abstract fit(X: Matrix, y: Matrix): this;

  /** Whether `fit` (or `fromJSON`) has run. */
  get isFitted(): boolean {
    return this.fittedCoef !== undefined;
  }

  /** The fitted coefficients w, a p × 1 matrix. */
  get coef(): Matrix {
    return this.requireFitted('coef');
  }

  /** The fitted intercept b (0 when `fitIntercept` is false). */
  get intercept(): number {
    this.requireFitted('intercept');
    return this.fittedIntercept;
  }

  /** `ŷ = X·w + b`, an n × 1 matrix. */
  predict(X: Matrix): Matrix {
    const w = this.requireFitted('predict');
    checkDesign(`${this.modelName}.predict`, X);
    checkColumns(`${this.modelName}.predict`, X, w.rows);
    const { rows: n, cols: p } = X;
    const out = new Matrix(n, 1);
    for (let i = 0; i < n; i++) {
      let s = this.fittedIntercept;
      for (let j = 0; j < p; j++) s += X.data[i * p + j]! * w.data[j]!;
      out.data[i] = s;
    }
    return out;
  }

  /** R² of `predict(X)` against `y` (`r2` of `@ffnn/datasets`, scikit-learn's `r2_score`). */
  score(X: Matrix, y: Matrix): number {
    const yHat = this.predict(X);
    checkTarget(`${this.modelName}.score`, X, y);
    return r2(y.data, yHat.data);
  }

  /** Stores fitted parameters (used by `fit` and `fromJSON`). */
  protected setFitted(coef: ArrayLike<number>, intercept: number): void {
    this.fittedCoef = Matrix.column(coef);
    this.fittedIntercept = intercept;
  }

  /** The JSON of the fitted parameters with `options`. */
  protected serialize<O>(options: O): LinearRegressorJSON<string, O> {
    const w = this.requireFitted('toJSON');
    return { model: this.modelName, version: 1, options, coef: Array.from(w.data), intercept: this.fittedIntercept };
  }

  /** Restores parameters from JSON written by `serialize` of the same model. */
  protected restore(json: LinearRegressorJSON): this {
    if (json?.model !== this.modelName || json.version !== 1) {
      throw new DataFormatError(`${this.modelName}.fromJSON: expected model "${this.modelName}" version 1, got ${String(json?.model)} version ${String(json?.version)}`);
    }
    if (!Array.isArray(json.coef) || !json.coef.every(Number.isFinite) || !Number.isFinite(json.intercept)) {
      throw new DataFormatError(`${this.modelName}.fromJSON: coef must be an array of finite numbers and intercept a finite number`);
    }
    this.setFitted(json.coef, json.intercept);
    return this;
  }

  private requireFitted(what: string): Matrix {
    if (this.fittedCoef === undefined) throw new StateError(`${this.modelName}.${what}: the model is not fitted; call fit(X, y) first`);
    return this.fittedCoef;
  }
}
