import { readFileSync } from 'node:fs';
import { Matrix } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { AdaGrad } from './adagrad.js';
import { AdamW } from './adamw.js';
import type { Optimizer } from './types.js';

// PyTorch 1.13 float64 trajectories (fixtures/make_optim_float64.py): 8 steps of two parameters (a
// 7×5 W and a 1×5 b) with gradients from 1e-2 to 1e2. Both optimizers follow the operation order of
// PyTorch's single-tensor path, so the first step gives PyTorch's float64 bits. From the second step
// PyTorch's vectorised `addcmul_` (sum ← sum + g·g, v ← β2·v + (1 − β2)·g·g) may fuse the multiply-add,
// which we never do: later steps agree to TOL relative (a few ulps; a wrong decay, step
// counter or bias correction moves them by ≥ 1e-6).
interface Case {
  name: string;
  optimizer: 'adagrad' | 'adamw';
  torchOptions: {
    lr: number;
    lr_decay?: number;
    initial_accumulator_value?: number;
    weight_decay?: number;
    eps?: number;
    betas?: [number, number];
  };
  shapes: [number, number][];
  start: number[][];
  grads: number[][][];
  after: number[][][];
}

const TOL = 1e-14;

/** ‖ours − torch‖∞ / ‖torch‖∞. */
function rel(ours: ArrayLike<number>, torch: readonly number[]): number {
  let diff = 0;
  let scale = 0;
  torch.forEach((t, k) => {
    diff = Math.max(diff, Math.abs(ours[k]! - t));
    scale = Math.max(scale, Math.abs(t));
  });
  return diff / scale;
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/pytorch-optim-float64.json', import.meta.url), 'utf8')) as {
  torch: string;
  dtype: string;
  cases: Case[];
};

/** Our optimizer with the case's PyTorch options under our names (options torch left at its default stay at ours). */
function ours(c: Case): Optimizer {
  const o = c.torchOptions;
  const common = { lr: o.lr, ...(o.weight_decay === undefined ? {} : { weightDecay: o.weight_decay }), ...(o.eps === undefined ? {} : { eps: o.eps }) };
  if (c.optimizer === 'adagrad') {
    return new AdaGrad({
      ...common,
      ...(o.lr_decay === undefined ? {} : { lrDecay: o.lr_decay }),
      ...(o.initial_accumulator_value === undefined ? {} : { initialAccumulator: o.initial_accumulator_value }),
    });
  }
  return new AdamW({ ...common, ...(o.betas === undefined ? {} : { beta1: o.betas[0], beta2: o.betas[1] }) });
}

describe(`float64 AdaGrad and AdamW against PyTorch ${fixture.torch}`, () => {
  it('the fixture is float64 from PyTorch 1.13 and covers both optimizers with default and non-default options', () => {
    expect(fixture.dtype).toBe('float64');
    expect(fixture.torch).toMatch(/^1\.13/);
    expect(fixture.cases.map((c) => c.optimizer).sort()).toEqual(['adagrad', 'adagrad', 'adamw', 'adamw']);
  });

  for (const c of fixture.cases) {
    it(`${c.name}: PyTorch's float64 bits after step 1, within ${TOL} relative after each of ${c.grads.length} steps`, () => {
      const params = c.shapes.map(([r, k], i) => Matrix.fromArray(r, k, c.start[i]!));
      const opt = ours(c);
      let worst = 0;
      c.grads.forEach((gs, step) => {
        opt.step(params, gs.map((g, i) => Matrix.fromArray(c.shapes[i]![0], c.shapes[i]![1], g)));
        params.forEach((p, i) => {
          if (step === 0) expect(Array.from(p.data), `${c.name}: parameter ${i} after step 1`).toEqual(c.after[0]![i]);
          const r = rel(p.data, c.after[step]![i]!);
          worst = Math.max(worst, r);
          expect(r, `${c.name}: parameter ${i} after step ${step + 1}`).toBeLessThanOrEqual(TOL);
        });
      });
      console.log(`${c.name}: worst relative difference to PyTorch over ${c.grads.length} steps ${worst.toExponential(2)}`);
      // The trajectory moved far from the start (a no-op optimizer could not pass).
      const moved = Math.max(...c.start[0]!.map((v, k) => Math.abs(v - c.after.at(-1)![0]![k]!)));
      expect(moved).toBeGreaterThan(1e-2);
    });
  }
});
