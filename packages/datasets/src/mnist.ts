import { type DType, DataFormatError, InvalidOptionError, Matrix, ShapeError, bytesToFloat } from '@ffnn/tensor';
import { trainTestSplit } from './preprocessing/split.js';
import { checkInt } from './validate.js';

/** Images and labels of one part of MNIST, pixels kept as bytes. */
export interface MnistSet {
  /** `n · rows · cols` pixels, image after image, row-major, 0 (white) … 255 (black). */
  images: Uint8Array;
  /** `n` digits 0…9. */
  labels: Uint8Array;
  /** Number of images. */
  n: number;
}

/** MNIST as loaded by `loadMnist` (from `@ffnn/datasets/node`): the original 60k/10k parts. */
export interface MnistData {
  /** The 60,000 training images. */
  train: MnistSet;
  /** The 10,000 test images. */
  test: MnistSet;
  /** Image height (28). */
  rows: number;
  /** Image width (28). */
  cols: number;
}

/** A train/test split of MNIST; `indices` number images 0…69,999 as train (0…59,999) then test. */
export interface MnistSplit extends MnistData {
  /** Which original images went where, for reproducibility. */
  indices: {
    /** Indices (into the 70,000 images, training set first) of the training images. */
    train: Int32Array;
    /** Indices (into the 70,000 images, training set first) of the test images. */
    test: Int32Array;
  };
}

/** The standard split: the original 60,000 training and 10,000 test images (no copy). */
export function mnistStandardSplit(data: MnistData): MnistSplit {
  const nTrain = data.train.n;
  const train = Int32Array.from({ length: nTrain }, (_, i) => i);
  const test = Int32Array.from({ length: data.test.n }, (_, i) => nTrain + i);
  return { ...data, indices: { train, test } };
}

/** Options of {@link mnistStratifiedSplit}. */
export interface MnistStratifiedSplitOptions {
  /** Fraction of all images in the test part, in (0, 1). Default 0.2. */
  testFraction?: number;
  /** Seed. Default 1993. */
  seed?: number;
}

/**
 * The study's split: all 70,000 images pooled (train then test), then a stratified, shuffled
 * 80/20 split by {@link trainTestSplit} (each digit's test count within one image of 20 %).
 * Pixels are copied into two new arrays (another ~55 MB); drop `data` afterwards to free the original.
 */
export function mnistStratifiedSplit(data: MnistData, options: MnistStratifiedSplitOptions = {}): MnistSplit {
  const pixels = data.rows * data.cols;
  const n = data.train.n + data.test.n;
  const labels = new Uint8Array(n);
  labels.set(data.train.labels);
  labels.set(data.test.labels, data.train.n);
  const indices = trainTestSplit(n, { testFraction: options.testFraction ?? 0.2, seed: options.seed ?? 1993, stratify: labels });
  const take = (index: Int32Array): MnistSet => {
    const images = new Uint8Array(index.length * pixels);
    const out = new Uint8Array(index.length);
    for (let r = 0; r < index.length; r++) {
      const i = index[r]!;
      const [set, j] = i < data.train.n ? [data.train, i] : [data.test, i - data.train.n];
      images.set(set.images.subarray(j * pixels, (j + 1) * pixels), r * pixels);
      out[r] = labels[i]!;
    }
    return { images, labels: out, n: index.length };
  };
  return { train: take(indices.train), test: take(indices.test), rows: data.rows, cols: data.cols, indices };
}

// The gathered bytes of one batch, reused across calls (grown when a larger batch comes). Gathers
// larger than STAGING_KEEP bytes (over 1,300 MNIST images) use a buffer of their own, not kept.
const STAGING_KEEP = 1 << 20;
let staging = new Uint8Array(0);

/**
 * Writes images `index[start], …, index[start + out.rows − 1]` into the rows of `out`, scaled to
 * [0, 1] as `pixel / 255`: a float mini-batch from byte storage, so training never holds a float
 * copy of the whole set. `out.cols` is the number of pixels per image (784 for MNIST).
 *
 * @throws ShapeError when the batch runs past `index` or an index is outside the images.
 */
export function gatherPixels(images: Uint8Array, index: ArrayLike<number>, start: number, out: Matrix): Matrix {
  const p = out.cols;
  if (p === 0) throw new ShapeError('gatherPixels: output has 0 columns; it needs one per pixel');
  const count = Math.floor(images.length / p);
  if (count * p !== images.length) {
    throw new ShapeError(`gatherPixels: ${images.length} pixels is not a whole number of ${p}-pixel images`);
  }
  if (!Number.isInteger(start) || start < 0 || start + out.rows > index.length) {
    throw new ShapeError(`gatherPixels: rows ${start}..${start + out.rows} exceed an index of length ${index.length}`);
  }
  const keep = out.size <= STAGING_KEEP;
  if (keep && staging.length < out.size) staging = new Uint8Array(out.size);
  const bytes = keep ? staging : new Uint8Array(out.size);
  for (let r = 0; r < out.rows; r++) {
    const i = index[start + r]!;
    if (!Number.isInteger(i) || i < 0 || i >= count) {
      throw new ShapeError(`gatherPixels: image index ${i} is outside 0..${count - 1}`);
    }
    bytes.set(images.subarray(i * p, i * p + p), r * p);
  }
  // The division (not ·(1/255)) matches NumPy's `x / 255`; the backend's SIMD kernel when it has one.
  return bytesToFloat(bytes.subarray(0, out.size), 255, out);
}

/** Options of {@link PixelBatcher}. */
export interface PixelBatcherOptions {
  /** Largest batch. */
  batchSize: number;
  /** Pixels per image. Default 784 (28×28). */
  pixels?: number;
  /** Element type of the batches. Default `'float64'`. */
  dtype?: DType;
}

/**
 * Mini-batches of scaled pixels from byte images with one preallocated buffer.
 *
 * @example
 * ```ts
 * const batcher = new PixelBatcher(train.images, { batchSize: 64 });
 * const order = rng.permutation(train.n);
 * for (let start = 0; start < train.n; start += 64) {
 *   const X = batcher.batch(order, start); // up to 64 × 784, values in [0, 1]
 * }
 * ```
 */
export class PixelBatcher {
  /** Largest batch size. */
  readonly batchSize: number;
  /** Pixels per image. */
  readonly pixels: number;
  private readonly images: Uint8Array;
  private readonly buffer: Matrix;

  constructor(images: Uint8Array, options: PixelBatcherOptions) {
    this.batchSize = checkInt('PixelBatcher: batchSize', options.batchSize, 1);
    this.pixels = checkInt('PixelBatcher: pixels', options.pixels ?? 784, 1);
    if (images.length % this.pixels !== 0) {
      throw new DataFormatError(`PixelBatcher: ${images.length} pixels is not a whole number of ${this.pixels}-pixel images`);
    }
    this.images = images;
    this.buffer = new Matrix(this.batchSize, this.pixels, options.dtype ?? 'float64');
  }

  /**
   * The batch of images `index[start], …` (at most `batchSize`, fewer at the end of `index`).
   * The matrix shares the batcher's buffer: it is overwritten by the next call.
   */
  batch(index: ArrayLike<number>, start: number): Matrix {
    if (!Number.isInteger(start) || start < 0 || start >= index.length) {
      throw new InvalidOptionError(`PixelBatcher.batch: start must be an integer in 0..${index.length - 1}, got ${start}`);
    }
    const rows = Math.min(this.batchSize, index.length - start);
    const out =
      rows === this.batchSize ? this.buffer : new Matrix(rows, this.pixels, this.buffer.data.subarray(0, rows * this.pixels));
    return gatherPixels(this.images, index, start, out);
  }
}

/**
 * A float matrix of the chosen images scaled by 1/255 (all of them when `index` is omitted).
 * Meant for small subsets: 70,000 MNIST images in float64 would take 439 MB; prefer {@link PixelBatcher}.
 */
export function toMatrix(
  images: Uint8Array,
  index?: ArrayLike<number>,
  options: { pixels?: number; dtype?: DType } = {},
): Matrix {
  const p = checkInt('toMatrix: pixels', options.pixels ?? 784, 1);
  const dtype = options.dtype ?? 'float64';
  // All images in order: no index to build and no bytes to gather.
  if (index === undefined && images.length % p === 0) return bytesToFloat(images, 255, new Matrix(images.length / p, p, dtype));
  const idx = index ?? Int32Array.from({ length: Math.floor(images.length / p) }, (_, i) => i);
  return gatherPixels(images, idx, 0, new Matrix(idx.length, p, dtype));
}
