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
