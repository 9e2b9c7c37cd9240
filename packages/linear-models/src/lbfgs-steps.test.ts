import { Rng } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ObjectiveWithGradient, lbfgs, searchDirection } from './lbfgs.js';

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
    // The bisection case with maxLineSearch 3: the trial 1, then two left for the zoom; 0.5 and 0.25 both
    // raise f, 0.03 is never tried.
    const { calls, fg } = recorded(parabola(100, 0.03));
    const r = lbfgs(fg, [0], { maxLineSearch: 3 });
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

/**
 * The line search of N&W Algorithms 3.5 (bracketing: double α until a trial fails sufficient decrease,
 * is no lower than the previous one, or has φ' ≥ 0) and 3.6 (zoom, lo always the lowest trial with
 * sufficient decrease, hi on the other side of a minimizer), with the choices lbfgs.ts documents: α₀ =
 * min(1, 1/√−φ'(0)) on a first iteration, the minimizer of the cubic through lo and hi (N&W eq. 3.59)
 * when it lies in the middle 80 % of the bracket and the midpoint otherwise, Hager & Zhang's
 * approximate Wolfe test before the others, a zoom that gets the trials the bracketing left
 * (maxLineSearch − i − 1, so at most maxLineSearch in all) and stops when the bracket is narrower than 10⁻¹⁶·max(1, |α_lo|). Written
 * from that description, in α and φ only, as a reference for the trials lbfgs makes.
 */
function referenceLineSearch(phi: (alpha: number) => { f: number; dphi: number }, c1: number, c2: number, maxLineSearch: number): number[] {
  const { f: f0, dphi: d0 } = phi(0);
  const trials: number[] = [];
  type P = { a: number; f: number; dphi: number };
  const at = (a: number): P => (trials.push(a), { a, ...phi(a) });
  const sufficient = (p: P) => Number.isFinite(p.f) && p.f <= f0 + c1 * p.a * d0;
  const strong = (p: P) => sufficient(p) && Math.abs(p.dphi) <= -c2 * d0;
  const approx = (p: P) => Number.isFinite(p.f) && p.f <= f0 + 1e-10 * Math.abs(f0) && p.dphi <= (2 * c1 - 1) * d0 && p.dphi >= c2 * d0;
  const cubicOrMid = (lo: P, hi: P): number => {
    const [a, b] = [Math.min(lo.a, hi.a), Math.max(lo.a, hi.a)];
    if (Number.isFinite(hi.f)) {
      // N&W (3.59) with α_{i−1} = lo, α_i = hi.
      const d1 = lo.dphi + hi.dphi - (3 * (lo.f - hi.f)) / (lo.a - hi.a);
      const disc = d1 * d1 - lo.dphi * hi.dphi;
      if (disc >= 0) {
        const d2 = Math.sign(hi.a - lo.a) * Math.sqrt(disc);
        const c = hi.a - (hi.a - lo.a) * ((hi.dphi + d2 - d1) / (hi.dphi - lo.dphi + 2 * d2));
        if (c > a + 0.1 * (b - a) && c < b - 0.1 * (b - a)) return c;
      }
    }
    return lo.a + 0.5 * (hi.a - lo.a);
  };
  const zoom = (lo: P, hi: P, budget: number): void => {
    for (let j = 0; j < budget && Math.abs(hi.a - lo.a) > 1e-16 * Math.max(1, Math.abs(lo.a)); j++) {
      const t = at(cubicOrMid(lo, hi));
      if (approx(t) || (strong(t) && t.f < lo.f)) return;
      if (!sufficient(t) || t.f >= lo.f) hi = t;
      else [lo, hi] = [t, t.dphi * (hi.a - lo.a) >= 0 ? lo : hi];
    }
  };
  let prev: P = { a: 0, f: f0, dphi: d0 };
  let a = Math.min(1, 1 / Math.sqrt(-d0));
  for (let i = 0; i < maxLineSearch; i++, a *= 2) {
    const t = at(a);
    if (approx(t)) break;
    if (!sufficient(t) || (i > 0 && t.f >= prev.f)) return zoom(prev, t, maxLineSearch - i - 1), trials;
    if (strong(t)) break;
    if (t.dphi >= 0) return zoom(t, prev, maxLineSearch - i - 1), trials;
    prev = t;
  }
  return trials;
}

describe('the line search on functions that are not convex, against N&W 3.5/3.6', () => {
  /** f(x) = −s·x + A·sin(ωx + θ) + x²/100: dips and bumps on a slope. */
  const wavy = (s: number, A: number, w: number, th: number): ObjectiveWithGradient => (x, g) => {
    g[0] = -s + A * w * Math.cos(w * x[0]! + th) + 0.02 * x[0]!;
    return -s * x[0]! + A * Math.sin(w * x[0]! + th) + 0.01 * x[0]! ** 2;
  };
  const wall = (s: number, k: number, m: number): ObjectiveWithGradient => (x, g) => {
    const e = Math.exp(k * (x[0]! - m));
    g[0] = -s + k * e;
    return -s * x[0]! + e;
  };
  // Each case reaches a branch of the zoom that the parabolas do not: a cubic minimizer within 10 % of
  // the bracket's upper end (bisect instead), a trial with sufficient decrease that is no lower than
  // lo (it becomes hi), a zoom trial accepted by the strong Wolfe test alone (c₂ > 1 − 2c₁), a cubic
  // above a + 10 % of the width where a > 0, and so on.
  it.each([
    ['wavy(0.5, 0.3, 3, 1)', 1e-4, 0.9, wavy(0.5, 0.3, 3, 1)],
    ['wavy(1, 0.3, 5, 1)', 1e-4, 0.9, wavy(1, 0.3, 5, 1)],
    ['wavy(1, 0.1, 8, 0)', 1e-4, 0.9, wavy(1, 0.1, 8, 0)],
    ['wavy(2, 0.5, 3, 0)', 1e-4, 0.9, wavy(2, 0.5, 3, 0)],
    ['wavy(0.5, 1, 8, 1)', 1e-4, 0.9, wavy(0.5, 1, 8, 1)],
    ['wall(0.5, 10, 3)', 0.1, 0.9, wall(0.5, 10, 3)],
    ['wall(1, 20, 0.5)', 0.1, 0.9, wall(1, 20, 0.5)],
    ['wall(0.2, 20, 2)', 1e-4, 0.9, wall(0.2, 20, 2)],
    ['wall(0.2, 5, 3)', 1e-4, 0.9, wall(0.2, 5, 3)],
    ['wall(0.2, 3, 0.5)', 0.45, 0.5, wall(0.2, 3, 0.5)],
  ] as const)('%s, c₁ = %s, c₂ = %s: the same trials as the reference', (_, c1, c2, f) => {
    const { calls, fg } = recorded(f);
    lbfgs(fg, [0], { c1, c2, maxIter: 1 });
    const g0 = calls[0]!.g[0]!;
    const phi = (a: number) => {
      const g = new Float64Array(1);
      const v = f(Float64Array.of(a * -g0), g);
      return { f: v, dphi: g[0]! * -g0 };
    };
    const expected = referenceLineSearch(phi, c1, c2, 30).map((a) => a * -g0);
    expect(calls.length - 1).toBe(expected.length);
    calls.slice(1).forEach((c, i) => expect(c.x[0]).toBeCloseTo(expected[i]!, 12));
  });

  it.each([
    ['wall(0.5, 20, 2)', 1e-4, 0.9, wall(0.5, 20, 2)],
    ['wall(2, 20, 2)', 1e-4, 0.1, wall(2, 20, 2)],
  ] as const)('%s, c₁ = %s, c₂ = %s, maxLineSearch 4: a zoom entered at the third trial gets maxLineSearch − 3 trials, not more', (_, c1, c2, f) => {
    // Here the bracketing makes its three trials and the zoom one: maxLineSearch evaluations in all.
    const { calls, fg } = recorded(f);
    lbfgs(fg, [0], { c1, c2, maxIter: 1, maxLineSearch: 4 });
    const g0 = calls[0]!.g[0]!;
    const phi = (a: number) => {
      const g = new Float64Array(1);
      const v = f(Float64Array.of(a * -g0), g);
      return { f: v, dphi: g[0]! * -g0 };
    };
    const expected = referenceLineSearch(phi, c1, c2, 4).map((a) => a * -g0);
    expect(expected).toHaveLength(4);
    expect(calls.length - 1).toBe(4);
    calls.slice(1).forEach((c, i) => expect(c.x[0]).toBeCloseTo(expected[i]!, 12));
  });

  it('accepts a step by the approximate Wolfe test alone: lower than f(0), but not by c₁·α·|φ\'(0)|', () => {
    // f = e^{−10x} + s·x with s = 0.9999 − e^{−10}: f(0) = 1, f'(0) ≈ −9.00015, so α₀ = 1/|f'(0)| and x₁ = 1.
    // f(1) = 0.9999 misses sufficient decrease (≤ 1 − 10⁻⁴·9.00015 ≈ 0.9991), but is below f(0) and its
    // slope 0.9994 is 0.111 of |f'(0)|, inside [−c₂, 1 − 2c₁]: the approximate Wolfe conditions hold, no zoom.
    const s = 0.9999 - Math.exp(-10);
    const dip: ObjectiveWithGradient = (x, g) => {
      const e = Math.exp(-10 * x[0]!);
      g[0] = -10 * e + s;
      return e + s * x[0]!;
    };
    const { calls, fg } = recorded(dip);
    const r = lbfgs(fg, [0], { maxIter: 1 });
    expect(calls).toHaveLength(2);
    expect(calls[1]!.x[0]).toBeCloseTo(1, 14);
    expect(calls[1]!.f).toBeCloseTo(0.9999, 14);
    expect(calls[1]!.f).toBeGreaterThan(1 - 1e-4 * 9.00015);
    expect(r.x[0]).toBe(calls[1]!.x[0]);
  });

  it('zooms back when f rose between two bracketing trials, although the second still has sufficient decrease', () => {
    // f = −x + 1.5·S(x − 1), S(u) = 3u² − 2u³ on [0, 1] (0 before, 1 after): a rise of 1.5 between x = 1
    // and 2, where the slope is −1 at both ends. x₁ = 1 (f = −1), x₂ = 2 (f = −0.5 > f(x₁), though
    // ≤ −2c₁): zoom on [1, 2]. f is a cubic there, so the cubic step lands on its local minimum,
    // 1 + u* with 9u*(1 − u*) = 1, u* = (1 − √5/3)/2, where f' = 0.
    const bump: ObjectiveWithGradient = (x, g) => {
      const u = Math.min(1, Math.max(0, x[0]! - 1));
      g[0] = -1 + 9 * u * (1 - u);
      return -x[0]! + 1.5 * (3 * u * u - 2 * u ** 3);
    };
    const { calls, fg } = recorded(bump);
    const r = lbfgs(fg, [0], { maxIter: 1 });
    const xStar = 1 + (1 - Math.sqrt(5) / 3) / 2;
    expect(calls.map((c) => c.x[0])).toEqual([0, 1, 2, expect.closeTo(xStar, 12)]);
    expect(r.x[0]).toBeCloseTo(xStar, 12);
  });

  it('on values that all round to 1, zooms at the first trial no lower than the one before, and stops when the bracket is narrower than 10⁻¹⁶', () => {
    // f = 1 + 10⁻²⁰(x − 50)² is 1 in floating point near 0, while f' = 2·10⁻²⁰(x − 50) is exact: α₀ = 1,
    // x₁ = |f'(0)| = 10⁻¹⁸ meets sufficient decrease (1 ≤ 1 − 10⁻⁴·10⁻³⁶, which is 1) but is still steep,
    // so x₂ = 2x₁; f(x₂) = f(x₁): zoom on [x₁, x₂]. No trial there is lower than x₁, so each becomes hi and
    // the bracket shrinks toward x₁ until its width (in α) is at most 10⁻¹⁶, before the 29 trials left.
    const flat: ObjectiveWithGradient = (x, g) => {
      g[0] = 2e-20 * (x[0]! - 50);
      return 1 + 1e-20 * (x[0]! - 50) ** 2;
    };
    const { calls, fg } = recorded(flat);
    const r = lbfgs(fg, [0], { gtol: 0, maxIter: 1 });
    const x1 = -calls[0]!.g[0]!;
    expect(calls.every((c) => c.f === 1)).toBe(true);
    expect(calls.slice(1, 3).map((c) => c.x[0])).toEqual([x1, 2 * x1]);
    const zoom = calls.slice(3).map((c) => c.x[0]!);
    expect(zoom.length).toBeGreaterThan(10);
    expect(zoom.length).toBeLessThan(29);
    // Inside the bracket, moving toward x₁ (the last ones equal x₁ once x = α·d rounds).
    zoom.forEach((x, i) => {
      expect(x).toBeGreaterThanOrEqual(x1);
      expect(x).toBeLessThanOrEqual(i === 0 ? 2 * x1 : zoom[i - 1]!);
    });
    expect(Array.from(r.x)).toEqual([x1]);
  });

  it('measures the bracket\'s width against max(1, α_lo): with α_lo = 1/200 the zoom stops at a width of 10⁻¹⁶ in α', () => {
    // f = 2⁷⁰ + (x − 100)²: every value rounds to 2⁷⁰ (the squares are below half its spacing 2¹⁸), f'(0) = −200,
    // so α₀ = 1/200, x₁ = 1, x₂ = 2, and the zoom shrinks [1, 2] toward 1 as above. It stops once the width is
    // at most 10⁻¹⁶·max(1, 1/200) = 10⁻¹⁶ in α (2·10⁻¹⁴ in x); a trial is at least 10 % of the width from
    // x₁, so none comes closer than 2·10⁻¹⁵ (less rounding in x ≈ 1).
    const level: ObjectiveWithGradient = (x, g) => {
      g[0] = 2 * (x[0]! - 100);
      return 2 ** 70 + (x[0]! - 100) ** 2;
    };
    const { calls, fg } = recorded(level);
    const r = lbfgs(fg, [0], { gtol: 0, maxIter: 1 });
    expect(calls.every((c) => c.f === 2 ** 70)).toBe(true);
    expect(calls.slice(1, 3).map((c) => c.x[0])).toEqual([1, 2]);
    for (const c of calls.slice(3)) expect(c.x[0]! - 1).toBeGreaterThan(1.5e-15);
    // It went on until then (the last trial within 2·10⁻¹⁴ of x₁), and stopped there, before the
    // 28 zoom trials maxLineSearch 30 leaves it: a larger budget makes no more trials.
    expect(calls.at(-1)!.x[0]! - 1).toBeLessThan(2e-14);
    expect(calls.length - 3).toBeLessThan(28);
    const { calls: again, fg: fgAgain } = recorded(level);
    lbfgs(fgAgain, [0], { gtol: 0, maxIter: 1, maxLineSearch: 100 });
    expect(again.length).toBe(calls.length);
    expect(Array.from(r.x)).toEqual([1]);
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

describe('a failed line search with pairs in memory', () => {
  it('clears the memory and restarts from −g at the same point, instead of giving up', () => {
    // f = −0.2x + e^{3(x − 3)}, maxLineSearch 3. First iteration: three doublings, all still steep; the last
    // (x₁ ≈ 0.7985) is kept when the budget runs out.
    // The secant step from the pair (nearly flat so far) lands far inside the wall (x ≈ 43), and the zoom's
    // two trials all miss sufficient decrease: that search fails after its three evaluations. With a pair in memory, lbfgs drops it and
    // tries −g from x₁: α₀ = min(1, 1/|g(x₁)|) = 1, so the next trial is x₁ − g(x₁).
    const { calls, fg } = recorded((x, g) => {
      const e = Math.exp(3 * (x[0]! - 3));
      g[0] = -0.2 + 3 * e;
      return -0.2 * x[0]! + e;
    });
    const r = lbfgs(fg, [0], { maxLineSearch: 3, maxIter: 5 });
    const [x1, f1, g1] = [calls[3]!.x[0]!, calls[3]!.f, calls[3]!.g[0]!];
    [1, 2, 4].forEach((k, i) => expect(calls[1 + i]!.x[0]).toBeCloseTo(k * -calls[0]!.g[0]!, 14)); // |g(0)| < 1: α₀ = 1
    expect(calls[4]!.x[0]).toBeGreaterThan(40);
    for (const c of calls.slice(4, 7)) expect(c.f).toBeGreaterThan(f1);
    expect(Math.abs(g1)).toBeLessThan(1);
    expect(calls[7]!.x[0]).toBe(x1 - g1);
    expect(r.message).not.toBe('line search failed');
    expect(r.nIter).toBeGreaterThan(1);
  });
});

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

describe('maxLineSearch bounds the evaluations of one line search', () => {
  it('a first iteration evaluates f at most maxLineSearch times after f(x₀), on any wall and budget', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 2, noNaN: true }),
        fc.double({ min: 2, max: 60, noNaN: true }),
        fc.double({ min: 0.1, max: 3, noNaN: true }),
        fc.integer({ min: 1, max: 6 }),
        (s, k, m, maxLineSearch) => {
          const { calls, fg } = recorded((x, g) => {
            const e = Math.exp(k * (x[0]! - m));
            g[0] = -s + k * e;
            return -s * x[0]! + e;
          });
          lbfgs(fg, [0], { maxIter: 1, maxLineSearch });
          expect(calls.length - 1).toBeLessThanOrEqual(maxLineSearch);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('searchDirection: the two-loop direction, or −g when that is not a descent direction', () => {
  const f64 = (...v: number[]) => Float64Array.from(v);

  it('keeps d = −H·g and the pairs when gᵀd < 0', () => {
    // One pair s = (1, 0), y = (2, 0): ρ = 1/2, γ = 1/2; H = [[1/2, 0], [0, 1/2]] (N&W eq. 7.19).
    const S = [f64(1, 0)], Y = [f64(2, 0)], rho = [0.5];
    const d = new Float64Array(2);
    const slope = searchDirection(f64(4, -6), S, Y, rho, new Float64Array(1), d);
    expect(Array.from(d)).toEqual([-2, 3]);
    expect(slope).toBe(-8 - 18);
    expect(S).toHaveLength(1);
  });

  it('drops the pairs and returns −g with slope −gᵀg when gᵀd ≥ 0 (here a pair of negative curvature)', () => {
    // s = (1, 0), y = (−1, 0): ρ = −1 and γ = −1, so H is negative definite and gᵀd = −gᵀHg > 0.
    const S = [f64(1, 0)], Y = [f64(-1, 0)], rho = [-1];
    const d = new Float64Array(2);
    const slope = searchDirection(f64(3, 4), S, Y, rho, new Float64Array(1), d);
    expect(Array.from(d)).toEqual([-3, -4]);
    expect(slope).toBe(-25);
    expect([S.length, Y.length, rho.length]).toEqual([0, 0, 0]);
  });

  it('treats a slope of exactly 0 as no descent (g = 0 with a pair in memory)', () => {
    const S = [f64(1, 0)], Y = [f64(2, 0)], rho = [0.5];
    searchDirection(f64(0, 0), S, Y, rho, new Float64Array(1), new Float64Array(2));
    expect(S).toHaveLength(0);
  });
});

describe('the curvature pairs lbfgs keeps', () => {
  it('drops a pair with sᵀy ≤ 10⁻¹⁰·yᵀy: the next direction is −g, as with no pair', () => {
    // f = x₁x₂ + 10⁻¹²·x₁²/2 − x₁ from 0: g₀ = (−1, 0), so the first search runs along x₁, where the slope
    // stays about −1; the bracketing doubles until maxLineSearch 4 runs out (α = 8). Then s = (8, 0) and
    // y = (8·10⁻¹², 8): sᵀy = 6.4·10⁻¹¹ is below 10⁻¹⁰·yᵀy ≈ 6.4·10⁻⁹, so the pair is not kept and the
    // second search starts along −g₁ with α₀ = 1/‖g₁‖ (the first-iteration rule, no pair in memory).
    const { calls, fg } = recorded((x, g) => {
      g[0] = x[1]! + 1e-12 * x[0]! - 1;
      g[1] = x[0]!;
      return x[0]! * x[1]! + 0.5e-12 * x[0]! ** 2 - x[0]!;
    });
    lbfgs(fg, [0, 0], { maxLineSearch: 4, maxIter: 2 });
    expect(calls.slice(1, 5).map((c) => c.x)).toEqual([[1, 0], [2, 0], [4, 0], [8, 0]]);
    const g1 = calls[4]!.g;
    const alpha0 = Math.min(1, 1 / Math.sqrt(g1[0]! ** 2 + g1[1]! ** 2));
    expect(calls[5]!.x[0]).toBe(8 + alpha0 * -g1[0]!);
    expect(calls[5]!.x[1]).toBe(0 + alpha0 * -g1[1]!);
  });
});
