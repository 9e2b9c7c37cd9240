import { Matrix } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { largestSingularValue } from './spectral.js';

describe('largestSingularValue', () => {
  it('finds the largest singular value of a diagonal and of a rank-one matrix', () => {
    expect(largestSingularValue(Matrix.from([[3, 0, 0], [0, -5, 0], [0, 0, 1], [0, 0, 0]]))).toBeCloseTo(5, 10);
    // u vᵀ with ‖u‖ = 5, ‖v‖ = √2 has σ_max = 5√2.
    const u = [3, 4];
    const v = [1, 1];
    expect(largestSingularValue(Matrix.from(u.map((a) => v.map((b) => a * b))))).toBeCloseTo(5 * Math.SQRT2, 10);
    expect(largestSingularValue(Matrix.zeros(3, 2))).toBe(0);
  });
});
