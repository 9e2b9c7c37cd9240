import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type KernelBackend, jsBackend, withBackend } from './backend.js';
import { sameBits } from './bits.js';
import { capture } from './capture.js';
import { fromCsr, gemmCsr, toCsr } from './csr.js';
import { ShapeError } from './errors.js';
import { type DType, Matrix } from './matrix.js';
import { gemm, transpose } from './ops.js';
import { Rng } from './rng.js';
import { createWasmBackend } from './wasm/backend.js';

const single = await createWasmBackend({ threads: 1 });
const two = await createWasmBackend({ threads: 2 });
afterAll(() => {
  single.dispose?.();
  two.dispose?.();
});

/** An r×c matrix whose entries are zero with probability `zeros`, else normal (some exactly representable small integers). */
function sparse(rng: Rng, r: number, c: number, zeros: number, dtype: DType): Matrix {
  const M = Matrix.zeros(r, c, dtype);
  for (let t = 0; t < M.size; t++) {
    if (rng.uniform() < zeros) continue;
    M.data[t] = rng.uniform() < 0.2 ? Math.round(rng.normal() * 4) || 1 : rng.normal();
  }
  return M;
}

function dense(rng: Rng, r: number, c: number, dtype: DType): Matrix {
  const M = Matrix.zeros(r, c, dtype);
  for (let t = 0; t < M.size; t++) M.data[t] = rng.normal();
  return M;
}

interface Case {
  m: number;
  n: number;
  k: number;
  zeros: number;
  alpha: number;
  beta: number;
  transB: boolean;
  dtype: DType;
  seed: number;
}

const shapes: fc.Arbitrary<Case> = fc.record({
  m: fc.integer({ min: 1, max: 37 }),
  n: fc.integer({ min: 1, max: 41 }),
  k: fc.integer({ min: 1, max: 45 }),
  zeros: fc.constantFrom(0, 0.5, 0.81, 0.97, 1),
  alpha: fc.constantFrom(1, -0.5, 3),
  beta: fc.constantFrom(0, 1, 0.25),
  transB: fc.boolean(),
  dtype: fc.constantFrom<DType>('float64', 'float32'),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
});

/** gemmCsr and gemm on the dense matrix, on `backend`, from the same C: both results. */
function both(backend: KernelBackend, s: Case): { viaCsr: Matrix; viaDense: Matrix } {
  const rng = new Rng(s.seed);
  const A = sparse(rng, s.m, s.k, s.zeros, s.dtype);
  const B = s.transB ? dense(rng, s.n, s.k, s.dtype) : dense(rng, s.k, s.n, s.dtype);
  const C0 = dense(rng, s.m, s.n, s.dtype);
  return withBackend(backend, () => {
    const viaCsr = C0.clone();
    gemmCsr(s.alpha, toCsr(A), B, s.beta, viaCsr, { transB: s.transB });
    const viaDense = C0.clone();
    gemm(s.alpha, A, B, s.beta, viaDense, { transB: s.transB });
    return { viaCsr, viaDense };
  });
}

describe('toCsr', () => {
  it('keeps every nonzero entry (NaN included) in row and column order, and fromCsr gives the matrix back', () => {
    const A = Matrix.fromArray(3, 4, [0, 2, 0, -1, 0, 0, 0, 0, NaN, 0, 5, 0]);
    const S = toCsr(A);
    expect([S.rows, S.cols, S.dtype]).toEqual([3, 4, 'float64']);
    expect(Array.from(S.rowStart)).toEqual([0, 2, 2, 4]);
    expect(Array.from(S.colIndex)).toEqual([1, 3, 0, 2]);
    expect(Array.from(S.values)).toEqual([2, -1, NaN, 5]);
    expect(sameBits(fromCsr(S).data, A.data)).toBe(true);
  });

  it('with transpose, is the CSR form of Aᵀ (float32 values stay float32)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 1 << 30 }), (r, c, seed) => {
        const A = sparse(new Rng(seed), r, c, 0.7, 'float32');
        const S = toCsr(A, { transpose: true });
        const T = toCsr(transpose(A, Matrix.zeros(c, r, 'float32')));
        expect(S.values).toBeInstanceOf(Float32Array);
        expect([S.rows, S.cols]).toEqual([c, r]);
        expect(Array.from(S.rowStart)).toEqual(Array.from(T.rowStart));
        expect(Array.from(S.colIndex)).toEqual(Array.from(T.colIndex));
        expect(sameBits(S.values, T.values)).toBe(true);
      }),
    );
  });
});

describe('gemmCsr', () => {
  it('gives the bits of gemm on the dense matrix, on the JavaScript backend (any α, β, transB, dtype)', () => {
    fc.assert(
      fc.property(shapes, (s) => {
        const { viaCsr, viaDense } = both(jsBackend, s);
        expect(sameBits(viaCsr.data, viaDense.data)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the bits of gemm on the dense matrix, on the wasm backend with one and with two threads', () => {
    for (const backend of [single, two]) {
      fc.assert(
        fc.property(shapes, (s) => {
          const { viaCsr, viaDense } = both(backend, s);
          expect(sameBits(viaCsr.data, viaDense.data)).toBe(true);
        }),
        { numRuns: 200 },
      );
    }
  });

  it('a product large enough to split over threads: the same bits on 1 and 2 threads and as the dense product', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const rng = new Rng(7);
      const A = sparse(rng, 600, 784, 0.81, dtype);
      const B = dense(rng, 10, 784, dtype);
      const S = toCsr(A);
      const out = [single, two].map((backend) =>
        withBackend(backend, () => gemmCsr(1, S, B, 0, Matrix.zeros(600, 10, dtype), { transB: true })),
      );
      const ref = withBackend(single, () => gemm(1, A, B, 0, Matrix.zeros(600, 10, dtype), { transB: true }));
      expect(sameBits(out[0]!.data, ref.data)).toBe(true);
      expect(sameBits(out[1]!.data, ref.data)).toBe(true);
    }
  });

  it('the wasm backend equals the JavaScript reference for α = 1, β = 0 in float64 (as gemm does)', () => {
    fc.assert(
      fc.property(shapes, (s) => {
        const t = { ...s, alpha: 1, beta: 0, dtype: 'float64' as const };
        expect(sameBits(both(single, t).viaCsr.data, both(jsBackend, t).viaCsr.data)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses shapes that do not fit, naming them, and an output that aliases B', () => {
    const S = toCsr(Matrix.fromArray(2, 3, [1, 0, 2, 0, 0, 3]));
    expect(() => gemmCsr(1, S, Matrix.zeros(2, 4), 0, Matrix.zeros(2, 4))).toThrow(ShapeError);
    expect(() => gemmCsr(1, S, Matrix.zeros(2, 4), 0, Matrix.zeros(2, 4))).toThrow(/^gemmCsr: inner dimensions differ: 2×3 \(sparse\) · 2×4$/);
    expect(() => gemmCsr(1, S, Matrix.zeros(3, 4), 0, Matrix.zeros(3, 4))).toThrow(/gemmCsr output/);
    const B = Matrix.zeros(3, 3);
    expect(() => gemmCsr(1, toCsr(Matrix.fromArray(3, 3, [1, 0, 0, 0, 1, 0, 0, 0, 1])), B, 0, B)).toThrow('gemmCsr: output must not alias an input');
    expect(() => gemmCsr(1, S, Matrix.zeros(4, 2), 0, Matrix.zeros(2, 4), { transB: true })).toThrow(/^gemmCsr: inner dimensions differ: 2×3 \(sparse\) · 4×2ᵀ$/);
    const broken = { ...S, rowStart: Int32Array.from([0, 2]) };
    expect(() => gemmCsr(1, broken, Matrix.zeros(3, 1), 0, Matrix.zeros(2, 1))).toThrow(/do not fit its rows/);
    // Three stored entries: arrays shorter than rowStart's last offset are refused, not read past their end.
    expect(() => gemmCsr(1, { ...S, colIndex: S.colIndex.subarray(0, 2) }, Matrix.zeros(3, 1), 0, Matrix.zeros(2, 1))).toThrow(/do not fit its rows/);
    expect(() => gemmCsr(1, { ...S, values: S.values.subarray(0, 2) }, Matrix.zeros(3, 1), 0, Matrix.zeros(2, 1))).toThrow(/do not fit its rows/);
  });

  it('skips the terms gemm skips: α = 0, and products α·s that underflow to zero (a −0 in C stays −0)', () => {
    // gemm leaves C alone for a zero coefficient; adding a +0 term would turn C's −0 into +0.
    const A = Matrix.fromArray(2, 3, [1e-200, 0, 2, 0, 1e-200, 0]);
    for (const backend of [jsBackend, single]) {
      for (const transB of [false, true]) {
        const B = transB ? Matrix.fromArray(2, 3, [1, 2, 3, 4, 5, 6]) : Matrix.fromArray(3, 2, [1, 2, 3, 4, 5, 6]);
        for (const alpha of [0, 1e-200]) {
          const viaCsr = Matrix.fromArray(2, 2, [-0, -0, -0, -0]);
          const viaDense = viaCsr.clone();
          withBackend(backend, () => {
            gemmCsr(alpha, toCsr(A), B, 1, viaCsr, { transB });
            gemm(alpha, A, B, 1, viaDense, { transB });
          });
          expect(sameBits(viaCsr.data, viaDense.data), `${backend === jsBackend ? 'js' : 'wasm'} transB=${transB} α=${alpha}`).toBe(true);
          // (The wasm gemm adds a dense row's zero terms, so there a +0 term makes C's −0 a +0, as it does for gemm.)
          if (backend === jsBackend && !transB) expect(Object.is(viaCsr.data[3], -0)).toBe(true);
        }
      }
    }
  });

  it('is not recorded: a capture that calls it declines and computes nothing', () => {
    const S = toCsr(Matrix.fromArray(2, 2, [1, 0, 0, 2]));
    const B = Matrix.fromArray(2, 1, [3, 4]);
    const C = Matrix.zeros(2, 1);
    const replay = withBackend(single, () => capture(() => void gemmCsr(1, S, B, 0, C)));
    expect(replay).toBeUndefined();
    expect(Array.from(C.data)).toEqual([0, 0]);
  });
});
