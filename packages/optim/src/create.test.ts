import { InvalidOptionError, Matrix, Rng } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdaGrad } from './adagrad.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import { OPTIMIZER_NAMES, createOptimizer } from './create.js';
import { RMSprop } from './rmsprop.js';
import { createSchedule } from './schedule.js';
import { SGD } from './sgd.js';
import { quadraticGrad, quadraticMinimizer } from './test-util.js';
import type { Optimizer, OptimizerName } from './types.js';

describe('createOptimizer', () => {
  it('builds each name with its default learning rate', () => {
    const expected: Record<OptimizerName, [new (...args: never[]) => Optimizer, number]> = {
      sgd: [SGD, 0.01],
      momentum: [SGD, 0.01],
      nesterov: [SGD, 0.01],
      adagrad: [AdaGrad, 0.01],
      rmsprop: [RMSprop, 1e-3],
      adam: [Adam, 1e-3],
      adamw: [AdamW, 1e-3],
    };
    for (const name of OPTIMIZER_NAMES) {
      const opt = createOptimizer(name);
      const [cls, lr] = expected[name];
      expect(opt).toBeInstanceOf(cls);
      expect(opt.name).toBe(name);
      expect(opt.lr).toBe(lr);
      expect(opt.t).toBe(0);
    }
  });

  it('rejects unknown names and non-object options with typed errors', () => {
    expect(() => createOptimizer('lbfgs' as OptimizerName)).toThrow(InvalidOptionError);
    expect(() => createOptimizer('lbfgs' as OptimizerName)).toThrow(
      'optimizer must be one of sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw; got "lbfgs"',
    );
    expect(() => createOptimizer('adam', 0.1 as never)).toThrow(/Adam: options must be an object, got 0.1/);
    expect(() => createOptimizer('momentum', null as never)).toThrow(/SGD: options must be an object, got null/);
    expect(() => createOptimizer('adam', { lr: -1 })).toThrow(/Adam: lr must be a finite number > 0, got -1/);
  });

  it('treats undefined options as defaults', () => {
    expect(createOptimizer('adam', { lr: undefined, eps: undefined }).getState().hyper.eps).toBe(1e-8);
    expect(createOptimizer('nesterov', { momentum: undefined }).getState().hyper.momentum).toBe(0.9);
  });
});

/**
 * Convergence on f(x) = ½ xᵀAx − bᵀx from seeded random starts. The error bound is on
 * ‖x − x*‖∞ after a fixed budget of steps; each run is deterministic.
 */
describe('convergence on a convex quadratic', () => {
  const cases: { name: OptimizerName; options: object; steps: number; tol: number; lambda?: number; decay?: number }[] = [
    { name: 'sgd', options: { lr: 0.1 }, steps: 500, tol: 1e-10 },
    { name: 'sgd', options: { lr: 0.1, weightDecay: 0.5 }, steps: 500, tol: 1e-10, lambda: 0.5 },
    { name: 'momentum', options: { lr: 0.05 }, steps: 800, tol: 1e-10 },
    { name: 'momentum', options: { lr: 0.05, dampening: 0.5 }, steps: 800, tol: 1e-10 },
    { name: 'nesterov', options: { lr: 0.05 }, steps: 500, tol: 1e-10 },
    { name: 'adagrad', options: { lr: 0.5 }, steps: 2000, tol: 1e-10 },
    // Adam with a constant rate hovers near the minimizer (its effective rate η/√v̂ grows as the
    // gradients vanish, until a burst); like RMSprop below it is run with a decaying rate.
    { name: 'adam', options: { lr: 0.05 }, steps: 5000, tol: 1e-12, decay: 0.999 },
    { name: 'adam', options: { lr: 0.05, weightDecay: 0.5 }, steps: 5000, tol: 1e-12, lambda: 0.5, decay: 0.999 },
    { name: 'adamw', options: { lr: 0.05, weightDecay: 0 }, steps: 5000, tol: 1e-12, decay: 0.999 },
    // Decoupled decay has no closed-form minimizer: near x* it balances m̂/(√v̂ + ε) = λ·x, so the
    // gradient left is ≈ λ·|x*|·RMS(recent g) and shrinks only as slowly as v̂ forgets; measured 3e-3.
    { name: 'adamw', options: { lr: 0.05 }, steps: 5000, tol: 1e-2, decay: 0.999 },
    // With a constant rate RMSprop ends in a limit cycle of amplitude ≈ η (|Δp| ≈ η·|g|/√v̄).
    { name: 'rmsprop', options: { lr: 0.05 }, steps: 5000, tol: 1e-12, decay: 0.995 },
  ];

  it.each(cases)('$name $options reaches the minimizer within $tol', ({ name, options, steps, tol, lambda = 0, decay }) => {
    const xStar = quadraticMinimizer(lambda);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const rng = new Rng(seed);
        const x = Matrix.column([0, 0, 0].map(() => 3 * rng.normal()));
        const g = Matrix.zeros(3, 1);
        const opt = createOptimizer(name, options as never);
        const base = opt.lr;
        const schedule = decay === undefined ? createSchedule('constant') : createSchedule('exponential', { gamma: decay });
        for (let s = 0; s < steps; s++) {
          opt.lr = schedule.lrAt(s, base);
          quadraticGrad(x, g);
          opt.step([x], [g]);
        }
        const err = Math.max(...xStar.map((v, i) => Math.abs(x.data[i]! - v)));
        expect(err).toBeLessThan(tol);
        expect(opt.t).toBe(steps);
      }),
      { numRuns: 10, seed: 20240601 },
    );
  });

  it('the minimizers used are right: (A + λI)x* = b', () => {
    for (const lambda of [0, 0.5]) {
      const x = Matrix.column(quadraticMinimizer(lambda));
      const g = Matrix.zeros(3, 1);
      quadraticGrad(x, g, lambda);
      for (const v of g.data) expect(Math.abs(v)).toBeLessThan(1e-14);
    }
  });
});
