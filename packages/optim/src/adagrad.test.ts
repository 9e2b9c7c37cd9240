import { InvalidOptionError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { AdaGrad } from './adagrad.js';
import { createOptimizer } from './create.js';
import { G, P0, expectRelClose, pair, threeSteps } from './test-util.js';

describe('AdaGrad: first three steps by hand', () => {
  it('defaults: sum ← sum + g², p ← p − η·g/(√sum + 1e-10)', () => {
    const got = threeSteps(createOptimizer('adagrad', { lr: 0.1 }));
    const s1 = pair((k) => G[0][k] * G[0][k]);
    const p1 = pair((k) => P0[k] - (0.1 * G[0][k]) / (Math.sqrt(s1[k]) + 1e-10));
    const s2 = pair((k) => s1[k] + G[1][k] * G[1][k]);
    const p2 = pair((k) => p1[k] - (0.1 * G[1][k]) / (Math.sqrt(s2[k]) + 1e-10));
    const s3 = pair((k) => s2[k] + G[2][k] * G[2][k]);
    const p3 = pair((k) => p2[k] - (0.1 * G[2][k]) / (Math.sqrt(s3[k]) + 1e-10));
    // first step moves each coordinate by ≈ η·sign(g)
    expectRelClose(got[0]!, [0.9, -1.9], 1e-9);
    expectRelClose(got[0]!, p1);
    expectRelClose(got[1]!, p2);
    expectRelClose(got[2]!, p3);
  });

  it('default lr is 0.01', () => {
    expectRelClose(threeSteps(createOptimizer('adagrad'))[0]!, [1 - 0.01, -2 + 0.01], 1e-9);
  });

  it('lrDecay 0.5, initialAccumulator 0.1, weightDecay 0.1, eps 1e-3', () => {
    const got = threeSteps(new AdaGrad({ lr: 0.1, lrDecay: 0.5, initialAccumulator: 0.1, weightDecay: 0.1, eps: 1e-3 }));
    // clr_t = 0.1 / (1 + (t − 1)·0.5)
    const d1 = pair((k) => G[0][k] + 0.1 * P0[k]);
    const s1 = pair((k) => 0.1 + d1[k] * d1[k]);
    const p1 = pair((k) => P0[k] - ((0.1 / 1) * d1[k]) / (Math.sqrt(s1[k]) + 1e-3));
    const d2 = pair((k) => G[1][k] + 0.1 * p1[k]);
    const s2 = pair((k) => s1[k] + d2[k] * d2[k]);
    const p2 = pair((k) => p1[k] - ((0.1 / 1.5) * d2[k]) / (Math.sqrt(s2[k]) + 1e-3));
    const d3 = pair((k) => G[2][k] + 0.1 * p2[k]);
    const s3 = pair((k) => s2[k] + d3[k] * d3[k]);
    const p3 = pair((k) => p2[k] - ((0.1 / 2) * d3[k]) / (Math.sqrt(s3[k]) + 1e-3));
    expectRelClose(got[0]!, p1);
    expectRelClose(got[1]!, p2);
    expectRelClose(got[2]!, p3);
  });
});

describe('AdaGrad: options', () => {
  it.each([
    [{ lr: -1 }, /AdaGrad: lr must be a finite number > 0, got -1/],
    [{ eps: 0 }, /AdaGrad: eps must be a finite number > 0, got 0/],
    [{ initialAccumulator: -0.1 }, /AdaGrad: initialAccumulator must be a finite number ≥ 0/],
    [{ lrDecay: Infinity }, /AdaGrad: lrDecay must be a finite number ≥ 0, got Infinity/],
    [{ beta: 0.9 }, /AdaGrad: unknown option "beta"/],
  ])('rejects %j', (options, message) => {
    expect(() => new AdaGrad(options as never)).toThrow(InvalidOptionError);
    expect(() => new AdaGrad(options as never)).toThrow(message);
  });
});
