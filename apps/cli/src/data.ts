import { StandardScaler, gatherPixels, polynomialFeatures, runge, takeRows, trainTestSplit, type StandardScalerJSON } from '@ffnn/datasets';
import { loadMnist, readCsv } from '@ffnn/datasets/node';
import type { RowSource, Sequential } from '@ffnn/layers';
import { type DType, InvalidOptionError, Matrix } from '@ffnn/tensor';
import { CliFailure, UsageError } from './errors.js';

/** Regression or classification. */
export type Task = 'regression' | 'classification';

/** A class as written in the target column: a number, or a name such as `versicolor`. */
export type ClassValue = number | string;

/** A loaded data set, before splitting. */
export interface Dataset {
  /** `runge`, `mnist` or the CSV path. */
  name: string;
  /** Rows. */
  n: number;
  /** Feature columns. */
  cols: number;
  featureNames: string[];
  targetName: string;
  /** Tabular features (null for MNIST, whose pixels stay bytes). */
  X: Matrix | null;
  /** MNIST pixels, n × 784 bytes. */
  images: Uint8Array | null;
  /** Numeric target column (regression, or the raw values of a classification column); NaN where {@link targetLabels} holds names; empty without a target (predict). */
  target: Float64Array;
  /** The target's cells as written when they are class names (`yes`/`no`, species…), else null. */
  targetLabels: string[] | null;
  /** Noise-free targets, for the Runge function. */
  clean: Float64Array | null;
  /** Task inferred from the data (a column of a few integer values is a classification). */
  inferredTask: Task;
  /** The cells of the `keep` columns as written, by name (CSV only). */
  kept?: Record<string, string[]>;
}

/** How raw features are turned into network inputs; stored in saved models. */
export type Preprocessing =
  | { kind: 'standard'; scaler: StandardScalerJSON }
  | { kind: 'pixels'; divisor: 255 }
  | { kind: 'none' };

/** Options of the data flags. */
export interface DataOptions {
  data: string;
  target?: string;
  n?: number;
  noise?: number;
  seed: number;
  /** CSV: read only these feature columns (a saved model's); other columns are ignored. */
  columns?: string[];
  /** CSV: features only, no target column needed (predictions for new data). */
  featuresOnly?: boolean;
  /** CSV: columns to carry through as written (e.g. an id), see {@link Dataset.kept}. */
  keep?: string[];
}

/** Loads `runge`, `mnist` or a CSV file (with `--target`). */
export function loadDataset(options: DataOptions): Dataset {
  if (options.data === 'runge') {
    const { x, y, f } = runge({ n: options.n ?? 1000, sigma: options.noise ?? 0.05, seed: options.seed });
    return {
      name: 'runge',
      n: x.rows,
      cols: 1,
      featureNames: ['x'],
      targetName: 'y',
      X: x,
      images: null,
      target: Float64Array.from(y.data),
      targetLabels: null,
      clean: Float64Array.from(f.data),
      inferredTask: 'regression',
    };
  }
  if (options.data === 'mnist') {
    const m = loadMnist();
    const n = m.train.n + m.test.n;
    const images = new Uint8Array(n * 784);
    images.set(m.train.images, 0);
    images.set(m.test.images, m.train.n * 784);
    const target = new Float64Array(n);
    target.set(m.train.labels, 0);
    target.set(m.test.labels, m.train.n);
    return {
      name: 'mnist',
      n,
      cols: 784,
      featureNames: Array.from({ length: 784 }, (_, i) => `pixel${i}`),
      targetName: 'digit',
      X: null,
      images,
      target,
      targetLabels: null,
      clean: null,
      inferredTask: 'classification',
    };
  }
  if (!options.data.toLowerCase().endsWith('.csv')) {
    throw new UsageError(`--data must be runge, mnist or a path ending in .csv; got "${options.data}"`);
  }
  if (!options.target && !options.featuresOnly) throw new UsageError(`--target <column> is required with a CSV file (${options.data})`);
  const target = options.featuresOnly ? undefined : options.target;
  let csv: ReturnType<typeof readCsv>;
  try {
    csv = readCsv(options.data, { ...(target === undefined ? {} : { target, textTarget: true }), ...(options.columns ? { columns: options.columns } : {}), ...(options.keep ? { keep: options.keep } : {}) });
  } catch (error) {
    // A saved model's column missing from the data is a problem of the file, not of the command line.
    if (options.columns && error instanceof InvalidOptionError && !/target column/.test(error.message)) throw new CliFailure(error.message);
    throw error;
  }
  const n = csv.X.rows;
  if (n === 0) throw new CliFailure(`${options.data}: no data rows, only a header`);
  const labels = csv.targetLabels ?? null;
  const values = labels ? new Float64Array(n).fill(NaN) : csv.y ? Float64Array.from(csv.y.data) : new Float64Array(0);
  const distinct = new Set(values);
  const integral = values.every((v) => Number.isInteger(v));
  return {
    name: options.data,
    n,
    cols: csv.X.cols,
    featureNames: csv.columns,
    targetName: target ?? '',
    X: csv.X,
    images: null,
    target: values,
    targetLabels: labels,
    clean: null,
    inferredTask: labels || (integral && distinct.size <= 20 && distinct.size < values.length) ? 'classification' : 'regression',
    ...(csv.kept ? { kept: csv.kept } : {}),
  };
}

/**
 * The network's input features, computed from the data's own columns before the split (`--features`):
 * `raw` (the columns as they are) or `poly` — [1, x, x², …, x^degree] of a single input column, the
 * design matrix of parts (b) and (e) of the study. Standardization (fitted on the training rows) comes after.
 */
export type Features = { kind: 'raw' } | { kind: 'poly'; degree: number };

/** Highest degree `--features poly:<degree>` accepts: a guard against typos such as poly:100. */
export const MAX_POLY_DEGREE = 30;

/** Parses `--features`: `raw`, or `poly:<degree>` with 1 ≤ degree ≤ {@link MAX_POLY_DEGREE}. */
export function parseFeatures(raw: string): Features {
  const text = raw.trim();
  if (text === 'raw') return { kind: 'raw' };
  const m = /^poly:(\d+)$/.exec(text);
  const degree = m ? Number(m[1]) : NaN;
  if (!m || degree < 1 || degree > MAX_POLY_DEGREE) {
    throw new UsageError(`--features must be raw or poly:<degree> with a degree from 1 to ${MAX_POLY_DEGREE} (e.g. poly:10); got "${raw}"`);
  }
  return { kind: 'poly', degree };
}

/** `--features` as written in flags and model files. */
export function featuresLabel(features: Features): string {
  return features.kind === 'raw' ? 'raw' : `poly:${features.degree}`;
}

/** The data with its feature columns replaced by `features` (same rows, targets and order). */
export function withFeatures(data: Dataset, features: Features): Dataset {
  if (features.kind === 'raw') return data;
  const label = featuresLabel(features);
  if (!data.X) throw new UsageError(`features ${label} expand one numeric input column; ${data.name} has ${data.cols} pixel columns`);
  if (data.cols !== 1) {
    const names = data.featureNames.slice(0, 5).join(', ') + (data.cols > 5 ? ', …' : '');
    throw new UsageError(`features ${label} expand one numeric input column; ${data.name} has ${data.cols} (${names})`);
  }
  const x = data.featureNames[0]!;
  return {
    ...data,
    X: polynomialFeatures(data.X, features.degree),
    cols: features.degree + 1,
    featureNames: ['1', x, ...Array.from({ length: features.degree - 1 }, (_, k) => `${x}^${k + 2}`)],
  };
}

/** The 784-byte images at `index`, copied into one new byte array (pixels stay bytes). */
export function takeImageRows(images: Uint8Array, index: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(index.length * 784);
  for (let r = 0; r < index.length; r++) {
    const i = index[r]!;
    out.set(images.subarray(i * 784, (i + 1) * 784), r * 784);
  }
  return out;
}

/** The class of every row: its name when the target holds names, else its number. */
export function classValues(data: Dataset): ClassValue[] {
  return data.targetLabels ?? Array.from(data.target);
}

/** How a class is shown in messages and files. */
export function className(c: ClassValue): string {
  return String(c);
}

/** Class labels 0…K−1 of a classification target, and the original values they stand for (numbers ascending, names in code-point order). */
export function encodeLabels(values: readonly ClassValue[]): { labels: Int32Array; classes: ClassValue[] } {
  const classes = [...new Set(values)].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  const code = new Map(classes.map((c, i) => [c, i]));
  return { labels: Int32Array.from(values, (v) => code.get(v)!), classes };
}

/** Maps values through known classes (compared as written, so 1 and "1" agree); a class the model never saw is an error naming the row. */
export function labelsFor(values: readonly ClassValue[], classes: readonly ClassValue[]): Int32Array {
  const code = new Map(classes.map((c, i) => [className(c), i]));
  return Int32Array.from(values, (v, i) => {
    const k = code.get(className(v));
    if (k === undefined) throw new CliFailure(`row ${i + 1}: class ${JSON.stringify(v)} was not seen in training (classes: ${classes.map(className).join(', ')})`);
    return k;
  });
}

/** Splits row indices into train/test (stratified by `labels` when given). */
export function split(n: number, testSize: number, seed: number, labels?: Int32Array): { train: Int32Array; test: Int32Array } {
  return trainTestSplit(n, { testFraction: testSize, seed, ...(labels ? { stratify: labels } : {}) });
}

/** A seeded subset of `rows` indices (stratified when labels are given), in the original order. */
export function subsetIndices(n: number, rows: number, seed: number, labels?: Int32Array): Int32Array {
  if (rows >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const { test } = trainTestSplit(n, { testFraction: rows / n, seed, ...(labels ? { stratify: labels } : {}) });
  return test.slice().sort();
}

/**
 * A seeded subset of `rows` of a part of the split (stratified by `labels` when given, indexed by
 * data row), keeping the part's order; the whole part when rows ≥ its size. Taken after the split,
 * so the other part is untouched (`--train-rows`, `--test-rows`; the study's MNIST subsets).
 */
export function subsetOfPart(part: Int32Array, rows: number, seed: number, labels?: ArrayLike<number>): Int32Array {
  if (rows >= part.length) return part;
  const pick = subsetIndices(part.length, rows, seed, labels ? Int32Array.from(part, (i) => labels[i]!) : undefined);
  return Int32Array.from(pick, (p) => part[p]!);
}

/** Fits the preprocessing on the training rows only. */
export function fitPreprocessing(data: Dataset, trainRows: Int32Array, standardize: boolean): Preprocessing {
  if (data.images) return { kind: 'pixels', divisor: 255 };
  if (!standardize) return { kind: 'none' };
  const scaler = new StandardScaler().fit(takeRows(data.X!, trainRows));
  return { kind: 'standard', scaler: scaler.toJSON() };
}

/** Network inputs for the given rows, preprocessed; MNIST rows are scaled per batch from bytes. */
export function inputsFor(data: Dataset, rows: Int32Array, pre: Preprocessing, dtype: DType): Matrix | RowSource {
  if (data.images) {
    const images = data.images;
    return {
      rows: rows.length,
      cols: 784,
      gather(index, start, out) {
        // index refers to positions within `rows`; map them to image numbers.
        const mapped = new Int32Array(out.rows);
        for (let r = 0; r < out.rows; r++) mapped[r] = rows[index[start + r]!]!;
        gatherPixels(images, mapped, 0, out);
      },
    };
  }
  const X = takeRows(data.X!, rows);
  const out = dtype === 'float32' ? X.clone('float32') : X;
  if (pre.kind === 'standard') return StandardScaler.fromJSON(pre.scaler).transform(out, out);
  return out;
}

/** Mean and standard deviation of a regression target's training values (std 1 for a constant target). */
export interface TargetScale {
  mean: number;
  std: number;
}

/** The training targets' mean and (population) standard deviation. */
export function fitTargetScale(y: Matrix): TargetScale {
  let s = 0;
  for (const v of y.data) s += v;
  const mean = s / y.size;
  let s2 = 0;
  for (const v of y.data) s2 += (v - mean) * (v - mean);
  const std = Math.sqrt(s2 / y.size);
  return { mean, std: std > 0 ? std : 1 };
}

/** (y − mean) / std, a new column. */
export function standardizeTargets(y: Matrix, scale: TargetScale): Matrix {
  return Matrix.column(Array.from(y.data, (v) => (v - scale.mean) / scale.std));
}

/**
 * Folds the target scaling into the linear output layer, so the network itself predicts in the
 * target's units: ŷ = std·(aW + b) + mean = a(std·W) + (std·b + mean).
 */
export function restoreTargetUnits(net: Sequential, scale: TargetScale): void {
  const out = net.layers[net.layers.length - 1]!;
  for (let i = 0; i < out.W.size; i++) out.W.data[i] = out.W.data[i]! * scale.std;
  for (let i = 0; i < out.b.size; i++) out.b.data[i] = out.b.data[i]! * scale.std + scale.mean;
}

/** A column matrix of target values for the given rows. */
export function targetColumn(values: Float64Array, rows: Int32Array): Matrix {
  return Matrix.column(Array.from(rows, (i) => values[i]!));
}

/** Features far from standardized (|mean| > 3 or std outside [0.1, 10]) as a warning, or null. */
export function standardizationWarning(X: Matrix, names: string[]): string | null {
  const bad: string[] = [];
  for (let j = 0; j < X.cols; j++) {
    let s = 0, s2 = 0;
    for (let i = 0; i < X.rows; i++) {
      const v = X.data[i * X.cols + j]!;
      s += v;
      s2 += v * v;
    }
    const mean = s / X.rows;
    const std = Math.sqrt(Math.max(0, s2 / X.rows - mean * mean));
    if (Math.abs(mean) > 3 || std > 10 || (std > 0 && std < 0.1)) bad.push(`${names[j] ?? `column ${j}`} (mean ${mean.toPrecision(3)}, std ${std.toPrecision(3)})`);
  }
  if (bad.length === 0) return null;
  const shown = bad.slice(0, 3).join(', ') + (bad.length > 3 ? `, and ${bad.length - 3} more` : '');
  return `warning: inputs are far from standardized: ${shown}; training may be slow or unstable (drop --no-standardize)`;
}
