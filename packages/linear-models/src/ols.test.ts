import { DataFormatError, InvalidOptionError, Matrix, Rng, ShapeError, StateError } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinearRegression } from './ols.js';
import { regressionProblem, roundTrip } from './testing.js';

describe('LinearRegression', () => {
  it('property: the residual is orthogonal to every column of X (and to 1 with an intercept)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 1e9 }), fc.boolean(), (p, extra, seed, fitIntercept) => {
        const n = p + 2 + extra; // full column rank with probability 1
        const { X, y } = regressionProblem(n, p, seed, 1);
        const m = new LinearRegression({ fitIntercept }).fit(X, y);
        const r = Array.from(m.predict(X).data).map((v, i) => y.data[i]! - v);
        const rNorm = Math.hypot(...r);
        for (let j = 0; j < p; j++) {
          let d = 0, cNorm = 0;
          for (let i = 0; i < n; i++) {
            d += X.get(i, j) * r[i]!;
            cNorm += X.get(i, j) ** 2;
          }
          expect(Math.abs(d)).toBeLessThanOrEqual(1e-10 * Math.sqrt(cNorm) * (rNorm + 1));
        }
        if (fitIntercept) expect(Math.abs(r.reduce((a, v) => a + v, 0))).toBeLessThanOrEqual(1e-10 * Math.sqrt(n) * (rNorm + 1));
        expect(m.rank).toBe(p);
      }),
      { numRuns: 100 },
    );
  });

  it('recovers exact coefficients of a noise-free problem, R² = 1', () => {
    const { X, y, w, b } = regressionProblem(40, 5, 1, 0);
    const m = new LinearRegression().fit(X, y);
    for (let j = 0; j < 5; j++) expect(m.coef.get(j, 0)).toBeCloseTo(w[j]!, 12);
    expect(m.intercept).toBeCloseTo(b, 12);
    expect(m.score(X, y)).toBeCloseTo(1, 14);
  });

  it('without an intercept fits through the origin', () => {
    const X = Matrix.from([[1], [2], [3]]);
    const m = new LinearRegression({ fitIntercept: false }).fit(X, Matrix.column([2, 4, 7]));
    expect(m.intercept).toBe(0);
    expect(m.coef.get(0, 0)).toBeCloseTo((2 + 8 + 21) / 14, 14);
  });

  it('rejects bad input with typed errors that name the problem', () => {
    const { X, y } = regressionProblem(6, 3, 2);
    expect(() => new LinearRegression().predict(X)).toThrow(StateError);
    expect(() => new LinearRegression().coef).toThrow(/not fitted/);
    expect(() => new LinearRegression().fit(X, Matrix.zeros(5, 1))).toThrow(ShapeError);
    expect(() => new LinearRegression().fit(X, Matrix.zeros(5, 1))).toThrow('y is 5×1, expected 6×1 (one target per row of X, which is 6×3)');
    const bad = X.clone();
    bad.set(2, 1, NaN);
    expect(() => new LinearRegression().fit(bad, y)).toThrow(DataFormatError);
    expect(() => new LinearRegression().fit(bad, y)).toThrow(/element \(2, 1\) is NaN/);
    expect(() => new LinearRegression({ rcond: -1 }).fit(X, y)).toThrow(InvalidOptionError);
    const m = new LinearRegression().fit(X, y);
    expect(() => m.predict(Matrix.zeros(2, 4))).toThrow('LinearRegression.predict: X has 4 columns, expected 3 (as in fit)');
  });

  it('round-trips through JSON', () => {
    const { X, y } = regressionProblem(30, 4, 3);
    const m = new LinearRegression().fit(X, y);
    const copy = LinearRegression.fromJSON(roundTrip(m.toJSON()));
    expect(Array.from(copy.predict(X).data)).toEqual(Array.from(m.predict(X).data));
    expect(() => LinearRegression.fromJSON({ ...m.toJSON(), model: 'Ridge' } as never)).toThrow(DataFormatError);
  });

  it('score is R² (1 − SS_res/SS_tot)', () => {
    const rng = new Rng(4);
    const X = Matrix.column(Array.from({ length: 50 }, () => rng.normal()));
    const y = Matrix.column(Array.from({ length: 50 }, (_, i) => X.data[i]! + rng.normal()));
    const m = new LinearRegression().fit(X, y);
    const yHat = m.predict(X).data;
    const mean = Array.from(y.data).reduce((a, v) => a + v, 0) / 50;
    const ssRes = Array.from(y.data).reduce((a, v, i) => a + (v - yHat[i]!) ** 2, 0);
    const ssTot = Array.from(y.data).reduce((a, v) => a + (v - mean) ** 2, 0);
    expect(m.score(X, y)).toBeCloseTo(1 - ssRes / ssTot, 14);
  });

  it('score on a single sample is a typed error, not a silent 0 or 1 (R² needs two)', () => {
    const m = new LinearRegression().fit(Matrix.from([[0], [1], [2]]), Matrix.column([1, 3, 5]));
    expect(() => m.score(Matrix.from([[4]]), Matrix.column([9]))).toThrow(DataFormatError);
    expect(() => m.score(Matrix.from([[4]]), Matrix.column([9]))).toThrow(/r2: needs at least 2 samples, got 1/);
  });
});
