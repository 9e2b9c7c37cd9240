import { InvalidOptionError, Matrix, ShapeError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { polynomialFeatures } from './polynomial.js';

describe('polynomialFeatures', () => {
  const x = Matrix.column([2, -0.5, 0]);

  it('gives [1, x, …, x^d] by default', () => {
    expect(polynomialFeatures(x, 3).toArray()).toEqual([
      [1, 2, 4, 8],
      [1, -0.5, 0.25, -0.125],
      [1, 0, 0, 0],
    ]);
  });

  it('drops the bias column when asked, and handles degree 0 and 1', () => {
    expect(polynomialFeatures(x, 2, { bias: false }).toArray()).toEqual([[2, 4], [-0.5, 0.25], [0, 0]]);
    expect(polynomialFeatures(x, 0).toArray()).toEqual([[1], [1], [1]]);
    expect(polynomialFeatures(x, 0, { bias: false }).shape).toEqual([3, 0]);
    expect(polynomialFeatures(x, 1, { bias: false }).toArray()).toEqual([[2], [-0.5], [0]]);
  });

  it('uses repeated multiplication (degree 10) and keeps the dtype', () => {
    const v = 0.7;
    const P = polynomialFeatures(Matrix.column([v]), 10);
    let p = 1;
    for (let k = 0; k <= 10; k++) {
      expect(P.get(0, k)).toBe(p);
      p *= v;
    }
    expect(polynomialFeatures(Matrix.column([1], 'float32'), 2).dtype).toBe('float32');
  });

  it('rejects negative or fractional degree and several input columns', () => {
    expect(() => polynomialFeatures(x, -1)).toThrow(InvalidOptionError);
    expect(() => polynomialFeatures(x, -1)).toThrow(/degree must be an integer ≥ 0, got -1/);
    expect(() => polynomialFeatures(x, 1.5)).toThrow(InvalidOptionError);
    expect(() => polynomialFeatures(Matrix.zeros(3, 2), 2)).toThrow(ShapeError);
    expect(() => polynomialFeatures(Matrix.zeros(3, 2), 2)).toThrow('polynomialFeatures: x is 3×2; only one input column (n×1) is supported');
  });
});
