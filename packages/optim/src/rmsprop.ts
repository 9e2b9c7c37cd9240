import type { FloatArray } from '@ffnn/tensor';
import { BaseOptimizer, definedOnly } from './base.js';
import type { OptimizerName } from './types.js';
import { checkKeys, nonNegative, positive, unitInterval } from './validate.js';

/** Options of {@link RMSprop}. */
export interface RMSpropOptions {
  /** Learning rate η, > 0; default 1e-3. */
  lr?: number;
  /**
   * Decay β ∈ [0, 1) of the running average of squared gradients; default 0.9, the study's
   * choice (Hinton's lecture value). PyTorch calls it `alpha` and defaults to 0.99.
   */
  beta?: number;
  /** ε > 0 added to the root; default 1e-8. */
  eps?: number;
  /** Coupled L2 penalty λ ≥ 0 added to the gradient; default 0. */
  weightDecay?: number;
}

/** Hyperparameters of {@link RMSprop} as stored in its state. */
export type RMSpropHyper = {
  /** Decay β of the running mean of squared gradients (PyTorch's `alpha`). */
  beta: number;
  /** ε added to the root of the running mean in the denominator. */
  eps: number;
  /** Coupled L2 penalty λ added to the gradient. */
  weightDecay: number;
};

const KEYS = ['lr', 'beta', 'eps', 'weightDecay'] as const;

function parseHyper(raw: Record<string, unknown>): RMSpropHyper {
  return {
    beta: unitInterval('RMSprop', 'beta', raw.beta),
    eps: positive('RMSprop', 'eps', raw.eps),
    weightDecay: nonNegative('RMSprop', 'weightDecay', raw.weightDecay),
  };
}

/**
 * RMSprop (Tieleman & Hinton, 2012), without momentum and not centered, in the operation order of
 * PyTorch 1.13's `torch.optim.RMSprop` (single-tensor path):
 *
 * ```text
 * g ← ∇ + λ·p                          (if λ ≠ 0)
 * v ← β·v + (1 − β)·g·g                (v starts at 0)
 * p ← p − η·g / (√v + ε)
 * ```
 *
 * Note the default β = 0.9 differs from PyTorch's `alpha = 0.99`; pass `beta: 0.99` to compare.
 */
export class RMSprop extends BaseOptimizer<RMSpropHyper> {
  constructor(options: RMSpropOptions = {}) {
    const o = definedOnly(checkKeys('RMSprop', 'options', options, KEYS));
    const lr = positive('RMSprop', 'lr', o.lr ?? 1e-3);
    super('RMSprop', lr, parseHyper({ beta: 0.9, eps: 1e-8, weightDecay: 0, ...o }));
  }

  protected nameFor(): OptimizerName {
    return 'rmsprop';
  }

  protected slotNamesFor(): readonly string[] {
    return ['squareAvg'];
  }

  protected parseHyper(raw: Record<string, unknown>): RMSpropHyper {
    return parseHyper(raw);
  }

  protected update(i: number, p: FloatArray, g: FloatArray): void {
    const { beta, eps, weightDecay } = this.hyper;
    const lr = this.lr;
    const rest = 1 - beta;
    const v = this.slot(0, i);
    for (let k = 0; k < p.length; k++) {
      let d = g[k]!;
      if (weightDecay !== 0) d = d + weightDecay * p[k]!;
      // PyTorch: square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha), i.e. β·v + ((1 − β)·g)·g
      v[k] = beta * v[k]! + rest * d * d;
      const avg = Math.sqrt(v[k]!) + eps;
      p[k] = p[k]! - (lr * d) / avg;
    }
  }
}
