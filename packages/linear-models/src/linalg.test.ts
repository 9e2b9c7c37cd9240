import { Matrix, Rng } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultRcond, lstsq, svd } from './linalg.js';

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const A = new Matrix(rows, cols);
  for (let t = 0; t < A.data.length; t++) A.data[t] = rng.normal();
  return A;
}

describe('svd', () => {
  it('reconstructs tall and wide matrices with orthonormal factors and sorted singular values', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 1e6 }), (n, p, seed) => {
        const A = randomMatrix(n, p, seed);
        const { U, s, V } = svd(A);
        const k = Math.min(n, p);
        expect(s.length).toBe(k);
        for (let j = 1; j < k; j++) expect(s[j]!).toBeLessThanOrEqual(s[j - 1]!);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < p; j++) {
            let v = 0;
            for (let r = 0; r < k; r++) v += U.get(i, r) * s[r]! * V.get(j, r);
            expect(Math.abs(v - A.get(i, j))).toBeLessThan(1e-12 * (s[0]! + 1));
          }
        for (const Q of [U, V])
          for (let a = 0; a < k; a++)
            for (let c = 0; c < k; c++) {
              let d = 0;
              for (let r = 0; r < Q.rows; r++) d += Q.get(r, a) * Q.get(r, c);
              expect(Math.abs(d - (a === c ? 1 : 0))).toBeLessThan(1e-12);
            }
      }),
      { numRuns: 60 },
    );
  });

  it('finds a zero singular value for a duplicated column', () => {
    const A = randomMatrix(12, 3, 5);
    const B = Matrix.from(A.toArray().map((r) => [...r, r[1]!]));
    const { s } = svd(B);
    expect(s[3]!).toBeLessThan(1e-14 * s[0]!);
  });
});

describe('lstsq', () => {
  it('gives the minimum-norm solution for a duplicated column (the weight is split equally)', () => {
    const A = randomMatrix(20, 2, 9);
    const B = Matrix.from(A.toArray().map((r) => [r[0]!, r[1]!, r[0]!]));
    const b = Array.from({ length: 20 }, (_, i) => 3 * A.get(i, 0) - 2 * A.get(i, 1));
    const { x, rank } = lstsq(B, b);
    expect(rank).toBe(2);
    expect(x[0]).toBeCloseTo(1.5, 12);
    expect(x[2]).toBeCloseTo(1.5, 12);
    expect(x[1]).toBeCloseTo(-2, 12);
  });

  it('gives a zero column a zero weight and an exactly zero singular value, even with rcond 0', () => {
    const A = randomMatrix(15, 2, 4);
    const B = Matrix.from(A.toArray().map((r) => [r[0]!, 0, r[1]!]));
    const b = Array.from({ length: 15 }, (_, i) => 2 * A.get(i, 0) + 0.5 * A.get(i, 1));
    const { s, U } = svd(B);
    expect(s[2]).toBe(0);
    for (const u of U.data) expect(Number.isFinite(u)).toBe(true);
    for (const rcond of [0, undefined]) {
      const { x, rank } = lstsq(B, b, rcond);
      expect(rank).toBe(2);
      expect(x[1]).toBe(0);
      expect(x[0]).toBeCloseTo(2, 12);
      expect(x[2]).toBeCloseTo(0.5, 12);
    }
  });

  it('solves an underdetermined system exactly with the minimum norm', () => {
    // One equation x₀ + x₁ + x₂ = 3: the minimum-norm solution is (1, 1, 1).
    const { x, rank } = lstsq(Matrix.from([[1, 1, 1]]), [3]);
    expect(rank).toBe(1);
    for (const v of x) expect(v).toBeCloseTo(1, 14);
  });
});

describe('defaultRcond', () => {
  it('is eps · max(n, p), as NumPy’s lstsq', () => {
    expect(defaultRcond(10, 3)).toBe(Number.EPSILON * 10);
    expect(defaultRcond(3, 10)).toBe(Number.EPSILON * 10);
  });
});
