import { DataFormatError, InvalidOptionError, Matrix, ShapeError } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kFold, takeRows, trainTestSplit } from './split.js';

function sorted(a: ArrayLike<number>): number[] {
  return Array.from(a).sort((x, y) => x - y);
}
function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

describe('trainTestSplit', () => {
  it('splits 0..n-1 into disjoint covering parts of ceil(f·n) test rows (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.nat(), (n, f, seed) => {
        const nTest = Math.ceil(f * n);
        if (nTest >= n) {
          expect(() => trainTestSplit(n, { testFraction: f, seed })).toThrow(InvalidOptionError);
          return;
        }
        const { train, test } = trainTestSplit(n, { testFraction: f, seed });
        expect(test.length).toBe(nTest);
        expect(train.length).toBe(n - nTest);
        expect(sorted([...train, ...test])).toEqual(range(n));
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic by seed, shuffled, and different for another seed', () => {
    const a = trainTestSplit(100, { seed: 5 });
    const b = trainTestSplit(100, { seed: 5 });
    const c = trainTestSplit(100, { seed: 6 });
    expect(a.train).toEqual(b.train);
    expect(a.test).toEqual(b.test);
    expect(a.test).not.toEqual(c.test);
    expect(Array.from(a.train)).not.toEqual(sorted(a.train));
    expect(trainTestSplit(1000).test.length).toBe(200);
  });

  it('stratified split keeps every class within one row of its exact share', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 10, maxLength: 400 }),
        fc.constantFrom(0.1, 0.2, 0.25, 0.33, 0.5),
        fc.nat(),
        (labels, f, seed) => {
          const n = labels.length;
          const { train, test } = trainTestSplit(n, { testFraction: f, seed, stratify: labels });
          expect(sorted([...train, ...test])).toEqual(range(n));
          expect(test.length).toBe(Math.ceil(f * n));
          for (let c = 0; c <= 5; c++) {
            const total = labels.filter((l) => l === c).length;
            const inTest = Array.from(test).filter((i) => labels[i] === c).length;
            expect(Math.abs(inTest - f * total)).toBeLessThan(1 + 1e-9);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stratified split: 80/20 of a 3:1 data set gives exactly 3:1 in both parts', () => {
    const labels = [...Array<number>(75).fill(7), ...Array<number>(25).fill(-1)];
    const { train, test } = trainTestSplit(100, { stratify: Float64Array.from(labels), seed: 1 });
    expect(Array.from(test).filter((i) => labels[i] === 7).length).toBe(15);
    expect(Array.from(test).filter((i) => labels[i] === -1).length).toBe(5);
    expect(Array.from(train).filter((i) => labels[i] === 7).length).toBe(60);
  });

  it('stratified split: the seed decides which rows of each class go to test, every row equally likely', () => {
    // Classes 0, 1, 2 with 30, 20, 10 rows, interleaved; 20 % test gives 6, 4 and 2 test rows per class.
    const n = 60;
    const labels = Array.from({ length: n }, (_, i) => (i % 6 < 3 ? 0 : i % 6 < 5 ? 1 : 2));
    const seeds = 200;
    const timesInTest = new Array<number>(n).fill(0);
    const testRowsOf = (seed: number, c: number) =>
      sorted(trainTestSplit(n, { testFraction: 0.2, seed, stratify: labels }).test).filter((i) => labels[i] === c);
    for (let seed = 0; seed < seeds; seed++) {
      for (const c of [0, 1, 2]) for (const i of testRowsOf(seed, c)) timesInTest[i]!++;
    }
    // Each row is a test row in Binomial(200, 0.2) of the seeds: mean 40, sd 5.7. Outside [15, 70]
    // is beyond 4.4 sd; a split taking the first rows of each class gives 200 and 0.
    for (let i = 0; i < n; i++) {
      expect(timesInTest[i], `row ${i} (class ${labels[i]}) in the test part for ${timesInTest[i]} of ${seeds} seeds`).toBeGreaterThanOrEqual(15);
      expect(timesInTest[i], `row ${i} (class ${labels[i]}) in the test part for ${timesInTest[i]} of ${seeds} seeds`).toBeLessThanOrEqual(70);
    }
    // Within each class, another seed picks other rows.
    for (const c of [0, 1, 2]) expect(testRowsOf(1, c), `class ${c}`).not.toEqual(testRowsOf(2, c));
  });

  it('rejects bad fractions and labels', () => {
    for (const f of [0, 1, -0.1, 1.5, NaN]) {
      expect(() => trainTestSplit(10, { testFraction: f })).toThrow(InvalidOptionError);
    }
    expect(() => trainTestSplit(10, { testFraction: 1 })).toThrow(/testFraction must be in \(0, 1\), got 1/);
    expect(() => trainTestSplit(1)).toThrow(/both must be ≥ 1/);
    expect(() => trainTestSplit(10, { stratify: [1, 2] })).toThrow(/stratify: has 2 labels, expected 10/);
    expect(() => trainTestSplit(3, { stratify: [1, NaN, 2], testFraction: 0.5 })).toThrow(DataFormatError);
    expect(() => trainTestSplit(2.5)).toThrow(InvalidOptionError);
  });
});

describe('kFold', () => {
  it('partitions 0..n-1: folds disjoint, covering, sizes as scikit-learn', () => {
    const folds = kFold(10, 3, { seed: 2 });
    expect(folds.map((f) => f.test.length)).toEqual([4, 3, 3]);
    expect(sorted(folds.flatMap((f) => Array.from(f.test)))).toEqual(range(10));
    for (const f of folds) {
      expect(f.train.length + f.test.length).toBe(10);
      expect(sorted([...f.train, ...f.test])).toEqual(range(10));
    }
  });

  it('without shuffle gives consecutive folds like KFold(shuffle=False)', () => {
    const folds = kFold(5, 2, { shuffle: false });
    expect(folds.map((f) => Array.from(f.test))).toEqual([[0, 1, 2], [3, 4]]);
    expect(folds.map((f) => Array.from(f.train))).toEqual([[3, 4], [0, 1, 2]]);
  });

  it('is deterministic by seed', () => {
    expect(kFold(20, 4, { seed: 9 })).toEqual(kFold(20, 4, { seed: 9 }));
    expect(kFold(20, 4, { seed: 9 })[0]!.test).not.toEqual(kFold(20, 4, { seed: 10 })[0]!.test);
  });

  it('rejects k < 2 and k > n', () => {
    expect(() => kFold(5, 1)).toThrow(/k must be an integer ≥ 2, got 1/);
    expect(() => kFold(5, 6)).toThrow(/k = 6 exceeds the number of rows n = 5/);
  });
});

describe('takeRows', () => {
  it('gathers rows in order, with repeats, keeping the dtype', () => {
    const X = Matrix.from([[1, 2], [3, 4], [5, 6]], 'float32');
    const T = takeRows(X, [2, 0, 2]);
    expect(T.dtype).toBe('float32');
    expect(T.toArray()).toEqual([[5, 6], [1, 2], [5, 6]]);
    expect(() => takeRows(X, [3])).toThrow(ShapeError);
  });
});

describe('split: remainders, bounds and messages', () => {
  it('stratified test rows go to the classes with the largest remainders f·size − ⌊f·size⌋', () => {
    // Classes of 2, 5 and 3 rows at f = 0.3: 0.6, 1.5, 0.9 test rows; ⌈0.3·10⌉ = 3 in all.
    // Floors give 0, 1, 0; the two missing rows go to the remainders 0.9 and 0.6 (classes 2 and 0).
    const labels = [0, 0, 1, 1, 1, 1, 1, 2, 2, 2];
    const { test } = trainTestSplit(10, { testFraction: 0.3, stratify: labels, seed: 5 });
    const perClass = [0, 1, 2].map((c) => Array.from(test).filter((i) => labels[i] === c).length);
    expect(perClass).toEqual([1, 1, 1]);
    // Equal remainders: the lower label first. Classes of 3, 3, 4 at f = 0.5: 1.5, 1.5, 2 → 2, 1, 2.
    const tied = [0, 0, 0, 1, 1, 1, 2, 2, 2, 2];
    const split = trainTestSplit(10, { testFraction: 0.5, stratify: tied, seed: 5 });
    expect([0, 1, 2].map((c) => Array.from(split.test).filter((i) => tied[i] === c).length)).toEqual([2, 1, 2]);
  });

  it('messages name the argument', () => {
    expect(() => trainTestSplit(-1)).toThrow('trainTestSplit: n must be an integer ≥ 0, got -1');
    expect(() => trainTestSplit(10, { testFraction: 0 })).toThrow('trainTestSplit: testFraction must be in (0, 1), got 0');
    expect(() => trainTestSplit(1)).toThrow('trainTestSplit: n = 1 with testFraction = 0.2 gives 0 training and 1 test rows; both must be ≥ 1');
    expect(() => trainTestSplit(2, { stratify: [0, NaN] })).toThrow('trainTestSplit: stratify: label 1 is NaN; labels must be finite');
    expect(() => kFold(-1, 2)).toThrow('kFold: n must be an integer ≥ 0, got -1');
    expect(() => kFold(2, 3)).toThrow('kFold: k = 3 exceeds the number of rows n = 2');
  });

  it('k = n is leave-one-out', () => {
    const folds = kFold(3, 3, { shuffle: false });
    expect(folds.map((f) => Array.from(f.test))).toEqual([[0], [1], [2]]);
    expect(folds.map((f) => Array.from(f.train))).toEqual([[1, 2], [0, 2], [0, 1]]);
  });
});

describe('split: one seed, one split', () => {
  it('a stratified split is pinned for a seed (classes are visited in ascending label order)', () => {
    // Pinned so that a change of the drawing order (which would change every study split) shows here.
    const first = trainTestSplit(8, { testFraction: 0.5, seed: 3, stratify: [1, 1, 1, 1, 0, 0, 0, 0] });
    expect([Array.from(first.train), Array.from(first.test)]).toEqual([[1, 3, 6, 7], [0, 2, 4, 5]]);
    const second = trainTestSplit(8, { testFraction: 0.5, seed: 3, stratify: [0, 0, 0, 0, 1, 1, 1, 1] });
    expect([Array.from(second.train), Array.from(second.test)]).toEqual([[5, 7, 2, 3], [4, 6, 0, 1]]);
  });
});
