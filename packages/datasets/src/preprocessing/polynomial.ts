import { Matrix, ShapeError } from '@ffnn/tensor';
import { checkInt } from '../validate.js';

/** Options of {@link polynomialFeatures}. */
export interface PolynomialFeaturesOptions {
  /** Include the constant column x⁰ = 1 first. Default true (as scikit-learn's `include_bias`). */
  bias?: boolean;
}

/**
 * Powers of a single input column: row i is `[1, x_i, x_i², …, x_i^degree]` (without the leading 1
 * when `bias` is false), as scikit-learn's `PolynomialFeatures(degree)` on one feature. Powers are
 * built by repeated multiplication, x^k = x^(k−1)·x, the same order of roundings as scikit-learn.
 *
 * Only p = 1 input column is supported (the Runge protocol's case); the cross terms of several
 * inputs are not generated.
 *
 * @throws InvalidOptionError when `degree` is negative or not an integer.
 * @throws ShapeError when `x` has more or fewer than one column.
 */
export function polynomialFeatures(x: Matrix, degree: number, options: PolynomialFeaturesOptions = {}): Matrix {
  checkInt('polynomialFeatures: degree', degree, 0);
  if (x.cols !== 1) {
    throw new ShapeError(`polynomialFeatures: x is ${x.shapeString()}; only one input column (n×1) is supported`);
  }
  const bias = options.bias ?? true;
  const first = bias ? 0 : 1;
  const cols = degree + 1 - first;
  const out = new Matrix(x.rows, cols, x.dtype);
  for (let i = 0; i < x.rows; i++) {
    const xi = x.data[i]!;
    let power = 1;
    for (let k = 0; k <= degree; k++) {
      if (k >= first) out.data[i * cols + k - first] = power;
      power = k === 0 ? xi : power * xi;
    }
  }
  return out;
}
