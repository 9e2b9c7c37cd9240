import { type AdamOptions, AdamFamily } from './adam.js';
import type { OptimizerName } from './types.js';

/** Options of {@link AdamW}: those of Adam, with `weightDecay` (decoupled) defaulting to 0.01. */
export type AdamWOptions = AdamOptions;

/**
 * AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay, in the operation order of
 * PyTorch 1.13's `torch.optim.AdamW` (single-tensor path). At step t, first
 *
 * ```text
 * p ← p·(1 − η·λ)                      (λ = weightDecay, default 0.01)
 * ```
 *
 * then the {@link Adam} update on the raw gradient (no L2 term in g).
 */
export class AdamW extends AdamFamily {
  protected readonly decoupled = true;

  constructor(options: AdamWOptions = {}) {
    super('AdamW', options, 0.01);
  }

  protected nameFor(): OptimizerName {
    return 'adamw';
  }
}
