import { InvalidOptionError, checkNumber } from '@ffnn/tensor';
import { checkNonNegative, checkPositiveInteger } from './validate.js';

/**
 * `f(x)`, writing ∇f(x) into `grad`. Called once per trial point; must not keep `x` or `grad`.
 */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

/** Options of {@link lbfgs}. */
export interface LbfgsOptions {
  /** Number of correction pairs kept (m). Default 10. */
  memory?: number;
  /** Maximum number of iterations (accepted steps). Default 1000. */
  maxIter?: number;
  /** Stop when `‖∇f‖∞ ≤ gtol` (scipy's `pgtol`, scikit-learn's `tol`). Default 1e-5. */
  gtol?: number;
  /** Maximum function evaluations per line search. Default 30. */
  maxLineSearch?: number;
  /** Sufficient-decrease constant c₁ of the Wolfe conditions. Default 1e-4. */
  c1?: number;
  /** Curvature constant c₂ of the strong Wolfe conditions. Default 0.9. */
  c2?: number;
  /** Called after each accepted step with the new point (for progress reports; must not keep or change `x` and `grad`). */
  onIteration?: (step: { nIter: number; x: Float64Array; f: number; grad: Float64Array }) => void;
}

/** Outcome of {@link lbfgs}. */
export interface LbfgsResult {
  /** The last accepted point. */
  x: Float64Array;
  /** f(x). */
  f: number;
  /** ∇f(x). */
  grad: Float64Array;
  /** ‖∇f(x)‖∞. */
  gradInfNorm: number;
  /** Iterations (accepted steps). */
  nIter: number;
  /** Function-and-gradient evaluations. */
  nFev: number;
  /** Whether `‖∇f‖∞ ≤ gtol` was reached. */
  converged: boolean;
  /** Why the loop stopped. */
  message: 'gradient tolerance reached' | 'maximum iterations reached' | 'line search failed';
}

function dotv(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function infNorm(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** A trial point of the line search, with its value, gradient and directional derivative. */
interface Trial {
  alpha: number;
  f: number;
  g: Float64Array;
  dphi: number;
}

/**
 * Line search for the strong Wolfe conditions (Nocedal & Wright, *Numerical Optimization*, 2nd ed.,
 * Algorithms 3.5 and 3.6), with cubic interpolation in the zoom phase and the approximate Wolfe
 * conditions of Hager & Zhang as an alternative acceptance test. Returns the accepted point,
 * or `null` if no step with sufficient decrease was found.
 */
function wolfeLineSearch(
  fg: ObjectiveWithGradient,
  x: Float64Array,
  f0: number,
  d: Float64Array,
  dphi0: number,
  alpha0: number,
  o: Required<Omit<LbfgsOptions, 'onIteration'>>,
  counter: { nFev: number },
  xTrial: Float64Array,
): Trial | null {
  const n = x.length;
  const evaluate = (alpha: number): Trial => {
    for (let i = 0; i < n; i++) xTrial[i] = x[i]! + alpha * d[i]!;
    const g = new Float64Array(n);
    const f = fg(xTrial, g);
    counter.nFev++;
    return { alpha, f, g, dphi: dotv(g, d) };
  };
  const armijo = (t: Trial): boolean => Number.isFinite(t.f) && t.f <= f0 + o.c1 * t.alpha * dphi0;
  const curvature = (t: Trial): boolean => Math.abs(t.dphi) <= -o.c2 * dphi0;
  // Near the minimum, f(x + αd) − f(x) drowns in rounding while the derivative is still accurate:
  // accept Hager & Zhang's (2005) approximate Wolfe conditions, (2c₁ − 1)φ'(0) ≥ φ'(α) ≥ c₂φ'(0)
  // with φ(α) ≤ φ(0) + ε|φ(0)|, ε = 1e-10.
  const epsF = 1e-10 * Math.abs(f0);
  const approxWolfe = (t: Trial): boolean =>
    Number.isFinite(t.f) && t.f <= f0 + epsF && t.dphi <= (2 * o.c1 - 1) * dphi0 && t.dphi >= o.c2 * dphi0;

  const zoom = (lo: Trial, hi: Trial, budget: number): Trial | null => {
    for (let j = 0; j < budget; j++) {
      const width = hi.alpha - lo.alpha;
      // Minimizer of the cubic through (lo, f, dphi) and (hi, f, dphi) (N&W eq. 3.59), kept inside the bracket.
      let alpha = lo.alpha + 0.5 * width;
      if (Number.isFinite(hi.f)) {
        const d1 = lo.dphi + hi.dphi - (3 * (lo.f - hi.f)) / (lo.alpha - hi.alpha);
        const disc = d1 * d1 - lo.dphi * hi.dphi;
        if (disc >= 0) {
          const d2 = Math.sign(width) * Math.sqrt(disc);
          const cubic = hi.alpha - width * ((hi.dphi + d2 - d1) / (hi.dphi - lo.dphi + 2 * d2));
          const a = Math.min(lo.alpha, hi.alpha), b = Math.max(lo.alpha, hi.alpha);
          if (Number.isFinite(cubic) && cubic > a + 0.1 * (b - a) && cubic < b - 0.1 * (b - a)) alpha = cubic;
        }
      }
      if (Math.abs(width) <= 1e-16 * Math.max(1, Math.abs(lo.alpha))) break;
      const t = evaluate(alpha);
      if (approxWolfe(t)) return t;
      if (!armijo(t) || t.f >= lo.f) {
        hi = t;
      } else {
        if (curvature(t)) return t;
        if (t.dphi * (hi.alpha - lo.alpha) >= 0) hi = lo;
        lo = t;
      }
    }
    // Out of budget: a point with sufficient decrease is still an acceptable (if not Wolfe) step.
    return lo.alpha > 0 ? lo : null;
  };

  let prev: Trial = { alpha: 0, f: f0, g: new Float64Array(0), dphi: dphi0 };
  let alpha = alpha0;
  for (let i = 0; i < o.maxLineSearch; i++) {
    const t = evaluate(alpha);
    if (approxWolfe(t)) return t;
    if (!armijo(t) || (i > 0 && t.f >= prev.f)) return zoom(prev, t, o.maxLineSearch - i - 1);
    if (curvature(t)) return t;
    if (t.dphi >= 0) return zoom(t, prev, o.maxLineSearch - i - 1);
    prev = t;
    alpha *= 2;
  }
  return prev.alpha > 0 ? prev : null;
}

/**
 * The L-BFGS search direction d = −H·g by the two-loop recursion (N&W Algorithm 7.4) over the pairs
 * (S, Y, rho = 1/sᵀy), oldest first, with H₀ = γI, γ = sᵀy/yᵀy of the newest pair. Writes d and returns
 * the slope φ'(0) = gᵀd. When that is not negative (H lost positive definiteness to rounding, or
 * the products overflowed), it drops the pairs and falls back to d = −g. `alphaBuf` is scratch of at
 * least S.length entries.
 */
export function searchDirection(g: Float64Array, S: Float64Array[], Y: Float64Array[], rho: number[], alphaBuf: Float64Array, d: Float64Array): number {
  const n = g.length;
  for (let i = 0; i < n; i++) d[i] = -g[i]!;
  const k = S.length;
  for (let j = k - 1; j >= 0; j--) {
    const a = rho[j]! * dotv(S[j]!, d);
    alphaBuf[j] = a;
    const yj = Y[j]!;
    for (let i = 0; i < n; i++) d[i] = d[i]! - a * yj[i]!;
  }
  if (k > 0) {
    const gamma = dotv(S[k - 1]!, Y[k - 1]!) / dotv(Y[k - 1]!, Y[k - 1]!);
    for (let i = 0; i < n; i++) d[i] = gamma * d[i]!;
  }
  for (let j = 0; j < k; j++) {
    const beta = rho[j]! * dotv(Y[j]!, d);
    const sj = S[j]!;
    const c = alphaBuf[j]! - beta;
    for (let i = 0; i < n; i++) d[i] = d[i]! + c * sj[i]!;
  }
  const dphi0 = dotv(g, d);
  if (dphi0 < 0) return dphi0;
  S.length = Y.length = rho.length = 0;
  for (let i = 0; i < n; i++) d[i] = -g[i]!;
  return dotv(g, d);
}

/**
 * Minimizes a smooth function by limited-memory BFGS (Nocedal & Wright, Algorithm 7.4 and 7.5):
 * the two-loop recursion with the initial scaling `γ = sᵀy / yᵀy`, and a strong-Wolfe line search.
 * Pairs with `sᵀy ≤ 1e-10·yᵀy` (no positive curvature) are skipped; a failed line search restarts
 * once from steepest descent with the memory cleared before giving up.
 *
 * Stops when `‖∇f‖∞ ≤ gtol` or after `maxIter` iterations.
 *
 * @example
 * ```ts
 * const rosen: ObjectiveWithGradient = (x, g) => {
 *   const [a, b] = [x[0]!, x[1]!];
 *   g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
 *   g[1] = 200 * (b - a * a);
 *   return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
 * };
 * lbfgs(rosen, Float64Array.of(-1.2, 1), { gtol: 1e-10 }).x; // ≈ [1, 1]
 * ```
 */
export function lbfgs(fg: ObjectiveWithGradient, x0: ArrayLike<number>, options: LbfgsOptions = {}): LbfgsResult {
  const o: Required<Omit<LbfgsOptions, 'onIteration'>> = {
    memory: checkPositiveInteger('lbfgs: memory', options.memory ?? 10),
    maxIter: checkNumber('lbfgs: maxIter', options.maxIter ?? 1000, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0'),
    gtol: checkNonNegative('lbfgs: gtol', options.gtol ?? 1e-5),
    maxLineSearch: checkPositiveInteger('lbfgs: maxLineSearch', options.maxLineSearch ?? 30),
    c1: checkNumber('lbfgs: c1', options.c1 ?? 1e-4, (v) => v > 0 && v < 1, 'in (0, 1)'),
    c2: checkNumber('lbfgs: c2', options.c2 ?? 0.9, (v) => v > 0 && v < 1, 'in (0, 1)'),
  };
  if (o.c2 <= o.c1) throw new InvalidOptionError(`lbfgs: c2 must be greater than c1 (got c1 = ${o.c1}, c2 = ${o.c2})`);
  const n = x0.length;
  let x: Float64Array = Float64Array.from(x0);
  let g: Float64Array = new Float64Array(n);
  let f = fg(x, g);
  const counter = { nFev: 1 };
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alphaBuf = new Float64Array(o.memory);
  const d = new Float64Array(n);
  const xTrial = new Float64Array(n);
  let nIter = 0;
  let message: LbfgsResult['message'] = 'maximum iterations reached';
  let converged = infNorm(g) <= o.gtol;
  if (converged) message = 'gradient tolerance reached';

  while (!converged && nIter < o.maxIter) {
    const dphi0 = searchDirection(g, S, Y, rho, alphaBuf, d);
    // Without curvature information, scale the first step so it has length 1 at most.
    const alpha0 = S.length === 0 ? Math.min(1, 1 / Math.sqrt(-dphi0)) : 1;
    const t = wolfeLineSearch(fg, x, f, d, dphi0, alpha0, o, counter, xTrial);
    if (t === null) {
      if (S.length === 0) {
        message = 'line search failed';
        break;
      }
      S.length = Y.length = rho.length = 0;
      continue;
    }
    const xNew = new Float64Array(n);
    for (let i = 0; i < n; i++) xNew[i] = x[i]! + t.alpha * d[i]!;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = t.g[i]! - g[i]!;
    }
    const sy = dotv(s, y);
    if (sy > 1e-10 * dotv(y, y)) {
      if (S.length === o.memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    x = xNew;
    g = t.g;
    f = t.f;
    nIter++;
    options.onIteration?.({ nIter, x, f, grad: g });
    if (infNorm(g) <= o.gtol) {
      converged = true;
      message = 'gradient tolerance reached';
    }
  }
  return { x, f, grad: g, gradInfNorm: infNorm(g), nIter, nFev: counter.nFev, converged, message };
}
