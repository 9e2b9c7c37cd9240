import { Matrix, Rng } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { INITS, type InitName, defaultInit, initVariance, initWeights } from './init.js';
import { Sequential } from './network.js';

// fan_in 300 ≠ fan_out 100, so He 2/300, Xavier 2/400, LeCun 1/300 and their fan_out versions
// (2/100, 1/100) all differ by ≥ 1.33×; n = 30,000 draws give the sample variance a relative
// standard error of √(2/n) ≈ 0.8 % (normal) or √(0.8/n) ≈ 0.5 % (uniform), so the 4 % tolerance
// is five standard errors: a wrong fan or scale fails, a right scheme passes for any seed.
const FAN_IN = 300;
const FAN_OUT = 100;
const N = FAN_IN * FAN_OUT;

const expectedVariance: Record<InitName, number> = {
  'he-normal': 2 / FAN_IN,
  'he-uniform': 2 / FAN_IN,
  'xavier-normal': 2 / (FAN_IN + FAN_OUT),
  'xavier-uniform': 2 / (FAN_IN + FAN_OUT),
  'lecun-normal': 1 / FAN_IN,
  'lecun-uniform': 1 / FAN_IN,
};

function moments(d: ArrayLike<number>): { mean: number; variance: number; maxAbs: number } {
  let s = 0, s2 = 0, maxAbs = 0;
  for (let t = 0; t < d.length; t++) {
    s += d[t]!;
    s2 += d[t]! * d[t]!;
    maxAbs = Math.max(maxAbs, Math.abs(d[t]!));
  }
  const mean = s / d.length;
  return { mean, variance: s2 / d.length - mean * mean, maxAbs };
}

/** Fraction of |w| below `x`. */
function fractionBelow(d: ArrayLike<number>, x: number): number {
  let k = 0;
  for (let t = 0; t < d.length; t++) if (Math.abs(d[t]!) < x) k++;
  return k / d.length;
}

/** Checks one fan_in × fan_out weight matrix against its scheme (used for initWeights and for Sequential's layers). */
function expectScheme(W: Matrix, init: InitName): void {
  const variance = expectedVariance[init];
  const std = Math.sqrt(variance);
  const m = moments(W.data);
  expect(m.variance / variance, `${init}: variance ratio`).toBeGreaterThan(0.96);
  expect(m.variance / variance, `${init}: variance ratio`).toBeLessThan(1.04);
  // The mean's standard error is σ/√n; six of them.
  expect(Math.abs(m.mean), `${init}: mean`).toBeLessThan((6 * std) / Math.sqrt(N));
  if (init.endsWith('uniform')) {
    // U(−L, L) with L = √(3·var): no draw beyond L, draws come within 0.1 % of L
    // (P(all n below (1 − 1e-3)L) = (1 − 1e-3)^n ≈ e^−30), and half of them below L/2.
    const limit = Math.sqrt(3 * variance);
    expect(m.maxAbs, `${init}: bound`).toBeLessThanOrEqual(limit);
    expect(m.maxAbs, `${init}: bound reached`).toBeGreaterThan(limit * (1 - 1e-3));
    expect(Math.abs(fractionBelow(W.data, limit / 2) - 0.5), `${init}: flat density`).toBeLessThan(0.015);
  } else {
    // N(0, σ²): 68.27 % within one σ, 95.45 % within two (standard errors ≤ 0.27 %).
    expect(Math.abs(fractionBelow(W.data, std) - 0.6827), `${init}: within 1σ`).toBeLessThan(0.015);
    expect(Math.abs(fractionBelow(W.data, 2 * std) - 0.9545), `${init}: within 2σ`).toBeLessThan(0.01);
  }
}

describe('weight initialisers: variance and bounds of every scheme (fan_in 300, fan_out 100)', () => {
  it('initVariance: He 2/fan_in, Xavier 2/(fan_in + fan_out), LeCun 1/fan_in', () => {
    for (const init of INITS) expect(initVariance(init, FAN_IN, FAN_OUT)).toBe(expectedVariance[init]);
    expect(() => initVariance('glorot' as InitName, 1, 1)).toThrow(/init must be one of he-normal, he-uniform/);
  });

  for (const init of INITS) {
    it(`initWeights ${init}: ${init.endsWith('uniform') ? 'U(−√(3·var), √(3·var))' : 'N(0, var)'} with the scheme's variance, for three seeds`, () => {
      for (const seed of [1, 1993, 424242]) {
        const W = Matrix.zeros(FAN_IN, FAN_OUT);
        initWeights(W, init, new Rng(seed));
        expectScheme(W, init);
      }
    });
  }

  it("Sequential passes each layer's own fan_in (rows of W) and fan_out (columns) to its initialiser", () => {
    for (const init of INITS) {
      const net = new Sequential({
        inputSize: FAN_IN,
        layers: [{ units: FAN_OUT, activation: 'tanh', init }, { units: 1, activation: 'linear' }],
        loss: 'mse',
        seed: 7,
      });
      expect(net.layers[0]!.init).toBe(init);
      expectScheme(net.layers[0]!.W, init);
      expect(net.layers[0]!.b.data.every((v) => v === 0)).toBe(true);
    }
  });
});

describe('defaultInit', () => {
  it('is He-normal for the ReLU family and GELU, Xavier-normal for the others', () => {
    for (const a of ['relu', 'leaky-relu', 'gelu'] as const) expect(defaultInit(a)).toBe('he-normal');
    for (const a of ['sigmoid', 'tanh', 'linear', 'softmax'] as const) expect(defaultInit(a)).toBe('xavier-normal');
  });
});
