import { DataFormatError, InvalidOptionError, Matrix, ShapeError, StateError } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinMaxScaler, StandardScaler } from './scalers.js';

const X = Matrix.from([
  [1, 10, 5],
  [2, 20, 5],
  [3, 60, 5],
]);

describe('StandardScaler', () => {
  it('matches hand-computed means and population (ddof = 0) standard deviations', () => {
    const s = new StandardScaler().fit(X);
    expect(Array.from(s.mean)).toEqual([2, 30, 5]);
    expect(Array.from(s.variance)).toEqual([2 / 3, 1400 / 3, 0]);
    expect(Array.from(s.scale)).toEqual([Math.sqrt(2 / 3), Math.sqrt(1400 / 3), 1]);
    expect(s.nSamples).toBe(3);
    const Z = s.transform(X);
    const a = 1 / Math.sqrt(2 / 3);
    const b = 1 / Math.sqrt(1400 / 3);
    const expected = [
      [-a, -20 * b, 0],
      [0, -10 * b, 0],
      [a, 30 * b, 0],
    ];
    Z.toArray().forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 14)));
  });

  it('treats a column constant up to rounding as constant (scale 1), like scikit-learn', () => {
    // mean(0.1, 0.1, 0.1) rounds to 0.10000000000000002, so the variance is 1.9e-34, not 0.
    const C = Matrix.from([[0.1], [0.1], [0.1]]);
    const s = new StandardScaler().fit(C);
    expect(s.variance[0]).toBeGreaterThan(0);
    expect(s.scale[0]).toBe(1);
    for (const v of s.transform(C).data) expect(Math.abs(v)).toBeLessThan(1e-16);
  });

  it('transformed training data has mean 0 and std 1 per non-constant column (property)', () => {
    fc.assert(
      fc.property(
        // Values on a 1e-3 grid: a column like [0, 1e-162] would have a variance that underflows.
        fc.array(fc.array(fc.integer({ min: -1e6, max: 1e6 }).map((v) => v / 1000), { minLength: 2, maxLength: 2 }), {
          minLength: 2,
          maxLength: 30,
        }),
        (rows) => {
          const M = Matrix.from(rows);
          const s = new StandardScaler();
          const Z = s.fitTransform(M);
          for (let j = 0; j < 2; j++) {
            const col = Array.from({ length: M.rows }, (_, i) => Z.get(i, j));
            const m = col.reduce((a, b) => a + b, 0) / col.length;
            expect(Math.abs(m)).toBeLessThan(1e-9);
            const v = col.reduce((a, b) => a + (b - m) ** 2, 0) / col.length;
            if (s.scale[j] !== 1) expect(v).toBeCloseTo(1, 9);
          }
          const back = s.inverseTransform(Z);
          back.data.forEach((v, k) => expect(v).toBeCloseTo(M.data[k]!, 9));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('transforms new data with the training statistics, in place when asked', () => {
    const s = new StandardScaler().fit(X);
    const T = Matrix.from([[4, 30, 6]]);
    const out = s.transform(T, T);
    expect(out).toBe(T);
    expect(T.get(0, 0)).toBeCloseTo(2 / Math.sqrt(2 / 3), 14);
    expect(T.get(0, 1)).toBe(0);
    expect(T.get(0, 2)).toBe(1);
  });

  it('withMean / withStd switches', () => {
    const noMean = new StandardScaler({ withMean: false }).fit(X);
    expect(Array.from(noMean.mean)).toEqual([2, 30, 5]);
    expect(noMean.transform(X).get(0, 0)).toBeCloseTo(1 / Math.sqrt(2 / 3), 14);
    const noStd = new StandardScaler({ withStd: false }).fit(X);
    expect(Array.from(noStd.scale)).toEqual([1, 1, 1]);
    expect(noStd.transform(X).toArray()[0]).toEqual([-1, -20, 0]);
  });

  it('round-trips through JSON', () => {
    const s = new StandardScaler().fit(X);
    const json = JSON.parse(JSON.stringify(s)) as ReturnType<StandardScaler['toJSON']>;
    const r = StandardScaler.fromJSON(json);
    expect(r.transform(X).data).toEqual(s.transform(X).data);
    expect(r.nSamples).toBe(3);
    expect(() => StandardScaler.fromJSON({ ...json, kind: 'MinMaxScaler' as 'StandardScaler' })).toThrow(DataFormatError);
    expect(() => StandardScaler.fromJSON({ ...json, scale: [1, 0, 1] })).toThrow(/scale: element 1 is 0/);
    expect(() => StandardScaler.fromJSON({ ...json, mean: [1] })).toThrow(/variance: expected an array of 1 numbers/);
  });

  it('errors: unfitted, wrong width, NaN, empty', () => {
    expect(() => new StandardScaler().transform(X)).toThrow(StateError);
    expect(() => new StandardScaler().mean).toThrow(/StandardScaler.mean: call fit first/);
    const s = new StandardScaler().fit(X);
    expect(() => s.transform(Matrix.zeros(1, 2))).toThrow(ShapeError);
    expect(() => s.transform(X, Matrix.zeros(2, 3))).toThrow(/out is 2×3, expected 3×3/);
    expect(() => new StandardScaler().fit(Matrix.from([[1], [NaN]]))).toThrow(DataFormatError);
    expect(() => new StandardScaler().fit(Matrix.zeros(0, 2))).toThrow(/no rows/);
  });
});

describe('MinMaxScaler', () => {
  it('maps each column onto [0, 1] with scikit-learn scale_ and min_', () => {
    const s = new MinMaxScaler().fit(X);
    expect(Array.from(s.dataMin)).toEqual([1, 10, 5]);
    expect(Array.from(s.dataMax)).toEqual([3, 60, 5]);
    expect(Array.from(s.scale)).toEqual([0.5, 1 / 50, 1]);
    expect(Array.from(s.min)).toEqual([-0.5, -10 / 50, -5]);
    expect(s.transform(X).toArray()).toEqual([
      [0, 0, 0],
      [0.5, 0.2, 0],
      [1, 1, 0],
    ]);
  });

  it('supports another featureRange and inverts', () => {
    const s = new MinMaxScaler({ featureRange: [-1, 1] });
    const Z = s.fitTransform(X);
    expect(Z.toArray()[2]).toEqual([1, 1, -1]);
    expect(s.inverseTransform(Z).toArray()).toEqual(X.toArray());
    const outside = s.transform(Matrix.from([[5, 110, 5]])).toArray()[0]!; // not clipped
    expect(outside[0]).toBe(3);
    expect(outside[1]).toBeCloseTo(3, 14);
    expect(outside[2]).toBe(-1);
  });

  it('round-trips through JSON and validates', () => {
    const s = new MinMaxScaler({ featureRange: [2, 4] }).fit(X);
    const r = MinMaxScaler.fromJSON(s.toJSON());
    expect(r.featureRange).toEqual([2, 4]);
    expect(r.transform(X).data).toEqual(s.transform(X).data);
    expect(() => MinMaxScaler.fromJSON({ ...s.toJSON(), min: [0, NaN, 0] })).toThrow(/min: element 1 is NaN/);
  });

  it('errors', () => {
    expect(() => new MinMaxScaler({ featureRange: [1, 1] })).toThrow(InvalidOptionError);
    expect(() => new MinMaxScaler().inverseTransform(X)).toThrow(StateError);
    expect(() => new MinMaxScaler().fit(Matrix.from([[Infinity]]))).toThrow(DataFormatError);
  });
});
