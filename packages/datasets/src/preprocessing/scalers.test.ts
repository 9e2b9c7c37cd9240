import { DataFormatError, InvalidOptionError, Matrix, ShapeError, StateError } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinMaxScaler, StandardScaler, type StandardScalerJSON } from './scalers.js';

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

describe('scalers: state, messages and edges', () => {
  const rows = Matrix.from([
    [3, -1],
    [1, 4],
    [2, 0],
  ]);

  it('every getter before fit names itself; isFitted tells', () => {
    const s = new StandardScaler();
    expect(s.isFitted).toBe(false);
    for (const getter of ['mean', 'variance', 'scale', 'nSamples'] as const) {
      expect(() => s[getter]).toThrow(`StandardScaler.${getter}: call fit first`);
    }
    expect(() => s.transform(rows)).toThrow('StandardScaler.transform: call fit first');
    expect(() => s.inverseTransform(rows)).toThrow('StandardScaler.inverseTransform: call fit first');
    expect(() => s.toJSON()).toThrow('StandardScaler.toJSON: call fit first');
    expect(s.fit(rows).isFitted).toBe(true);
    const m = new MinMaxScaler();
    expect(m.isFitted).toBe(false);
    for (const getter of ['dataMin', 'dataMax', 'scale', 'min', 'nSamples'] as const) {
      expect(() => m[getter]).toThrow(`MinMaxScaler.${getter}: call fit first`);
    }
    expect(() => m.transform(rows)).toThrow('MinMaxScaler.transform: call fit first');
    expect(() => m.inverseTransform(rows)).toThrow('MinMaxScaler.inverseTransform: call fit first');
    expect(() => m.toJSON()).toThrow('MinMaxScaler.toJSON: call fit first');
    expect(m.fit(rows).isFitted).toBe(true);
    expect(m.nSamples).toBe(3);
  });

  it('fit, transform and featureRange errors name the call and the value', () => {
    expect(() => new StandardScaler().fit(Matrix.from([[1], [NaN]]))).toThrow(/^StandardScaler.fit: element \(1, 0\) is NaN/);
    expect(() => new MinMaxScaler().fit(Matrix.from([[1], [NaN]]))).toThrow(/^MinMaxScaler.fit: element \(1, 0\) is NaN/);
    expect(() => new MinMaxScaler().fit(Matrix.zeros(0, 2))).toThrow('MinMaxScaler.fit: X has no rows');
    const s = new StandardScaler().fit(rows);
    expect(() => s.transform(Matrix.zeros(1, 3))).toThrow('StandardScaler.transform: X has 3 columns, the scaler was fitted on 2');
    expect(() => s.inverseTransform(Matrix.zeros(1, 3))).toThrow('StandardScaler.inverseTransform: X has 3 columns, the scaler was fitted on 2');
    const m = new MinMaxScaler().fit(rows);
    expect(() => m.transform(Matrix.zeros(1, 3))).toThrow('MinMaxScaler.transform: X has 3 columns, the scaler was fitted on 2');
    expect(() => m.inverseTransform(Matrix.zeros(1, 3))).toThrow('MinMaxScaler.inverseTransform: X has 3 columns, the scaler was fitted on 2');
    expect(() => new MinMaxScaler({ featureRange: [NaN, 1] })).toThrow('MinMaxScaler: featureRange[0] must be a finite number, got NaN');
    expect(() => new MinMaxScaler({ featureRange: [1, 1] })).toThrow('MinMaxScaler: featureRange[1] must be a finite number > 1, got 1');
  });

  it('transforms in place row by row, both ways (each row reads its own values)', () => {
    for (const scaler of [new StandardScaler(), new MinMaxScaler({ featureRange: [-1, 2] })]) {
      scaler.fit(rows);
      const expected = scaler.transform(rows);
      const Z = rows.clone();
      expect(scaler.transform(Z, Z)).toBe(Z);
      expect(Array.from(Z.data)).toEqual(Array.from(expected.data));
      expect(Array.from(scaler.inverseTransform(Z, Z).data)).toEqual(Array.from(scaler.inverseTransform(expected).data));
    }
  });

  it('MinMaxScaler takes the largest value of a column wherever it is', () => {
    const m = new MinMaxScaler().fit(rows);
    expect(Array.from(m.dataMax)).toEqual([3, 4]);
    expect(Array.from(m.dataMin)).toEqual([1, -1]);
  });

  it('MinMaxScaler treats a range of exactly 10·ε as a range, below it as constant', () => {
    const eps = 2.220446049250313e-16;
    expect(new MinMaxScaler().fit(Matrix.from([[0], [10 * eps]])).scale[0]).toBe(1 / (10 * eps));
    expect(new MinMaxScaler().fit(Matrix.from([[0], [9 * eps]])).scale[0]).toBe(1);
  });

  it('StandardScaler: a zero column has scale 1; a tiny spread around 0 is a spread; one ulp around 1e8 is constant', () => {
    const zeros = new StandardScaler().fit(Matrix.from([[0], [0]]));
    expect(zeros.scale[0]).toBe(1);
    expect(Array.from(zeros.transform(Matrix.from([[0]])).data)).toEqual([0]);
    expect(new StandardScaler().fit(Matrix.from([[-1e-15], [1e-15]])).scale[0]).toBe(1e-15);
    const ulp = new StandardScaler().fit(Matrix.from([[1e8], [1e8 + 2 ** -26]]));
    expect(ulp.variance[0]).toBeGreaterThan(0);
    expect(ulp.scale[0]).toBe(1);
  });

  it('StandardScaler.fromJSON keeps withMean and withStd and validates every field', () => {
    const s = new StandardScaler({ withMean: false, withStd: false }).fit(rows);
    const r = StandardScaler.fromJSON(JSON.parse(JSON.stringify(s.toJSON())) as StandardScalerJSON);
    expect([r.withMean, r.withStd]).toEqual([false, false]);
    expect(Array.from(r.transform(rows).data)).toEqual(Array.from(rows.data));
    const only = StandardScaler.fromJSON(new StandardScaler({ withMean: false }).fit(rows).toJSON());
    expect([only.withMean, only.withStd]).toEqual([false, true]);
    const good = new StandardScaler().fit(rows).toJSON();
    const cases: [unknown, string][] = [
      [null, 'StandardScaler.fromJSON: not a saved StandardScaler (kind must be "StandardScaler")'],
      [{ ...good, kind: 'MinMaxScaler' }, 'StandardScaler.fromJSON: not a saved StandardScaler (kind must be "StandardScaler")'],
      [{ ...good, mean: [0, '1'] }, 'StandardScaler.fromJSON: mean: element 1 is 1; expected a finite number'],
      [{ ...good, variance: [0] }, 'StandardScaler.fromJSON: variance: expected an array of 2 numbers'],
      [{ ...good, scale: [1, 0] }, 'StandardScaler.fromJSON: scale: element 1 is 0; expected a finite non-zero number'],
      [{ ...good, nSamples: 0 }, 'StandardScaler.fromJSON: nSamples: expected an integer ≥ 1, got 0'],
      [{ ...good, nSamples: 1.5 }, 'StandardScaler.fromJSON: nSamples: expected an integer ≥ 1, got 1.5'],
      [{ ...good, nSamples: '3' }, 'StandardScaler.fromJSON: nSamples: expected an integer ≥ 1, got 3'],
    ];
    for (const [json, message] of cases) {
      expect(() => StandardScaler.fromJSON(json as never)).toThrow(DataFormatError);
      expect(() => StandardScaler.fromJSON(json as never)).toThrow(message);
    }
    expect(StandardScaler.fromJSON({ ...good, nSamples: 1 }).nSamples).toBe(1);
  });

  it('MinMaxScaler.fromJSON validates every field', () => {
    const good = new MinMaxScaler().fit(rows).toJSON();
    const cases: [unknown, string | RegExp][] = [
      [null, 'MinMaxScaler.fromJSON: not a saved MinMaxScaler (kind must be "MinMaxScaler")'],
      ['MinMaxScaler', 'MinMaxScaler.fromJSON: not a saved MinMaxScaler (kind must be "MinMaxScaler")'],
      [{ ...good, kind: 'StandardScaler' }, 'MinMaxScaler.fromJSON: not a saved MinMaxScaler (kind must be "MinMaxScaler")'],
      [{ ...good, dataMin: [0, NaN] }, 'MinMaxScaler.fromJSON: dataMin: element 1 is NaN; expected a finite number'],
      [{ ...good, dataMax: [0] }, 'MinMaxScaler.fromJSON: dataMax: expected an array of 2 numbers'],
      [{ ...good, scale: [1, 0] }, 'MinMaxScaler.fromJSON: scale: element 1 is 0; expected a finite non-zero number'],
      [{ ...good, nSamples: 0 }, 'MinMaxScaler.fromJSON: nSamples: expected an integer ≥ 1, got 0'],
    ];
    for (const [json, message] of cases) {
      expect(() => MinMaxScaler.fromJSON(json as never)).toThrow(DataFormatError);
      expect(() => MinMaxScaler.fromJSON(json as never)).toThrow(message);
    }
    expect(() => MinMaxScaler.fromJSON({ ...good, featureRange: undefined } as never)).toThrow('MinMaxScaler: featureRange[0] must be a finite number, got NaN');
  });
});
