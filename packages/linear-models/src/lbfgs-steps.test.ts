import { Rng } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ObjectiveWithGradient, lbfgs } from './lbfgs.js';

// L-BFGS step by step: the points it evaluates, computed by hand (1-D line searches) or from the
// explicit matrix form of the L-BFGS inverse Hessian (Nocedal & Wright, eq. 7.19), not from the
// two-loop recursion under test.

/** fg that records every point it is asked for (x, f, ∇f). */
function recorded(fg: ObjectiveWithGradient) {
  const calls: { x: number[]; f: number; g: number[] }[] = [];
  const wrapped: ObjectiveWithGradient = (x, g) => {
    const f = fg(x, g);
    calls.push({ x: Array.from(x), f, g: Array.from(g) });
    return f;
  };
  return { calls, fg: wrapped };
}

/** f(x) = k (x − c)² in one dimension. */
const parabola = (k: number, c: number): ObjectiveWithGradient => (x, g) => {
  g[0] = 2 * k * (x[0]! - c);
  return k * (x[0]! - c) ** 2;
};

describe('the line search, traced on parabolas k (x − c)² from x = 0', () => {
  it('doubles the step while the slope is still steep, then takes the exact 1-D Newton step', () => {
    // ∇f(0) = −200, so the first step is α = 1/200 along d = 200: x = 1. The slope stays below
    // 0.9 of the initial one until x = 16 (2·(16 − 100)·200 = −33600 ≥ −36000).
    // Then s = 16, y = 32: H = s/y = 0.5, d = −0.5·(−168) = 84 and x = 100, the minimum.
    const { calls, fg } = recorded(parabola(1, 100));
    const r = lbfgs(fg, [0]);
    expect(calls.map((c) => c.x[0])).toEqual([0, 1, 2, 4, 8, 16, 100]);
    expect(r).toMatchObject({ x: Float64Array.of(100), f: 0, nIter: 2, nFev: 7, converged: true, message: 'gradient tolerance reached' });
  });

  it('after an overshoot, goes to the minimizer of the cubic through both ends (exact on a parabola)', () => {
    // ∇f(0) = −60: α = 1/60, x = 1 overshoots (f = 49 > f(0) = 9); the cubic through
    // (0, 9, −3600) and (1/60, 49, 4200) has its minimum at x = 0.3.
    const { calls, fg } = recorded(parabola(100, 0.3));
    const r = lbfgs(fg, [0]);
    expect(calls).toHaveLength(3);
    expect(calls[1]!.x[0]).toBe(1);
    expect(calls[2]!.x[0]).toBeCloseTo(0.3, 14);
    expect(r.nIter).toBe(1);
    expect(r.converged).toBe(true);
  });

  it('bisects while the cubic minimizer lies within 10 % of an end of the bracket', () => {
    // x* = 0.03 is 3 % into [0, 1], then 6 % into [0, 0.5]: bisect twice; 12 % into [0, 0.25]: take it.
    const { calls, fg } = recorded(parabola(100, 0.03));
    lbfgs(fg, [0]);
    const xs = calls.map((c) => c.x[0]!);
    expect(xs.slice(0, 4)).toEqual([0, 1, 0.5, 0.25]);
    expect(xs[4]).toBeCloseTo(0.03, 14);
  });

  it('zooms on a step that lowers f but not by c₁·α·φ\'(0) (sufficient decrease), even where the slope is flat enough', () => {
    // f = (x − 0.6)², c₁ = 0.5: x = 1 lowers f from 0.36 to 0.16, but sufficient decrease asks for
    // f ≤ 0.36 − 0.5·(1/1.2)·1.44 = −0.24; its slope 0.96 would pass the curvature test (≤ 0.9·1.44).
    // The zoom's cubic lands on 0.6 within the first iteration.
    const { calls, fg } = recorded(parabola(1, 0.6));
    const r = lbfgs(fg, [0], { c1: 0.5, c2: 0.9 });
    expect(calls.map((c) => c.x[0])).toEqual([0, 1, expect.closeTo(0.6, 14)]);
    expect(r).toMatchObject({ nIter: 1, nFev: 3, converged: true });
  });

  it('accepts a step past the minimum by the strong Wolfe curvature test where the approximate one refuses it', () => {
    // f(x) = −x/2 + e^{10(x − 0.73)}: ∇f(0) ≈ −0.4932, so x = 0.4932 (α = 1). There the slope is
    // 0.886 of |φ'(0)|: within c₂ = 0.9 (strong Wolfe), but above 1 − 2c₁ = 0.8, which the approximate
    // Wolfe test needs; f fell by 0.153, more than c₁·α·|φ'(0)| = 0.024. One evaluation, no zoom.
    const wall: ObjectiveWithGradient = (x, g) => {
      const e = Math.exp(10 * (x[0]! - 0.73));
      g[0] = -0.5 + 10 * e;
      return -0.5 * x[0]! + e;
    };
    const { calls, fg } = recorded(wall);
    const r = lbfgs(fg, [0], { c1: 0.1, c2: 0.9, maxIter: 1 });
    const x1 = -calls[0]!.g[0]!;
    expect(x1).toBeCloseTo(0.4932446, 6);
    expect(calls.map((c) => c.x[0])).toEqual([0, x1]);
    const ratio = (calls[1]!.g[0]! * x1) / (x1 * x1);
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(0.9);
    expect(r.nFev).toBe(2);
  });

  it('takes the last bracketing step when maxLineSearch runs out while the slope is still steep', () => {
    // The doubling of the first test, stopped after three trials: x = 4 is the step.
    const { calls, fg } = recorded(parabola(1, 100));
    const r = lbfgs(fg, [0], { maxLineSearch: 3, maxIter: 1 });
    expect(calls.map((c) => c.x[0])).toEqual([0, 1, 2, 4]);
    expect(Array.from(r.x)).toEqual([4]);
    expect(r).toMatchObject({ nIter: 1, message: 'maximum iterations reached' });
  });

  it('fails when the zoom runs out of trials before a step lowers f', () => {
    // The bisection case with two trials left for the zoom: 0.5 and 0.25 both raise f, 0.03 is never tried.
    const { calls, fg } = recorded(parabola(100, 0.03));
    const r = lbfgs(fg, [0], { maxLineSearch: 2 });
    expect(calls.map((c) => c.x[0])).toEqual([0, 1, 0.5, 0.25]);
    expect(r).toMatchObject({ nIter: 0, converged: false, message: 'line search failed' });
  });

  it('counts every evaluation, and stops at once where the gradient is already zero', () => {
    const { calls, fg } = recorded(parabola(3, 2));
    const r = lbfgs(fg, [-7], { gtol: 0, maxIter: 50 });
    expect(r.nFev).toBe(calls.length);
    const { calls: none, fg: at } = recorded(parabola(3, 2));
    expect(lbfgs(at, [2], { gtol: 0 })).toMatchObject({ nIter: 0, nFev: 1, converged: true, message: 'gradient tolerance reached' });
    expect(none).toHaveLength(1);
    expect(lbfgs(at, [2], { maxIter: 0 })).toMatchObject({ nIter: 0, converged: true });
    expect(lbfgs(parabola(3, 2), [5], { maxIter: 0 })).toMatchObject({ nIter: 0, nFev: 1, converged: false, message: 'maximum iterations reached' });
  });

  it('gives up when no step decreases f (a gradient that points uphill)', () => {
    const uphill: ObjectiveWithGradient = (x, g) => {
      const f = parabola(1, 3)(x, g);
      g[0] = -g[0]!;
      return f;
    };
    const r = lbfgs(uphill, [0], { maxLineSearch: 5 });
    expect(r).toMatchObject({ converged: false, message: 'line search failed', nIter: 0 });
    expect(Array.from(r.x)).toEqual([0]);
  });
});

describe('the line search on walls −s·x + e^{k(x − m)} (any s, k, m, c₁ < c₂)', () => {
  it('ends on a step that satisfies the strong Wolfe conditions or the approximate ones, having tried only points inside its bracket', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 2, noNaN: true }),
        fc.double({ min: 2, max: 30, noNaN: true }),
        fc.double({ min: 0.1, max: 3, noNaN: true }),
        fc.constantFrom([1e-4, 0.9], [1e-4, 0.1], [0.1, 0.5], [0.3, 0.9], [0.45, 0.5]),
        (s, k, m, [c1, c2]) => {
          const wall: ObjectiveWithGradient = (x, g) => {
            const e = Math.exp(k * (x[0]! - m));
            g[0] = -s + k * e;
            return -s * x[0]! + e;
          };
          const { calls, fg } = recorded(wall);
          const r = lbfgs(fg, [0], { c1: c1, c2: c2, maxIter: 1 });
          const [f0, g0] = [calls[0]!.f, calls[0]!.g[0]!];
          const dphi0 = -g0 * g0;
          if (r.nIter === 0) return; // a failed search is allowed; the budget tests cover it
          const x1 = r.x[0]!, alpha = x1 / -g0;
          const dphi = r.grad[0]! * -g0;
          const strong = r.f <= f0 + c1 * alpha * dphi0 && Math.abs(dphi) <= -c2 * dphi0;
          const approx = r.f <= f0 + 1e-10 * Math.abs(f0) && dphi <= (2 * c1 - 1) * dphi0 && dphi >= c2 * dphi0;
          expect(strong || approx).toBe(true);
          // The accepted point is one of the trials, and a trial beyond the first point that failed
          // sufficient decrease (the bracket's far end) is never made.
          expect(calls.some((c) => c.x[0] === x1)).toBe(true);
          const step = (c: { x: number[] }) => c.x[0]! / -g0;
          const far = calls.slice(1).find((c) => !(c.f <= f0 + c1 * step(c) * dphi0));
          if (far) for (const c of calls) expect(step(c)).toBeLessThanOrEqual(step(far));
        },
      ),
      {
        numRuns: 400,
        // Walls on which a planted bug in the zoom or the Wolfe tests was caught (kept so that a short run tries them too).
        examples: [
          [0.2, 14.503327139185483, 2.327059100221938, [0.1, 0.5]],
          [0.4332808022689213, 6.738520552184446, 0.15363883096757305, [0.45, 0.5]],
          [0.2, 12.166466948796707, 2.3874999999999984, [0.1, 0.5]],
          [0.2, 7.271274120545122, 2.8450075244174307, [0.45, 0.5]],
          [0.2, 6.835205153584924, 2.453533123292794, [1e-4, 0.9]],
          [0.7067293074970902, 10.154118651410949, 2.8270223456806924, [1e-4, 0.9]],
          [0.2, 11.244763498559323, 0.8625721760525155, [1e-4, 0.1]],
          [0.2, 8.593242898197653, 1.3316357840087878, [0.1, 0.5]],
          [0.6557298446386018, 10.643402469241492, 0.8144631322192011, [0.45, 0.5]],
          [0.2, 2, 0.5041594999461866, [1e-4, 0.1]],
          [0.2, 13.448963571358055, 0.11966992558567492, [1e-4, 0.9]],
        ],
      },
    );
  });
});

/** d = −H g with H built from the pairs (oldest first) as a dense matrix (N&W eq. 7.19), γ from the newest pair. */
function explicitDirection(S: number[][], Y: number[][], g: number[]): number[] {
  const n = g.length;
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
  if (S.length === 0) return g.map((v) => -v);
  const k = S.length - 1;
  const gamma = dot(S[k]!, Y[k]!) / dot(Y[k]!, Y[k]!);
  let H = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? gamma : 0)));
  for (let p = 0; p < S.length; p++) {
    const s = S[p]!, y = Y[p]!, rho = 1 / dot(s, y);
    // V = I − ρ y sᵀ; H ← Vᵀ H V + ρ s sᵀ.
    const V = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0) - rho * y[i]! * s[j]!));
    const HV = H.map((row) => V[0]!.map((_, j) => row.reduce((acc, h, m) => acc + h * V[m]![j]!, 0)));
    H = V.map((_, i) => V[0]!.map((_, j) => V.reduce((acc, row, m) => acc + row[i]! * HV[m]![j]!, 0) + rho * s[i]! * s[j]!));
  }
  return H.map((row) => -dot(row, g));
}

describe('the search direction, against the explicit L-BFGS matrix', () => {
  for (const memory of [2, 3]) {
    it(`takes x + (−H g) with H from the last ${memory} pairs, on a 5-D convex quadratic`, () => {
      // f = ½ xᵀAx − bᵀx with A = MᵀM + I, well enough conditioned that every unit step is accepted.
      const rng = new Rng(11);
      const n = 5;
      const M = Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal()));
      const A = M.map((_, i) => M.map((_, j) => M.reduce((s, row) => s + row[i]! * row[j]!, 0) + (i === j ? 1 : 0)));
      const b = Array.from({ length: n }, () => rng.normal());
      const quad: ObjectiveWithGradient = (x, g) => {
        let f = 0;
        for (let i = 0; i < n; i++) {
          const Ax = A[i]!.reduce((s, a, j) => s + a * x[j]!, 0);
          g[i] = Ax - b[i]!;
          f += 0.5 * x[i]! * Ax - b[i]! * x[i]!;
        }
        return f;
      };
      const x0 = new Float64Array(n), g0 = new Float64Array(n);
      const history = [{ x: Array.from(x0), g: (quad(x0, g0), Array.from(g0)) }];
      const r = lbfgs(quad, x0, { memory, gtol: 1e-9, onIteration: (s) => void history.push({ x: Array.from(s.x), g: Array.from(s.grad) }) });
      expect(r.converged).toBe(true);
      expect(history).toHaveLength(r.nIter + 1);
      // Each step after the first is a multiple of −H_k g_k (the line search only scales it).
      const S: number[][] = [], Y: number[][] = [];
      for (let k = 1; k < history.length - 1; k++) {
        const [prev, cur, next] = [history[k - 1]!, history[k]!, history[k + 1]!];
        S.push(cur.x.map((v, i) => v - prev.x[i]!));
        Y.push(cur.g.map((v, i) => v - prev.g[i]!));
        const d = explicitDirection(S.slice(-memory), Y.slice(-memory), cur.g);
        const step = next.x.map((v, i) => v - cur.x[i]!);
        const alpha = step.reduce((s, v, i) => s + v * d[i]!, 0) / d.reduce((s, v) => s + v * v, 0);
        step.forEach((v, i) => expect(v).toBeCloseTo(alpha * d[i]!, 12));
        expect(alpha).toBeGreaterThan(0);
      }
      expect(history.length).toBeGreaterThan(memory + 2);
    });
  }
});

describe('lbfgs options', () => {
  const fg = parabola(1, 1);
  it.each([
    [{ memory: 0 }, 'lbfgs: memory must be an integer ≥ 1, got 0'],
    [{ maxIter: -1 }, 'lbfgs: maxIter must be an integer ≥ 0, got -1'],
    [{ maxIter: 1.5 }, 'lbfgs: maxIter must be an integer ≥ 0, got 1.5'],
    [{ gtol: -1 }, 'lbfgs: gtol must be a finite number ≥ 0, got -1'],
    [{ maxLineSearch: 0 }, 'lbfgs: maxLineSearch must be an integer ≥ 1, got 0'],
    [{ c1: 0 }, 'lbfgs: c1 must be in (0, 1), got 0'],
    [{ c1: 1 }, 'lbfgs: c1 must be in (0, 1), got 1'],
    [{ c2: 0 }, 'lbfgs: c2 must be in (0, 1), got 0'],
    [{ c2: 1 }, 'lbfgs: c2 must be in (0, 1), got 1'],
    [{ c1: 0.5, c2: 0.5 }, 'lbfgs: c2 must be greater than c1 (got c1 = 0.5, c2 = 0.5)'],
  ])('%o', (options, message) => {
    expect(() => lbfgs(fg, [0], options)).toThrow(message);
  });
  it('accepts c1 < c2 inside (0, 1), and maxIter 0', () => {
    expect(lbfgs(fg, [0], { c1: 0.01, c2: 0.99 }).converged).toBe(true);
    expect(lbfgs(fg, [0], { c1: 0.4, c2: 0.5 }).converged).toBe(true);
  });
});
