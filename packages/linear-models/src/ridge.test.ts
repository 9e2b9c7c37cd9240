import { InvalidOptionError, Matrix, ShapeError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { LinearRegression } from './ols.js';
import { Ridge } from './ridge.js';
import { regressionProblem, roundTrip } from './testing.js';

describe('Ridge', () => {
  it('solves the normal equations (XcᵀXc + αI)w = Xcᵀyc', () => {
    const { X, y } = regressionProblem(25, 4, 11);
    const alpha = 3.5;
    const m = new Ridge({ alpha }).fit(X, y);
    const w = m.coef.data;
    const n = 25, p = 4;
    const xm = Array.from({ length: p }, (_, j) => X.toArray().reduce((a, r) => a + r[j]!, 0) / n);
    const ym = Array.from(y.data).reduce((a, v) => a + v, 0) / n;
    for (let j = 0; j < p; j++) {
      let lhs = alpha * w[j]!, rhs = 0;
      for (let i = 0; i < n; i++) {
        let xw = 0;
        for (let k = 0; k < p; k++) xw += (X.get(i, k) - xm[k]!) * w[k]!;
        lhs += (X.get(i, j) - xm[j]!) * xw;
        rhs += (X.get(i, j) - xm[j]!) * (y.data[i]! - ym);
      }
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-11 * (Math.abs(rhs) + 1));
    }
    // The intercept is not penalized: it makes the mean residual zero.
    expect(Array.from(m.predict(X).data).reduce((a, v, i) => a + v - y.data[i]!, 0)).toBeCloseTo(0, 11);
  });

  it('α = 0 is least squares and a large α shrinks the coefficients toward 0', () => {
    const { X, y } = regressionProblem(30, 3, 12);
    const ols = new LinearRegression().fit(X, y).coef.data;
    const r0 = new Ridge({ alpha: 0 }).fit(X, y).coef.data;
    for (let j = 0; j < 3; j++) expect(r0[j]).toBeCloseTo(ols[j]!, 12);
    const norm = (a: ArrayLike<number>): number => Math.hypot(...Array.from(a));
    expect(norm(new Ridge({ alpha: 1e8 }).fit(X, y).coef.data)).toBeLessThan(1e-5 * norm(ols));
  });

  it('any α > 0 keeps every singular value, however small: w = (XᵀX + αI)⁻¹Xᵀy', () => {
    // Orthogonal columns, so s = (1, 10⁻²⁰) exactly. With α = 10⁻²⁴ the second weight is
    // 10⁻²⁰/(10⁻⁴⁰ + 10⁻²⁴) ≈ 10⁴: the penalty, not a rank cutoff, tames the tiny singular value.
    const m = new Ridge({ alpha: 1e-24, fitIntercept: false }).fit(Matrix.from([[1, 0], [0, 1e-20]]), Matrix.column([1, 1]));
    expect(Array.from(m.coef.data)).toEqual([1 / (1 + 1e-24), 1e-20 / (1e-40 + 1e-24)]);
  });

  it('α = 0 treats singular values s ≤ ε·max(n, p)·s_max as zero, as LinearRegression does (minimum-norm solution)', () => {
    // 10 × 2 with orthogonal columns: s = (1, 10⁻¹⁵), below the cutoff ε·10 ≈ 2.2·10⁻¹⁵ (not below ε·min(n, p) = 4.4·10⁻¹⁶).
    const X = Matrix.from(Array.from({ length: 10 }, (_, i) => [i === 0 ? 1 : 0, i === 1 ? 1e-15 : 0]));
    const y = Matrix.column(Array.from({ length: 10 }, (_, i) => (i < 2 ? 1 : 0)));
    expect(Array.from(new Ridge({ alpha: 0, fitIntercept: false }).fit(X, y).coef.data)).toEqual([1, 0]);
    expect(Array.from(new LinearRegression({ fitIntercept: false }).fit(X, y).coef.data)).toEqual([1, 0]);
    // A singular value exactly at the cutoff (2 × 2: ε·2·1 = 2⁻⁵¹) counts as zero too.
    expect(Array.from(new Ridge({ alpha: 0, fitIntercept: false }).fit(Matrix.from([[1, 0], [0, 2 ** -51]]), Matrix.column([1, 1])).coef.data)).toEqual([1, 0]);
  });

  it('α = 0 with every feature constant (centred X all zeros, s_max = 0): weights 0 and the intercept ȳ, not 0/0', () => {
    const m = new Ridge({ alpha: 0 }).fit(Matrix.from([[3, 1], [3, 1], [3, 1]]), Matrix.column([1, 2, 6]));
    expect(Array.from(m.coef.data)).toEqual([0, 0]);
    expect(m.intercept).toBe(3);
  });

  it('rejects alpha < 0 naming alpha, and bad shapes', () => {
    const { X, y } = regressionProblem(8, 2, 13);
    expect(() => new Ridge({ alpha: -1 }).fit(X, y)).toThrow(InvalidOptionError);
    expect(() => new Ridge({ alpha: -1 }).fit(X, y)).toThrow('Ridge: alpha must be a finite number ≥ 0, got -1');
    expect(() => new Ridge({ alpha: NaN }).fit(X, y)).toThrow(/alpha/);
    expect(() => new Ridge().fit(X, Matrix.zeros(8, 2))).toThrow(ShapeError);
  });

  it('round-trips through JSON', () => {
    const { X, y } = regressionProblem(20, 3, 14);
    const m = new Ridge({ alpha: 0.5, fitIntercept: false }).fit(X, y);
    const copy = Ridge.fromJSON(roundTrip(m.toJSON()));
    expect(copy.alpha).toBe(0.5);
    expect(copy.fitIntercept).toBe(false);
    expect(Array.from(copy.coef.data)).toEqual(Array.from(m.coef.data));
  });
});
