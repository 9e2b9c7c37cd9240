import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  getBackend, jsAddRowVectorRelu, jsAllFinite, jsBackend, jsReluBackward, jsScaleBytes, jsScaledDifference, jsDifferenceOver, jsSoftmaxRows, jsAxpy, jsMaskedScale, jsSignAxpy, jsSigmoid,
  jsSigmoidBackward, jsLeakyRelu, jsLeakyReluBackward, jsTanh, jsTanhBackward, jsGelu, jsGeluBackward, setBackend, withBackend,
} from '../backend.js';
import { sameBits } from '../bits.js';
import { StateError } from '../errors.js';
import { biasReluForward, bytesToFloat, reluBackward } from '../fused.js';
import { type DType, type FloatArray, Matrix, allocate } from '../matrix.js';
import { matmul } from '../ops.js';
import { Rng } from '../rng.js';
import { createWasmBackend, createWasmBackendSync, useFastestBackend, wasmSimdSupported } from './backend.js';

// Tolerances of the issue, relative to the largest magnitude in the reference result:
// max_ij |C_wasm − C_js| ≤ tol · max_ij |C_js|.
const TOL: Record<DType, number> = { float64: 1e-12, float32: 1e-5 };

const single = createWasmBackendSync({ threads: 1 });
const two = await createWasmBackend({ threads: 2 });
afterAll(() => {
  single.dispose?.();
  two.dispose?.();
});

function random(rng: Rng, length: number, dtype: DType): FloatArray {
  const a = allocate(dtype, length);
  for (let t = 0; t < length; t++) a[t] = rng.normal();
  return a;
}

function relativeError(actual: FloatArray, expected: FloatArray): number {
  let diff = 0;
  let scale = 0;
  for (let t = 0; t < expected.length; t++) {
    diff = Math.max(diff, Math.abs(actual[t]! - expected[t]!));
    scale = Math.max(scale, Math.abs(expected[t]!));
  }
  if (Number.isNaN(diff)) return Infinity;
  return scale === 0 ? diff : diff / scale;
}

/**
 * {@link sameBits}, except that a NaN matches any NaN: a sum of two NaNs of different sign (softmax's
 * row sum with both ∞ − ∞ and a NaN input) may keep either one's sign, and WebAssembly leaves NaN
 * bits unspecified.
 */
function sameBitsOrNaN(a: FloatArray, b: FloatArray): boolean {
  if (a.length !== b.length || a.constructor !== b.constructor) return false;
  for (let t = 0; t < a.length; t++) {
    if (Number.isNaN(a[t]) && Number.isNaN(b[t])) continue;
    if (!sameBits(a.subarray(t, t + 1), b.subarray(t, t + 1))) return false;
  }
  return true;
}


interface GemmCase {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  beta: number;
  A: FloatArray;
  B: FloatArray;
  C: FloatArray;
}

function gemmCase(rng: Rng, dtype: DType, m: number, n: number, k: number, transA: boolean, transB: boolean, alpha: number, beta: number): GemmCase {
  const C = random(rng, m * n, dtype);
  // With β = 0 the old C must be ignored, NaN included.
  if (beta === 0 && C.length > 0) C[0] = NaN;
  return { transA, transB, m, n, k, alpha, beta, A: random(rng, m * k, dtype), B: random(rng, k * n, dtype), C };
}

/**
 * The largest entry of |actual − expected| / bound, where bound is the forward-error bound of two
 * different summation orders in `dtype`: each result is within (k + 2)·u·S of the exact value, with
 * S = |α|·Σ_p |op(A)_ip·op(B)_pj| + |β·C_ij| and u the unit roundoff (the JavaScript backend sums
 * float32 products in float64, the wasm kernel in float32). ≤ 1 passes; a result cancelling to a
 * tiny value is judged against its terms, not against itself.
 */
function gemmErrorRatio(c: GemmCase, actual: FloatArray, expected: FloatArray, dtype: DType): number {
  const u = dtype === 'float32' ? 2 ** -24 : 2 ** -53;
  let worst = 0;
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let S = c.beta === 0 ? 0 : Math.abs(c.beta * c.C[i * c.n + j]!);
      for (let p = 0; p < c.k; p++) {
        const a = c.transA ? c.A[p * c.m + i]! : c.A[i * c.k + p]!;
        const b = c.transB ? c.B[j * c.k + p]! : c.B[p * c.n + j]!;
        S += Math.abs(c.alpha * a * b);
      }
      const diff = Math.abs(actual[i * c.n + j]! - expected[i * c.n + j]!);
      if (Number.isNaN(diff)) return Infinity;
      const bound = 2 * (c.k + 2) * u * S;
      worst = Math.max(worst, diff === 0 ? 0 : diff / bound);
    }
  }
  return worst;
}

function runGemm(backend: typeof jsBackend, c: GemmCase): FloatArray {
  const C = c.C.slice();
  backend.gemm(c.transA, c.transB, c.m, c.n, c.k, c.alpha, c.A, c.B, c.beta, C);
  return C;
}

describe('wasm gemm', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`equals jsBackend (${dtype}) within the error bound of its summation order, for random shapes, every transpose case, α and β`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 41 }),
          fc.integer({ min: 1, max: 41 }),
          fc.integer({ min: 0, max: 41 }),
          fc.boolean(),
          fc.boolean(),
          fc.constantFrom(1, -0.5, 2, 0),
          fc.constantFrom(0, 1, 0.25),
          fc.integer(),
          (m, n, k, transA, transB, alpha, beta, seed) => {
            const c = gemmCase(new Rng(seed), dtype, m, n, k, transA, transB, alpha, beta);
            const expected = runGemm(jsBackend, c);
            const actual = runGemm(single, c);
            expect(gemmErrorRatio(c, actual, expected, dtype)).toBeLessThanOrEqual(1);
          },
        ),
        { numRuns: 400 },
      );
    });
  }

  it('covers 1-row, 1-column and SIMD-tail shapes explicitly', () => {
    const rng = new Rng(7);
    const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33];
    for (const dtype of ['float64', 'float32'] as const) {
      for (const m of sizes) {
        for (const n of sizes) {
          const k = (m * 7 + n) % 19;
          for (const transA of [false, true]) {
            for (const transB of [false, true]) {
              const c = gemmCase(rng, dtype, m, n, k, transA, transB, 1, 0.5);
              expect(relativeError(runGemm(single, c), runGemm(jsBackend, c))).toBeLessThanOrEqual(TOL[dtype]);
            }
          }
        }
      }
    }
  });

  it('equals jsBackend at the MNIST 784-300-10 shapes', () => {
    const rng = new Rng(1);
    const shapes: [boolean, boolean, number, number, number][] = [
      [false, false, 64, 300, 784], // forward X·W
      [true, false, 784, 300, 64], // dW = Xᵀ·δ
      [false, true, 64, 784, 300], // dX = δ·Wᵀ
      [false, false, 64, 10, 300],
    ];
    for (const dtype of ['float64', 'float32'] as const) {
      for (const [transA, transB, m, n, k] of shapes) {
        const c = gemmCase(rng, dtype, m, n, k, transA, transB, 1, 0);
        expect(relativeError(runGemm(two, c), runGemm(jsBackend, c))).toBeLessThanOrEqual(TOL[dtype]);
      }
    }
  });

  it('gives bit-identical results on 1, 2 and 3 threads', async () => {
    const three = await createWasmBackend({ threads: 3 });
    try {
      expect(two.threads).toBe(2);
      expect(three.threads).toBe(3);
      const rng = new Rng(3);
      const splitBefore = (two as unknown as { parallelCalls: number }).parallelCalls;
      for (const dtype of ['float64', 'float32'] as const) {
        for (const [m, n, k] of [[64, 300, 100], [203, 37, 90], [33, 517, 61]] as const) {
          for (const transA of [false, true]) {
            for (const transB of [false, true]) {
              const c = gemmCase(rng, dtype, m, n, k, transA, transB, 0.75, 0.5);
              const one = runGemm(single, c);
              expect(sameBits(runGemm(two, c), one)).toBe(true);
              expect(sameBits(runGemm(three, c), one)).toBe(true);
            }
          }
        }
      }
      // The products above are large enough to be split; make sure they were, and that workers
      // (not only the calling thread) computed part of them.
      const stats = (b: unknown) => b as { parallelCalls: number; workerChunks: number };
      expect(stats(two).parallelCalls - splitBefore).toBe(24);
      expect(stats(three).parallelCalls).toBe(24);
      // On a busy machine the calling thread can claim every chunk of those 24 before a worker wakes
      // (seen in CI): repeat one split product, checking its bits each time, until a worker has computed
      // a chunk, as the split dense-step test does.
      for (const b of [two, three]) {
        const c = gemmCase(rng, 'float64', 64, 300, 100, false, false, 0.75, 0.5);
        const one = runGemm(single, c);
        for (let i = 0; i < 2000 && stats(b).workerChunks === 0; i++) expect(sameBits(runGemm(b, c), one)).toBe(true);
      }
      expect(stats(two).workerChunks).toBeGreaterThan(0);
      expect(stats(three).workerChunks).toBeGreaterThan(0);
    } finally {
      three.dispose?.();
    }
  });

  it('multiplies a mostly-zero A with the dense kernel\'s bits (every transpose, f32/f64, 1–3 threads)', async () => {
    const three = await createWasmBackend({ threads: 3 });
    try {
      const stats = (b: unknown) => b as { sparseCalls: number };
      const rng = new Rng(23);
      const [m, n, k] = [64, 301, 784];
      for (const dtype of ['float32', 'float64'] as const) {
        for (const [transA, transB, alpha, beta] of [[false, false, 1, 0], [true, false, 1, 0], [false, true, 0.75, 0.5], [true, true, -1.5, 1]] as const) {
          // About 80 % zeros, in runs like the blank margins of an image.
          const opA = allocate(dtype, m * k);
          for (let t = 0; t < m * k; t++) opA[t] = t % k < 0.6 * k && rng.uniform() < 0.33 ? rng.normal() : 0;
          const opB = random(rng, k * n, dtype);
          const C0 = random(rng, m * n, dtype);
          const A = transA ? allocate(dtype, m * k) : opA;
          if (transA) for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) A[p * m + i] = opA[i * k + p]!;
          const B = transB ? allocate(dtype, k * n) : opB;
          if (transB) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) B[j * k + p] = opB[p * n + j]!;
          // Reference: the dense kernel one row of C at a time (1·n·k multiply-adds stays dense).
          const expected = C0.slice();
          for (let i = 0; i < m; i++) {
            single.gemm(false, false, 1, n, k, alpha, opA.subarray(i * k, (i + 1) * k), opB, beta, expected.subarray(i * n, (i + 1) * n));
          }
          for (const backend of [single, two, three]) {
            const before = stats(backend).sparseCalls;
            const C = C0.slice();
            backend.gemm(transA, transB, m, n, k, alpha, A, B, beta, C);
            expect(stats(backend).sparseCalls).toBe(before + 1);
            expect(sameBits(C, expected)).toBe(true);
          }
          expect(relativeError(expected, runGemm(jsBackend, { transA, transB, m, n, k, alpha, beta, A, B, C: C0 }))).toBeLessThanOrEqual(TOL[dtype]);
        }
        // A dense A stays on the dense kernel.
        const before = stats(single).sparseCalls;
        const c = gemmCase(rng, dtype, m, n, k, false, false, 1, 0);
        runGemm(single, c);
        expect(stats(single).sparseCalls).toBe(before);
      }
    } finally {
      three.dispose?.();
    }
  });

  it('a worker that cannot yet see grown memory leaves the job to the other threads', async () => {
    const backend = await createWasmBackend({ threads: 2 });
    try {
      const pool = (backend as unknown as { pool: { arena: { pages: number }; workerChunks(): number } }).pool;
      const c = gemmCase(new Rng(12), 'float32', 64, 300, 100, false, false, 1, 0);
      const before = pool.workerChunks();
      // Publish the job as if the memory had grown by 1000 pages the worker's bounds do not cover yet:
      // its probe of the last byte keeps trapping, so it must not compute (it would trap too).
      pool.arena.pages += 1000;
      const C = runGemm(backend, c);
      pool.arena.pages -= 1000;
      expect(sameBits(C, runGemm(single, c))).toBe(true);
      expect(pool.workerChunks()).toBe(before);
    } finally {
      backend.dispose?.();
    }
  });

  it('rests its workers after repeated stalls (oversubscribed machine) and keeps the bits meanwhile', async () => {
    const backend = await createWasmBackend({ threads: 2 });
    try {
      const pool = (backend as unknown as { pool: { noteWait(ms: number, drainedMs: number): void; available(): boolean; rests: number; workerChunks(): number } }).pool;
      expect(pool.available()).toBe(true);
      pool.noteWait(5, 1);
      pool.noteWait(5, 1);
      pool.noteWait(5, 1);
      expect(pool.available()).toBe(true); // the first jobs are not judged (workers warming up)
      (pool as unknown as { jobs: number }).jobs = 1000;
      pool.noteWait(5, 1);
      pool.noteWait(5, 1);
      expect(pool.available()).toBe(true); // two stalls are not yet a pattern
      pool.noteWait(0.5, 1); // a wait shorter than the calling thread's share is no stall
      pool.noteWait(5, 1);
      pool.noteWait(5, 1);
      expect(pool.available()).toBe(true);
      pool.noteWait(5, 1);
      expect(pool.available()).toBe(false);
      expect(pool.rests).toBe(1);
      // Keep it resting for the product below even on a slow CI machine (the rest itself is 200 ms).
      (pool as unknown as { restUntil: number }).restUntil = performance.now() + 60_000;
      const chunks = pool.workerChunks();
      const c = gemmCase(new Rng(8), 'float32', 64, 300, 100, false, false, 1, 0);
      expect(sameBits(runGemm(backend, c), runGemm(single, c))).toBe(true);
      expect(pool.workerChunks()).toBe(chunks); // computed on the calling thread while resting
      // Workers that take less than half their fair share of the chunks over 64 jobs: rest as well.
      const share = pool as unknown as { noteShare(chunks: number, byWorkers: number): void; restUntil: number };
      share.restUntil = 0;
      for (let job = 0; job < 64; job++) share.noteShare(8, 2); // fair share of 2 threads: 4 of 8
      expect(pool.available()).toBe(true);
      for (let job = 0; job < 64; job++) share.noteShare(8, 1);
      expect(pool.available()).toBe(false);
      expect(pool.rests).toBe(2);
    } finally {
      backend.dispose?.();
    }
  });

  it('serves matmul through setBackend', () => {
    const rng = new Rng(11);
    const A = new Matrix(5, 7, random(rng, 35, 'float32'));
    const B = new Matrix(7, 3, random(rng, 21, 'float32'));
    const expected = matmul(A, B, Matrix.zeros(5, 3, 'float32'));
    const actual = withBackend(two, () => matmul(A, B, Matrix.zeros(5, 3, 'float32')));
    expect(relativeError(actual.data, expected.data)).toBeLessThanOrEqual(TOL.float32);
  });

  it('falls back to jsBackend for mixed dtypes', () => {
    const rng = new Rng(5);
    const A = random(rng, 12, 'float64');
    const B = random(rng, 12, 'float32');
    const expected = new Float32Array(9);
    const actual = new Float32Array(9);
    jsBackend.gemm(false, false, 3, 3, 4, 1, A, B, 0, expected);
    single.gemm(false, false, 3, 3, 4, 1, A, B, 0, actual);
    expect(sameBits(actual, expected)).toBe(true);
  });
});

describe('wasm row-vector and fused kernels', () => {
  const shape = fc.record({
    m: fc.integer({ min: 1, max: 20 }),
    n: fc.integer({ min: 1, max: 37 }),
    seed: fc.integer(),
    dtype: fc.constantFrom<DType>('float64', 'float32'),
    resident: fc.boolean(),
  });
  // Resident buffers (allocated by the shared-memory backend) exercise the zero-copy path.
  const alloc = (resident: boolean, rng: Rng, length: number, dtype: DType): FloatArray => {
    const plain = random(rng, length, dtype);
    if (!resident) return plain;
    const r = two.allocate!(dtype, length);
    r.set(plain);
    return r;
  };

  it('addRowVector equals jsBackend bit for bit (also in place)', () => {
    fc.assert(
      fc.property(shape, ({ m, n, seed, dtype, resident }) => {
        const rng = new Rng(seed);
        const A = alloc(resident, rng, m * n, dtype);
        const b = alloc(resident, rng, n, dtype);
        const expected = allocate(dtype, m * n);
        jsBackend.addRowVector(m, n, A, b, expected);
        const out = allocate(dtype, m * n);
        two.addRowVector(m, n, A, b, out);
        expect(sameBits(out, expected)).toBe(true);
        two.addRowVector(m, n, A, b, A);
        expect(sameBits(A, expected)).toBe(true);
      }),
    );
  });

  it('sumRows equals jsBackend bit for bit for β = 0, 1, 0.5', () => {
    fc.assert(
      fc.property(shape, fc.constantFrom(0, 1, 0.5), ({ m, n, seed, dtype, resident }, beta) => {
        const rng = new Rng(seed);
        const A = alloc(resident, rng, m * n, dtype);
        const out = alloc(resident, rng, n, dtype);
        const expected = out.slice();
        jsBackend.sumRows(m, n, A, beta, expected);
        single.sumRows(m, n, A, beta, out);
        expect(sameBits(out, expected)).toBe(true);
      }),
    );
  });

  it('addRowVectorRelu equals the reference bit for bit, NaN and −0 included', () => {
    fc.assert(
      fc.property(shape, ({ m, n, seed, dtype, resident }) => {
        const rng = new Rng(seed);
        const A = alloc(resident, rng, m * n, dtype);
        A[0] = NaN;
        if (A.length > 1) A[1] = -0;
        const b = alloc(resident, rng, n, dtype);
        b[Math.min(1, n - 1)] = 0;
        const z = allocate(dtype, m * n), a = allocate(dtype, m * n);
        const z2 = allocate(dtype, m * n), a2 = allocate(dtype, m * n);
        jsAddRowVectorRelu(m, n, A, b, z, a);
        two.addRowVectorRelu!(m, n, A, b, z2, a2);
        expect(sameBits(z2, z)).toBe(true);
        expect(sameBits(a2, a)).toBe(true);
      }),
    );
  });

  it('reluBackward equals the reference bit for bit (also in place)', () => {
    fc.assert(
      fc.property(shape, ({ m, n, seed, dtype, resident }) => {
        const rng = new Rng(seed);
        const z = alloc(resident, rng, m * n, dtype);
        z[0] = NaN;
        const da = alloc(resident, rng, m * n, dtype);
        const expected = allocate(dtype, m * n);
        jsReluBackward(m * n, z, da, expected);
        const dz = allocate(dtype, m * n);
        single.reluBackward!(m * n, z, da, dz);
        expect(sameBits(dz, expected)).toBe(true);
        two.reluBackward!(m * n, z, da, da);
        expect(sameBits(da, expected)).toBe(true);
      }),
    );
  });

  it('scaledDifference, sigmoid, tanh and their backward kernels equal the reference bit for bit (also in place; extremes, NaN and ±∞)', () => {
    const extremes = [0, -0, 1, -1, 30, -30, 40, -40, 709.8, -709.8, 745.2, -745.2, 1e-300, -1e-300, Infinity, -Infinity, NaN];
    fc.assert(
      fc.property(shape, fc.double({ min: 0.1, max: 60, noNaN: true }), ({ m, n, seed, dtype, resident }, spread) => {
        const rng = new Rng(seed);
        const size = m * n;
        const z = alloc(resident, rng, size, dtype);
        for (let t = 0; t < size; t++) z[t] = z[t]! * spread;
        extremes.forEach((v, t) => t < size && rng.uniform() < 0.3 && (z[t] = v));
        const da = alloc(resident, rng, size, dtype);
        const expected = allocate(dtype, size), got = allocate(dtype, size);
        jsSigmoid(size, z, expected);
        single.sigmoid!(size, z, got);
        expect(sameBits(got, expected)).toBe(true);
        const a = alloc(resident, rng, size, dtype);
        a.set(expected);
        jsSigmoidBackward(size, a, da, expected);
        single.sigmoidBackward!(size, a, da, got);
        expect(sameBits(got, expected)).toBe(true);
        jsTanh(size, z, expected);
        single.tanh!(size, z, got);
        expect(sameBits(got, expected)).toBe(true);
        jsTanhBackward(size, a, da, expected);
        single.tanhBackward!(size, a, da, got);
        expect(sameBits(got, expected)).toBe(true);
        jsGelu(size, z, expected);
        single.gelu!(size, z, got);
        expect(sameBits(got, expected)).toBe(true);
        // GELU's th (float64 whatever z's dtype), written by the forward and read by the backward,
        // in the backend's memory or copied in and out.
        const th = alloc(resident, rng, size, 'float64') as Float64Array, thExpected = new Float64Array(size);
        jsGelu(size, z, expected, thExpected);
        two.gelu!(size, z, got, th);
        expect(sameBits(got, expected)).toBe(true);
        expect(sameBits(th, thExpected)).toBe(true);
        jsGeluBackward(size, z, da, expected, thExpected);
        single.geluBackward!(size, z, da, got, th);
        expect(sameBits(got, expected)).toBe(true);
        jsScaledDifference(size, 2 / size, a, da, expected);
        two.scaledDifference!(size, 2 / size, a, da, got);
        expect(sameBits(got, expected)).toBe(true);
        // In place, on the other backend.
        jsSigmoidBackward(size, a, da, expected);
        two.sigmoidBackward!(size, a, da, da);
        expect(sameBits(da, expected)).toBe(true);
        jsSigmoid(size, z, expected);
        two.sigmoid!(size, z, z);
        expect(sameBits(z, expected)).toBe(true);
      }),
    );
  });

  it('softmaxRows, differenceOver, axpy, signAxpy and maskedScale equal the reference bit for bit (also in place; extremes, NaN and ±∞ in a row; a NaN matches any NaN)', () => {
    const extremes = [0, -0, 30, -30, 709.8, -745.2, 1e300, -1e300, Infinity, -Infinity, NaN];
    fc.assert(
      fc.property(shape, fc.double({ min: 0.1, max: 60, noNaN: true }), fc.integer({ min: 1, max: 100 }), ({ m, n, seed, dtype, resident }, spread, d) => {
        const rng = new Rng(seed);
        const size = m * n;
        const z = alloc(resident, rng, size, dtype);
        for (let t = 0; t < size; t++) z[t] = z[t]! * spread;
        extremes.forEach((v, t) => t < size && rng.uniform() < 0.2 && (z[t] = v));
        const expected = allocate(dtype, size), got = allocate(dtype, size);
        jsSoftmaxRows(m, n, z, expected);
        single.softmaxRows!(m, n, z, got);
        expect(sameBitsOrNaN(got, expected)).toBe(true);
        const y = alloc(resident, rng, size, dtype);
        jsDifferenceOver(size, d, got, y, expected);
        two.differenceOver!(size, d, got, y, got);
        expect(sameBitsOrNaN(got, expected)).toBe(true);
        jsSoftmaxRows(m, n, z, expected);
        two.softmaxRows!(m, n, z, z);
        expect(sameBitsOrNaN(z, expected)).toBe(true);
        // axpy and signAxpy add into y in place (y = dW, x = W with zeros, extremes and NaN).
        const w = alloc(resident, rng, size, dtype);
        extremes.forEach((v, t) => t < size && rng.uniform() < 0.3 && (w[t] = v));
        for (const [js, kernel] of [[jsAxpy, 'axpy'], [jsSignAxpy, 'signAxpy']] as const) {
          const lambda = spread / 7;
          expected.set(y);
          js(size, lambda, w, expected);
          const onSingle = alloc(resident, rng, size, dtype), onTwo = alloc(resident, rng, size, dtype);
          onSingle.set(y);
          onTwo.set(y);
          single[kernel]!(size, lambda, w, onSingle);
          two[kernel]!(size, lambda, w, onTwo);
          expect(sameBitsOrNaN(onSingle, expected)).toBe(true);
          expect(sameBitsOrNaN(onTwo, expected)).toBe(true);
        }
        // maskedScale: a dropout mask of zeros and the dtype's 1/(1 − p), out of place and in place.
        const keep = 0.5 + spread / 200;
        const mask = alloc(resident, rng, size, dtype);
        for (let t = 0; t < size; t++) mask[t] = rng.uniform() < keep ? 1 / keep : 0;
        jsMaskedScale(size, 1 / keep, w, mask, expected);
        single.maskedScale!(size, 1 / keep, w, mask, got);
        expect(sameBitsOrNaN(got, expected)).toBe(true);
        jsMaskedScale(size, mask[mask.findIndex((v) => v !== 0)] ?? 1, y, mask, expected);
        two.maskedScale!(size, mask[mask.findIndex((v) => v !== 0)] ?? 1, y, mask, y);
        expect(sameBitsOrNaN(y, expected)).toBe(true);
      }),
    );
  });

  it('leakyRelu and its backward equal the reference bit for bit (also in place; NaN and −0)', () => {
    fc.assert(
      fc.property(shape, fc.constantFrom(0.01, 0.2, 0.3, 1 / 3), ({ m, n, seed, dtype, resident }, alpha) => {
        const rng = new Rng(seed);
        const size = m * n;
        const z = alloc(resident, rng, size, dtype);
        z[0] = NaN;
        if (size > 1) z[1] = -0;
        const da = alloc(resident, rng, size, dtype);
        const expected = allocate(dtype, size), got = allocate(dtype, size);
        jsLeakyRelu(size, z, expected, alpha);
        single.leakyRelu!(size, z, got, alpha);
        expect(sameBits(got, expected)).toBe(true);
        jsLeakyReluBackward(size, z, da, expected, alpha);
        single.leakyReluBackward!(size, z, da, got, alpha);
        expect(sameBits(got, expected)).toBe(true);
        two.leakyReluBackward!(size, z, da, da, alpha);
        expect(sameBits(da, expected)).toBe(true);
        jsLeakyRelu(size, z, expected, alpha);
        two.leakyRelu!(size, z, z, alpha);
        expect(sameBits(z, expected)).toBe(true);
      }),
    );
  });

  it('scaleBytes equals the reference bit for bit (every byte value; f32 and non-f32 divisors)', () => {
    const every = Uint8Array.from({ length: 256 }, (_, b) => b);
    for (const dtype of ['float32', 'float64'] as const) {
      for (const divisor of [255, 1, 3, 7.5, 0.1, -2, 1e-30]) {
        const expected = allocate(dtype, 256);
        jsScaleBytes(256, every, divisor, expected);
        const out = allocate(dtype, 256);
        single.scaleBytes!(256, every, divisor, out);
        expect(sameBits(out, expected)).toBe(true);
      }
    }
    fc.assert(
      fc.property(shape, fc.constantFrom(255, 3, 0.1), ({ m, n, seed, dtype, resident }, divisor) => {
        const rng = new Rng(seed);
        const bytes = Uint8Array.from({ length: m * n }, () => Math.floor(rng.uniform() * 256));
        const expected = allocate(dtype, m * n);
        jsScaleBytes(m * n, bytes, divisor, expected);
        const out = resident ? two.allocate!(dtype, m * n) : allocate(dtype, m * n);
        two.scaleBytes!(m * n, bytes, divisor, out);
        expect(sameBits(out, expected)).toBe(true);
        const viaMatrix = withBackend(two, () => bytesToFloat(bytes, divisor, new Matrix(m, n, allocate(dtype, m * n))));
        expect(sameBits(viaMatrix.data, expected)).toBe(true);
      }),
    );
    expect(() => bytesToFloat(new Uint8Array(5), 255, Matrix.zeros(2, 3))).toThrow(/5 bytes for a 2×3 output/);
    expect(() => bytesToFloat(new Uint8Array(6), 0, Matrix.zeros(2, 3))).toThrow(/divisor/);
  });

  it('allFinite agrees with the reference on resident and plain buffers, for NaN and ±Infinity anywhere', () => {
    fc.assert(
      fc.property(
        shape,
        fc.constantFrom(Number.NaN, Infinity, -Infinity, 1),
        fc.nat(),
        ({ m, n, seed, dtype, resident }, bad, at) => {
          const size = m * n;
          const x = alloc(resident, new Rng(seed), size, dtype);
          x[at % size] = bad;
          expect(two.allFinite!(size, x)).toBe(jsAllFinite(size, x));
          expect(jsAllFinite(size, x)).toBe(bad === 1);
        },
      ),
    );
  });

  it('the Matrix-level fused ops dispatch to the installed backend with the same results', () => {
    const rng = new Rng(9);
    const X = new Matrix(6, 11, random(rng, 66, 'float32'));
    const b = new Matrix(1, 11, random(rng, 11, 'float32'));
    const run = () => {
      const z = Matrix.zeros(6, 11, 'float32'), a = Matrix.zeros(6, 11, 'float32'), dz = Matrix.zeros(6, 11, 'float32');
      biasReluForward(X, b, z, a);
      reluBackward(z, X, dz);
      return [z, a, dz].map((x) => x.data);
    };
    const expected = run();
    const actual = withBackend(two, run);
    actual.forEach((x, i) => expect(sameBits(x, expected[i]!)).toBe(true));
  });
});

describe('wasm memory', () => {
  it('keeps resident buffers valid and used in place when the memory grows', () => {
    const backend = createWasmBackendSync({ threads: 2 });
    try {
      const rng = new Rng(2);
      const A = backend.allocate!('float32', 40 * 30);
      A.set(random(rng, A.length, 'float32'));
      const B = backend.allocate!('float32', 30 * 20);
      B.set(random(rng, B.length, 'float32'));
      const C = backend.allocate!('float32', 40 * 20);
      const expected = new Float32Array(40 * 20);
      jsBackend.gemm(false, false, 40, 20, 30, 1, A, B, 0, expected);
      // Force several growths of the memory (64 MiB of resident data).
      const big = backend.allocate!('float64', 8 << 20);
      big[big.length - 1] = 1;
      backend.gemm(false, false, 40, 20, 30, 1, A, B, 0, C);
      expect(relativeError(C, expected)).toBeLessThanOrEqual(TOL.float32);
      expect(big[big.length - 1]).toBe(1);
    } finally {
      backend.dispose?.();
    }
  });

  it('lends shared wasm memory on one thread too, and plain arrays where memory cannot be shared', () => {
    const bufferKind = (a: FloatArray) => Object.prototype.toString.call(a.buffer);
    const a = single.allocate!('float64', 10);
    expect(a).toBeInstanceOf(Float64Array);
    expect(a.length).toBe(10);
    expect(bufferKind(a)).toBe('[object SharedArrayBuffer]');
    vi.stubGlobal('SharedArrayBuffer', undefined);
    try {
      const plain = createWasmBackendSync({ threads: 2 });
      expect(plain.threads).toBe(1);
      const b = plain.allocate!('float32', 7);
      expect(bufferKind(b)).toBe('[object ArrayBuffer]');
      const C = new Float32Array(4);
      plain.gemm(false, false, 2, 2, 1, 1, Float32Array.of(1, 2), Float32Array.of(3, 4), 0, C);
      expect(Array.from(C)).toEqual([3, 4, 6, 8]);
      // Buffers cannot live in plain memory, so no capture is offered (layers call the kernels one by one).
      expect('beginCapture' in plain && plain.beginCapture !== undefined).toBe(false);
      expect(typeof (single as { beginCapture?: unknown }).beginCapture).toBe('function');
      plain.dispose?.();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('loading and fallback', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    setBackend(jsBackend);
  });

  it('detects SIMD in this runtime', () => {
    expect(wasmSimdSupported()).toBe(true);
  });

  it('useFastestBackend installs the wasm backend and reports its threads', async () => {
    const info = await useFastestBackend({ threads: 2 });
    expect(info).toEqual({ name: 'wasm-simd', threads: 2, jsFallbacks: [] });
    expect(getBackend().name).toBe('wasm-simd');
    getBackend().dispose?.();
  });

  it('keeps jsBackend when SIMD is reported unavailable', async () => {
    vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
    expect(wasmSimdSupported()).toBe(false);
    expect(await useFastestBackend()).toEqual({ name: 'js', threads: 1, jsFallbacks: [] });
    expect(getBackend()).toBe(jsBackend);
    await expect(createWasmBackend()).rejects.toBeInstanceOf(StateError);
    expect(() => createWasmBackendSync()).toThrow(StateError);
  });

  it('validates the thread count', () => {
    expect(() => createWasmBackendSync({ threads: 0 })).toThrow(/threads must be an integer from 1 to 256, got 0/);
    expect(() => createWasmBackendSync({ threads: 1.5 })).toThrow(/got 1.5/);
  });

  it('refuses use after dispose and drops to one thread', async () => {
    const backend = await createWasmBackend({ threads: 2 });
    backend.dispose?.();
    expect(backend.threads).toBe(1);
    expect(() => backend.sumRows(1, 1, new Float64Array(1), 0, new Float64Array(1))).toThrow(StateError);
  });
});
