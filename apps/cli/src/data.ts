import { StandardScaler, gatherPixels, polynomialFeatures, runge, takeRows, trainTestSplit, type StandardScalerJSON } from '@ffnn/datasets';
import { loadMnist, readCsv } from '@ffnn/datasets/node';
import type { RowSource } from '@ffnn/layers';
import { type DType, Matrix } from '@ffnn/tensor';
import { UsageError } from './errors.js';

/** Regression or classification. */
export type Task = 'regression' | 'classification';

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
  /** Numeric target column (regression, or the raw values of a classification column). */
  target: Float64Array;
  /** Noise-free targets, for the Runge function. */
  clean: Float64Array | null;
  /** Task inferred from the data (a column of a few integer values is a classification). */
  inferredTask: Task;
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
  /** Use only this many rows (seeded, stratified for labels) for quick runs. */
  subset?: number;
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
      clean: null,
      inferredTask: 'classification',
    };
  }
  if (!options.data.toLowerCase().endsWith('.csv')) {
    throw new UsageError(`--data must be runge, mnist or a path ending in .csv; got "${options.data}"`);
  }
  if (!options.target) throw new UsageError(`--target <column> is required with a CSV file (${options.data})`);
  const csv = readCsv(options.data, { target: options.target });
  const y = csv.y!;
  const target = Float64Array.from(y.data);
  const distinct = new Set(target);
  const integral = target.every((v) => Number.isInteger(v));
  return {
    name: options.data,
    n: csv.X.rows,
    cols: csv.X.cols,
    featureNames: csv.columns.filter((c) => c !== options.target),
    targetName: options.target,
    X: csv.X,
    images: null,
    target,
    clean: null,
    inferredTask: integral && distinct.size <= 20 && distinct.size < target.length ? 'classification' : 'regression',
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

/** Class labels 0…K−1 of a classification target, and the original values they stand for. */
export function encodeLabels(target: Float64Array): { labels: Int32Array; classes: number[] } {
  const classes = [...new Set(target)].sort((a, b) => a - b);
  const code = new Map(classes.map((c, i) => [c, i]));
  return { labels: Int32Array.from(target, (v) => code.get(v)!), classes };
}

/** Maps values through known classes; a value the model never saw is an error naming the row. */
export function labelsFor(target: Float64Array, classes: number[]): Int32Array {
  const code = new Map(classes.map((c, i) => [c, i]));
  return Int32Array.from(target, (v, i) => {
    const k = code.get(v);
    if (k === undefined) throw new UsageError(`row ${i + 1}: class ${v} was not seen in training (classes: ${classes.join(', ')})`);
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
