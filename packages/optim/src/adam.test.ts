import { InvalidOptionError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { Adam, adamScalars, adamStep } from './adam.js';
import { AdamW } from './adamw.js';
import { createOptimizer } from './create.js';
import { G, P0, expectRelClose, pair, threeSteps } from './test-util.js';

describe('Adam: first three steps by hand', () => {
  it('defaults β1 = 0.9, β2 = 0.999, ε = 1e-8', () => {
    const got = threeSteps(createOptimizer('adam', { lr: 0.1 }));
    // t = 1: bc1 = 0.1, bc2 = 0.001
    const m1 = pair((k) => 0.1 * G[0][k]);
    const v1 = pair((k) => 0.001 * G[0][k] * G[0][k]);
    const p1 = pair((k) => P0[k] - ((0.1 / 0.1) * m1[k]) / (Math.sqrt(v1[k]) / Math.sqrt(0.001) + 1e-8));
    // t = 2: bc1 = 1 − 0.81, bc2 = 1 − 0.998001
    const m2 = pair((k) => 0.9 * m1[k] + 0.1 * G[1][k]);
    const v2 = pair((k) => 0.999 * v1[k] + 0.001 * G[1][k] * G[1][k]);
    const p2 = pair((k) => p1[k] - ((0.1 / 0.19) * m2[k]) / (Math.sqrt(v2[k]) / Math.sqrt(0.001999) + 1e-8));
    // t = 3: bc1 = 1 − 0.729, bc2 = 1 − 0.997002999
    const m3 = pair((k) => 0.9 * m2[k] + 0.1 * G[2][k]);
    const v3 = pair((k) => 0.999 * v2[k] + 0.001 * G[2][k] * G[2][k]);
    const p3 = pair((k) => p2[k] - ((0.1 / 0.271) * m3[k]) / (Math.sqrt(v3[k]) / Math.sqrt(0.002997001) + 1e-8));
    // the first bias-corrected step is η·sign(g) up to ε
    expectRelClose(got[0]!, [0.9, -1.9], 1e-7);
    expectRelClose(got[0]!, p1);
    expectRelClose(got[1]!, p2);
    expectRelClose(got[2]!, p3);
  });

  it('default lr is 1e-3', () => {
    expectRelClose(threeSteps(createOptimizer('adam'))[0]!, [1 - 1e-3, -2 + 1e-3], 1e-7);
  });

  it('β1 = 0.8, β2 = 0.99, ε = 1e-4 and coupled weightDecay 0.1', () => {
    const got = threeSteps(new Adam({ lr: 0.1, beta1: 0.8, beta2: 0.99, eps: 1e-4, weightDecay: 0.1 }));
    const d1 = pair((k) => G[0][k] + 0.1 * P0[k]);
    const m1 = pair((k) => 0.2 * d1[k]);
    const v1 = pair((k) => 0.01 * d1[k] * d1[k]);
    const p1 = pair((k) => P0[k] - ((0.1 / 0.2) * m1[k]) / (Math.sqrt(v1[k]) / Math.sqrt(0.01) + 1e-4));
    const d2 = pair((k) => G[1][k] + 0.1 * p1[k]);
    const m2 = pair((k) => 0.8 * m1[k] + 0.2 * d2[k]);
    const v2 = pair((k) => 0.99 * v1[k] + 0.01 * d2[k] * d2[k]);
    const p2 = pair((k) => p1[k] - ((0.1 / 0.36) * m2[k]) / (Math.sqrt(v2[k]) / Math.sqrt(0.0199) + 1e-4));
    const d3 = pair((k) => G[2][k] + 0.1 * p2[k]);
    const m3 = pair((k) => 0.8 * m2[k] + 0.2 * d3[k]);
    const v3 = pair((k) => 0.99 * v2[k] + 0.01 * d3[k] * d3[k]);
    const p3 = pair((k) => p2[k] - ((0.1 / 0.488) * m3[k]) / (Math.sqrt(v3[k]) / Math.sqrt(0.029701) + 1e-4));
    expectRelClose(got[0]!, p1);
    expectRelClose(got[1]!, p2);
    expectRelClose(got[2]!, p3);
  });
});

describe('AdamW: first three steps by hand', () => {
  /** Adam's three steps where p is first multiplied by (1 − η·λ). */
  function expected(lr: number, lambda: number): number[][] {
    const decay = 1 - lr * lambda;
    const q0 = pair((k) => P0[k] * decay);
    const m1 = pair((k) => 0.1 * G[0][k]);
    const v1 = pair((k) => 0.001 * G[0][k] * G[0][k]);
    const p1 = pair((k) => q0[k] - ((lr / 0.1) * m1[k]) / (Math.sqrt(v1[k]) / Math.sqrt(0.001) + 1e-8));
    const q1 = pair((k) => p1[k] * decay);
    const m2 = pair((k) => 0.9 * m1[k] + 0.1 * G[1][k]);
    const v2 = pair((k) => 0.999 * v1[k] + 0.001 * G[1][k] * G[1][k]);
    const p2 = pair((k) => q1[k] - ((lr / 0.19) * m2[k]) / (Math.sqrt(v2[k]) / Math.sqrt(0.001999) + 1e-8));
    const q2 = pair((k) => p2[k] * decay);
    const m3 = pair((k) => 0.9 * m2[k] + 0.1 * G[2][k]);
    const v3 = pair((k) => 0.999 * v2[k] + 0.001 * G[2][k] * G[2][k]);
    const p3 = pair((k) => q2[k] - ((lr / 0.271) * m3[k]) / (Math.sqrt(v3[k]) / Math.sqrt(0.002997001) + 1e-8));
    return [p1, p2, p3];
  }

  it('default weightDecay 0.01: p ← p·(1 − η·0.01), then Adam on the raw gradient', () => {
    const got = threeSteps(createOptimizer('adamw', { lr: 0.1 }));
    const want = expected(0.1, 0.01);
    expectRelClose(got[0]!, [1 * (1 - 0.001) - 0.1, -2 * (1 - 0.001) + 0.1], 1e-7);
    for (let s = 0; s < 3; s++) expectRelClose(got[s]!, want[s]!);
  });

  it('weightDecay 0.5', () => {
    const got = threeSteps(new AdamW({ lr: 0.1, weightDecay: 0.5 }));
    const want = expected(0.1, 0.5);
    for (let s = 0; s < 3; s++) expectRelClose(got[s]!, want[s]!);
  });

  it('weightDecay 0 is Adam', () => {
    expect(threeSteps(new AdamW({ lr: 0.1, weightDecay: 0 }))).toEqual(threeSteps(new Adam({ lr: 0.1 })));
  });
});

describe('Adam, AdamW: options', () => {
  it.each([
    [{ beta1: 1 }, /beta1 must be in \[0, 1\), got 1/],
    [{ beta2: 1.5 }, /beta2 must be in \[0, 1\), got 1.5/],
    [{ eps: 0 }, /eps must be a finite number > 0, got 0/],
    [{ lr: Infinity }, /lr must be a finite number > 0, got Infinity/],
    [{ weightDecay: -0.01 }, /weightDecay must be a finite number ≥ 0, got -0.01/],
    [{ betas: [0.9, 0.999] }, /unknown option "betas"; known: lr, beta1, beta2, eps, weightDecay/],
  ])('rejects %j', (options, message) => {
    expect(() => new Adam(options as never)).toThrow(InvalidOptionError);
    expect(() => new Adam(options as never)).toThrow(new RegExp(`^Adam: ${message.source}`));
    expect(() => new AdamW(options as never)).toThrow(new RegExp(`^AdamW: ${message.source}`));
  });

  it('defaults', () => {
    expect(new Adam().getState().hyper).toEqual({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
    expect(new AdamW().getState().hyper).toEqual({ beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 });
    expect(createOptimizer('adamw').lr).toBe(1e-3);
  });
});

describe('adamScalars and adamStep by hand', () => {
  it('computes the bias corrections, 1 − β and AdamW\'s decay of step t', () => {
    const s = adamScalars(0.1, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.5 }, 2, true);
    expect(s.stepSize).toBeCloseTo(0.1 / 0.19, 15);
    expect(s.bc2Sqrt).toBeCloseTo(Math.sqrt(0.001999), 15);
    expect(s.rest1).toBeCloseTo(0.1, 15);
    expect(s.rest2).toBeCloseTo(0.001, 15);
    expect(s.decay).toBe(0.95);
    expect([s.coupled, s.decoupled]).toEqual([false, true]);
    const adam = adamScalars(0.1, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.5 }, 1, false);
    expect([adam.coupled, adam.decoupled]).toEqual([true, false]);
    expect(adamScalars(0.1, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, 1, false).coupled).toBe(false);
  });

  it('one coupled step on two elements, float64 and float32', () => {
    const s = adamScalars(0.1, { beta1: 0.8, beta2: 0.99, eps: 1e-4, weightDecay: 0.1 }, 1, false);
    for (const Array_ of [Float64Array, Float32Array]) {
      const w = Array_.of(1, -2), g = Array_.of(0.5, 3), m = new Array_(2), v = new Array_(2);
      adamStep(2, w, g, m, v, s);
      const d = [0.5 + 0.1 * 1, 3 + 0.1 * -2];
      const want = [1, -2].map((p, k) => p - ((0.1 / 0.2) * 0.2 * d[k]!) / (Math.sqrt(0.01 * d[k]! ** 2) / Math.sqrt(0.01) + 1e-4));
      expectRelClose(Array.from(w), want, Array_ === Float32Array ? 1e-6 : 1e-14);
      expectRelClose(Array.from(m), d.map((x) => 0.2 * x), Array_ === Float32Array ? 1e-6 : 1e-14);
    }
  });
});
