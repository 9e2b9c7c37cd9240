import { InvalidOptionError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { createOptimizer } from './create.js';
import { RMSprop } from './rmsprop.js';
import { G, P0, expectRelClose, pair, threeSteps } from './test-util.js';

describe('RMSprop: first three steps by hand', () => {
  it('defaults β = 0.9, ε = 1e-8: v ← 0.9·v + 0.1·g², p ← p − η·g/(√v + ε)', () => {
    const got = threeSteps(createOptimizer('rmsprop', { lr: 0.01 }));
    const v1 = pair((k) => 0.9 * 0 + 0.1 * G[0][k] * G[0][k]);
    const p1 = pair((k) => P0[k] - (0.01 * G[0][k]) / (Math.sqrt(v1[k]) + 1e-8));
    const v2 = pair((k) => 0.9 * v1[k] + 0.1 * G[1][k] * G[1][k]);
    const p2 = pair((k) => p1[k] - (0.01 * G[1][k]) / (Math.sqrt(v2[k]) + 1e-8));
    const v3 = pair((k) => 0.9 * v2[k] + 0.1 * G[2][k] * G[2][k]);
    const p3 = pair((k) => p2[k] - (0.01 * G[2][k]) / (Math.sqrt(v3[k]) + 1e-8));
    // first step: |Δp| = η/√0.1
    expectRelClose(got[0]!, [1 - 0.01 / Math.sqrt(0.1), -2 + 0.01 / Math.sqrt(0.1)], 1e-7);
    expectRelClose(got[0]!, p1);
    expectRelClose(got[1]!, p2);
    expectRelClose(got[2]!, p3);
  });

  it('default lr is 1e-3', () => {
    expectRelClose(threeSteps(createOptimizer('rmsprop'))[0]!, [1 - 1e-3 / Math.sqrt(0.1), -2 + 1e-3 / Math.sqrt(0.1)], 1e-7);
  });

  it('PyTorch-default β = 0.99 with weightDecay 0.1 and ε = 1e-6', () => {
    const got = threeSteps(new RMSprop({ lr: 0.01, beta: 0.99, weightDecay: 0.1, eps: 1e-6 }));
    const d1 = pair((k) => G[0][k] + 0.1 * P0[k]);
    const v1 = pair((k) => 0.01 * d1[k] * d1[k]);
    const p1 = pair((k) => P0[k] - (0.01 * d1[k]) / (Math.sqrt(v1[k]) + 1e-6));
    const d2 = pair((k) => G[1][k] + 0.1 * p1[k]);
    const v2 = pair((k) => 0.99 * v1[k] + 0.01 * d2[k] * d2[k]);
    const p2 = pair((k) => p1[k] - (0.01 * d2[k]) / (Math.sqrt(v2[k]) + 1e-6));
    const d3 = pair((k) => G[2][k] + 0.1 * p2[k]);
    const v3 = pair((k) => 0.99 * v2[k] + 0.01 * d3[k] * d3[k]);
    const p3 = pair((k) => p2[k] - (0.01 * d3[k]) / (Math.sqrt(v3[k]) + 1e-6));
    expectRelClose(got[0]!, p1);
    expectRelClose(got[1]!, p2);
    expectRelClose(got[2]!, p3);
  });
});

describe('RMSprop: options', () => {
  it.each([
    [{ beta: 1 }, /RMSprop: beta must be in \[0, 1\), got 1/],
    [{ beta: -0.5 }, /RMSprop: beta must be in \[0, 1\), got -0.5/],
    [{ eps: -1e-8 }, /RMSprop: eps must be a finite number > 0/],
    [{ alpha: 0.99 }, /RMSprop: unknown option "alpha"; known: lr, beta, eps, weightDecay/],
  ])('rejects %j', (options, message) => {
    expect(() => new RMSprop(options as never)).toThrow(InvalidOptionError);
    expect(() => new RMSprop(options as never)).toThrow(message);
  });
});
