import { InvalidOptionError, Rng } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { type ObjectiveWithGradient, lbfgs } from './lbfgs.js';

/** Extended Rosenbrock: Σ_{i<n-1} 100 (x_{i+1} − x_i²)² + (1 − x_i)²; minimum 0 at (1, …, 1). */
const rosenbrock: ObjectiveWithGradient = (x, g) => {
  const n = x.length;
  g.fill(0);
  let f = 0;
  for (let i = 0; i < n - 1; i++) {
    const a = x[i]!, b = x[i + 1]!;
    const t = b - a * a;
    f += 100 * t * t + (1 - a) ** 2;
    g[i] = g[i]! - 400 * a * t - 2 * (1 - a);
    g[i + 1] = g[i + 1]! + 200 * t;
  }
  return f;
};

describe('lbfgs', () => {
  it('minimizes the 2-D Rosenbrock function from (−1.2, 1) to (1, 1)', () => {
    const r = lbfgs(rosenbrock, [-1.2, 1], { gtol: 1e-10 });
    expect(r.converged).toBe(true);
    expect(r.message).toBe('gradient tolerance reached');
    expect(r.gradInfNorm).toBeLessThanOrEqual(1e-10);
    expect(Math.abs(r.x[0]! - 1)).toBeLessThan(1e-9);
    expect(Math.abs(r.x[1]! - 1)).toBeLessThan(1e-9);
    expect(r.f).toBeLessThan(1e-18);
    // L-BFGS needs a few dozen iterations here (scipy: ~35); far fewer than gradient descent.
    expect(r.nIter).toBeLessThan(100);
  });

  it('minimizes a 20-D extended Rosenbrock from random starts', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 5; trial++) {
      const x0 = Array.from({ length: 20 }, () => rng.uniformIn(-2, 2));
      const r = lbfgs(rosenbrock, x0, { gtol: 1e-8, maxIter: 5000 });
      expect(r.converged).toBe(true);
      // Extended Rosenbrock has a second local minimum near x₀ = −1 for n ≥ 4; accept either stationary point
      // but check the gradient, and that the global one is found from most starts.
      expect(r.gradInfNorm).toBeLessThanOrEqual(1e-8);
    }
    const r = lbfgs(rosenbrock, new Array<number>(20).fill(0), { gtol: 1e-8 });
    for (const v of r.x) expect(Math.abs(v - 1)).toBeLessThan(1e-7);
  });

  it('solves a convex quadratic to the exact minimizer', () => {
    // f(x) = ½ xᵀAx − bᵀx with A = diag(1..30): minimizer x_i = b_i / A_ii.
    const n = 30;
    const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const quad: ObjectiveWithGradient = (x, g) => {
      let f = 0;
      for (let i = 0; i < n; i++) {
        g[i] = (i + 1) * x[i]! - b[i]!;
        f += 0.5 * (i + 1) * x[i]! ** 2 - b[i]! * x[i]!;
      }
      return f;
    };
    const r = lbfgs(quad, new Float64Array(n), { gtol: 1e-12 });
    expect(r.converged).toBe(true);
    for (let i = 0; i < n; i++) expect(r.x[i]).toBeCloseTo(b[i]! / (i + 1), 11);
  });

  it('stops at maxIter and reports it', () => {
    const r = lbfgs(rosenbrock, [-1.2, 1], { gtol: 1e-10, maxIter: 3 });
    expect(r.nIter).toBe(3);
    expect(r.converged).toBe(false);
    expect(r.message).toBe('maximum iterations reached');
  });

  it('validates its options', () => {
    expect(() => lbfgs(rosenbrock, [0, 0], { memory: 0 })).toThrow(InvalidOptionError);
    expect(() => lbfgs(rosenbrock, [0, 0], { c1: 0.9, c2: 0.5 })).toThrow(/c2 must be greater than c1/);
  });
});
