import type { FloatArray } from '@ffnn/tensor';
import { BaseOptimizer, definedOnly } from './base.js';
import type { OptimizerName } from './types.js';
import { checkKeys, nonNegative, positive } from './validate.js';

/** Options of {@link AdaGrad}. */
export interface AdaGradOptions {
  /** Learning rate η, > 0; default 0.01. */
  lr?: number;
  /** Learning-rate decay ≥ 0 per step; default 0. */
  lrDecay?: number;
  /** Coupled L2 penalty λ ≥ 0 added to the gradient; default 0. */
  weightDecay?: number;
  /** Starting value ≥ 0 of the accumulated squared gradients; default 0. */
  initialAccumulator?: number;
  /** ε > 0 added to the root of the sum; default 1e-10. */
  eps?: number;
}

/** Hyperparameters of {@link AdaGrad} as stored in its state. */
export type AdaGradHyper = {
  /** Decay of the rate: step t uses lr / (1 + (t − 1)·lrDecay). */
  lrDecay: number;
  /** Coupled L2 penalty λ added to the gradient. */
  weightDecay: number;
  /** Starting value of the accumulated squared gradients. */
  initialAccumulator: number;
  /** ε added to the root of the accumulator in the denominator. */
  eps: number;
};

const KEYS = ['lr', 'lrDecay', 'weightDecay', 'initialAccumulator', 'eps'] as const;

function parseHyper(raw: Record<string, unknown>): AdaGradHyper {
  return {
    lrDecay: nonNegative('AdaGrad', 'lrDecay', raw.lrDecay),
    weightDecay: nonNegative('AdaGrad', 'weightDecay', raw.weightDecay),
    initialAccumulator: nonNegative('AdaGrad', 'initialAccumulator', raw.initialAccumulator),
    eps: positive('AdaGrad', 'eps', raw.eps),
  };
}

/**
 * AdaGrad (Duchi, Hazan & Singer, 2011), in the operation order of PyTorch 1.13's
 * `torch.optim.Adagrad` (single-tensor path), at step t = 1, 2, …:
 *
 * ```text
 * g ← ∇ + λ·p                          (if λ ≠ 0)
 * clr ← η / (1 + (t − 1)·lrDecay)
 * sum ← sum + g·g                      (sum starts at initialAccumulator)
 * p ← p − clr·g / (√sum + ε)
 * ```
 */
export class AdaGrad extends BaseOptimizer<AdaGradHyper> {
  #clr = 0;

  constructor(options: AdaGradOptions = {}) {
    const o = definedOnly(checkKeys('AdaGrad', 'options', options, KEYS));
    const lr = positive('AdaGrad', 'lr', o.lr ?? 0.01);
    super('AdaGrad', lr, parseHyper({ lrDecay: 0, weightDecay: 0, initialAccumulator: 0, eps: 1e-10, ...o }));
  }

  protected nameFor(): OptimizerName {
    return 'adagrad';
  }

  protected slotNamesFor(): readonly string[] {
    return ['sum'];
  }

  protected override initialSlotValue(): number {
    return this.hyper.initialAccumulator;
  }

  protected parseHyper(raw: Record<string, unknown>): AdaGradHyper {
    return parseHyper(raw);
  }

  protected override beginStep(): void {
    this.#clr = this.lr / (1 + (this.t - 1) * this.hyper.lrDecay);
  }

  protected update(i: number, p: FloatArray, g: FloatArray): void {
    const { weightDecay, eps } = this.hyper;
    const clr = this.#clr;
    const sum = this.slot(0, i);
    for (let k = 0; k < p.length; k++) {
      let d = g[k]!;
      if (weightDecay !== 0) d = d + weightDecay * p[k]!;
      sum[k] = sum[k]! + d * d;
      const std = Math.sqrt(sum[k]!) + eps;
      p[k] = p[k]! - (clr * d) / std;
    }
  }
}
