import { InvalidOptionError, Matrix } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { Lasso, lassoPath } from './lasso.js';
import { regressionProblem } from './testing.js';

// Lasso's and lassoPath's options as a user sets them: each refusal by name, the defaults (cold
// start, cyclic order, an intercept), warm starts only when asked and when the columns match, and
// the random order used and seeded.

const { X, y } = regressionProblem(40, 5, 8, 0.3);
const bits = (m: Lasso) => Array.from(m.coef.data);

describe('Lasso options', () => {
  it.each([
    [{ tol: -1 }, 'Lasso: tol must be a finite number ≥ 0, got -1'],
    [{ warmStart: 'yes' as never }, 'Lasso: warmStart must be true or false, got yes'],
    [{ seed: 0.5 }, 'Lasso: seed must be a safe integer, got 0.5'],
  ])('refuses %o by name', (options, message) => {
    expect(() => new Lasso(options).fit(X, y)).toThrow(new InvalidOptionError(message));
  });

  it('fits an intercept unless told not to, and is not converged before a fit', () => {
    const m = new Lasso({ alpha: 0.01 });
    expect(m.fitIntercept).toBe(true);
    expect(m.converged).toBe(false);
  });

  it('starts cold on every fit unless warmStart is set', () => {
    const m = new Lasso({ alpha: 0.01, tol: 1e-10 });
    const first = m.fit(X, y).nIter;
    expect(m.fit(X, y).nIter).toBe(first);
    const warm = new Lasso({ alpha: 0.01, tol: 1e-10, warmStart: true });
    warm.fit(X, y);
    expect(warm.fit(X, y).nIter).toBeLessThan(first);
  });

  it('starts cold when the warm coefficients do not fit the new columns', () => {
    const warm = new Lasso({ alpha: 0.01, tol: 1e-10, warmStart: true }).fit(X, y);
    const three = Matrix.fromArray(40, 3, Float64Array.from({ length: 120 }, (_, t) => X.data[Math.floor(t / 3) * 5 + (t % 3)]!));
    expect(Array.from(warm.fit(three, y).coef.data)).toEqual(Array.from(new Lasso({ alpha: 0.01, tol: 1e-10 }).fit(three, y).coef.data));
  });

  it('visits coordinates in a seeded random order when asked (the same seed, the same bits)', () => {
    const cyclic = new Lasso({ alpha: 0.01, tol: 1e-10 }).fit(X, y);
    const a = new Lasso({ alpha: 0.01, tol: 1e-10, selection: 'random', seed: 3 }).fit(X, y);
    const b = new Lasso({ alpha: 0.01, tol: 1e-10, selection: 'random', seed: 3 }).fit(X, y);
    expect(bits(a)).toEqual(bits(b));
    expect(bits(a)).not.toEqual(bits(cyclic));
    bits(a).forEach((v, j) => expect(v).toBeCloseTo(bits(cyclic)[j]!, 6));
  });
});

describe('lassoPath options', () => {
  it('names itself in its errors', () => {
    expect(() => lassoPath(X, y, [0.1], { tol: -1 })).toThrow('lassoPath: tol must be a finite number ≥ 0, got -1');
    expect(() => lassoPath(null as never, y, [0.1])).toThrow('lassoPath: X must be a Matrix, got null');
    expect(() => lassoPath(X, new Matrix(3, 1), [0.1])).toThrow(/^lassoPath: y /);
  });

  it('reports one convergence flag per α, and uses the random order when asked', () => {
    const path = lassoPath(X, y, [0.1, 0.01], { tol: 1e-10 });
    expect(path.converged).toEqual([true, true]);
    // The cyclic order draws nothing: its seed changes no bit.
    expect(Array.from(lassoPath(X, y, [0.1, 0.01], { tol: 1e-10, seed: 9 }).coefs.data)).toEqual(Array.from(path.coefs.data));
    const random = lassoPath(X, y, [0.1, 0.01], { tol: 1e-10, selection: 'random', seed: 3 });
    expect(Array.from(random.coefs.data)).not.toEqual(Array.from(path.coefs.data));
    Array.from(random.coefs.data).forEach((v, t) => expect(v).toBeCloseTo(path.coefs.data[t]!, 6));
  });
});

describe('Lasso step by step', () => {
  it('maxIter 1 is one cyclic sweep of soft-threshold updates from zero, and reports that sweep\'s duality gap', () => {
    const alpha = 0.05;
    const n = X.rows, p = X.cols, l1 = alpha * n;
    const col = (j: number) => Array.from({ length: n }, (_, i) => X.get(i, j));
    const w = new Array<number>(p).fill(0);
    const r = Array.from(y.data);
    for (let j = 0; j < p; j++) {
      const x = col(j);
      const tmp = x.reduce((s, v, i) => s + v * r[i]!, 0);
      const norm = x.reduce((s, v) => s + v * v, 0);
      w[j] = Math.abs(tmp) > l1 ? (Math.sign(tmp) * (Math.abs(tmp) - l1)) / norm : 0;
      x.forEach((v, i) => (r[i] = r[i]! - w[j]! * v));
    }
    // scikit-learn's duality gap: θ = r scaled into ‖Xᵀθ‖∞ ≤ l1.
    const dual = Math.max(...Array.from({ length: p }, (_, j) => Math.abs(col(j).reduce((s, v, i) => s + v * r[i]!, 0))));
    const c = dual > l1 ? l1 / dual : 1;
    const r2 = r.reduce((s, v) => s + v * v, 0), ry = r.reduce((s, v, i) => s + v * y.data[i]!, 0);
    const gap = 0.5 * (r2 + r2 * c * c) + l1 * w.reduce((s, v) => s + Math.abs(v), 0) - c * ry;
    const m = new Lasso({ alpha, fitIntercept: false, maxIter: 1, tol: 0 }).fit(X, y);
    expect(m).toMatchObject({ nIter: 1, converged: false });
    Array.from(m.coef.data).forEach((v, j) => expect(v).toBeCloseTo(w[j]!, 12));
    expect(w.filter((v) => v !== 0).length).toBeGreaterThan(0);
    expect(m.dualGap).toBeCloseTo(gap, 10);
    // Two sweeps move further: maxIter bounds the sweeps exactly.
    expect(Array.from(new Lasso({ alpha, fitIntercept: false, maxIter: 2, tol: 0 }).fit(X, y).coef.data)).not.toEqual(Array.from(m.coef.data));
  });

  it('stops after one sweep when α zeroes every coefficient (the gap is then 0)', () => {
    const m = new Lasso({ alpha: 1e6, maxIter: 50 }).fit(X, y);
    expect(Array.from(m.coef.data)).toEqual([0, 0, 0, 0, 0]);
    expect(m).toMatchObject({ nIter: 1, converged: true });
  });
});

