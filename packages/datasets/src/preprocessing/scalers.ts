import { DataFormatError, Matrix, ShapeError, StateError, assertFinite, checkNumber } from '@ffnn/tensor';

const EPS = 2.220446049250313e-16; // float64 machine epsilon

/** Options of {@link StandardScaler}. */
export interface StandardScalerOptions {
  /** Subtract the column means. Default true. */
  withMean?: boolean;
  /** Divide by the column standard deviations. Default true. */
  withStd?: boolean;
}

/** Saved state of a fitted {@link StandardScaler}. */
export interface StandardScalerJSON {
  /** Which scaler this is. */
  kind: 'StandardScaler';
  /** Whether the mean is subtracted. */
  withMean: boolean;
  /** Whether columns are divided by their scale. */
  withStd: boolean;
  /** Column means of the fitted data. */
  mean: number[];
  /** Column population variances (ddof = 0) of the fitted data. */
  variance: number[];
  /** Divisors `transform` uses: √variance, 1 for constant columns. */
  scale: number[];
  /** Rows of the fitted data. */
  nSamples: number;
}

/**
 * Standardizes columns: `z = (x − mean) / scale`, as scikit-learn's `StandardScaler`.
 *
 * `variance` is the population variance (ddof = 0) and `scale = √variance`; a column that is
 * constant (variance within rounding of 0, scikit-learn's test
 * `var ≤ n·ε·var + (n·mean·ε)²`) gets scale 1, so it maps to 0 instead of dividing by zero.
 *
 * Fit on the training part only and reuse the fitted scaler on validation/test data; that is the
 * caller's job (fitting on all data leaks test statistics into training).
 *
 * @example
 * ```ts
 * const scaler = new StandardScaler().fit(Xtrain);
 * const Ztrain = scaler.transform(Xtrain);
 * const Ztest = scaler.transform(Xtest);
 * ```
 */
export class StandardScaler {
  /** Whether `transform` subtracts the mean. */
  readonly withMean: boolean;
  /** Whether `transform` divides by the standard deviation. */
  readonly withStd: boolean;
  private state?: { mean: Float64Array; variance: Float64Array; scale: Float64Array; nSamples: number };

  constructor(options: StandardScalerOptions = {}) {
    this.withMean = options.withMean ?? true;
    this.withStd = options.withStd ?? true;
  }

  /** Column means of the fitted data (computed even when `withMean` is false, as scikit-learn). */
  get mean(): Float64Array {
    return this.fitted('mean').mean;
  }
  /** Population variances (ddof = 0) of the fitted data. */
  get variance(): Float64Array {
    return this.fitted('variance').variance;
  }
  /** Divisors used by `transform`: √variance, 1 for constant columns (all 1 when `withStd` is false). */
  get scale(): Float64Array {
    return this.fitted('scale').scale;
  }
  /** Number of rows seen by `fit`. */
  get nSamples(): number {
    return this.fitted('nSamples').nSamples;
  }
  /** Whether `fit` (or `fromJSON`) has run. */
  get isFitted(): boolean {
    return this.state !== undefined;
  }

  /** Learns column means and standard deviations of `X` (two passes, in float64). */
  fit(X: Matrix): this {
    assertFinite('StandardScaler.fit', X);
    if (X.rows === 0) throw new DataFormatError('StandardScaler.fit: X has no rows');
    const { rows: n, cols: p } = X;
    const mean = new Float64Array(p);
    const variance = new Float64Array(p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j]! += X.data[i * p + j]!;
    for (let j = 0; j < p; j++) mean[j]! /= n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) {
        const d = X.data[i * p + j]! - mean[j]!;
        variance[j]! += d * d;
      }
    }
    const scale = new Float64Array(p).fill(1);
    for (let j = 0; j < p; j++) {
      variance[j]! /= n;
      const v = variance[j]!;
      const constant = v <= n * EPS * v + (n * mean[j]! * EPS) ** 2;
      if (this.withStd && !constant) scale[j] = Math.sqrt(v);
    }
    this.state = { mean, variance, scale, nSamples: n };
    return this;
  }

  /** `out = (X − mean) / scale`; `out` (default: a new matrix) may be `X` itself. */
  transform(X: Matrix, out?: Matrix): Matrix {
    const { scale } = this.fitted('transform');
    const mean = this.offset();
    const target = checkOut('StandardScaler.transform', X, mean.length, out);
    const p = mean.length;
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < p; j++) target.data[i * p + j] = (X.data[i * p + j]! - mean[j]!) / scale[j]!;
    }
    return target;
  }

  /** `fit(X)` then `transform(X, out)`. */
  fitTransform(X: Matrix, out?: Matrix): Matrix {
    return this.fit(X).transform(X, out);
  }

  /** `out = Z · scale + mean`, undoing {@link StandardScaler.transform}. */
  inverseTransform(Z: Matrix, out?: Matrix): Matrix {
    const { scale } = this.fitted('inverseTransform');
    const mean = this.offset();
    const target = checkOut('StandardScaler.inverseTransform', Z, mean.length, out);
    const p = mean.length;
    for (let i = 0; i < Z.rows; i++) {
      for (let j = 0; j < p; j++) target.data[i * p + j] = Z.data[i * p + j]! * scale[j]! + mean[j]!;
    }
    return target;
  }

  /** Plain-object state, for saving with a model. */
  toJSON(): StandardScalerJSON {
    const s = this.fitted('toJSON');
    return {
      kind: 'StandardScaler',
      withMean: this.withMean,
      withStd: this.withStd,
      mean: Array.from(s.mean),
      variance: Array.from(s.variance),
      scale: Array.from(s.scale),
      nSamples: s.nSamples,
    };
  }

  /** Restores a scaler saved by {@link StandardScaler.toJSON} (validated). */
  static fromJSON(json: StandardScalerJSON): StandardScaler {
    if (json === null || typeof json !== 'object' || json.kind !== 'StandardScaler') {
      throw new DataFormatError('StandardScaler.fromJSON: not a saved StandardScaler (kind must be "StandardScaler")');
    }
    const scaler = new StandardScaler({ withMean: json.withMean === true, withStd: json.withStd === true });
    const p = Array.isArray(json.mean) ? json.mean.length : -1;
    scaler.state = {
      mean: finiteArray('StandardScaler.fromJSON: mean', json.mean, p),
      variance: finiteArray('StandardScaler.fromJSON: variance', json.variance, p),
      scale: finiteArray('StandardScaler.fromJSON: scale', json.scale, p, true),
      nSamples: checkCount('StandardScaler.fromJSON: nSamples', json.nSamples),
    };
    return scaler;
  }

  /** What `transform` subtracts: the means, or zeros when `withMean` is false. */
  private offset(): Float64Array {
    const { mean } = this.fitted('transform');
    return this.withMean ? mean : new Float64Array(mean.length);
  }

  private fitted(what: string): NonNullable<StandardScaler['state']> {
    if (this.state === undefined) throw new StateError(`StandardScaler.${what}: call fit first`);
    return this.state;
  }
}

/** Options of {@link MinMaxScaler}. */
export interface MinMaxScalerOptions {
  /** Target range `[low, high]`, low < high. Default `[0, 1]`. */
  featureRange?: readonly [number, number];
}

/** Saved state of a fitted {@link MinMaxScaler}. */
export interface MinMaxScalerJSON {
  /** Which scaler this is. */
  kind: 'MinMaxScaler';
  /** The interval [low, high] columns are mapped onto. */
  featureRange: [number, number];
  /** Column minima of the fitted data. */
  dataMin: number[];
  /** Column maxima of the fitted data. */
  dataMax: number[];
  /** Per-column factor of `z = x · scale + min`. */
  scale: number[];
  /** Per-column offset of `z = x · scale + min`. */
  min: number[];
  /** Rows of the fitted data. */
  nSamples: number;
}

/**
 * Maps each column linearly onto `featureRange`: `z = x · scale + min` with
 * `scale = (high − low) / (dataMax − dataMin)` and `min = low − dataMin · scale`, as
 * scikit-learn's `MinMaxScaler`. A constant column (range < 10ε) uses range 1, so it maps to `low`.
 *
 * Fit on the training part only; test data may then fall outside `featureRange` (not clipped).
 */
export class MinMaxScaler {
  /** Target range. */
  readonly featureRange: readonly [number, number];
  private state?: { dataMin: Float64Array; dataMax: Float64Array; scale: Float64Array; min: Float64Array; nSamples: number };

  constructor(options: MinMaxScalerOptions = {}) {
    const range = options.featureRange ?? [0, 1];
    const low = checkNumber('MinMaxScaler: featureRange[0]', range[0], () => true, 'a finite number');
    const high = checkNumber('MinMaxScaler: featureRange[1]', range[1], (v) => v > low, `a finite number > ${low}`);
    this.featureRange = [low, high];
  }

  /** Column minima of the fitted data. */
  get dataMin(): Float64Array {
    return this.fitted('dataMin').dataMin;
  }
  /** Column maxima of the fitted data. */
  get dataMax(): Float64Array {
    return this.fitted('dataMax').dataMax;
  }
  /** Per-column factor of `transform`. */
  get scale(): Float64Array {
    return this.fitted('scale').scale;
  }
  /** Per-column offset of `transform`. */
  get min(): Float64Array {
    return this.fitted('min').min;
  }
  /** Number of rows seen by `fit`. */
  get nSamples(): number {
    return this.fitted('nSamples').nSamples;
  }
  /** Whether `fit` (or `fromJSON`) has run. */
  get isFitted(): boolean {
    return this.state !== undefined;
  }

  /** Learns column minima and maxima of `X`. */
  fit(X: Matrix): this {
    assertFinite('MinMaxScaler.fit', X);
    if (X.rows === 0) throw new DataFormatError('MinMaxScaler.fit: X has no rows');
    const { rows: n, cols: p } = X;
    const dataMin = new Float64Array(p).fill(Infinity);
    const dataMax = new Float64Array(p).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) {
        const v = X.data[i * p + j]!;
        if (v < dataMin[j]!) dataMin[j] = v;
        if (v > dataMax[j]!) dataMax[j] = v;
      }
    }
    const [low, high] = this.featureRange;
    const scale = new Float64Array(p);
    const min = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      let range = dataMax[j]! - dataMin[j]!;
      if (range < 10 * EPS) range = 1;
      scale[j] = (high - low) / range;
      min[j] = low - dataMin[j]! * scale[j]!;
    }
    this.state = { dataMin, dataMax, scale, min, nSamples: n };
    return this;
  }

  /** `out = X · scale + min`; `out` (default: a new matrix) may be `X` itself. */
  transform(X: Matrix, out?: Matrix): Matrix {
    const { scale, min } = this.fitted('transform');
    const target = checkOut('MinMaxScaler.transform', X, scale.length, out);
    const p = scale.length;
    for (let i = 0; i < X.rows; i++) {
      for (let j = 0; j < p; j++) target.data[i * p + j] = X.data[i * p + j]! * scale[j]! + min[j]!;
    }
    return target;
  }

  /** `fit(X)` then `transform(X, out)`. */
  fitTransform(X: Matrix, out?: Matrix): Matrix {
    return this.fit(X).transform(X, out);
  }

  /** `out = (Z − min) / scale`, undoing {@link MinMaxScaler.transform}. */
  inverseTransform(Z: Matrix, out?: Matrix): Matrix {
    const { scale, min } = this.fitted('inverseTransform');
    const target = checkOut('MinMaxScaler.inverseTransform', Z, scale.length, out);
    const p = scale.length;
    for (let i = 0; i < Z.rows; i++) {
      for (let j = 0; j < p; j++) target.data[i * p + j] = (Z.data[i * p + j]! - min[j]!) / scale[j]!;
    }
    return target;
  }

  /** Plain-object state, for saving with a model. */
  toJSON(): MinMaxScalerJSON {
    const s = this.fitted('toJSON');
    return {
      kind: 'MinMaxScaler',
      featureRange: [this.featureRange[0], this.featureRange[1]],
      dataMin: Array.from(s.dataMin),
      dataMax: Array.from(s.dataMax),
      scale: Array.from(s.scale),
      min: Array.from(s.min),
      nSamples: s.nSamples,
    };
  }

  /** Restores a scaler saved by {@link MinMaxScaler.toJSON} (validated). */
  static fromJSON(json: MinMaxScalerJSON): MinMaxScaler {
    if (json === null || typeof json !== 'object' || json.kind !== 'MinMaxScaler') {
      throw new DataFormatError('MinMaxScaler.fromJSON: not a saved MinMaxScaler (kind must be "MinMaxScaler")');
    }
    const range = Array.isArray(json.featureRange) ? json.featureRange : [NaN, NaN];
    const scaler = new MinMaxScaler({ featureRange: [range[0]!, range[1]!] });
    const p = Array.isArray(json.scale) ? json.scale.length : -1;
    scaler.state = {
      dataMin: finiteArray('MinMaxScaler.fromJSON: dataMin', json.dataMin, p),
      dataMax: finiteArray('MinMaxScaler.fromJSON: dataMax', json.dataMax, p),
      scale: finiteArray('MinMaxScaler.fromJSON: scale', json.scale, p, true),
      min: finiteArray('MinMaxScaler.fromJSON: min', json.min, p),
      nSamples: checkCount('MinMaxScaler.fromJSON: nSamples', json.nSamples),
    };
    return scaler;
  }

  private fitted(what: string): NonNullable<MinMaxScaler['state']> {
    if (this.state === undefined) throw new StateError(`MinMaxScaler.${what}: call fit first`);
    return this.state;
  }
}

function checkOut(what: string, X: Matrix, p: number, out: Matrix | undefined): Matrix {
  if (X.cols !== p) throw new ShapeError(`${what}: X has ${X.cols} columns, the scaler was fitted on ${p}`);
  if (out === undefined) return new Matrix(X.rows, p, X.dtype);
  if (!out.sameShape(X)) throw new ShapeError(`${what}: out is ${out.shapeString()}, expected ${X.shapeString()}`);
  return out;
}

function finiteArray(what: string, value: unknown, length: number, nonZero = false): Float64Array {
  if (!Array.isArray(value) || value.length !== length) {
    throw new DataFormatError(`${what}: expected an array of ${length} numbers`);
  }
  const out = Float64Array.from(value as unknown[], (v) => (typeof v === 'number' ? v : NaN));
  out.forEach((v, j) => {
    if (!Number.isFinite(v) || (nonZero && v === 0)) {
      throw new DataFormatError(`${what}: element ${j} is ${String(value[j])}; expected a finite${nonZero ? ' non-zero' : ''} number`);
    }
  });
  return out;
}

function checkCount(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new DataFormatError(`${what}: expected an integer ≥ 1, got ${String(value)}`);
  }
  return value;
}
