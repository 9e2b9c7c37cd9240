import { arbMatrix, assertGradCheck, gradCheck } from '@ffnn/autodiff-check';
import { Matrix, Rng, dot, norm } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { denseBackward, denseForward } from './dense.js';
import { drawDropoutMask, dropoutBackward, dropoutForward } from './dropout.js';

describe('Dense forward/backward', () => {
  it('dW, db, dx match central differences of J = Σ c ⊙ (xW + b), over 200 cases', () => {
    // Values are kept ≥ 1e-2 in magnitude: fast-check likes denormal-scale doubles, and central
    // differences cannot resolve a gradient of 1e-160 against the rounding of J.
    const v = { min: -2, max: 2, awayFromZero: 1e-2 };
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
      .chain(([m, n, k]) => fc.tuple(arbMatrix(m, n, v), arbMatrix(n, k, v), arbMatrix(1, k, v), arbMatrix(m, k, v)));
    fc.assert(
      fc.property(arb, ([x, W, b, c]) => {
        const z = Matrix.zeros(x.rows, W.cols);
        const dx = Matrix.zeros(x.rows, x.cols);
        const dW = Matrix.zeros(W.rows, W.cols);
        const db = Matrix.zeros(1, W.cols);
        denseBackward(x, W, c, dx, dW, db);
        // A gradient that cancels to ~1e-20 (e.g. c = [−0.01, 0.01] against equal x) is below what
        // central differences can resolve; skip those draws (see network.test.ts).
        fc.pre([dx, dW, db].every((g) => norm(g) > 1e-3));
        const J = () => {
          denseForward(x, W, b, z);
          return dot(c, z);
        };
        assertGradCheck(gradCheck(J, [x, W, b], [dx, dW, db], { names: ['x', 'W', 'b'] }));
      }),
      { numRuns: 200 },
    );
  });
});

describe('inverted dropout', () => {
  it('keeps 1 − p of the units, scaled by 1/(1 − p), and passes gradients through the same mask', () => {
    const a = Matrix.full(200, 50, 1);
    const mask = Matrix.zeros(200, 50);
    const out = Matrix.zeros(200, 50);
    dropoutForward(a, 0.25, new Rng(1), mask, out);
    let kept = 0;
    for (const v of out.data) {
      expect(v === 0 || v === 1 / 0.75).toBe(true);
      if (v !== 0) kept++;
    }
    expect(Math.abs(kept / out.size - 0.75)).toBeLessThan(0.02);
    const da = Matrix.zeros(200, 50);
    dropoutBackward(Matrix.full(200, 50, 2), mask, da, 0.25);
    for (let t = 0; t < da.size; t++) expect(da.data[t]).toBe(2 * mask.data[t]!);
  });

  it('drops a unit whose draw is exactly 1 − p (kept only where uniform() < 1 − p)', () => {
    // A xoshiro128** state whose next uniform() is exactly 0.5 = (2²⁶·2²⁶ + 0)/2⁵³: the first output
    // 9·rotl(5·s₁, 7) must be 2³¹ (top 27 bits 2²⁶): 5·s₁ = rotr(2³¹, 7) = 2²⁴, s₁ = 2²⁴·5⁻¹ mod 2³² =
    // 0xCD000000. The step sets s₁ ← s₁ ^ s₂ ^ s₀ = 0 for s₀ = 0, s₂ = s₁, so the second output is 0.
    const state = { s: [0, 0xcd000000, 0xcd000000, 1] as [number, number, number, number], spare: null };
    expect(Rng.fromState(state).uniform()).toBe(0.5);
    const mask = Matrix.zeros(1, 1);
    drawDropoutMask(0.5, Rng.fromState(state), mask);
    expect(mask.data[0]).toBe(0);
    // p = 0.25: the same draw is below 0.75, kept and scaled by 1/0.75.
    drawDropoutMask(0.25, Rng.fromState(state), mask);
    expect(mask.data[0]).toBe(1 / 0.75);
  });

  it('in float32, scales by the mask as stored (1/(1 − p) rounded to float32) backward, and by 1/(1 − p) forward', () => {
    const rng = new Rng(4);
    const a = new Matrix(40, 30, 'float32'), dout = new Matrix(40, 30, 'float32');
    for (let t = 0; t < a.size; t++) {
      a.data[t] = rng.normal();
      dout.data[t] = rng.normal();
    }
    const mask = new Matrix(40, 30, 'float32'), out = new Matrix(40, 30, 'float32'), da = new Matrix(40, 30, 'float32');
    dropoutForward(a, 0.3, new Rng(2), mask, out);
    // Float32Array stores round the float64 products once, as the kernel does.
    expect(Array.from(out.data)).toEqual(Array.from(Float32Array.from(a.data, (v, t) => v * (mask.data[t] !== 0 ? 1 / 0.7 : 0))));
    dropoutBackward(dout, mask, da, 0.3);
    expect(Array.from(da.data)).toEqual(Array.from(Float32Array.from(dout.data, (v, t) => v * mask.data[t]!)));
    // The two scales differ in float32, and so do some products: the test tells them apart.
    expect(Math.fround(1 / 0.7)).not.toBe(1 / 0.7);
  });
});
