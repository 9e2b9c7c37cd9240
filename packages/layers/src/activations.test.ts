import { arbMatrix, assertGradCheck, gradCheck } from '@ffnn/autodiff-check';
import { Matrix, Rng, dot, norm } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, type ActivationName, activation, leakyRelu } from './activations.js';
import { Sequential } from './network.js';

const RUNS = 200;

/** J(z) = Σ c ⊙ φ(z) for a fixed random c, so ∂J/∂z = backward(z, a, da = c). */
function checkActivation(name: ActivationName, z: Matrix, seed: number, alpha?: number) {
  const act = name === 'leaky-relu' ? leakyRelu(alpha) : activation(name);
  const rng = new Rng(seed);
  const c = Matrix.zeros(z.rows, z.cols);
  for (let t = 0; t < c.size; t++) c.data[t] = rng.normal();
  const a = Matrix.zeros(z.rows, z.cols);
  const dz = Matrix.zeros(z.rows, z.cols);
  act.forward(z, a);
  act.backward(z, a, c, dz);
  // Below ~1e-3 the gradient is at the rounding floor of central differences (see network.test.ts).
  fc.pre(norm(dz) > 1e-3);
  return gradCheck(
    () => {
      act.forward(z, a);
      return dot(c, a);
    },
    [z],
    [dz],
    { names: [`${name} z`] },
  );
}

/**
 * z with 0.05 ≤ |z| ≤ 5. fast-check draws doubles over bit patterns: over [−5, 5] alone, 88 % of the
 * drawn elements have |z| < 1e-10 and 10 % sit at ±5, leaving 0.5 % in 0.1 ≤ |z| ≤ 3 where sigmoid,
 * tanh and GELU bend. Keeping |z| ≥ 0.05 (which also keeps the ReLU kink away, as in dense.test.ts)
 * puts 52 % of them there (measured on 200 draws); z = 0 itself is checked in the value tests below.
 */
const arbShapeAndZ = () =>
  fc
    .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
    .chain(([r, c]) => arbMatrix(r, c, { min: -5, max: 5, awayFromZero: 0.05 }));

/** Leaky-ReLU slopes 0, 0.001, …, 0.5 (uniform; fc.double would draw mostly slopes below 1e-10). */
const arbAlpha = fc.integer({ min: 0, max: 500 }).map((k) => k / 1000);

describe('activation derivatives match central differences (float64)', () => {
  for (const name of ACTIVATIONS) {
    it(`${name}: relative error ≤ 1e-6 over ${RUNS} cases, 0.05 ≤ |z| ≤ 5`, () => {
      fc.assert(
        fc.property(arbShapeAndZ(), fc.integer(), (z, seed) => {
          assertGradCheck(checkActivation(name, z, seed));
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('leaky-relu with other slopes', () => {
    fc.assert(
      fc.property(arbShapeAndZ(), arbAlpha, fc.integer(), (z, alpha, seed) => {
        assertGradCheck(checkActivation('leaky-relu', z, seed, alpha));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('activation values', () => {
  const z = Matrix.from([[-800, -1, 0, 1, 800]]);
  const out = () => Matrix.zeros(1, 5);
  const apply = (name: ActivationName) => {
    const a = out();
    activation(name).forward(z, a);
    return Array.from(a.data);
  };

  it('sigmoid is finite and exact at the extremes', () => {
    expect(apply('sigmoid')).toEqual([0, 1 / (1 + Math.E), 0.5, 1 / (1 + Math.exp(-1)), 1]);
  });
  it('relu, leaky relu (α = 0.01 by default), tanh, linear', () => {
    expect(apply('relu')).toEqual([0, 0, 0, 1, 800]);
    expect(apply('leaky-relu')).toEqual([-8, -0.01, 0, 1, 800]);
    expect(apply('tanh')).toEqual([-1, Math.tanh(-1), 0, Math.tanh(1), 1]);
    expect(apply('linear')).toEqual([-800, -1, 0, 1, 800]);
  });
  it('leaky relu with α ≠ 0.01: a = z for z > 0, α·z otherwise, from leakyRelu, activation() and a network layer', () => {
    for (const alpha of [0, 0.2, 0.3, 0.75]) {
      const expected = [alpha * -800, alpha * -1, 0, 1, 800];
      for (const act of [leakyRelu(alpha), activation('leaky-relu', { alpha })]) {
        const a = out();
        act.forward(z, a);
        expect(Array.from(a.data), `α = ${alpha}`).toEqual(expected);
      }
      // 2 inputs → 2 leaky units (identity weights) → their sum: ŷ = leaky(−2) + leaky(3) = −2α + 3.
      for (const net of [
        new Sequential({ inputSize: 2, layers: [{ units: 2, activation: 'leaky-relu', alpha }, { units: 1, activation: 'linear' }], loss: 'mse' }),
        Sequential.mlp({ inputSize: 2, hidden: [2], activation: 'leaky-relu', alpha, outputSize: 1, loss: 'mse' }),
      ]) {
        net.setParameters([Matrix.from([[1, 0], [0, 1]]), Matrix.zeros(1, 2), Matrix.from([[1], [1]]), Matrix.zeros(1, 1)]);
        expect(net.predict(Matrix.from([[-2, 3]])).get(0, 0), `network, α = ${alpha}`).toBe(alpha * -2 + 3);
      }
    }
  });
  it('softmax is stable for huge logits and sums to one', () => {
    const a = Matrix.zeros(2, 3);
    activation('softmax').forward(Matrix.from([[1000, 1000, -1000], [1, 2, 3]]), a);
    expect(Array.from(a.row(0))).toEqual([0.5, 0.5, 0]);
    const e = [1, 2, 3].map((v) => Math.exp(v - 3));
    const s = e.reduce((x, y) => x + y);
    a.row(1).forEach((v, j) => expect(v).toBeCloseTo(e[j]! / s, 15));
  });
  it('gelu is the tanh form', () => {
    const g = apply('gelu');
    expect(g[2]).toBe(0);
    expect(g[3]).toBeCloseTo(0.8411919906082768, 14);
    expect(g[4]).toBe(800);
  });
  it('gelu keeps its tanh in `saved` (float64, for float32 too), and its backward from it has the bits of the backward that computes it again', () => {
    expect(activation('gelu').saves).toBe(true);
    for (const name of ACTIVATIONS) if (name !== 'gelu') expect(activation(name).saves).toBeUndefined();
    const gelu = activation('gelu');
    for (const dtype of ['float64', 'float32'] as const) {
      const rng = new Rng(5);
      const z = new Matrix(7, 9, dtype), da = new Matrix(7, 9, dtype);
      for (let t = 0; t < z.size; t++) {
        z.data[t] = 3 * rng.normal();
        da.data[t] = rng.normal();
      }
      const a = new Matrix(7, 9, dtype), plain = new Matrix(7, 9, dtype), saved = Matrix.zeros(7, 9);
      gelu.forward(z, a, saved);
      gelu.forward(z, plain);
      expect(Array.from(a.data)).toEqual(Array.from(plain.data));
      const c = Math.sqrt(2 / Math.PI);
      expect(Array.from(saved.data)).toEqual(Array.from(z.data, (v) => Math.tanh(c * (v + 0.044715 * v * v * v))));
      const fromSaved = new Matrix(7, 9, dtype), again = new Matrix(7, 9, dtype);
      gelu.backward(z, a, da, fromSaved, saved);
      gelu.backward(z, a, da, again);
      expect(Array.from(fromSaved.data)).toEqual(Array.from(again.data));
      // The backward reads `saved`: a changed th changes the gradient.
      saved.data[0] = -saved.data[0]!;
      gelu.backward(z, a, da, fromSaved, saved);
      expect(fromSaved.data[0]).not.toBe(again.data[0]);
    }
    // Activations that keep nothing ignore `saved`.
    const zz = Matrix.from([[-1, 2]]), aa = Matrix.zeros(1, 2), untouched = Matrix.full(1, 2, 7);
    activation('tanh').forward(zz, aa, untouched);
    expect(Array.from(untouched.data)).toEqual([7, 7]);
  });
  it('relu derivative at the kink is 0 (as PyTorch)', () => {
    const zz = Matrix.from([[0]]);
    const dz = Matrix.zeros(1, 1);
    activation('relu').backward(zz, Matrix.zeros(1, 1), Matrix.from([[1]]), dz);
    expect(dz.get(0, 0)).toBe(0);
  });
  it('rejects unknown names and bad slopes with the valid choices', () => {
    expect(() => activation('swish' as ActivationName)).toThrow(/activation must be one of sigmoid, relu, leaky-relu, tanh, linear, softmax, gelu; got "swish"/);
    expect(() => leakyRelu(-1)).toThrow(/leaky-relu alpha must be a number in \[0, 1\)/);
    // The interval is open at 1 (a slope of 1 is the linear activation), closed at 0.
    expect(() => leakyRelu(1)).toThrow(/leaky-relu alpha must be a number in \[0, 1\), got 1/);
    expect(leakyRelu(0).name).toBe('leaky-relu');
    expect(() => activation('relu').forward(Matrix.zeros(1, 2), Matrix.zeros(2, 1))).toThrow(/relu forward: shapes 1×2 and 2×1 differ/);
  });
});
