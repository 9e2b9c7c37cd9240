import { type AdamStepScalars, type FloatArray, kernels } from '@ffnn/tensor';
import { BaseOptimizer, definedOnly } from './base.js';
import type { OptimizerName } from './types.js';
import { checkKeys, nonNegative, positive, unitInterval } from './validate.js';

/** Options of {@link Adam}. */
export interface AdamOptions {
  /** Learning rate η, > 0; default 1e-3. */
  lr?: number;
  /** Decay β1 ∈ [0, 1) of the first-moment average; default 0.9. */
  beta1?: number;
  /** Decay β2 ∈ [0, 1) of the second-moment average; default 0.999. */
  beta2?: number;
  /** ε > 0 added to the bias-corrected root; default 1e-8. */
  eps?: number;
  /** Coupled L2 penalty λ ≥ 0 added to the gradient (PyTorch `Adam`'s weight_decay); default 0. */
  weightDecay?: number;
}

/** Hyperparameters of {@link Adam} and {@link AdamW} as stored in their state. */
export type AdamHyper = {
  /** Decay β₁ of the first-moment (mean) estimate. */
  beta1: number;
  /** Decay β₂ of the second-moment (uncentred variance) estimate. */
  beta2: number;
  /** ε added to the root of the bias-corrected second moment in the denominator. */
  eps: number;
  /** L2 penalty λ: coupled (added to the gradient) for Adam, decoupled (applied to the weights) for AdamW. */
  weightDecay: number;
};

const KEYS = ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'] as const;

/**
 * The scalars of one Adam/AdamW step, the same for every parameter (see {@link adamScalars}). The
 * kernel that runs {@link adamStep} receives them and computes nothing else.
 */
export type AdamScalars = AdamStepScalars;

/**
 * The scalars of step `t` (t = 1, 2, …), computed once per step in float64 with PyTorch 1.13's
 * expressions (`_single_tensor_adam`: `step_size = lr / bias_correction1`,
 * `bias_correction2_sqrt = sqrt(bias_correction2)`; AdamW's `param.mul_(1 - lr * weight_decay)`):
 *
 * ```text
 * stepSize = η / (1 − β1ᵗ)        bc2Sqrt = √(1 − β2ᵗ)
 * rest1 = 1 − β1,  rest2 = 1 − β2  decay = 1 − η·λ      (AdamW)
 * ```
 *
 * `coupled` (Adam with λ ≠ 0: λ·p joins the gradient) and `decoupled` (AdamW: p is scaled by
 * `decay` first) say which weight decay {@link adamStep} applies.
 */
export function adamScalars(lr: number, hyper: AdamHyper, t: number, decoupled: boolean): AdamScalars {
  const { beta1, beta2, eps, weightDecay } = hyper;
  return {
    stepSize: lr / (1 - beta1 ** t),
    bc2Sqrt: Math.sqrt(1 - beta2 ** t),
    beta1,
    rest1: 1 - beta1,
    beta2,
    rest2: 1 - beta2,
    eps,
    weightDecay,
    decay: 1 - lr * weightDecay,
    coupled: !decoupled && weightDecay !== 0,
    decoupled,
  };
}

const exact = (x: number): number => x;

/**
 * One Adam/AdamW step over `size` elements of the parameters `w` (gradient `g`, moments `m`, `v`),
 * in place: the loop of PyTorch 1.13's `_single_tensor_adam`, in the same operation order. This is
 * the one statement of the update; with {@link adamScalars}' scalars `s`, for each element:
 *
 * ```text
 * w ← w·decay                                (decoupled: AdamW)
 * d ← g + λ·w                                (coupled: Adam with λ ≠ 0; else d = g)
 * m ← β1·m + rest1·d
 * v ← β2·v + (rest2·d)·d
 * w ← w − (stepSize·m) / (√v / bc2Sqrt + ε)
 * ```
 *
 * Float32 parameters get float32 arithmetic: every operation, and every scalar once, rounded to
 * float32 (`r`), as PyTorch computes on float32 tensors (PyTorch may fuse a multiply-add; we never
 * do, so every backend gives the same bits). Float64 parameters: `r` is the identity.
 *
 * A faster backend may run this as a compiled kernel (`KernelBackend.adamStep` in @ffnn/tensor,
 * e.g. WebAssembly SIMD): the same operations in the same order, which `adam-kernel.test.ts` pins
 * to this function bit for bit. The update reads the moments as stored (rounded to their arrays).
 *
 * Why a compiled copy pinned by a test, not a generic update primitive in @ffnn/tensor: a
 * primitive that knows no formula means several element-wise passes per step (PyTorch's `mul_`,
 * `add_`, `addcmul_`, `addcdiv_`), each reading and writing every parameter, or else this formula
 * under another name. So the formula is read here, the kernel says it is this function compiled,
 * and everything it computes with comes from {@link adamScalars}.
 */
export function adamStep(size: number, w: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, s: AdamScalars): void {
  const r = w instanceof Float32Array ? Math.fround : exact;
  const stepSize = r(s.stepSize), bc2Sqrt = r(s.bc2Sqrt), eps = r(s.eps);
  const beta1 = r(s.beta1), rest1 = r(s.rest1), beta2 = r(s.beta2), rest2 = r(s.rest2);
  const lambda = r(s.weightDecay), decay = r(s.decay);
  const { coupled, decoupled } = s;
  for (let t = 0; t < size; t++) {
    let wt = w[t]!;
    if (decoupled) wt = r(wt * decay);
    let d = r(g[t]!);
    if (coupled) d = r(d + r(lambda * wt));
    m[t] = r(r(beta1 * r(m[t]!)) + r(rest1 * d));
    v[t] = r(r(beta2 * r(v[t]!)) + r(r(rest2 * d) * d));
    const denom = r(r(r(Math.sqrt(v[t]!)) / bc2Sqrt) + eps);
    w[t] = r(wt - r(r(stepSize * m[t]!) / denom));
  }
}

/**
 * The Adam family, in the operation order of PyTorch 1.13's single-tensor (`foreach=False`) path.
 * PyTorch 1.13 updates the first moment with `exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)`,
 * i.e. `β1·m + (1 − β1)·g`; the algebraically equal `exp_avg.lerp_(grad, 1 - beta1)` arrived only in
 * PyTorch 2.x (pytorch#104796) and rounds differently, so we follow the former.
 */
export abstract class AdamFamily extends BaseOptimizer<AdamHyper> {
  /** Weight decay applied to the parameter (AdamW) instead of the gradient (Adam). */
  protected abstract readonly decoupled: boolean;
  #scalars: AdamScalars | undefined;

  protected constructor(label: string, options: AdamOptions, defaultWeightDecay: number) {
    const o = definedOnly(checkKeys(label, 'options', options, KEYS));
    const lr = positive(label, 'lr', o.lr ?? 1e-3);
    super(label, lr, parseAdamHyper(label, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: defaultWeightDecay, ...o }));
  }

  protected slotNamesFor(): readonly string[] {
    return ['expAvg', 'expAvgSq'];
  }

  protected parseHyper(raw: Record<string, unknown>): AdamHyper {
    return parseAdamHyper(this.label, raw);
  }

  protected override beginStep(): void {
    this.#scalars = adamScalars(this.lr, this.hyper, this.t, this.decoupled);
  }

  /**
   * {@link adamStep}, as the installed backend's compiled kernel when it has one that takes these
   * buffers (it returns false otherwise), else in JavaScript: the same bits either way.
   */
  protected update(i: number, p: FloatArray, g: FloatArray): void {
    const m = this.slot(0, i), v = this.slot(1, i), s = this.#scalars!;
    if (kernels().adamStep?.(p.length, p, g, m, v, s) !== true) adamStep(p.length, p, g, m, v, s);
  }
}

function parseAdamHyper(label: string, raw: Record<string, unknown>): AdamHyper {
  return {
    beta1: unitInterval(label, 'beta1', raw.beta1),
    beta2: unitInterval(label, 'beta2', raw.beta2),
    eps: positive(label, 'eps', raw.eps),
    weightDecay: nonNegative(label, 'weightDecay', raw.weightDecay),
  };
}

/**
 * Adam (Kingma & Ba, 2015) with bias correction, in the operation order of PyTorch 1.13's
 * `torch.optim.Adam` (single-tensor path), at step t = 1, 2, … (computed by {@link adamStep}):
 *
 * ```text
 * g ← ∇ + λ·p                          (if λ ≠ 0; coupled L2)
 * m ← β1·m + (1 − β1)·g
 * v ← β2·v + (1 − β2)·g·g
 * bc1 ← 1 − β1^t,  bc2 ← 1 − β2^t
 * step ← η / bc1
 * denom ← √v / √bc2 + ε
 * p ← p − step·m / denom
 * ```
 *
 * @example
 * ```ts
 * const opt = new Adam({ lr: 1e-3 });
 * opt.step([W, b], [dW, db]);
 * ```
 */
export class Adam extends AdamFamily {
  protected readonly decoupled = false;

  constructor(options: AdamOptions = {}) {
    super('Adam', options, 0);
  }

  protected nameFor(): OptimizerName {
    return 'adam';
  }
}
