import { InvalidOptionError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { createOptimizer } from './create.js';
import { SGD } from './sgd.js';
import { G, P0, expectRelClose, pair, threeSteps } from './test-util.js';

describe('SGD: first three steps by hand', () => {
  it('plain: p ← p − η·g', () => {
    const got = threeSteps(createOptimizer('sgd', { lr: 0.1 }));
    const p1 = pair((k) => P0[k] - 0.1 * G[0][k]);
    const p2 = pair((k) => p1[k] - 0.1 * G[1][k]);
    const p3 = pair((k) => p2[k] - 0.1 * G[2][k]);
    expectRelClose(got[0]!, [1 - 0.1 * 0.5, -2 - 0.1 * -1]);
    expectRelClose(got[0]!, p1);
    expectRelClose(got[1]!, p2);
    expectRelClose(got[2]!, p3);
  });

  it('default lr is 0.01', () => {
    const got = threeSteps(createOptimizer('sgd'));
    expectRelClose(got[0]!, [1 - 0.01 * 0.5, -2 + 0.01 * 1]);
  });

  it('coupled weight decay: g ← g + λ·p', () => {
    const got = threeSteps(new SGD({ lr: 0.1, weightDecay: 0.01 }));
    const p1 = pair((k) => P0[k] - 0.1 * (G[0][k] + 0.01 * P0[k]));
    const p2 = pair((k) => p1[k] - 0.1 * (G[1][k] + 0.01 * p1[k]));
    const p3 = pair((k) => p2[k] - 0.1 * (G[2][k] + 0.01 * p2[k]));
    expectRelClose(got[0]!, p1);
    expectRelClose(got[1]!, p2);
    expectRelClose(got[2]!, p3);
  });

  it('momentum 0.9 (the "momentum" optimizer): buf = g, then buf = 0.9·buf + g', () => {
    const got = threeSteps(createOptimizer('momentum', { lr: 0.1 }));
    const b1 = pair((k) => G[0][k]);
    const p1 = pair((k) => P0[k] - 0.1 * b1[k]);
    const b2 = pair((k) => 0.9 * b1[k] + G[1][k]);
    const p2 = pair((k) => p1[k] - 0.1 * b2[k]);
    const b3 = pair((k) => 0.9 * b2[k] + G[2][k]);
    const p3 = pair((k) => p2[k] - 0.1 * b3[k]);
    expectRelClose(got[0]!, p1);
    expectRelClose(got[1]!, [1 - 0.05 - 0.1 * (0.45 - 0.25), -2 + 0.1 - 0.1 * (-0.9 + 2)]);
    expectRelClose(got[1]!, p2);
    expectRelClose(got[2]!, p3);
  });

  it('dampening 0.5: the first step copies g undamped, later steps add 0.5·g', () => {
    const got = threeSteps(new SGD({ lr: 0.1, momentum: 0.9, dampening: 0.5 }));
    const b1 = pair((k) => G[0][k]);
    const p1 = pair((k) => P0[k] - 0.1 * b1[k]);
    const b2 = pair((k) => 0.9 * b1[k] + 0.5 * G[1][k]);
    const p2 = pair((k) => p1[k] - 0.1 * b2[k]);
    const b3 = pair((k) => 0.9 * b2[k] + 0.5 * G[2][k]);
    const p3 = pair((k) => p2[k] - 0.1 * b3[k]);
    expectRelClose(got[0]!, p1);
    expectRelClose(got[1]!, p2);
    expectRelClose(got[2]!, p3);
  });

  it('momentum with weight decay: the decayed gradient feeds the buffer', () => {
    const got = threeSteps(new SGD({ lr: 0.1, momentum: 0.5, weightDecay: 0.1 }));
    const d1 = pair((k) => G[0][k] + 0.1 * P0[k]);
    const b1 = d1;
    const p1 = pair((k) => P0[k] - 0.1 * b1[k]);
    const d2 = pair((k) => G[1][k] + 0.1 * p1[k]);
    const b2 = pair((k) => 0.5 * b1[k] + d2[k]);
    const p2 = pair((k) => p1[k] - 0.1 * b2[k]);
    const d3 = pair((k) => G[2][k] + 0.1 * p2[k]);
    const b3 = pair((k) => 0.5 * b2[k] + d3[k]);
    const p3 = pair((k) => p2[k] - 0.1 * b3[k]);
    expectRelClose(got[0]!, p1);
    expectRelClose(got[1]!, p2);
    expectRelClose(got[2]!, p3);
  });

  it('nesterov: g ← g + 0.9·buf', () => {
    const got = threeSteps(createOptimizer('nesterov', { lr: 0.1 }));
    const b1 = pair((k) => G[0][k]);
    const p1 = pair((k) => P0[k] - 0.1 * (G[0][k] + 0.9 * b1[k]));
    const b2 = pair((k) => 0.9 * b1[k] + G[1][k]);
    const p2 = pair((k) => p1[k] - 0.1 * (G[1][k] + 0.9 * b2[k]));
    const b3 = pair((k) => 0.9 * b2[k] + G[2][k]);
    const p3 = pair((k) => p2[k] - 0.1 * (G[2][k] + 0.9 * b3[k]));
    expectRelClose(got[0]!, [1 - 0.1 * 0.95, -2 + 0.1 * 1.9]);
    expectRelClose(got[0]!, p1);
    expectRelClose(got[1]!, p2);
    expectRelClose(got[2]!, p3);
  });

  it('nesterov with weight decay', () => {
    const got = threeSteps(new SGD({ lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }));
    const d1 = pair((k) => G[0][k] + 0.01 * P0[k]);
    const b1 = d1;
    const p1 = pair((k) => P0[k] - 0.1 * (d1[k] + 0.9 * b1[k]));
    const d2 = pair((k) => G[1][k] + 0.01 * p1[k]);
    const b2 = pair((k) => 0.9 * b1[k] + d2[k]);
    const p2 = pair((k) => p1[k] - 0.1 * (d2[k] + 0.9 * b2[k]));
    const d3 = pair((k) => G[2][k] + 0.01 * p2[k]);
    const b3 = pair((k) => 0.9 * b2[k] + d3[k]);
    const p3 = pair((k) => p2[k] - 0.1 * (d3[k] + 0.9 * b3[k]));
    expectRelClose(got[0]!, p1);
    expectRelClose(got[1]!, p2);
    expectRelClose(got[2]!, p3);
  });
});

describe('SGD: names and options', () => {
  it('is named after what it does', () => {
    expect(new SGD().name).toBe('sgd');
    expect(new SGD({ momentum: 0.9 }).name).toBe('momentum');
    expect(new SGD({ momentum: 0.9, nesterov: true }).name).toBe('nesterov');
    expect(createOptimizer('momentum').getState().hyper).toEqual({ momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 });
    expect(createOptimizer('nesterov').getState().hyper).toEqual({ momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0 });
    for (const name of ['sgd', 'momentum', 'nesterov'] as const) expect(createOptimizer(name).lr).toBe(0.01);
  });

  it.each([
    [{ lr: 0 }, /SGD: lr must be a finite number > 0, got 0/],
    [{ lr: Number.NaN }, /SGD: lr must be a finite number > 0, got NaN/],
    [{ momentum: -0.1 }, /SGD: momentum must be a finite number ≥ 0, got -0.1/],
    [{ dampening: 1.5 }, /SGD: dampening must be in \[0, 1\], got 1.5/],
    [{ weightDecay: -1 }, /SGD: weightDecay must be a finite number ≥ 0/],
    [{ nesterov: true }, /SGD: nesterov needs momentum > 0 and dampening 0, got momentum 0/],
    [{ momentum: 0.9, dampening: 0.1, nesterov: true }, /nesterov needs momentum > 0 and dampening 0/],
    [{ nesterov: 1 }, /SGD: nesterov must be true or false, got 1/],
    [{ learningRate: 0.1 }, /SGD: unknown option "learningRate"; known: lr, momentum, dampening, nesterov, weightDecay/],
  ])('rejects %j', (options, message) => {
    expect(() => new SGD(options as never)).toThrow(InvalidOptionError);
    expect(() => new SGD(options as never)).toThrow(message);
  });

  it('rejects options contradicting the name', () => {
    expect(() => createOptimizer('momentum', { momentum: 0 })).toThrow(/optimizer "momentum".*describe "sgd"/);
    expect(() => createOptimizer('momentum', { nesterov: true })).toThrow(/describe "nesterov"/);
    expect(() => createOptimizer('nesterov', { nesterov: false })).toThrow(/describe "momentum"/);
    expect(() => createOptimizer('nesterov', { momentum: 0 })).toThrow(/nesterov needs momentum > 0/);
  });
});
