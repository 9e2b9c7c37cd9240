import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsBackend } from './backend.js';
import { Rng } from './rng.js';

describe('jsBackend.gemm', () => {
  it('sums each float64 element over p in order, exactly like the textbook loop (α = 1, β = 0)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 30 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer(),
        (m, n, k, transA, transB, seed) => {
          const rng = new Rng(seed);
          const A = Float64Array.from({ length: m * k }, () => rng.normal());
          const B = Float64Array.from({ length: k * n }, () => rng.normal());
          const C = new Float64Array(m * n);
          jsBackend.gemm(transA, transB, m, n, k, 1, A, B, 0, C);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              let s = 0;
              for (let p = 0; p < k; p++) s += (transA ? A[p * m + i]! : A[i * k + p]!) * (transB ? B[j * k + p]! : B[p * n + j]!);
              expect(C[i * n + j]).toBe(s);
            }
          }
        },
      ),
    );
  });

  it('skips zero coefficients of A, so an infinite B entry they multiply does not spread NaN', () => {
    const A = Float64Array.from([0, 1, 2, 0, 3, 4]); // 1×6
    const B = Float64Array.from([Infinity, 1, 1, NaN, 1, 1]); // 6×1
    const C = new Float64Array(1);
    jsBackend.gemm(false, false, 1, 1, 6, 1, A, B, 0, C);
    expect(C[0]).toBe(10);
  });
});
