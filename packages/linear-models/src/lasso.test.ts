import { InvalidOptionError, type Matrix } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { Lasso, lassoPath } from './lasso.js';
import { LinearRegression } from './ols.js';
import { regressionProblem, roundTrip } from './testing.js';

/** (1/2n)‖y − Xw − b‖² + α‖w‖₁ */
function objective(X: Matrix, y: Matrix, w: ArrayLike<number>, b: number, alpha: number): number {
  let sse = 0;
  for (let i = 0; i < X.rows; i++) {
    let s = b;
    for (let j = 0; j < X.cols; j++) s += X.get(i, j) * w[j]!;
    sse += (y.data[i]! - s) ** 2;
  }
  let l1 = 0;
  for (let j = 0; j < X.cols; j++) l1 += Math.abs(w[j]!);
  return sse / (2 * X.rows) + alpha * l1;
}

describe('Lasso', () => {
  const { X, y } = regressionProblem(60, 6, 21, 0.5);

  it('satisfies the optimality (KKT) conditions: |x_jᵀr|/n ≤ α, with equality and sign(w_j) where w_j ≠ 0', () => {
    for (const alpha of [0.01, 0.1, 0.5]) {
      const m = new Lasso({ alpha, tol: 1e-12, maxIter: 100_000 }).fit(X, y);
      expect(m.converged).toBe(true);
      const r = Array.from(m.predict(X).data).map((v, i) => y.data[i]! - v);
      for (let j = 0; j < 6; j++) {
        let c = 0;
        for (let i = 0; i < 60; i++) c += X.get(i, j) * r[i]!;
        c /= 60;
        const wj = m.coef.get(j, 0);
        if (wj === 0) expect(Math.abs(c)).toBeLessThanOrEqual(alpha * (1 + 1e-8));
        else expect(c).toBeCloseTo(alpha * Math.sign(wj), 8);
      }
    }
  });

  it('α ≥ max|Xcᵀyc|/n gives w = 0 and the intercept ȳ; α → 0 approaches least squares', () => {
    const zero = new Lasso({ alpha: 100 }).fit(X, y);
    expect(Array.from(zero.coef.data)).toEqual(new Array(6).fill(0));
    expect(zero.intercept).toBeCloseTo(Array.from(y.data).reduce((a, v) => a + v, 0) / 60, 14);
    const ols = new LinearRegression().fit(X, y).coef.data;
    const tiny = new Lasso({ alpha: 1e-9, tol: 1e-14, maxIter: 100_000 }).fit(X, y).coef.data;
    for (let j = 0; j < 6; j++) expect(tiny[j]).toBeCloseTo(ols[j]!, 6);
  });

  it('random selection converges to the same minimum as cyclic', () => {
    const cyclic = new Lasso({ alpha: 0.05, tol: 1e-12, maxIter: 100_000 }).fit(X, y);
    const random = new Lasso({ alpha: 0.05, tol: 1e-12, maxIter: 100_000, selection: 'random', seed: 3 }).fit(X, y);
    expect(random.converged).toBe(true);
    for (let j = 0; j < 6; j++) expect(random.coef.get(j, 0)).toBeCloseTo(cyclic.coef.get(j, 0), 7);
    expect(objective(X, y, random.coef.data, random.intercept, 0.05)).toBeCloseTo(objective(X, y, cyclic.coef.data, cyclic.intercept, 0.05), 12);
  });

  it('warmStart continues from the previous coefficients', () => {
    const m = new Lasso({ alpha: 0.05, tol: 1e-10, maxIter: 10_000 }).fit(X, y);
    const cold = m.nIter;
    m.options.warmStart = true;
    m.fit(X, y);
    expect(m.nIter).toBeLessThan(cold);
    expect(m.nIter).toBe(1);
  });

  it('reports non-convergence when maxIter is too small', () => {
    const m = new Lasso({ alpha: 0.001, tol: 1e-15, maxIter: 2 }).fit(X, y);
    expect(m.converged).toBe(false);
    expect(m.nIter).toBe(2);
  });

  it('lassoPath sorts α decreasing and the number of nonzeros grows along the path', () => {
    const path = lassoPath(X, y, [0.001, 1, 0.1, 0.01], { tol: 1e-10 });
    expect(Array.from(path.alphas)).toEqual([1, 0.1, 0.01, 0.001]);
    expect(path.coefs.shapeString()).toBe('6×4');
    const nnz = [0, 1, 2, 3].map((k) => [0, 1, 2, 3, 4, 5].filter((j) => path.coefs.get(j, k) !== 0).length);
    for (let k = 1; k < 4; k++) expect(nnz[k]!).toBeGreaterThanOrEqual(nnz[k - 1]!);
    const single = new Lasso({ alpha: 0.01, tol: 1e-10 }).fit(X, y);
    for (let j = 0; j < 6; j++) expect(path.coefs.get(j, 2)).toBeCloseTo(single.coef.get(j, 0), 6);
    expect(path.intercepts[2]).toBeCloseTo(single.intercept, 6);
  });

  it('rejects bad options naming them and the allowed values', () => {
    expect(() => new Lasso({ alpha: -0.1 }).fit(X, y)).toThrow('Lasso: alpha must be a finite number ≥ 0, got -0.1');
    expect(() => new Lasso({ maxIter: 0 }).fit(X, y)).toThrow(/maxIter must be an integer ≥ 1/);
    expect(() => new Lasso({ selection: 'greedy' as never }).fit(X, y)).toThrow('Lasso: selection must be one of cyclic, random; got "greedy"');
    expect(() => new Lasso({ tol: -1 }).fit(X, y)).toThrow(InvalidOptionError);
    expect(() => lassoPath(X, y, [])).toThrow(/alphas is empty/);
    expect(() => lassoPath(X, y, [0.1, -2])).toThrow(/alphas\[1\]/);
  });

  it('round-trips through JSON', () => {
    const m = new Lasso({ alpha: 0.05 }).fit(X, y);
    const copy = Lasso.fromJSON(roundTrip(m.toJSON()));
    expect(copy.options.alpha).toBe(0.05);
    expect(Array.from(copy.predict(X).data)).toEqual(Array.from(m.predict(X).data));
  });
});
