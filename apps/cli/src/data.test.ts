import { rmSync } from 'node:fs';
import { polynomialFeatures, runge, trainTestSplit } from '@ffnn/datasets';
import { loadMnist } from '@ffnn/datasets/node';
import { Sequential } from '@ffnn/layers';
import { InvalidOptionError, Matrix } from '@ffnn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Dataset,
  MAX_POLY_DEGREE,
  classValues,
  className,
  encodeLabels,
  featuresLabel,
  fitPreprocessing,
  fitTargetScale,
  inputsFor,
  labelsFor,
  loadDataset,
  parseFeatures,
  restoreTargetUnits,
  split,
  standardizationWarning,
  standardizeTargets,
  subsetIndices,
  subsetOfPart,
  takeImageRows,
  targetColumn,
  withFeatures,
} from './data.js';
import { CliFailure, UsageError } from './errors.js';
import { tempDir, writeLines } from './testing.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const csv = (name: string, lines: string[]) => writeLines(dir, name, lines);

/** A tabular data set of the given columns (by hand, not through loadDataset). */
function table(columns: number[][], target: number[], names = columns.map((_, j) => `x${j}`)): Dataset {
  const n = target.length;
  return {
    name: 't.csv',
    n,
    cols: columns.length,
    featureNames: names,
    targetName: 'y',
    X: Matrix.fromArray(n, columns.length, Array.from({ length: n * columns.length }, (_, k) => columns[k % columns.length]![Math.floor(k / columns.length)]!)),
    images: null,
    target: Float64Array.from(target),
    targetLabels: null,
    clean: null,
    inferredTask: 'regression',
  };
}

const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
const std = (a: ArrayLike<number>) => Math.sqrt(mean(Array.from(a, (v) => (v - mean(a)) ** 2)));

describe('loadDataset', () => {
  it('runge: the generator\'s points, noisy target and clean function, with its defaults', () => {
    const d = loadDataset({ data: 'runge', n: 30, noise: 0.2, seed: 7 });
    const ref = runge({ n: 30, sigma: 0.2, seed: 7 });
    expect(d).toMatchObject({ name: 'runge', n: 30, cols: 1, featureNames: ['x'], targetName: 'y', images: null, targetLabels: null, inferredTask: 'regression' });
    expect(Array.from(d.X!.data)).toEqual(Array.from(ref.x.data));
    expect(Array.from(d.target)).toEqual(Array.from(ref.y.data));
    expect(Array.from(d.clean!)).toEqual(Array.from(ref.f.data));
    const byDefault = loadDataset({ data: 'runge', seed: 3 });
    const refDefault = runge({ n: 1000, sigma: 0.05, seed: 3 });
    expect(byDefault.n).toBe(1000);
    expect(Array.from(byDefault.target)).toEqual(Array.from(refDefault.y.data));
  });

  it('mnist: training images then test images, labels as the target, pixels kept as bytes', () => {
    const d = loadDataset({ data: 'mnist', seed: 1 });
    const m = loadMnist();
    expect(d).toMatchObject({ name: 'mnist', n: 70000, cols: 784, targetName: 'digit', X: null, targetLabels: null, clean: null, inferredTask: 'classification' });
    expect(d.featureNames).toHaveLength(784);
    expect([d.featureNames[0], d.featureNames[783]]).toEqual(['pixel0', 'pixel783']);
    expect(d.images!.length).toBe(70000 * 784);
    expect(d.images!.subarray(0, 784)).toEqual(m.train.images.subarray(0, 784));
    expect(d.images!.subarray(60000 * 784, 60001 * 784)).toEqual(m.test.images.subarray(0, 784));
    expect(d.images!.subarray(69999 * 784)).toEqual(m.test.images.subarray(9999 * 784));
    expect([d.target[0], d.target[59999], d.target[60000], d.target[69999]]).toEqual([m.train.labels[0], m.train.labels[59999], m.test.labels[0], m.test.labels[9999]]);
  });

  it('CSV: values as written, the target column apart, the task inferred from the target', () => {
    const path = csv('reg.csv', ['a,y,b', '1.5,10.25,-2', '2,20.5,3e2', '-0.5,7,0']);
    const d = loadDataset({ data: path, target: 'y', seed: 1 });
    expect(d).toMatchObject({ name: path, n: 3, cols: 2, featureNames: ['a', 'b'], targetName: 'y', images: null, targetLabels: null, clean: null, inferredTask: 'regression' });
    expect(d.X!.toArray()).toEqual([[1.5, -2], [2, 300], [-0.5, 0]]);
    expect(Array.from(d.target)).toEqual([10.25, 20.5, 7]);
    expect(d.kept).toBeUndefined();
    // Upper-case extension too.
    expect(loadDataset({ data: csv('UP.CSV', ['a,y', '1,2', '3,4']), target: 'y', seed: 1 }).n).toBe(2);
  });

  it('CSV: a few integer values are classes; many, fractional, or all distinct are a regression target', () => {
    const few = loadDataset({ data: csv('few.csv', ['a,y', '1,0', '2,1', '3,1', '4,0']), target: 'y', seed: 1 });
    expect(few.inferredTask).toBe('classification');
    const distinct = loadDataset({ data: csv('distinct.csv', ['a,y', '1,0', '2,1', '3,2']), target: 'y', seed: 1 });
    expect(distinct.inferredTask).toBe('regression');
    const fractional = loadDataset({ data: csv('frac.csv', ['a,y', '1,0.5', '2,1', '3,1', '4,0.5']), target: 'y', seed: 1 });
    expect(fractional.inferredTask).toBe('regression');
    const rows = (k: number) => Array.from({ length: 2 * k }, (_, i) => `${i},${i % k}`);
    expect(loadDataset({ data: csv('k20.csv', ['a,y', ...rows(20)]), target: 'y', seed: 1 }).inferredTask).toBe('classification');
    expect(loadDataset({ data: csv('k21.csv', ['a,y', ...rows(21)]), target: 'y', seed: 1 }).inferredTask).toBe('regression');
  });

  it('CSV: class names as written, NaN in the numeric target', () => {
    const d = loadDataset({ data: csv('iris.csv', ['w,species', '1,setosa', '2,virginica', '3,setosa']), target: 'species', seed: 1 });
    expect(d.targetLabels).toEqual(['setosa', 'virginica', 'setosa']);
    expect(Array.from(d.target).every(Number.isNaN)).toBe(true);
    expect(d.target).toHaveLength(3);
    expect(d.inferredTask).toBe('classification');
    expect(classValues(d)).toEqual(['setosa', 'virginica', 'setosa']);
  });

  it('CSV features only: no target needed, columns chosen by name, kept columns as written', () => {
    const path = csv('new.csv', ['id,b,a,y', '"x,1",2,3,9', 'x2,4,5,9']);
    const d = loadDataset({ data: path, featuresOnly: true, columns: ['a', 'b'], keep: ['id'], seed: 1 });
    expect(d.featureNames).toEqual(['a', 'b']);
    expect(d.X!.toArray()).toEqual([[3, 2], [5, 4]]);
    expect(d.target).toHaveLength(0);
    expect(d.targetName).toBe('');
    expect(d.kept).toEqual({ id: ['x,1', 'x2'] });
    // featuresOnly ignores a given target.
    expect(loadDataset({ data: path, target: 'y', featuresOnly: true, columns: ['a'], seed: 1 }).target).toHaveLength(0);
  });

  it('names the problem: the source, a missing --target, a missing column, a header without rows', () => {
    expect(() => loadDataset({ data: 'data.txt', seed: 1 })).toThrow(UsageError);
    expect(() => loadDataset({ data: 'data.txt', seed: 1 })).toThrow('--data must be runge, mnist or a path ending in .csv; got "data.txt"');
    const path = csv('nt.csv', ['a,y', '1,2', '3,4']);
    expect(() => loadDataset({ data: path, seed: 1 })).toThrow(UsageError);
    expect(() => loadDataset({ data: path, seed: 1 })).toThrow(`--target <column> is required with a CSV file (${path})`);
    // A saved model's column that the data lacks: a problem of the file (exit 1), not of the flags.
    expect(() => loadDataset({ data: path, featuresOnly: true, columns: ['a', 'zz'], seed: 1 })).toThrow(CliFailure);
    expect(() => loadDataset({ data: path, featuresOnly: true, columns: ['a', 'zz'], seed: 1 })).toThrow(/zz/);
    // A missing target column stays the option problem it is.
    let error: unknown;
    try {
      loadDataset({ data: path, target: 'nope', columns: ['a'], seed: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).not.toBeInstanceOf(CliFailure);
    expect(String(error)).toMatch(/nope/);
    // Without saved columns, a bad column is not turned into a CliFailure either.
    let plain: unknown;
    try {
      loadDataset({ data: path, target: 'nope', seed: 1 });
    } catch (e) {
      plain = e;
    }
    expect(plain).not.toBeInstanceOf(CliFailure);
    // A --keep column the data lacks is a flag problem (exit 2), not a file problem, without saved columns.
    let keep: unknown;
    try {
      loadDataset({ data: path, target: 'y', keep: ['zz'], seed: 1 });
    } catch (e) {
      keep = e;
    }
    expect(keep).toBeInstanceOf(InvalidOptionError);
    expect(keep).not.toBeInstanceOf(CliFailure);
    expect(String(keep)).toMatch(/column "zz" not found/);
    const header = csv('header.csv', ['a,y']);
    expect(() => loadDataset({ data: header, target: 'y', seed: 1 })).toThrow(CliFailure);
    expect(() => loadDataset({ data: header, target: 'y', seed: 1 })).toThrow(`${header}: no data rows, only a header`);
  });
});

describe('--features', () => {
  it('parses raw and poly:<degree> from 1 to the maximum', () => {
    expect(parseFeatures('raw')).toEqual({ kind: 'raw' });
    expect(parseFeatures('  raw ')).toEqual({ kind: 'raw' });
    expect(parseFeatures('poly:1')).toEqual({ kind: 'poly', degree: 1 });
    expect(parseFeatures(` poly:${MAX_POLY_DEGREE}`)).toEqual({ kind: 'poly', degree: 30 });
    for (const bad of ['poly:0', 'poly:31', 'poly:', 'poly:2.5', 'xpoly:3', 'poly:3x', 'Raw', '']) {
      expect(() => parseFeatures(bad)).toThrow(UsageError);
    }
    expect(() => parseFeatures('poly:31')).toThrow('--features must be raw or poly:<degree> with a degree from 1 to 30 (e.g. poly:10); got "poly:31"');
    expect(featuresLabel({ kind: 'raw' })).toBe('raw');
    expect(featuresLabel({ kind: 'poly', degree: 4 })).toBe('poly:4');
  });

  it('poly expands the one column into [1, x, x², …] with names, keeping rows and targets', () => {
    const d = table([[2, -1, 0.5]], [1, 2, 3]);
    expect(withFeatures(d, { kind: 'raw' })).toBe(d);
    const p = withFeatures(d, { kind: 'poly', degree: 3 });
    expect(p.cols).toBe(4);
    expect(p.featureNames).toEqual(['1', 'x0', 'x0^2', 'x0^3']);
    expect(p.X!.toArray()).toEqual(polynomialFeatures(d.X!, 3).toArray());
    expect(p.X!.toArray()[0]).toEqual([1, 2, 4, 8]);
    expect(p.target).toBe(d.target);
    expect(p.n).toBe(3);
    expect(withFeatures(d, { kind: 'poly', degree: 1 }).featureNames).toEqual(['1', 'x0']);
  });

  it('poly refuses pixels and several columns, naming at most five', () => {
    const pixels: Dataset = { ...table([[1]], [1]), name: 'mnist', X: null, cols: 784 };
    expect(() => withFeatures(pixels, { kind: 'poly', degree: 2 })).toThrow(UsageError);
    expect(() => withFeatures(pixels, { kind: 'poly', degree: 2 })).toThrow('features poly:2 expand one numeric input column; mnist has 784 pixel columns');
    const two = table([[1], [2]], [1]);
    expect(() => withFeatures(two, { kind: 'poly', degree: 2 })).toThrow('features poly:2 expand one numeric input column; t.csv has 2 (x0, x1)');
    const six = table([[1], [2], [3], [4], [5], [6]], [1]);
    expect(() => withFeatures(six, { kind: 'poly', degree: 2 })).toThrow(UsageError);
    expect(() => withFeatures(six, { kind: 'poly', degree: 2 })).toThrow('t.csv has 6 (x0, x1, x2, x3, x4, …)');
    const five = table([[1], [2], [3], [4], [5]], [1]);
    expect(() => withFeatures(five, { kind: 'poly', degree: 2 })).toThrow('t.csv has 5 (x0, x1, x2, x3, x4)');
  });
});

describe('labels', () => {
  it('encodes numbers ascending (as numbers) and names in code-point order', () => {
    const numbers = encodeLabels([10, 9, 2, 10]);
    expect(numbers.classes).toEqual([2, 9, 10]);
    expect(Array.from(numbers.labels)).toEqual([2, 1, 0, 2]);
    const names = encodeLabels(['b', 'B', 'a', 'b', 'a']);
    expect(names.classes).toEqual(['B', 'a', 'b']);
    expect(Array.from(names.labels)).toEqual([2, 0, 1, 2, 1]);
    expect(encodeLabels(['x', 'x']).classes).toEqual(['x']);
    expect(className(3)).toBe('3');
    expect(className('setosa')).toBe('setosa');
  });

  it('maps values through known classes as written, and names the row of an unseen class', () => {
    expect(Array.from(labelsFor([1, '0', 2], [0, 1, 2]))).toEqual([1, 0, 2]);
    expect(Array.from(labelsFor(['b', 'a'], ['a', 'b']))).toEqual([1, 0]);
    expect(() => labelsFor(['a', 'c'], ['a', 'b'])).toThrow(CliFailure);
    expect(() => labelsFor(['a', 'c'], ['a', 'b'])).toThrow('row 2: class "c" was not seen in training (classes: a, b)');
    expect(() => labelsFor([0, 7], [0, 1])).toThrow('row 2: class 7 was not seen in training (classes: 0, 1)');
  });
});

describe('splits and subsets', () => {
  const labels = Int32Array.from({ length: 40 }, (_, i) => (i < 30 ? 0 : 1));

  it('split is the seeded train/test split, stratified by labels when given', () => {
    const plain = split(40, 0.25, 5);
    const ref = trainTestSplit(40, { testFraction: 0.25, seed: 5 });
    expect(Array.from(plain.test)).toEqual(Array.from(ref.test));
    expect(Array.from(plain.train)).toEqual(Array.from(ref.train));
    const strat = split(40, 0.25, 5, labels);
    const refStrat = trainTestSplit(40, { testFraction: 0.25, seed: 5, stratify: labels });
    expect(Array.from(strat.test)).toEqual(Array.from(refStrat.test));
    expect([2, 3]).toContain(Array.from(strat.test).filter((i) => labels[i] === 1).length);
    expect(Array.from(split(40, 0.25, 6).test)).not.toEqual(Array.from(plain.test));
  });

  it('subsetIndices: all rows when enough are asked for, else a seeded sorted subset', () => {
    expect(Array.from(subsetIndices(4, 4, 1))).toEqual([0, 1, 2, 3]);
    expect(Array.from(subsetIndices(4, 9, 1))).toEqual([0, 1, 2, 3]);
    const s = subsetIndices(40, 10, 3);
    expect(s).toHaveLength(10);
    expect(Array.from(s)).toEqual(Array.from(trainTestSplit(40, { testFraction: 10 / 40, seed: 3 }).test).sort((a, b) => a - b));
    // 10 and 2 sort as numbers.
    expect(Array.from(s)).toEqual([...s].sort((a, b) => a - b));
    expect(Array.from(subsetIndices(40, 10, 4))).not.toEqual(Array.from(s));
    const strat = subsetIndices(40, 8, 3, labels);
    expect(Array.from(strat).filter((i) => labels[i] === 1)).toHaveLength(2);
    expect(Array.from(strat)).toEqual(Array.from(trainTestSplit(40, { testFraction: 8 / 40, seed: 3, stratify: labels }).test).sort((a, b) => a - b));
  });

  it('subsetOfPart keeps the part\'s order, takes its rows only, stratified by data-row labels', () => {
    const part = Int32Array.from([39, 5, 33, 1, 30, 7, 2, 36, 31, 10, 11, 12]);
    expect(subsetOfPart(part, 12, 1)).toBe(part);
    expect(subsetOfPart(part, 20, 1)).toBe(part);
    const sub = subsetOfPart(part, 4, 2);
    const positions = Array.from(subsetIndices(12, 4, 2));
    expect(Array.from(sub)).toEqual(positions.map((p) => part[p]));
    // Labels are indexed by data row: the five rows ≥ 30 of the part are class 1.
    const strat = subsetOfPart(part, 6, 2, labels);
    const expected = Array.from(trainTestSplit(12, { testFraction: 0.5, seed: 2, stratify: Int32Array.from(part, (i) => labels[i]!) }).test).sort((a, b) => a - b);
    expect(Array.from(strat)).toEqual(expected.map((p) => part[p]));
  });
});

describe('preprocessing', () => {
  const d = table([[1, 2, 3, 100], [10, 10, 40, -5]], [0, 0, 0, 0]);

  it('fits the scaler on the training rows only', () => {
    const trainRows = Int32Array.from([0, 2]);
    const pre = fitPreprocessing(d, trainRows, true);
    if (pre.kind !== 'standard') throw new Error(`expected a standard scaler, got ${pre.kind}`);
    expect(pre.scaler.mean).toEqual([2, 25]);
    expect(pre.scaler.scale).toEqual([1, 15]);
    expect(fitPreprocessing(d, trainRows, false)).toEqual({ kind: 'none' });
    const images: Dataset = { ...d, X: null, images: new Uint8Array(784 * 4) };
    expect(fitPreprocessing(images, trainRows, true)).toEqual({ kind: 'pixels', divisor: 255 });
  });

  it('inputs of the given rows, standardized with the fitted scaler, in the asked dtype', () => {
    const pre = fitPreprocessing(d, Int32Array.from([0, 2]), true);
    const X = inputsFor(d, Int32Array.from([3, 1]), pre, 'float64') as Matrix;
    expect(X.toArray()).toEqual([[(100 - 2) / 1, (-5 - 25) / 15], [(2 - 2) / 1, (10 - 25) / 15]]);
    const X32 = inputsFor(d, Int32Array.from([3, 1]), pre, 'float32') as Matrix;
    expect(X32.dtype).toBe('float32');
    expect(Array.from(X32.data)).toEqual(Array.from(Float32Array.from(X.data)));
    const raw = inputsFor(d, Int32Array.from([2]), { kind: 'none' }, 'float64') as Matrix;
    expect(raw.toArray()).toEqual([[3, 40]]);
    expect(raw.dtype).toBe('float64');
    // The data set itself is not changed.
    expect(d.X!.toArray()[3]).toEqual([100, -5]);
  });

  it('pixel inputs are a row source over the chosen images, scaled by 255', () => {
    const images = new Uint8Array(784 * 3);
    for (let r = 0; r < 3; r++) images.fill(50 * (r + 1), r * 784, (r + 1) * 784);
    const pix: Dataset = { ...d, n: 3, X: null, images, cols: 784 };
    const source = inputsFor(pix, Int32Array.from([2, 0, 1]), { kind: 'pixels', divisor: 255 }, 'float64');
    expect(source).not.toBeInstanceOf(Matrix);
    expect([source.rows, source.cols]).toEqual([3, 784]);
    const out = Matrix.zeros(3, 784);
    // Batch positions 1..3 of the index [2, 0, 1, 0] are rows 0, 1, 0 of the part: images 2, 0, 2.
    (source as Exclude<typeof source, Matrix>).gather(Int32Array.from([2, 0, 1, 0]), 1, out);
    expect([out.get(0, 0), out.get(0, 783), out.get(1, 5), out.get(2, 9)]).toEqual([gatherOne(images, 2, 0), gatherOne(images, 2, 783), gatherOne(images, 0, 5), gatherOne(images, 2, 9)]);
    expect(out.get(1, 5)).toBeCloseTo(50 / 255, 15);
    expect(out.get(2, 9)).toBeCloseTo(150 / 255, 15);
  });

  it('takeImageRows copies whole 784-byte images in the given order', () => {
    const images = Uint8Array.from({ length: 784 * 3 }, (_, k) => Math.floor(k / 784) * 10 + (k % 7));
    const two = takeImageRows(images, [2, 0]);
    expect(two).toHaveLength(2 * 784);
    expect(two.subarray(0, 784)).toEqual(images.subarray(2 * 784));
    expect(two.subarray(784)).toEqual(images.subarray(0, 784));
  });
});

function gatherOne(images: Uint8Array, image: number, pixel: number): number {
  return images[image * 784 + pixel]! / 255;
}

describe('target scaling', () => {
  it('mean and population standard deviation of the training targets; 1 for a constant target', () => {
    const y = Matrix.column([1, 2, 3, 10]);
    const s = fitTargetScale(y);
    expect(s.mean).toBe(4);
    expect(s.std).toBeCloseTo(std([1, 2, 3, 10]), 14);
    expect(fitTargetScale(Matrix.column([5, 5, 5]))).toEqual({ mean: 5, std: 1 });
    // Deviations from the mean, squared (Σ(v − m)², not Σv² − n·m², which cancels for a large mean).
    expect(fitTargetScale(Matrix.column([3e7 + 0.01, 3e7 + 0.02, 3e7 + 0.04])).std).toBeCloseTo(std([0.01, 0.02, 0.04]), 6);
    expect(Array.from(standardizeTargets(y, { mean: 4, std: 2 }).data)).toEqual([-1.5, -1, -0.5, 3]);
  });

  it('folding the scale into the output layer predicts std·ŷ + mean', () => {
    const net = Sequential.mlp({ inputSize: 2, hidden: [3], activation: 'tanh', outputSize: 1, loss: 'mse', seed: 4 });
    const X = Matrix.from([[0.5, -1], [2, 0.25]]);
    net.layers[1]!.b.data[0] = 0.5;
    const before = Array.from(net.predict(X).data);
    restoreTargetUnits(net, { mean: 10, std: 3 });
    const after = Array.from(net.predict(X).data);
    after.forEach((v, i) => expect(v).toBeCloseTo(3 * before[i]! + 10, 12));
  });

  it('targetColumn takes the rows\' values in order', () => {
    expect(Array.from(targetColumn(Float64Array.from([5, 6, 7]), Int32Array.from([2, 0])).data)).toEqual([7, 5]);
  });
});

describe('standardizationWarning', () => {
  it('is null for features near standard scale, at the limits included', () => {
    expect(standardizationWarning(Matrix.from([[-1, 0], [1, 0]]), ['a', 'b'])).toBeNull();
    // mean exactly 3, std exactly 10 and 0.1 are not flagged.
    expect(standardizationWarning(Matrix.from([[3], [3]]), ['c'])).toBeNull();
    expect(standardizationWarning(Matrix.from([[-10], [10]]), ['d'])).toBeNull();
    expect(standardizationWarning(Matrix.from([[-0.125], [0.125]]), ['e'])).toBeNull();
    expect(standardizationWarning(Matrix.from([[-0.1], [0.1]]), ['f'])).toBeNull();
  });

  it('names each far column with its mean and std, three at most', () => {
    const X = Matrix.from([[4, 0, -20, 0.01, 1], [4, 0, 20, -0.01, -1]]);
    expect(standardizationWarning(X, ['big', 'zero', 'wide', 'narrow', 'ok'])).toBe(
      'warning: inputs are far from standardized: big (mean 4.00, std 0.00), wide (mean 0.00, std 20.0), narrow (mean 0.00, std 0.0100); training may be slow or unstable (drop --no-standardize)',
    );
    const many = Matrix.from([[-4, -5, 6, 7, 8], [-4, -5, 6, 7, 8]]);
    expect(standardizationWarning(many, ['a', 'b'])).toBe(
      'warning: inputs are far from standardized: a (mean -4.00, std 0.00), b (mean -5.00, std 0.00), column 2 (mean 6.00, std 0.00), and 2 more; training may be slow or unstable (drop --no-standardize)',
    );
    const four = Matrix.from([[4, 5, 6, 7]]);
    expect(standardizationWarning(four, ['a', 'b', 'c', 'd'])).toMatch(/, and 1 more;/);
    const three = Matrix.from([[4, 5, 6]]);
    expect(standardizationWarning(three, ['a', 'b', 'c'])).toMatch(/c \(mean 6\.00, std 0\.00\); training/);
    // Mean and std of a column are over its own rows (row-major data, several rows).
    const cols = Matrix.from([[0, 30], [0, -30], [0, 30], [0, -30]]);
    expect(standardizationWarning(cols, ['p', 'q'])).toBe('warning: inputs are far from standardized: q (mean 0.00, std 30.0); training may be slow or unstable (drop --no-standardize)');
  });
});
