import { readFileSync } from 'node:fs';
import { Matrix } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';

// PyTorch 1.13 float32 trajectories (fixtures/make_adam_float32.py): 5 steps on 101 parameters with
// gradients from 1e-2 to 1e2. Our float32 Adam rounds every operation to float32 as PyTorch does on
// float32 tensors, but never fuses a multiply-add. PyTorch's vectorised `add_(x, alpha)` does
// (m ← fma(g, 1−β1, β1·m)), which cannot matter in the first step (m = 0) but does from the second:
// the first step must agree bit for bit, five steps to the float32 kernel tolerance (1e-5 relative).
interface Case {
  name: string;
  optimizer: 'adam' | 'adamw';
  lr: number;
  weightDecay: number;
  start: number[];
  grads: number[][];
  first: number[];
  final: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/pytorch-adam-float32.json', import.meta.url), 'utf8')) as { torch: string; cases: Case[] };

describe(`float32 Adam against PyTorch ${fixture.torch}`, () => {
  for (const c of fixture.cases) {
    it(`${c.name}: PyTorch's float32 bits after one step, within 1e-5 after five`, () => {
      const W = new Matrix(1, c.start.length, Float32Array.from(c.start));
      const opt = c.optimizer === 'adamw' ? new AdamW({ lr: c.lr, weightDecay: c.weightDecay }) : new Adam({ lr: c.lr, weightDecay: c.weightDecay });
      c.grads.forEach((g, step) => {
        opt.step([W], [new Matrix(1, g.length, Float32Array.from(g))]);
        if (step === 0) expect(Array.from(W.data)).toEqual(c.first); // float32 values: equal numbers, equal bits
      });
      const scale = Math.max(...c.final.map(Math.abs));
      const worst = Math.max(...c.final.map((v, i) => Math.abs(W.data[i]! - v)));
      expect(worst / scale).toBeLessThanOrEqual(1e-5);
    });
  }
});
