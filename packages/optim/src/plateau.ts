import { InvalidOptionError, checkNumber } from '@ffnn/tensor';
import { type Schedule, checkLrAtArgs } from './schedule.js';
import { checkKeys, integerAtLeast, nonNegative } from './validate.js';

/** Options of the `plateau` schedule (PyTorch `ReduceLROnPlateau`, mode `min`, threshold mode `rel`). */
export interface PlateauScheduleOptions {
  /** Factor in (0, 1) the rate is multiplied by on a plateau; default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated; the rate drops on the next one. Integer ≥ 0; default 10. */
  patience?: number;
  /** Relative improvement ≥ 0 that counts: `metric < best·(1 − threshold)`; default 1e-4. */
  threshold?: number;
  /** Floor ≥ 0 of the rate; default 0. */
  minLr?: number;
  /** Epochs ≥ 0 after a reduction during which bad epochs are not counted; default 0. */
  cooldown?: number;
  /** A reduction smaller than this (≥ 0) is skipped, as in PyTorch; default 1e-8. */
  eps?: number;
}

const STATE_KEYS = ['lastEpoch', 'lr', 'best', 'hasBest', 'numBadEpochs', 'cooldownCounter'] as const;

/**
 * Reduce-on-plateau with PyTorch's `ReduceLROnPlateau` semantics in `min` mode, `rel` threshold.
 * Each call `lrAt(epoch, base, metric)` for a new epoch > 0 feeds `metric` (the previous epoch's loss)
 * to one `scheduler.step(metric)`:
 *
 * ```text
 * if metric < best·(1 − threshold):  best ← metric, bad ← 0     (the first metric always improves)
 * else                               bad ← bad + 1
 * if cooldown counter > 0:           counter ← counter − 1, bad ← 0
 * if bad > patience:                 new ← max(lr·factor, minLr); if lr − new > eps: lr ← new
 *                                    counter ← cooldown, bad ← 0
 * ```
 *
 * Epoch 0 starts a fresh run at `base`. Asking again for the last epoch returns the same rate
 * without counting the metric twice; asking for an earlier epoch (other than 0) is an error.
 * `base` is read at the start of a run only; afterwards the current rate is part of the state.
 */
export class PlateauSchedule implements Schedule {
  readonly name = 'plateau';
  /** Factor the rate is multiplied by on a plateau. */
  readonly factor: number;
  /** Epochs without improvement tolerated before the rate drops. */
  readonly patience: number;
  /** Relative improvement that counts: `metric < best·(1 − threshold)`. */
  readonly threshold: number;
  /** Floor of the rate. */
  readonly minLr: number;
  /** Epochs after a reduction during which bad epochs are not counted. */
  readonly cooldown: number;
  /** A reduction smaller than this is skipped. */
  readonly eps: number;
  #lastEpoch = -1;
  #lr = 0;
  #best = Infinity;
  #numBadEpochs = 0;
  #cooldownCounter = 0;

  constructor(options: PlateauScheduleOptions = {}) {
    const owner = 'plateau schedule';
    const o = checkKeys(owner, 'options', options, ['factor', 'patience', 'threshold', 'minLr', 'cooldown', 'eps']);
    this.factor = checkNumber(`${owner}: factor`, o.factor ?? 0.1, (v) => v > 0 && v < 1, 'in (0, 1)');
    this.patience = integerAtLeast(owner, 'patience', o.patience ?? 10, 0);
    this.threshold = nonNegative(owner, 'threshold', o.threshold ?? 1e-4);
    this.minLr = nonNegative(owner, 'minLr', o.minLr ?? 0);
    this.cooldown = integerAtLeast(owner, 'cooldown', o.cooldown ?? 0, 0);
    this.eps = nonNegative(owner, 'eps', o.eps ?? 1e-8);
  }

  /** See {@link Schedule.lrAt}; `metric` must be finite when given. */
  lrAt(epoch: number, baseLr: number, metric?: number): number {
    const owner = 'plateau schedule';
    checkLrAtArgs(owner, epoch, baseLr);
    if (metric !== undefined) checkNumber(`${owner}: metric`, metric, () => true, 'a finite number');
    if (epoch === 0 || this.#lastEpoch < 0) {
      this.#start(baseLr);
      if (epoch === 0) return this.#lr;
    }
    if (epoch === this.#lastEpoch) return this.#lr;
    if (epoch < this.#lastEpoch) {
      throw new InvalidOptionError(`${owner}: epoch ${epoch} comes before the last epoch ${this.#lastEpoch}; epochs must not go back (use epoch 0 to restart)`);
    }
    if (metric !== undefined) this.#observe(metric);
    this.#lastEpoch = epoch;
    return this.#lr;
  }

  #start(baseLr: number): void {
    this.#lastEpoch = 0;
    this.#lr = baseLr;
    this.#best = Infinity;
    this.#numBadEpochs = 0;
    this.#cooldownCounter = 0;
  }

  /** One `ReduceLROnPlateau.step(metric)`. */
  #observe(current: number): void {
    if (current < this.#best * (1 - this.threshold)) {
      this.#best = current;
      this.#numBadEpochs = 0;
    } else {
      this.#numBadEpochs += 1;
    }
    if (this.#cooldownCounter > 0) {
      this.#cooldownCounter -= 1;
      this.#numBadEpochs = 0; // bad epochs in cooldown are ignored
    }
    if (this.#numBadEpochs > this.patience) {
      const newLr = Math.max(this.#lr * this.factor, this.minLr);
      if (this.#lr - newLr > this.eps) this.#lr = newLr;
      this.#cooldownCounter = this.cooldown;
      this.#numBadEpochs = 0;
    }
  }

  /** `{ lastEpoch, lr, best, hasBest, numBadEpochs, cooldownCounter }`; `best` is 0 while `hasBest` is 0. */
  getState(): Record<string, number> {
    const hasBest = Number.isFinite(this.#best);
    return {
      lastEpoch: this.#lastEpoch,
      lr: this.#lr,
      best: hasBest ? this.#best : 0,
      hasBest: hasBest ? 1 : 0,
      numBadEpochs: this.#numBadEpochs,
      cooldownCounter: this.#cooldownCounter,
    };
  }

  /** Restores {@link PlateauSchedule.getState}; every key is required. */
  setState(s: Record<string, number>): void {
    const owner = 'plateau schedule.setState';
    const o = checkKeys(owner, 'state', s, STATE_KEYS);
    for (const key of STATE_KEYS) {
      if (!(key in o)) throw new InvalidOptionError(`${owner}: state.${key} is missing`);
    }
    const lastEpoch = integerAtLeast(owner, 'state.lastEpoch', o.lastEpoch, -1);
    const lr = nonNegative(owner, 'state.lr', o.lr);
    const best = checkNumber(`${owner}: state.best`, o.best, () => true, 'a finite number');
    const hasBest = checkNumber(`${owner}: state.hasBest`, o.hasBest, (v) => v === 0 || v === 1, '0 or 1');
    const numBadEpochs = integerAtLeast(owner, 'state.numBadEpochs', o.numBadEpochs, 0);
    const cooldownCounter = integerAtLeast(owner, 'state.cooldownCounter', o.cooldownCounter, 0);
    this.#lastEpoch = lastEpoch;
    this.#lr = lr;
    this.#best = hasBest === 1 ? best : Infinity;
    this.#numBadEpochs = numBadEpochs;
    this.#cooldownCounter = cooldownCounter;
  }
}
