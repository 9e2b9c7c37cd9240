import { InvalidOptionError, checkChoice } from '@ffnn/tensor';
import { PlateauSchedule, type PlateauScheduleOptions } from './plateau.js';
import { checkKeys, integerAtLeast, nonNegative, positive } from './validate.js';

/** The learning-rate schedules {@link createSchedule} can build. */
export type ScheduleName = 'constant' | 'step' | 'exponential' | 'cosine' | 'plateau';

/** Every schedule name, in a stable order. */
export const SCHEDULE_NAMES: readonly ScheduleName[] = ['constant', 'step', 'exponential', 'cosine', 'plateau'];

/** A learning rate per epoch. */
export interface Schedule {
  /** Which schedule this is. */
  readonly name: ScheduleName;
  /**
   * Learning rate to use during epoch `epoch` (0-based), given the base rate; `metric` is the
   * monitored loss of the previous epoch (undefined for epoch 0), used only by reduce-on-plateau.
   */
  lrAt(epoch: number, baseLr: number, metric?: number): number;
  /** A JSON-serializable snapshot (empty for the stateless schedules). */
  getState(): Record<string, number>;
  /** Restores a snapshot from {@link Schedule.getState}; throws `InvalidOptionError` if it is not one. */
  setState(s: Record<string, number>): void;
}

/** Options of the `constant` schedule (none). */
export type ConstantScheduleOptions = Record<string, never>;

/** Options of the `step` schedule: `lr = base · γ^⌊epoch / stepSize⌋`. */
export interface StepScheduleOptions {
  /** Epochs between decays, an integer ≥ 1 (required). */
  stepSize: number;
  /** Factor γ ∈ (0, 1]; default 0.1. */
  gamma?: number;
}

/** Options of the `exponential` schedule: `lr = base · γ^epoch`. */
export interface ExponentialScheduleOptions {
  /** Factor γ ∈ (0, 1] per epoch (required). */
  gamma: number;
}

/** Options of the `cosine` schedule: `lr = min + (base − min)·(1 + cos(π·epoch/T))/2`. */
export interface CosineScheduleOptions {
  /** Length T of the anneal in epochs, an integer ≥ 1 (required). */
  totalEpochs: number;
  /** Floor ≥ 0 reached at epoch T and kept afterwards; default 0. */
  minLr?: number;
}

/** The options {@link createSchedule} accepts for each name. */
export interface ScheduleOptionsMap {
  /** The rate stays at its base value. */
  constant: ConstantScheduleOptions;
  /** The rate is multiplied by a factor every few epochs. */
  step: StepScheduleOptions;
  /** The rate is multiplied by a factor every epoch. */
  exponential: ExponentialScheduleOptions;
  /** The rate follows half a cosine from its base value down to a floor. */
  cosine: CosineScheduleOptions;
  /** The rate drops when the monitored loss stops improving ({@link PlateauSchedule}). */
  plateau: PlateauScheduleOptions;
}

/** Throws `InvalidOptionError` unless `epoch` is an integer ≥ 0 and `baseLr` a finite number > 0. */
export function checkLrAtArgs(owner: string, epoch: number, baseLr: number): void {
  integerAtLeast(owner, 'epoch', epoch, 0);
  positive(owner, 'baseLr', baseLr);
}

function decayFactor(owner: string, value: unknown): number {
  const v = positive(owner, 'gamma', value);
  if (v > 1) throw new InvalidOptionError(`${owner}: gamma must be in (0, 1], got ${v}`);
  return v;
}

/** Stateless schedules share an empty state; `setState` accepts only `{}`. */
abstract class StatelessSchedule implements Schedule {
  abstract readonly name: ScheduleName;
  abstract lrAt(epoch: number, baseLr: number, metric?: number): number;

  getState(): Record<string, number> {
    return {};
  }

  setState(s: Record<string, number>): void {
    checkKeys(`${this.name} schedule.setState`, 'state', s, []);
  }
}

/** `lr = base`. */
class ConstantSchedule extends StatelessSchedule {
  readonly name = 'constant';

  lrAt(epoch: number, baseLr: number): number {
    checkLrAtArgs('constant schedule', epoch, baseLr);
    return baseLr;
  }
}

/** `lr = base · γ^⌊epoch / stepSize⌋` (PyTorch `StepLR`'s closed form). */
class StepSchedule extends StatelessSchedule {
  readonly name = 'step';
  readonly stepSize: number;
  readonly gamma: number;

  constructor(options: StepScheduleOptions) {
    super();
    const o = checkKeys('step schedule', 'options', options, ['stepSize', 'gamma']);
    this.stepSize = integerAtLeast('step schedule', 'stepSize', o.stepSize, 1);
    this.gamma = decayFactor('step schedule', o.gamma ?? 0.1);
  }

  lrAt(epoch: number, baseLr: number): number {
    checkLrAtArgs('step schedule', epoch, baseLr);
    return baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/** `lr = base · γ^epoch` (PyTorch `ExponentialLR`'s closed form). */
class ExponentialSchedule extends StatelessSchedule {
  readonly name = 'exponential';
  readonly gamma: number;

  constructor(options: ExponentialScheduleOptions) {
    super();
    const o = checkKeys('exponential schedule', 'options', options, ['gamma']);
    this.gamma = decayFactor('exponential schedule', o.gamma);
  }

  lrAt(epoch: number, baseLr: number): number {
    checkLrAtArgs('exponential schedule', epoch, baseLr);
    return baseLr * this.gamma ** epoch;
  }
}

/**
 * `lr = min + (base − min)·(1 + cos(π·epoch/T))/2` for epoch ≤ T, and `min` afterwards (PyTorch's
 * `CosineAnnealingLR` closed form would rise again after T; a run longer than T stays at the floor).
 */
class CosineSchedule extends StatelessSchedule {
  readonly name = 'cosine';
  readonly totalEpochs: number;
  readonly minLr: number;

  constructor(options: CosineScheduleOptions) {
    super();
    const o = checkKeys('cosine schedule', 'options', options, ['totalEpochs', 'minLr']);
    this.totalEpochs = integerAtLeast('cosine schedule', 'totalEpochs', o.totalEpochs, 1);
    this.minLr = nonNegative('cosine schedule', 'minLr', o.minLr ?? 0);
  }

  lrAt(epoch: number, baseLr: number): number {
    checkLrAtArgs('cosine schedule', epoch, baseLr);
    if (epoch >= this.totalEpochs) return this.minLr;
    // Epoch 0 is the base rate itself, as PyTorch's CosineAnnealingLR starts: the closed form
    // min + (base − min)·2/2 can round one ulp away from base.
    if (epoch === 0) return baseLr;
    return this.minLr + ((baseLr - this.minLr) * (1 + Math.cos((Math.PI * epoch) / this.totalEpochs))) / 2;
  }
}

/**
 * Builds a learning-rate schedule by name:
 * - `constant`: `lr = base`;
 * - `step` (`stepSize`, `gamma` = 0.1): `lr = base · γ^⌊epoch / stepSize⌋`;
 * - `exponential` (`gamma`): `lr = base · γ^epoch`;
 * - `cosine` (`totalEpochs` T, `minLr` = 0): `lr = min + (base − min)·(1 + cos(π·epoch/T))/2`, then `min`;
 * - `plateau` (`factor` 0.1, `patience` 10, `threshold` 1e-4, `minLr` 0, `cooldown` 0): PyTorch's
 *   `ReduceLROnPlateau` in `min` mode with a relative threshold (see {@link PlateauScheduleOptions}).
 *
 * @example
 * ```ts
 * const schedule = createSchedule('cosine', { totalEpochs: 100 });
 * for (let epoch = 0; epoch < 100; epoch++) optimizer.lr = schedule.lrAt(epoch, 0.1);
 * ```
 */
export function createSchedule<N extends ScheduleName>(name: N, options?: ScheduleOptionsMap[N]): Schedule {
  checkChoice('schedule', name, SCHEDULE_NAMES);
  const o: unknown = options ?? {};
  switch (name) {
    case 'constant':
      checkKeys('constant schedule', 'options', o, []);
      return new ConstantSchedule();
    case 'step':
      return new StepSchedule(o as StepScheduleOptions);
    case 'exponential':
      return new ExponentialSchedule(o as ExponentialScheduleOptions);
    case 'cosine':
      return new CosineSchedule(o as CosineScheduleOptions);
    case 'plateau':
      return new PlateauSchedule(o as PlateauScheduleOptions);
  }
}

