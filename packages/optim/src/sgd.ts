import { type FloatArray, InvalidOptionError } from '@ffnn/tensor';
import { BaseOptimizer, definedOnly } from './base.js';
import type { OptimizerName } from './types.js';
import { bool, checkKeys, closedUnitInterval, nonNegative, positive } from './validate.js';

/** Options of {@link SGD}. */
export interface SGDOptions {
  /** Learning rate, > 0; default 0.01. */
  lr?: number;
  /** Momentum factor μ ≥ 0; default 0 (plain SGD). */
  momentum?: number;
  /** Dampening d ∈ [0, 1] of the gradient added to the momentum buffer; default 0. */
  dampening?: number;
  /** Nesterov momentum; needs momentum > 0 and dampening 0. Default false. */
  nesterov?: boolean;
  /** Coupled L2 penalty λ ≥ 0 added to the gradient (as in PyTorch); default 0. */
  weightDecay?: number;
}

/** Hyperparameters of {@link SGD} as stored in its state. */
export type SGDHyper = {
  /** Momentum factor μ (0 for plain SGD). */
  momentum: number;
  /** Dampening d of the gradient added to the momentum buffer. */
  dampening: number;
  /** Whether the step uses Nesterov momentum. */
  nesterov: boolean;
  /** Coupled L2 penalty λ added to the gradient. */
  weightDecay: number;
};

const KEYS = ['lr', 'momentum', 'dampening', 'nesterov', 'weightDecay'] as const;

function parseHyper(raw: Record<string, unknown>): SGDHyper {
  const momentum = nonNegative('SGD', 'momentum', raw.momentum);
  const dampening = closedUnitInterval('SGD', 'dampening', raw.dampening);
  const nesterov = bool('SGD', 'nesterov', raw.nesterov);
  const weightDecay = nonNegative('SGD', 'weightDecay', raw.weightDecay);
  if (nesterov && (momentum <= 0 || dampening !== 0)) {
    throw new InvalidOptionError(
      `SGD: nesterov needs momentum > 0 and dampening 0, got momentum ${momentum} and dampening ${dampening}`,
    );
  }
  return { momentum, dampening, nesterov, weightDecay };
}

/**
 * Stochastic gradient descent with optional momentum, Nesterov momentum and coupled L2 weight
 * decay, in the operation order of PyTorch 1.13's `torch.optim.SGD` (single-tensor path):
 *
 * ```text
 * g ← ∇ + λ·p                         (if λ ≠ 0)
 * if μ ≠ 0:
 *   buf ← g                           (first step)
 *   buf ← μ·buf + (1 − d)·g           (later steps)
 *   g ← g + μ·buf   (Nesterov)   or   g ← buf
 * p ← p − η·g
 * ```
 *
 * Its {@link SGD.name} is `nesterov`, `momentum` or `sgd` according to the options.
 *
 * @example
 * ```ts
 * const opt = new SGD({ lr: 0.1, momentum: 0.9 });
 * opt.step([W, b], [dW, db]);
 * ```
 */
export class SGD extends BaseOptimizer<SGDHyper> {
  constructor(options: SGDOptions = {}) {
    const o = definedOnly(checkKeys('SGD', 'options', options, KEYS));
    const lr = positive('SGD', 'lr', o.lr ?? 0.01);
    super('SGD', lr, parseHyper({ momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, ...o }));
  }

  protected nameFor(h: SGDHyper): OptimizerName {
    return h.nesterov ? 'nesterov' : h.momentum !== 0 ? 'momentum' : 'sgd';
  }

  protected slotNamesFor(h: SGDHyper): readonly string[] {
    return h.momentum !== 0 ? ['momentumBuffer'] : [];
  }

  protected parseHyper(raw: Record<string, unknown>): SGDHyper {
    return parseHyper(raw);
  }

  protected update(i: number, p: FloatArray, g: FloatArray): void {
    const { momentum, dampening, nesterov, weightDecay } = this.hyper;
    const lr = this.lr;
    if (momentum === 0) {
      for (let k = 0; k < p.length; k++) {
        let d = g[k]!;
        if (weightDecay !== 0) d = d + weightDecay * p[k]!;
        p[k] = p[k]! - lr * d;
      }
      return;
    }
    const buf = this.slot(0, i);
    const first = this.t === 1;
    const keep = 1 - dampening;
    for (let k = 0; k < p.length; k++) {
      let d = g[k]!;
      if (weightDecay !== 0) d = d + weightDecay * p[k]!;
      buf[k] = first ? d : momentum * buf[k]! + keep * d;
      d = nesterov ? d + momentum * buf[k]! : buf[k]!;
      p[k] = p[k]! - lr * d;
    }
  }
}
