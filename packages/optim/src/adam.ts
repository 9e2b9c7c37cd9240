import type { FloatArray } from '@ffnn/tensor';
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
export type AdamHyper = { beta1: number; beta2: number; eps: number; weightDecay: number };

const KEYS = ['lr', 'beta1', 'beta2', 'eps', 'weightDecay'] as const;

/**
 * The Adam family, in the operation order of PyTorch 1.13's single-tensor (`foreach=False`) path.
 * PyTorch 1.13 updates the first moment with `exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)`,
 * i.e. `β1·m + (1 − β1)·g`; the algebraically equal `exp_avg.lerp_(grad, 1 - beta1)` arrived only in
 * PyTorch 2.x (pytorch#104796) and rounds differently, so we follow the former.
 */
export abstract class AdamFamily extends BaseOptimizer<AdamHyper> {
  #stepSize = 0;
  #bc2Sqrt = 1;
  #decay = 1;
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

  protected override beginStep(): void {
    const { beta1, beta2, weightDecay } = this.hyper;
    const biasCorrection1 = 1 - beta1 ** this.t;
    const biasCorrection2 = 1 - beta2 ** this.t;
    this.#stepSize = this.lr / biasCorrection1;
    this.#bc2Sqrt = Math.sqrt(biasCorrection2);
    this.#decay = 1 - this.lr * weightDecay;
  }

  protected update(i: number, p: FloatArray, g: FloatArray): void {
    const { beta1, beta2, eps, weightDecay } = this.hyper;
    const rest1 = 1 - beta1;
    const rest2 = 1 - beta2;
    const stepSize = this.#stepSize;
    const bc2Sqrt = this.#bc2Sqrt;
    const coupled = !this.decoupled && weightDecay !== 0;
    const m = this.slot(0, i);
    const v = this.slot(1, i);
    if (this.decoupled) {
      const decay = this.#decay;
      for (let k = 0; k < p.length; k++) p[k] = p[k]! * decay;
    }
    for (let k = 0; k < p.length; k++) {
      let d = g[k]!;
      if (coupled) d = d + weightDecay * p[k]!;
      m[k] = beta1 * m[k]! + rest1 * d;
      v[k] = beta2 * v[k]! + rest2 * d * d;
      const denom = Math.sqrt(v[k]!) / bc2Sqrt + eps;
      p[k] = p[k]! - (stepSize * m[k]!) / denom;
    }
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
