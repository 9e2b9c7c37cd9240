import { type DType, InvalidOptionError, Matrix, Rng, ShapeError } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPTIMIZER_NAMES, createOptimizer } from './create.js';
import { randomMatrix } from './test-util.js';
import type { Optimizer, OptimizerName, OptimizerState } from './types.js';

/** Options that exercise every hyperparameter of each optimizer. */
const OPTIONS: Record<OptimizerName, object> = {
  sgd: { lr: 0.05, weightDecay: 0.01 },
  momentum: { lr: 0.05, dampening: 0.1 },
  nesterov: { lr: 0.05, weightDecay: 0.01 },
  adagrad: { lr: 0.1, lrDecay: 0.01, initialAccumulator: 0.1 },
  rmsprop: { lr: 0.01, beta: 0.95 },
  adam: { lr: 0.01, beta1: 0.8, weightDecay: 0.01 },
  adamw: { lr: 0.01, weightDecay: 0.05 },
};

function make(name: OptimizerName): Optimizer {
  return createOptimizer(name, OPTIONS[name] as never);
}

/** A W (3×2), b (1×2) pair and `steps` gradient pairs, from one seed. */
function problem(seed: number, dtype: DType, steps: number): { params: Matrix[]; grads: Matrix[][] } {
  const rng = new Rng(seed);
  const params = [randomMatrix(rng, 3, 2, dtype), randomMatrix(rng, 1, 2, dtype)];
  const grads = Array.from({ length: steps }, () => [randomMatrix(rng, 3, 2, dtype), randomMatrix(rng, 1, 2, dtype)]);
  return { params, grads };
}

describe('state round trip through JSON', () => {
  it.each(OPTIMIZER_NAMES.flatMap((name) => (['float64', 'float32'] as const).map((dtype) => ({ name, dtype }))))(
    '$name, $dtype params: resuming gives bit-identical params',
    ({ name, dtype }) => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 8 }), (seed, split) => {
          const total = 8;
          const straight = problem(seed, dtype, total);
          const a = make(name);
          for (const g of straight.grads) a.step(straight.params, g);

          const resumed = problem(seed, dtype, total);
          const first = make(name);
          for (const g of resumed.grads.slice(0, split)) first.step(resumed.params, g);
          const saved = JSON.parse(JSON.stringify(first.getState())) as OptimizerState;
          const second = createOptimizer(name);
          second.setState(saved);
          expect(second.t).toBe(split);
          expect(second.lr).toBe(first.lr);
          for (const g of resumed.grads.slice(split)) second.step(resumed.params, g);

          expect(second.t).toBe(total);
          resumed.params.forEach((p, i) => {
            expect(p.dtype).toBe(dtype);
            expect(Array.from(p.data)).toEqual(Array.from(straight.params[i]!.data));
          });
          expect(second.getState()).toEqual(a.getState());
        }),
        { numRuns: 25, seed: 7 },
      );
    },
  );

  it('a float32 state holds float32 values exactly and keeps its slots float32', () => {
    const { params, grads } = problem(3, 'float32', 2);
    const opt = createOptimizer('adam');
    for (const g of grads) opt.step(params, g);
    const state = opt.getState();
    for (const slot of Object.values(state.slots)) {
      for (const entry of slot) for (const v of entry.data) expect(Math.fround(v)).toBe(v);
    }
    expect(state.slots.expAvg!.map((e) => [e.rows, e.cols])).toEqual([
      [3, 2],
      [1, 2],
    ]);
  });

  it('before the first step the state has no slots, and restores to that', () => {
    const opt = createOptimizer('adam', { lr: 0.02 });
    const state = opt.getState();
    expect(state).toEqual({ name: 'adam', lr: 0.02, t: 0, hyper: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, slots: { expAvg: [], expAvgSq: [] } });
    const other = createOptimizer('adam');
    other.setState(state);
    expect(other.getState()).toEqual(state);
  });

  it('restores hyperparameters too', () => {
    const opt = createOptimizer('rmsprop', { beta: 0.5, lr: 0.3 });
    const fresh = createOptimizer('rmsprop');
    fresh.setState(opt.getState());
    expect(fresh.getState().hyper).toEqual({ beta: 0.5, eps: 1e-8, weightDecay: 0 });
    expect(fresh.lr).toBe(0.3);
  });
});

describe('setState validation', () => {
  function stepped(): { opt: Optimizer; state: OptimizerState } {
    const opt = createOptimizer('adam');
    const { params, grads } = problem(1, 'float64', 1);
    opt.step(params, grads[0]!);
    return { opt, state: opt.getState() };
  }

  const cases: [string, (s: OptimizerState) => unknown, RegExp][] = [
    ['another optimizer', (s) => ({ ...s, name: 'adamw' }), /Adam.setState: state.name is "adamw", expected "adam"/],
    ['a negative lr', (s) => ({ ...s, lr: -1 }), /state.lr must be a finite number ≥ 0, got -1/],
    ['a fractional t', (s) => ({ ...s, t: 1.5 }), /state.t must be an integer ≥ 0, got 1.5/],
    ['a missing hyper key', (s) => ({ ...s, hyper: { beta1: 0.9, beta2: 0.999, eps: 1e-8 } }), /state.hyper.weightDecay is missing/],
    ['an unknown hyper key', (s) => ({ ...s, hyper: { ...s.hyper, alpha: 1 } }), /unknown hyper key "alpha"/],
    ['a bad hyper value', (s) => ({ ...s, hyper: { ...s.hyper, beta2: 1 } }), /Adam: beta2 must be in \[0, 1\), got 1/],
    ['an unknown slot', (s) => ({ ...s, slots: { ...s.slots, momentumBuffer: [] } }), /unknown slots key "momentumBuffer"/],
    ['a missing slot', (s) => ({ ...s, slots: { expAvg: s.slots.expAvg } }), /state.slots.expAvgSq must be an array, got undefined/],
    ['a non-finite slot value', (s) => ({ ...s, slots: { ...s.slots, expAvg: [{ rows: 3, cols: 2, data: [0, 0, null, 0, 0, 0] }, s.slots.expAvg![1]] } }), /state.slots.expAvg\[0\].data\[2\] must be a finite number, got null/],
    ['data of the wrong length', (s) => ({ ...s, slots: { ...s.slots, expAvg: [{ rows: 2, cols: 2, data: [1, 2, 3] }, s.slots.expAvg![1]] } }), /state.slots.expAvg\[0\].data must be an array of 4 numbers \(2×2\)/],
    ['slots of different shapes', (s) => ({ ...s, slots: { ...s.slots, expAvgSq: [{ rows: 2, cols: 3, data: [0, 0, 0, 0, 0, 0] }, s.slots.expAvgSq![1]] } }), /state.slots.expAvgSq\[0\] is 2×3 but state.slots.expAvg\[0\] is 3×2/],
    ['slots differing in rows only', (s) => ({ ...s, slots: { ...s.slots, expAvgSq: [{ rows: 1, cols: 2, data: [0, 0] }, s.slots.expAvgSq![1]] } }), /state.slots.expAvgSq\[0\] is 1×2 but state.slots.expAvg\[0\] is 3×2/],
    ['slots differing in columns only', (s) => ({ ...s, slots: { ...s.slots, expAvgSq: [{ rows: 3, cols: 1, data: [0, 0, 0] }, s.slots.expAvgSq![1]] } }), /state.slots.expAvgSq\[0\] is 3×1 but state.slots.expAvg\[0\] is 3×2/],
    ['a negative row count', (s) => ({ ...s, slots: { ...s.slots, expAvg: [{ rows: -1, cols: 2, data: [] }, s.slots.expAvg![1]] } }), /Adam.setState: state.slots.expAvg\[0\].rows must be an integer ≥ 0, got -1/],
    ['a fractional column count', (s) => ({ ...s, slots: { ...s.slots, expAvg: [{ rows: 3, cols: 0.5, data: [] }, s.slots.expAvg![1]] } }), /Adam.setState: state.slots.expAvg\[0\].cols must be an integer ≥ 0, got 0.5/],
    ['slots of different counts', (s) => ({ ...s, slots: { ...s.slots, expAvgSq: [s.slots.expAvgSq![0]] } }), /state.slots.expAvgSq has 1 entries but state.slots.expAvg has 2/],
    ['slots at t = 0', (s) => ({ ...s, t: 0 }), /state.t is 0 but state.slots.expAvg has 2 entries/],
    ['not an object', () => 'adam', /Adam.setState: state must be an object, got "adam"/],
  ];

  it.each(cases)('rejects %s and leaves the optimizer unchanged', (_what, mutate, message) => {
    const { opt, state } = stepped();
    const bad = mutate(structuredClone(state));
    expect(() => opt.setState(bad as OptimizerState)).toThrow(InvalidOptionError);
    expect(() => opt.setState(bad as OptimizerState)).toThrow(message);
    expect(opt.getState()).toEqual(state);
  });

  it('rejects a state naming a different SGD variant', () => {
    const state = createOptimizer('sgd').getState();
    expect(() => createOptimizer('momentum').setState(state)).toThrow(/SGD.setState: state.name is "sgd", expected "momentum"/);
    const lying = { ...createOptimizer('momentum').getState(), hyper: { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 } };
    expect(() => createOptimizer('momentum').setState(lying)).toThrow(/state.hyper describes sgd, but state.name is momentum/);
  });
});

describe('step: shapes', () => {
  it('rejects mismatched counts and shapes with a ShapeError naming the index', () => {
    const opt = createOptimizer('adam');
    const W = Matrix.zeros(3, 2);
    const b = Matrix.zeros(1, 2);
    expect(() => opt.step([W, b], [Matrix.zeros(3, 2)])).toThrow(ShapeError);
    expect(() => opt.step([W, b], [Matrix.zeros(3, 2)])).toThrow('Adam.step: got 2 params but 1 grads');
    expect(() => opt.step([W, b], [Matrix.zeros(3, 2), Matrix.zeros(2, 1)])).toThrow('Adam.step: grads[1] is 2×1 but params[1] is 1×2');
    expect(opt.t).toBe(0);

    opt.step([W, b], [Matrix.full(3, 2, 1), Matrix.full(1, 2, 1)]);
    const before = opt.getState();
    expect(() => opt.step([W], [Matrix.zeros(3, 2)])).toThrow(
      'Adam.step: got 1 params, but the optimizer state holds 2 (params are keyed by position; call reset() to start over)',
    );
    expect(() => opt.step([b, W], [Matrix.zeros(1, 2), Matrix.zeros(3, 2)])).toThrow(
      'Adam.step: params[0] is 1×2, but its state was built for 3×2',
    );
    expect(() => opt.step([W.clone('float32'), b], [Matrix.zeros(3, 2), Matrix.zeros(1, 2)])).toThrow(
      'Adam.step: params[0] is float32, but its state slots are float64',
    );
    expect(opt.getState()).toEqual(before);
  });

  it('a restored state checks shapes on the next step', () => {
    const opt = createOptimizer('adagrad');
    opt.step([Matrix.zeros(2, 2)], [Matrix.full(2, 2, 1)]);
    const other = createOptimizer('adagrad');
    other.setState(opt.getState());
    expect(() => other.step([Matrix.zeros(2, 3)], [Matrix.zeros(2, 3)])).toThrow(/params\[0\] is 2×3, but its state was built for 2×2/);
  });

  it('slots are allocated once and reused', () => {
    const opt = createOptimizer('adam');
    const p = Matrix.zeros(1, 3);
    opt.step([p], [Matrix.full(1, 3, 1)]);
    const slots = (opt as unknown as { slot(k: number, i: number): Float64Array }).slot.bind(opt);
    const m = slots(0, 0);
    opt.step([p], [Matrix.full(1, 3, 2)]);
    expect(slots(0, 0)).toBe(m);
  });
});

describe('lr, t and reset', () => {
  it('lr may be set between steps to any finite rate ≥ 0', () => {
    const opt = createOptimizer('sgd', { lr: 0.1 });
    const p = Matrix.from([[1]]);
    opt.lr = 0.5;
    opt.step([p], [Matrix.from([[1]])]);
    expect(p.data[0]).toBe(0.5);
    opt.lr = 0;
    opt.step([p], [Matrix.from([[1]])]);
    expect(p.data[0]).toBe(0.5);
    expect(() => (opt.lr = -0.1)).toThrow(/SGD: lr must be a finite number ≥ 0, got -0.1/);
    expect(() => (opt.lr = Number.NaN)).toThrow(InvalidOptionError);
  });

  it('reset forgets t and slots (new shapes allowed) and keeps lr and hyperparameters', () => {
    const opt = createOptimizer('momentum', { lr: 0.1 });
    opt.step([Matrix.zeros(2, 2)], [Matrix.full(2, 2, 1)]);
    opt.lr = 0.3;
    opt.reset();
    expect(opt.t).toBe(0);
    expect(opt.lr).toBe(0.3);
    expect(opt.getState().slots).toEqual({ momentumBuffer: [] });
    // after a reset the momentum buffer starts again from g
    const p = Matrix.from([[1, 1, 1]]);
    opt.step([p], [Matrix.from([[1, 2, 3]])]);
    expect(Array.from(p.data)).toEqual([1 - 0.3 * 1, 1 - 0.3 * 2, 1 - 0.3 * 3]);
  });

  it('an empty parameter list is a step that does nothing but count', () => {
    const opt = createOptimizer('adam');
    opt.step([], []);
    expect(opt.t).toBe(1);
  });
});

describe('state slots by name', () => {
  it('each optimizer keeps the slots PyTorch names, and plain SGD keeps none', () => {
    const slots = (name: OptimizerName): string[] => {
      const opt = make(name);
      const { params, grads } = problem(2, 'float64', 1);
      opt.step(params, grads[0]!);
      return Object.keys(opt.getState().slots);
    };
    expect(slots('sgd')).toEqual([]);
    expect(slots('momentum')).toEqual(['momentumBuffer']);
    expect(slots('nesterov')).toEqual(['momentumBuffer']);
    expect(slots('adagrad')).toEqual(['sum']);
    expect(slots('rmsprop')).toEqual(['squareAvg']);
    expect(slots('adam')).toEqual(['expAvg', 'expAvgSq']);
    expect(slots('adamw')).toEqual(['expAvg', 'expAvgSq']);
  });
});

describe('hyperparameter messages name the optimizer and the option', () => {
  it.each([
    ['adagrad', { weightDecay: -1 }, 'AdaGrad: weightDecay must be a finite number ≥ 0, got -1'],
    ['adagrad', { lrDecay: -1 }, 'AdaGrad: lrDecay must be a finite number ≥ 0, got -1'],
    ['rmsprop', { weightDecay: -1 }, 'RMSprop: weightDecay must be a finite number ≥ 0, got -1'],
    ['rmsprop', { lr: 0 }, 'RMSprop: lr must be a finite number > 0, got 0'],
    ['rmsprop', { beta: 1 }, 'RMSprop: beta must be in [0, 1), got 1'],
    ['momentum', { dampening: 1.5 }, 'SGD: dampening must be in [0, 1], got 1.5'],
    ['momentum', { dampening: -0.5 }, 'SGD: dampening must be in [0, 1], got -0.5'],
  ] as const)('%s %o', (name, options, message) => {
    expect(() => createOptimizer(name, options as never)).toThrow(InvalidOptionError);
    expect(() => createOptimizer(name, options as never)).toThrow(message);
  });

  it('accepts the closed ends of [0, 1) and [0, 1]', () => {
    expect(createOptimizer('rmsprop', { beta: 0 }).getState().hyper.beta).toBe(0);
    expect(createOptimizer('adam', { beta1: 0 }).getState().hyper.beta1).toBe(0);
    expect(createOptimizer('momentum', { dampening: 1 }).getState().hyper.dampening).toBe(1);
    expect(createOptimizer('momentum', { dampening: 0 }).getState().hyper.dampening).toBe(0);
  });

  it('step errors carry the optimizer\'s label', () => {
    const labels: Record<OptimizerName, string> = { sgd: 'SGD', momentum: 'SGD', nesterov: 'SGD', adagrad: 'AdaGrad', rmsprop: 'RMSprop', adam: 'Adam', adamw: 'AdamW' };
    for (const name of OPTIMIZER_NAMES) {
      expect(() => make(name).step([Matrix.zeros(1, 1)], [])).toThrow(`${labels[name]}.step: got 1 params but 0 grads`);
    }
  });

  it('says which SGD variant the options describe', () => {
    expect(() => createOptimizer('nesterov', { nesterov: false })).toThrow(
      'optimizer "nesterov": options {"nesterov":false} describe "momentum"; "momentum" needs momentum > 0 and nesterov false, "nesterov" needs momentum > 0 and nesterov true',
    );
  });
});
