import { type FloatArray, getBackend, jsBackend } from '@ffnn/tensor';
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
 * The Adam family, in the operation order of PyTorch 1.13's single-tensor (`foreach=False`) path.
 * PyTorch 1.13 updates the first moment with `exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)`,
 * i.e. `β1·m + (1 − β1)·g`; the algebraically equal `exp_avg.lerp_(grad, 1 - beta1)` arrived only in
 * PyTorch 2.x (pytorch#104796) and rounds differently, so we follow the former.
 */
export abstract class AdamFamily extends BaseOptimizer<AdamHyper> {
  /** Weight decay applied to the parameter (AdamW) instead of the gradient (Adam). */
  protected abstract readonly decoupled: boolean;

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

  /**
   * The update is the backend's `adamUpdate` kernel (WebAssembly SIMD when installed), whose
   * reference `jsAdamUpdate` in @ffnn/tensor is the loop of PyTorch 1.13's `_single_tensor_adam`:
   * every backend gives the same bits.
   */
  protected update(i: number, p: FloatArray, g: FloatArray): void {
    const { beta1, beta2, eps, weightDecay } = this.hyper;
    const backend = getBackend();
    const kernel = backend.adamUpdate ? backend : jsBackend;
    kernel.adamUpdate!(p.length, p, g, this.slot(0, i), this.slot(1, i), this.lr, beta1, beta2, eps, this.t, weightDecay, this.decoupled);
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
 * `torch.optim.Adam` (single-tensor path), at step t = 1, 2, …:
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
