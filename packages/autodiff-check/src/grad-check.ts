import { InvalidOptionError, NumericError, ShapeError, checkNumber, formatValue, type Matrix } from '@ffnn/tensor';

/** Options of {@link gradCheck}. */
export interface GradCheckOptions {
  /** Half-width ε of the central difference. Default `1e-6`. */
  epsilon?: number;
  /** One display name per parameter, e.g. `['W1', 'b1']`. Default `param[i]`. */
  names?: string[];
  /** A parameter passes when its relative error is ≤ this. Default `1e-6`. */
  tolerance?: number;
  /**
   * Allow `float32` parameters. Off by default: in float32 a step of ε = 1e-6 is near the
   * precision of the values themselves and the loss' rounding error divided by 2ε swamps the
   * gradient, so the check says nothing. Run checks in float64; if you must check float32 code,
   * set this and use a larger `epsilon` (≈ 1e-3) and `tolerance` (≈ 1e-2).
   */
  allowFloat32?: boolean;
}

/** The comparison for one parameter tensor. */
export interface GradCheckEntry {
  /** Display name (from {@link GradCheckOptions.names} or `param[i]`). */
  name: string;
  /** `[rows, cols]` of the parameter. */
  shape: [number, number];
  /** ‖g_a − g_n‖₂ / (‖g_a‖₂ + ‖g_n‖₂), 0 when both norms are 0; NaN if the analytic gradient is not finite. */
  relError: number;
  /** max_t |g_a[t] − g_n[t]|. */
  maxAbsError: number;
  /** ‖g_a‖₂ of the analytic gradient. */
  analyticNorm: number;
  /** ‖g_n‖₂ of the numeric gradient. */
  numericNorm: number;
  /** `relError ≤ tolerance` (false for NaN). */
  passed: boolean;
}

/** Result of {@link gradCheck}: one entry per parameter and the worst of them. */
export interface GradCheckReport {
  /** One entry per parameter, in the order of `params`. */
  entries: GradCheckEntry[];
  /** The entry with the largest relative error (NaN counts as largest); `undefined` when there are no parameters. */
  worst: GradCheckEntry | undefined;
  /** `worst.relError`, or 0 when there are no parameters. */
  worstRelError: number;
  /** Every entry passed (vacuously true for no parameters). */
  passed: boolean;
  /** The tolerance used. */
  tolerance: number;
  /** The ε used. */
  epsilon: number;
}

/**
 * Checks analytic gradients against central finite differences, one parameter tensor at a time.
 *
 * For every element t of every parameter θ the numeric gradient is
 * `g_n[t] = (J(θ + εe_t) − J(θ − εe_t)) / 2ε`, and per tensor the relative error is
 * `‖g_a − g_n‖₂ / (‖g_a‖₂ + ‖g_n‖₂)` (0 when both norms are 0). The divisor is the step actually
 * stored in the typed array (`(θ_t+ε) − (θ_t−ε)` after rounding), which equals 2ε up to one ulp
 * of θ_t and makes the secant exact for the points really evaluated.
 *
 * `loss()` must read the *current* values of `params`: gradCheck perturbs `params[i].data` in
 * place, one element at a time, and writes the original element back bit-exactly afterwards
 * (also when `loss` throws). `grads` are the analytic gradients the caller already computed, with
 * the shapes of `params`; they are copied before the first perturbation, so a `loss()` that
 * recomputes gradients into the same buffers does not corrupt the comparison.
 *
 * **Precision:** run checks in float64. float32 parameters are rejected unless
 * {@link GradCheckOptions.allowFloat32} is set (see there why).
 *
 * Cost: `1 + 2·Σ size(params[i])` calls of `loss`.
 *
 * @throws ShapeError if `grads` does not match `params` in count or in any shape (naming the index and both shapes).
 * @throws InvalidOptionError for a bad `epsilon`, `tolerance` or `names`, or a float32 parameter without `allowFloat32`.
 * @throws NumericError if `loss()` returns NaN/±Infinity (naming the parameter, element and side of the step),
 *   or if ε is too small to change an element.
 *
 * @example
 * ```ts
 * const W = Matrix.from([[0.1, -0.2], [0.3, 0.4]]);
 * const report = gradCheck(() => sumAll(map(W, Math.sin, Matrix.zeros(2, 2))), [W], [map(W, Math.cos, Matrix.zeros(2, 2))], { names: ['W'] });
 * report.passed; // true
 * ```
 */
export function gradCheck(
  loss: () => number,
  params: readonly Matrix[],
  grads: readonly Matrix[],
  options: GradCheckOptions = {},
): GradCheckReport {
  const epsilon = checkNumber('gradCheck epsilon', options.epsilon ?? 1e-6, (v) => v > 0, 'a positive finite number');
  const tolerance = checkNumber('gradCheck tolerance', options.tolerance ?? 1e-6, (v) => v >= 0, 'a non-negative finite number');
  const names = resolveNames(options.names, params.length);
  validate(params, grads, names, options.allowFloat32 === true);

  // Snapshot the analytic gradients before loss() can run and possibly overwrite them.
  const analytic = grads.map((g) => Float64Array.from(g.data));

  const j0 = loss();
  if (!Number.isFinite(j0)) {
    throw new NumericError(`gradCheck: loss() returned ${formatValue(j0)} at the unperturbed parameters; it must be finite`);
  }

  const entries: GradCheckEntry[] = params.map((param, i) => {
    const name = names[i]!;
    const numeric = numericGradient(loss, param, name, epsilon);
    return compare(name, param, analytic[i]!, numeric, tolerance);
  });

  let worst: GradCheckEntry | undefined;
  for (const e of entries) {
    if (worst === undefined || isWorse(e.relError, worst.relError)) worst = e;
  }
  return {
    entries,
    worst,
    worstRelError: worst?.relError ?? 0,
    passed: entries.every((e) => e.passed),
    tolerance,
    epsilon,
  };
}

function resolveNames(names: unknown, count: number): string[] {
  if (names === undefined) return Array.from({ length: count }, (_, i) => `param[${i}]`);
  if (!Array.isArray(names) || names.length !== count || !names.every((n) => typeof n === 'string')) {
    throw new InvalidOptionError(`gradCheck names must be an array of ${count} strings (one per param), got ${formatValue(names)}`);
  }
  return names;
}

function validate(params: readonly Matrix[], grads: readonly Matrix[], names: readonly string[], allowFloat32: boolean): void {
  if (params.length !== grads.length) {
    throw new ShapeError(`gradCheck: ${params.length} params but ${grads.length} grads; expected one gradient per parameter`);
  }
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    const g = grads[i]!;
    if (p.rows !== g.rows || p.cols !== g.cols) {
      throw new ShapeError(
        `gradCheck: grads[${i}] (${names[i]}) is ${g.rows}×${g.cols}, expected the shape of params[${i}], ${p.rows}×${p.cols}`,
      );
    }
    if (p.dtype === 'float32' && !allowFloat32) {
      throw new InvalidOptionError(
        `gradCheck: params[${i}] (${names[i]}) is float32; finite differences need float64 (clone it with .clone('float64')) or pass allowFloat32: true`,
      );
    }
  }
}

function numericGradient(loss: () => number, param: Matrix, name: string, epsilon: number): Float64Array {
  const data = param.data;
  const out = new Float64Array(data.length);
  for (let t = 0; t < data.length; t++) {
    const original = data[t]!;
    try {
      data[t] = original + epsilon;
      const plus = data[t]!;
      const jPlus = loss();
      checkLoss(jPlus, '+', name, param, t, original, epsilon);
      data[t] = original - epsilon;
      const minus = data[t]!;
      const jMinus = loss();
      checkLoss(jMinus, '−', name, param, t, original, epsilon);
      const step = plus - minus;
      if (step === 0) {
        throw new NumericError(
          `gradCheck: epsilon ${epsilon} does not change ${elementName(name, param, t)} = ${original}; use a larger epsilon`,
        );
      }
      out[t] = (jPlus - jMinus) / step;
    } finally {
      data[t] = original;
    }
  }
  return out;
}

function checkLoss(value: number, side: '+' | '−', name: string, param: Matrix, t: number, original: number, epsilon: number): void {
  if (!Number.isFinite(value)) {
    throw new NumericError(
      `gradCheck: loss() returned ${formatValue(value)} with ${elementName(name, param, t)} = ${original} ${side} ${epsilon.toExponential()}; it must be finite`,
    );
  }
}

function elementName(name: string, param: Matrix, t: number): string {
  const i = Math.floor(t / param.cols);
  return `${name}[${i}, ${t - i * param.cols}]`;
}

function compare(name: string, param: Matrix, analytic: Float64Array, numeric: Float64Array, tolerance: number): GradCheckEntry {
  let diffSq = 0;
  let analyticSq = 0;
  let numericSq = 0;
  let maxAbsError = 0;
  for (let t = 0; t < analytic.length; t++) {
    const a = analytic[t]!;
    const n = numeric[t]!;
    const d = a - n;
    diffSq += d * d;
    analyticSq += a * a;
    numericSq += n * n;
    const absErr = Math.abs(d);
    if (absErr > maxAbsError || Number.isNaN(absErr)) maxAbsError = absErr; // once NaN, stays NaN
  }
  const analyticNorm = Math.sqrt(analyticSq);
  const numericNorm = Math.sqrt(numericSq);
  const denominator = analyticNorm + numericNorm;
  // NaN anywhere propagates through the sums, so relError is NaN and the entry fails.
  const relError = denominator === 0 ? 0 : Math.sqrt(diffSq) / denominator;
  return {
    name,
    shape: [param.rows, param.cols],
    relError,
    maxAbsError,
    analyticNorm,
    numericNorm,
    passed: relError <= tolerance,
  };
}

function isWorse(a: number, b: number): boolean {
  if (Number.isNaN(b)) return false;
  return Number.isNaN(a) || a > b;
}
