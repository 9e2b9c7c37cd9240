import { DataFormatError, Matrix, ShapeError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { mae, mse, r2 } from './regression.js';

describe('regression metrics', () => {
  const y = [3, -0.5, 2, 7];
  const yHat = [2.5, 0.0, 2, 8];

  it('match scikit-learn documentation examples', () => {
    // sklearn docs: mean_squared_error → 0.375, mean_absolute_error → 0.5, r2_score → 0.948…
    expect(mse(y, yHat)).toBe(0.375);
    expect(mae(y, yHat)).toBe(0.5);
    expect(r2(y, yHat)).toBeCloseTo(0.9486081370449679, 15);
  });

  it('multi-output: MSE/MAE over all elements, R² averaged per column', () => {
    const Y = Matrix.from([[0.5, 1], [-1, 1], [7, -6]]);
    const P = Matrix.from([[0, 2], [-1, 2], [8, -5]]);
    // sklearn docs: mean_squared_error → 0.708…, r2_score(uniform_average) → 0.936…
    expect(mse(Y, P)).toBeCloseTo(0.7083333333333334, 15);
    expect(mae(Y, P)).toBe(0.75);
    expect(r2(Y, P)).toBeCloseTo(0.9368005266622779, 14);
  });

  it('R² edge conventions: perfect 1, mean predictor 0, constant y (force_finite)', () => {
    expect(r2([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(r2([1, 2, 3], [2, 2, 2])).toBe(0);
    expect(r2([1, 2, 3], [3, 2, 1])).toBe(-3);
    expect(r2([4, 4, 4], [4, 4, 4])).toBe(1);
    expect(r2([4, 4, 4], [4, 4, 5])).toBe(0);
  });

  it('reject NaN, mismatched shapes and empty input', () => {
    expect(() => mse([1, NaN], [1, 2])).toThrow(DataFormatError);
    expect(() => mae([1, 2], [1, Infinity])).toThrow(/mae: yPred element 1 is Infinity/);
    expect(() => r2(Float64Array.of(NaN, 1), [1, 2])).toThrow(/r2: yTrue element 0 is NaN/);
    expect(() => mse([1, 2], [1])).toThrow(ShapeError);
    expect(() => mse(Matrix.zeros(2, 1), Matrix.zeros(1, 2))).toThrow(/yTrue is 2×1 but yPred is 1×2/);
    expect(() => mse([], [])).toThrow(DataFormatError);
    expect(() => r2([1], [1])).toThrow(/at least 2 samples/);
  });
});

describe('regression metrics: by hand and messages', () => {
  it('R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² for a non-centred target', () => {
    // ȳ = 2.5, Σ(y − ȳ)² = 5, Σ(y − ŷ)² = 1.
    expect(r2([1, 2, 3, 4], [1, 2, 3, 5])).toBeCloseTo(0.8, 14);
    // Far from 0 with a rounded mean: Σ(y − ȳ)² as written is 2/3 (R² = 1 − 1/(2/3) = −0.5), while the
    // algebraically equal Σ(y + ȳ)(y − ȳ) picks up 2ȳ·Σ(y − ȳ), the mean's rounding error times 2e8.
    expect(r2([1e8, 1e8 + 1, 1e8 + 1], [1e8, 1e8 + 1, 1e8])).toBeCloseTo(-0.5, 12);
  });

  it('shapes must match in rows and in columns; messages name the metric', () => {
    expect(() => mse(Matrix.zeros(2, 1), Matrix.zeros(2, 2))).toThrow(ShapeError);
    expect(() => mse(Matrix.zeros(2, 1), Matrix.zeros(2, 2))).toThrow('mse: yTrue is 2×1 but yPred is 2×2');
    expect(() => mse([], [])).toThrow('mse: needs at least 1 samples, got 0');
  });
});
