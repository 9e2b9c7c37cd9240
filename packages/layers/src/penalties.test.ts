import { arbMatrix, assertGradCheck, gradCheck } from '@ffnn/autodiff-check';
import { Matrix } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { l1Gradient, l1Value, l2Gradient, l2Value } from './penalties.js';

const arbW = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })).chain(([r, c]) => arbMatrix(r, c, { min: -3, max: 3, awayFromZero: 1e-3 }));
const arbLambda = fc.double({ min: 1e-5, max: 10, noNaN: true });

describe('penalty gradients match central differences (float64)', () => {
  it('L1: λ1·sign(w), away from w = 0, over 200 cases', () => {
    fc.assert(
      fc.property(arbW, arbLambda, (W, lambda1) => {
        const dW = Matrix.zeros(W.rows, W.cols);
        l1Gradient(W, lambda1, dW);
        assertGradCheck(gradCheck(() => l1Value(W, lambda1), [W], [dW], { names: ['L1'] }));
      }),
      { numRuns: 200 },
    );
  });
  it('L2: λ2·w, over 200 cases', () => {
    fc.assert(
      fc.property(arbW, arbLambda, (W, lambda2) => {
        const dW = Matrix.zeros(W.rows, W.cols);
        l2Gradient(W, lambda2, dW);
        assertGradCheck(gradCheck(() => l2Value(W, lambda2), [W], [dW], { names: ['L2'] }));
      }),
      { numRuns: 200 },
    );
  });
});

describe('penalty values', () => {
  it('adds into the gradient and uses sign(0) = 0', () => {
    const W = Matrix.from([[-2, 0, 3]]);
    const dW = Matrix.from([[1, 1, 1]]);
    l1Gradient(W, 0.5, dW);
    expect(dW.toArray()).toEqual([[0.5, 1, 1.5]]);
    l2Gradient(W, 0.1, dW);
    expect(dW.toArray()[0]![0]).toBeCloseTo(0.3, 15);
    expect(l1Value(W, 0.5)).toBe(2.5);
    expect(l2Value(W, 0.1)).toBeCloseTo(0.65, 15);
    expect(l1Value(W, 0)).toBe(0);
  });
});
