import { Matrix, ShapeError, InvalidOptionError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { type MnistData, PixelBatcher, gatherPixels, mnistStandardSplit, mnistStratifiedSplit, toMatrix } from './mnist.js';

/** A tiny MNIST-shaped data set: 2×2 images whose pixels encode the image number. */
function tiny(nTrain: number, nTest: number): MnistData {
  const make = (n: number, offset: number) => ({
    images: Uint8Array.from({ length: n * 4 }, (_, k) => (offset + Math.floor(k / 4)) % 256),
    labels: Uint8Array.from({ length: n }, (_, i) => (offset + i) % 3),
    n,
  });
  return { train: make(nTrain, 0), test: make(nTest, nTrain), rows: 2, cols: 2 };
}

describe('gatherPixels', () => {
  it('scales bytes by 1/255 exactly as pixel / 255, in index order', () => {
    const images = Uint8Array.from([0, 1, 254, 255, 10, 20, 30, 40]);
    const out = gatherPixels(images, [1, 0], 0, new Matrix(2, 4));
    expect(Array.from(out.data)).toEqual([10 / 255, 20 / 255, 30 / 255, 40 / 255, 0, 1 / 255, 254 / 255, 1]);
    const f32 = gatherPixels(images, [5, 0], 1, new Matrix(1, 4, 'float32'));
    expect(Array.from(f32.data)).toEqual([0, 1, 254, 255].map((v) => Math.fround(v / 255)));
  });

  it('rejects out-of-range indices and batches', () => {
    const images = new Uint8Array(8);
    expect(() => gatherPixels(images, [2], 0, new Matrix(1, 4))).toThrow(/image index 2 is outside 0..1/);
    expect(() => gatherPixels(images, [0], 1, new Matrix(1, 4))).toThrow(ShapeError);
    expect(() => gatherPixels(images, [0], 0, new Matrix(1, 3))).toThrow(/not a whole number of 3-pixel images/);
  });
});

describe('PixelBatcher', () => {
  it('yields full batches from one buffer and a short last batch', () => {
    const data = tiny(5, 0);
    const batcher = new PixelBatcher(data.train.images, { batchSize: 2, pixels: 4 });
    const order = [4, 3, 2, 1, 0];
    const first = batcher.batch(order, 0);
    expect(first.shape).toEqual([2, 4]);
    expect(Array.from(first.data)).toEqual([4, 4, 4, 4, 3, 3, 3, 3].map((v) => v / 255));
    const second = batcher.batch(order, 2);
    expect(second.data).toBe(first.data); // reused buffer
    const last = batcher.batch(order, 4);
    expect(last.shape).toEqual([1, 4]);
    expect(Array.from(last.data)).toEqual([0, 0, 0, 0]);
    expect(() => batcher.batch(order, 5)).toThrow(InvalidOptionError);
    expect(() => new PixelBatcher(new Uint8Array(5), { batchSize: 2, pixels: 4 })).toThrow(/not a whole number/);
  });
});

describe('toMatrix', () => {
  it('converts all or some images', () => {
    const data = tiny(3, 0);
    expect(toMatrix(data.train.images, undefined, { pixels: 4 }).shape).toEqual([3, 4]);
    const some = toMatrix(data.train.images, [2], { pixels: 4, dtype: 'float32' });
    expect(Array.from(some.data)).toEqual([2, 2, 2, 2].map((v) => Math.fround(v / 255)));
  });
});

describe('MNIST splits', () => {
  it('standard split keeps the original parts without copying', () => {
    const data = tiny(6, 4);
    const split = mnistStandardSplit(data);
    expect(split.train.images).toBe(data.train.images);
    expect(Array.from(split.indices.test)).toEqual([6, 7, 8, 9]);
  });

  it('stratified split pools train+test, keeps class shares and copies the right images', () => {
    const data = tiny(70, 30);
    const split = mnistStratifiedSplit(data, { testFraction: 0.2, seed: 4 });
    expect(split.train.n).toBe(80);
    expect(split.test.n).toBe(20);
    const all = [...split.indices.train, ...split.indices.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    for (const [set, index] of [[split.train, split.indices.train], [split.test, split.indices.test]] as const) {
      for (let r = 0; r < set.n; r++) {
        const i = index[r]!;
        expect(set.labels[r]).toBe(i % 3);
        expect(set.images[r * 4]).toBe(i);
        expect(set.images[r * 4 + 3]).toBe(i);
      }
    }
    for (let c = 0; c < 3; c++) {
      const total = Array.from({ length: 100 }, (_, i) => i % 3).filter((l) => l === c).length;
      const inTest = Array.from(split.test.labels).filter((l) => l === c).length;
      expect(Math.abs(inTest - 0.2 * total)).toBeLessThanOrEqual(1);
    }
    expect(mnistStratifiedSplit(data, { seed: 4 }).indices).toEqual(split.indices);
  });
});

describe('pixels: argument checks and defaults', () => {
  const images = Uint8Array.from({ length: 12 }, (_, k) => k);

  it('gatherPixels names each bad argument', () => {
    expect(() => gatherPixels(images, [0], 0, new Matrix(1, 0))).toThrow('gatherPixels: output has 0 columns; it needs one per pixel');
    expect(() => gatherPixels(images, [0, 1], 1, new Matrix(2, 4))).toThrow('gatherPixels: rows 1..3 exceed an index of length 2');
    expect(() => gatherPixels(images, [0, 1], -1, new Matrix(1, 4))).toThrow('gatherPixels: rows -1..0 exceed an index of length 2');
    expect(() => gatherPixels(images, [0, 1], 0.5, new Matrix(1, 4))).toThrow('gatherPixels: rows 0.5..1.5 exceed an index of length 2');
    expect(() => gatherPixels(images, [-1], 0, new Matrix(1, 4))).toThrow('gatherPixels: image index -1 is outside 0..2');
    expect(() => gatherPixels(images, [0.5], 0, new Matrix(1, 4))).toThrow('gatherPixels: image index 0.5 is outside 0..2');
    // The last rows of the index may be used exactly.
    expect(Array.from(gatherPixels(images, [0, 2], 1, new Matrix(1, 4)).data)).toEqual([8, 9, 10, 11].map((v) => v / 255));
  });

  it('PixelBatcher checks its options and start, and defaults to float64', () => {
    expect(() => new PixelBatcher(images, { batchSize: 0, pixels: 4 })).toThrow('PixelBatcher: batchSize must be an integer ≥ 1, got 0');
    expect(() => new PixelBatcher(images, { batchSize: 1, pixels: 0 })).toThrow('PixelBatcher: pixels must be an integer ≥ 1, got 0');
    const batcher = new PixelBatcher(images, { batchSize: 2, pixels: 4 });
    expect(batcher.batch([2, 1, 0], 0).dtype).toBe('float64');
    expect(() => batcher.batch([2, 1, 0], 3)).toThrow('PixelBatcher.batch: start must be an integer in 0..2, got 3');
    expect(() => batcher.batch([2, 1, 0], -1)).toThrow('PixelBatcher.batch: start must be an integer in 0..2, got -1');
    expect(() => batcher.batch([2, 1, 0], 1.5)).toThrow('PixelBatcher.batch: start must be an integer in 0..2, got 1.5');
  });

  it('toMatrix of all images, of a ragged buffer, and its pixels check', () => {
    expect(() => toMatrix(images, undefined, { pixels: 0 })).toThrow('toMatrix: pixels must be an integer ≥ 1, got 0');
    const all = toMatrix(images, undefined, { pixels: 4 });
    expect([all.rows, all.cols]).toEqual([3, 4]);
    expect(Array.from(all.data)).toEqual(Array.from(images, (v) => v / 255));
    // 12 bytes of 5-pixel images: gatherPixels refuses the ragged buffer.
    expect(() => toMatrix(images, undefined, { pixels: 5 })).toThrow('gatherPixels: 12 pixels is not a whole number of 5-pixel images');
  });

  it('the standard split numbers train images 0… and test images after them', () => {
    const split = mnistStandardSplit(tiny(3, 2));
    expect(Array.from(split.indices.train)).toEqual([0, 1, 2]);
    expect(Array.from(split.indices.test)).toEqual([3, 4]);
  });

  it('the stratified split defaults to a 20 % test part', () => {
    const split = mnistStratifiedSplit(tiny(20, 10));
    expect(split.test.n).toBe(6);
    expect(split.train.n).toBe(24);
    expect(mnistStratifiedSplit(tiny(20, 10), { seed: 1993 }).indices).toEqual(split.indices);
  });
});

describe('mnistStratifiedSplit passes its options on', () => {
  it('testFraction and seed reach the split', () => {
    expect(mnistStratifiedSplit(tiny(20, 10), { testFraction: 0.5 }).test.n).toBe(15);
    const a = mnistStratifiedSplit(tiny(20, 10), { seed: 4 }).indices.test;
    const b = mnistStratifiedSplit(tiny(20, 10), { seed: 5 }).indices.test;
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });
});
