import type { Matrix } from '@ffnn/tensor';

/** The optimizers {@link createOptimizer} can build. */
export type OptimizerName = 'sgd' | 'momentum' | 'nesterov' | 'adagrad' | 'rmsprop' | 'adam' | 'adamw';

/** One state slot of one parameter, as plain JSON: `data` is row-major with `rows * cols` values. */
export interface SlotState {
  /** Rows of the parameter the slot belongs to. */
  rows: number;
  /** Columns of the parameter the slot belongs to. */
  cols: number;
  /** The slot's values, row-major. */
  data: number[];
}

/**
 * Everything an optimizer needs to continue exactly where it stopped: JSON-serializable (plain
 * numbers and booleans), exact (a float32 slot holds float32 values, which doubles represent exactly).
 */
export interface OptimizerState {
  /** Which optimizer wrote the state; {@link Optimizer.setState} refuses a different one. */
  name: OptimizerName;
  /** Learning rate at the time of the snapshot. */
  lr: number;
  /** Steps taken so far. */
  t: number;
  /** Hyperparameters other than `lr` (betas, eps, momentum, …), restored by `setState`. */
  hyper: Record<string, number | boolean>;
  /** Per slot name (e.g. `expAvg`), one entry per parameter in the order passed to `step`; empty before the first step. */
  slots: Record<string, SlotState[]>;
}

/**
 * An optimizer sees only `(params, grads)` and knows nothing of layers: it updates each
 * `params[i]` in place from `grads[i]`, keeping per-parameter state ("slots") keyed by position.
 */
export interface Optimizer {
  /** Which optimizer this is. */
  readonly name: OptimizerName;
  /** Current learning rate; schedules and callers may assign it between steps (finite, ≥ 0). */
  lr: number;
  /** Number of steps taken so far. */
  readonly t: number;
  /**
   * Updates every `params[i]` in place from `grads[i]`. State slots are allocated lazily on the
   * first step (same shape and dtype as the parameter) and keyed by position; later calls must pass
   * the same shapes (a `ShapeError` names the index and the shapes otherwise).
   */
  step(params: readonly Matrix[], grads: readonly Matrix[]): void;
  /** A JSON-serializable, exact snapshot of the learning rate, step count, hyperparameters and slots. */
  getState(): OptimizerState;
  /** Restores a snapshot from {@link Optimizer.getState}; validates it (name, shapes, finite numbers) with `InvalidOptionError`. */
  setState(state: OptimizerState): void;
  /** Forgets the step count and every slot; `lr` and the hyperparameters are kept. */
  reset(): void;
}
