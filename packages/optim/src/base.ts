import { type DType, type FloatArray, type Matrix, InvalidOptionError, ShapeError, dtypeOf, formatValue, kernels } from '@ffnn/tensor';

/** A zeroed slot in memory the installed backend reads without copying (e.g. WebAssembly memory), else a plain array. */
function allocateSlot(dtype: DType, length: number): FloatArray {
  return kernels().allocate(dtype, length);
}
import type { Optimizer, OptimizerName, OptimizerState, SlotState } from './types.js';
import { checkKeys, integerAtLeast, nonNegative } from './validate.js';

/** Hyperparameters other than `lr`, as stored in {@link OptimizerState.hyper}. */
export type Hyper = Record<string, number | boolean>;

interface Shape {
  rows: number;
  cols: number;
}

/**
 * What every optimizer shares: the learning rate, the step count, lazily allocated per-parameter
 * slots, shape checks, and exact state snapshots. A subclass supplies its hyperparameters, its slot
 * names and `update`, the formula for one parameter.
 *
 * Invariants: `#slots` is `null` until the first step after construction, `reset()` or a `setState`
 * with `t = 0`; afterwards `#slots[k][i]` is slot `k` of parameter `i`, with the parameter's length.
 * `step` validates everything before it mutates anything, so a failed call leaves the state intact.
 */
export abstract class BaseOptimizer<H extends Hyper> implements Optimizer {
  /** Used in messages, e.g. `Adam`. */
  protected readonly label: string;
  /** Hyperparameters other than `lr`, validated. */
  protected hyper: H;
  #lr: number;
  #t = 0;
  #shapes: Shape[] | null = null;
  #slots: FloatArray[][] | null = null;
  /** Slots restored by `setState` are float64 until the next step adopts each parameter's dtype. */
  #dtypePending = false;

  protected constructor(label: string, lr: number, hyper: H) {
    this.label = label;
    this.#lr = lr;
    this.hyper = hyper;
  }

  /** The name these hyperparameters make (SGD with momentum is `momentum`). */
  protected abstract nameFor(hyper: H): OptimizerName;
  /** Names of the per-parameter slots, e.g. `['expAvg', 'expAvgSq']`. */
  protected abstract slotNamesFor(hyper: H): readonly string[];
  /** Initial value of every element of slot `k` (before the first step). */
  protected initialSlotValue(_k: number): number {
    return 0;
  }
  /** Validates a complete `hyper` record (all keys present) and returns it typed; throws `InvalidOptionError`. */
  protected abstract parseHyper(raw: Record<string, unknown>): H;
  /** Scalars that are the same for every parameter of a step (bias corrections); `t` is already incremented. */
  protected beginStep(): void {}
  /** Updates parameter `i` (`p`, in place) from its gradient `g`; slots via {@link BaseOptimizer.slot}. */
  protected abstract update(i: number, p: FloatArray, g: FloatArray): void;

  /** Slot `k` of parameter `i`; only valid inside {@link BaseOptimizer.update}. */
  protected slot(k: number, i: number): FloatArray {
    return this.#slots![k]![i]!;
  }

  /** Which optimizer this is. */
  get name(): OptimizerName {
    return this.nameFor(this.hyper);
  }

  /** Current learning rate; may be assigned between steps (finite, ≥ 0: a schedule may end at 0). */
  get lr(): number {
    return this.#lr;
  }

  set lr(value: number) {
    this.#lr = nonNegative(this.label, 'lr', value);
  }

  /** Number of steps taken so far. */
  get t(): number {
    return this.#t;
  }

  /** See {@link Optimizer.step}. */
  step(params: readonly Matrix[], grads: readonly Matrix[]): void {
    const n = params.length;
    if (grads.length !== n) {
      throw new ShapeError(`${this.label}.step: got ${n} params but ${grads.length} grads`);
    }
    for (let i = 0; i < n; i++) {
      const p = params[i]!;
      const g = grads[i]!;
      if (!p.sameShape(g)) {
        throw new ShapeError(`${this.label}.step: grads[${i}] is ${g.shapeString()} but params[${i}] is ${p.shapeString()}`);
      }
    }
    this.#checkAgainstSlots(params);

    if (this.#shapes === null) this.#shapes = params.map((p) => ({ rows: p.rows, cols: p.cols }));
    if (this.#slots === null) {
      const names = this.slotNamesFor(this.hyper);
      this.#slots = names.map((_, k) =>
        params.map((p) => {
          const a = allocateSlot(p.dtype, p.size);
          const init = this.initialSlotValue(k);
          if (init !== 0) a.fill(init);
          return a;
        }),
      );
    } else if (this.#dtypePending) {
      for (const perParam of this.#slots) {
        for (let i = 0; i < n; i++) {
          const p = params[i]!;
          // Restored slots are float64 arrays: adopt the parameter's dtype and the backend's memory.
          {
            const a = allocateSlot(p.dtype, p.size);
            a.set(perParam[i]!);
            perParam[i] = a;
          }
        }
      }
    }
    this.#dtypePending = false;

    this.#t += 1;
    this.beginStep();
    for (let i = 0; i < n; i++) this.update(i, params[i]!.data, grads[i]!.data);
  }

  #checkAgainstSlots(params: readonly Matrix[]): void {
    const shapes = this.#shapes;
    if (shapes === null) return;
    if (params.length !== shapes.length) {
      throw new ShapeError(
        `${this.label}.step: got ${params.length} params, but the optimizer state holds ${shapes.length} ` +
          '(params are keyed by position; call reset() to start over)',
      );
    }
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      const s = shapes[i]!;
      if (p.rows !== s.rows || p.cols !== s.cols) {
        throw new ShapeError(`${this.label}.step: params[${i}] is ${p.shapeString()}, but its state was built for ${s.rows}×${s.cols}`);
      }
      const slotData = this.#slots?.[0]?.[i];
      const slotDtype = slotData === undefined ? undefined : dtypeOf(slotData);
      if (!this.#dtypePending && slotDtype !== undefined && slotDtype !== p.dtype) {
        throw new ShapeError(`${this.label}.step: params[${i}] is ${p.dtype}, but its state slots are ${slotDtype}`);
      }
    }
  }

  /** See {@link Optimizer.getState}. */
  getState(): OptimizerState {
    const names = this.slotNamesFor(this.hyper);
    const slots: Record<string, SlotState[]> = {};
    names.forEach((name, k) => {
      const perParam = this.#slots?.[k] ?? [];
      slots[name] = perParam.map((data, i) => ({
        rows: this.#shapes![i]!.rows,
        cols: this.#shapes![i]!.cols,
        data: Array.from(data),
      }));
    });
    return { name: this.name, lr: this.#lr, t: this.#t, hyper: { ...this.hyper }, slots };
  }

  /** See {@link Optimizer.setState}. Nothing changes unless the whole state is valid. */
  setState(state: OptimizerState): void {
    const owner = `${this.label}.setState`;
    const s = checkKeys(owner, 'state', state, ['name', 'lr', 't', 'hyper', 'slots']);
    if (s.name !== this.name) {
      throw new InvalidOptionError(`${owner}: state.name is ${formatValue(s.name)}, expected ${JSON.stringify(this.name)}`);
    }
    const lr = nonNegative(owner, 'state.lr', s.lr);
    const t = integerAtLeast(owner, 'state.t', s.t, 0);

    const hyperKeys = Object.keys(this.hyper);
    const rawHyper = checkKeys(owner, 'hyper', s.hyper, hyperKeys);
    for (const key of hyperKeys) {
      if (!(key in rawHyper)) throw new InvalidOptionError(`${owner}: state.hyper.${key} is missing`);
    }
    const hyper = this.parseHyper(rawHyper);
    if (this.nameFor(hyper) !== this.name) {
      throw new InvalidOptionError(`${owner}: state.hyper describes ${this.nameFor(hyper)}, but state.name is ${this.name}`);
    }

    const names = this.slotNamesFor(hyper);
    const rawSlots = checkKeys(owner, 'slots', s.slots, names);
    const restored: FloatArray[][] = [];
    let shapes: Shape[] | null = null;
    for (const name of names) {
      const entries = rawSlots[name];
      if (!Array.isArray(entries)) {
        throw new InvalidOptionError(`${owner}: state.slots.${name} must be an array, got ${formatValue(entries)}`);
      }
      if (t === 0 && entries.length > 0) {
        throw new InvalidOptionError(`${owner}: state.t is 0 but state.slots.${name} has ${entries.length} entries; slots exist only after a step`);
      }
      const perParam = entries.map((entry: unknown, i) => {
        const where = `state.slots.${name}[${i}]`;
        const e = checkKeys(owner, where, entry, ['rows', 'cols', 'data']);
        const rows = integerAtLeast(owner, `${where}.rows`, e.rows, 0);
        const cols = integerAtLeast(owner, `${where}.cols`, e.cols, 0);
        const data = e.data;
        if (!Array.isArray(data) || data.length !== rows * cols) {
          throw new InvalidOptionError(`${owner}: ${where}.data must be an array of ${rows * cols} numbers (${rows}×${cols}), got ${formatValue(data)}`);
        }
        const values = new Float64Array(rows * cols);
        for (let j = 0; j < values.length; j++) {
          const v: unknown = data[j];
          if (typeof v !== 'number' || !Number.isFinite(v)) {
            throw new InvalidOptionError(`${owner}: ${where}.data[${j}] must be a finite number, got ${formatValue(v)}`);
          }
          values[j] = v;
        }
        return { rows, cols, values };
      });
      if (shapes === null) {
        shapes = perParam.map(({ rows, cols }) => ({ rows, cols }));
      } else {
        const first = names[0]!;
        if (perParam.length !== shapes.length) {
          throw new InvalidOptionError(`${owner}: state.slots.${name} has ${perParam.length} entries but state.slots.${first} has ${shapes.length}`);
        }
        perParam.forEach(({ rows, cols }, i) => {
          const want = shapes![i]!;
          if (rows !== want.rows || cols !== want.cols) {
            throw new InvalidOptionError(
              `${owner}: state.slots.${name}[${i}] is ${rows}×${cols} but state.slots.${first}[${i}] is ${want.rows}×${want.cols}`,
            );
          }
        });
      }
      restored.push(perParam.map(({ values }) => values));
    }

    this.hyper = hyper;
    this.#lr = lr;
    this.#t = t;
    this.#shapes = t === 0 ? null : shapes;
    this.#slots = t === 0 ? null : restored;
    this.#dtypePending = t !== 0;
  }

  /** See {@link Optimizer.reset}. */
  reset(): void {
    this.#t = 0;
    this.#shapes = null;
    this.#slots = null;
    this.#dtypePending = false;
  }
}

/** Drops `undefined` values so that `{ eps: undefined }` means "use the default". */
export function definedOnly(options: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}
