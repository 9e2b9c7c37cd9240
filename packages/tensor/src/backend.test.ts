import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type KernelBackend, allocateMatrix, backendInfo, getBackend, jsBackend, kernels, setBackend, withBackend } from './backend.js';
import { InvalidOptionError } from './errors.js';
import { biasReluForward, reluBackward, softmaxRows } from './fused.js';
import { Matrix } from './matrix.js';
import { isFinite, matmul } from './ops.js';
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

  it('adds a float32 row\'s nonzero terms in groups of eight, then four, then one by one, rounding after each group', () => {
    // The documented order, written out: for every element, the terms α·op(A)[i,p]·B[p,j] with a nonzero
    // coefficient, in p order; a group's terms are summed in float64 onto C and rounded to float32 once.
    const reference = (transA: boolean, m: number, n: number, k: number, alpha: number, A: Float32Array, B: Float32Array, beta: number, C: Float32Array): void => {
      for (let t = 0; t < m * n; t++) C[t] = beta === 0 ? 0 : beta * C[t]!;
      for (let i = 0; i < m; i++) {
        const terms: number[] = [];
        for (let p = 0; p < k; p++) if (alpha * (transA ? A[p * m + i]! : A[i * k + p]!) !== 0) terms.push(p);
        const groups: number[][] = [];
        let t = 0;
        for (; t + 8 <= terms.length; t += 8) groups.push(terms.slice(t, t + 8));
        if (terms.length - t >= 4) groups.push(terms.slice(t, (t += 4)));
        for (; t < terms.length; t++) groups.push([terms[t]!]);
        for (let j = 0; j < n; j++) {
          for (const group of groups) {
            let c = C[i * n + j]!;
            for (const p of group) c += alpha * (transA ? A[p * m + i]! : A[i * k + p]!) * B[p * n + j]!;
            C[i * n + j] = c;
          }
        }
      }
    };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 40 }),
        fc.boolean(),
        fc.constantFrom(0, 0.3, 0.9),
        fc.boolean(),
        fc.constantFrom([1, 0], [0.5, 0], [-1.5, 0.75]),
        fc.integer(),
        (m, n, k, transA, zeros, sharedZeros, [alpha, beta], seed) => {
          const rng = new Rng(seed);
          // Zeros at the same p in every row (so row pairs line up) or independently per row.
          const zeroAt = Array.from({ length: k }, () => rng.uniform() < zeros);
          const A = new Float32Array(m * k);
          for (let i = 0; i < m; i++) {
            for (let p = 0; p < k; p++) {
              const zero = sharedZeros ? zeroAt[p] : rng.uniform() < zeros;
              A[transA ? p * m + i : i * k + p] = zero ? 0 : rng.normal();
            }
          }
          const B = Float32Array.from({ length: k * n }, () => rng.normal());
          const C0 = Float32Array.from({ length: m * n }, () => rng.normal());
          const C = C0.slice();
          const expected = C0.slice();
          jsBackend.gemm(transA, false, m, n, k, alpha, A, B, beta, C);
          reference(transA, m, n, k, alpha, A, B, beta, expected);
          expect(Array.from(C)).toEqual(Array.from(expected));
        },
      ),
      {
        numRuns: 300,
        // Rows whose last group is exactly four terms (4 and 12 nonzero), whatever the cases drawn.
        examples: [
          [3, 5, 4, false, 0, false, [1, 0], 1],
          [2, 7, 12, true, 0, true, [-1.5, 0.75], 2],
        ],
      },
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

describe('jsBackend.gemm with any α and β, a sparse A and every shape', () => {
  it('scales C by β (0: cleared, 1: kept), then adds α·op(A)[i,p]·op(B)[p,j] as the textbook loop does, bit for bit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 11 }),
        fc.integer({ min: 1, max: 11 }),
        fc.integer({ min: 0, max: 20 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(0, 1, -0.5, 2),
        fc.constantFrom(0, 1, 0.5),
        fc.integer(),
        (m, n, k, transA, transB, alpha, beta, seed) => {
          const rng = new Rng(seed);
          // Half of A's entries are zero, at different places in neighbouring rows.
          const A = Float64Array.from({ length: m * k }, () => (rng.uniform() < 0.5 ? 0 : rng.normal()));
          const B = Float64Array.from({ length: k * n }, () => rng.normal());
          // With β = 0, C is not read: NaN there must not reach the result (as in BLAS).
          const C0 = Float64Array.from({ length: m * n }, () => (beta === 0 && rng.uniform() < 0.5 ? NaN : rng.normal()));
          const C = C0.slice();
          jsBackend.gemm(transA, transB, m, n, k, alpha, A, B, beta, C);
          const a = (i: number, p: number) => (transA ? A[p * m + i]! : A[i * k + p]!);
          const b = (p: number, j: number) => (transB ? B[j * k + p]! : B[p * n + j]!);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              let c = beta === 0 ? 0 : beta === 1 ? C0[i * n + j]! : beta * C0[i * n + j]!;
              if (k > 0 && alpha !== 0) {
                if (transB) {
                  // Stored n×k: one dot product over p, then scaled by α.
                  let s = 0;
                  for (let p = 0; p < k; p++) s += a(i, p) * b(p, j);
                  c = c + alpha * s;
                } else {
                  // Term by term, skipping zero coefficients α·a.
                  for (let p = 0; p < k; p++) {
                    const coef = alpha * a(i, p);
                    if (coef !== 0) c = c + coef * b(p, j);
                  }
                }
              }
              expect(C[i * n + j]).toBe(c);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('jsBackend reductions and checks', () => {
  it('allocateMatrix is float64 unless told otherwise', () => {
    expect(allocateMatrix(2, 3).dtype).toBe('float64');
    expect(allocateMatrix(2, 3, 'float32').data).toBeInstanceOf(Float32Array);
  });

  it('sumRows adds each column over the rows onto β·out (0: cleared, 1: kept)', () => {
    const A = Float64Array.of(1, 2, 3, 4, 5, 6); // 3×2
    for (const [beta, expected] of [[0, [9, 12]], [1, [19, 32]], [0.5, [14, 22]]] as const) {
      const out = Float64Array.of(10, 20);
      jsBackend.sumRows(3, 2, A, beta, out);
      expect(Array.from(out)).toEqual(expected);
    }
    // β = 0 does not read out: a NaN there is not carried into the sums (as in BLAS).
    const stale = Float64Array.of(NaN, Infinity);
    jsBackend.sumRows(3, 2, A, 0, stale);
    expect(Array.from(stale)).toEqual([9, 12]);
  });

  it('isFinite is true only when every entry is finite (and for no entries)', () => {
    expect(isFinite(Matrix.from([[1, 2], [3, 4]]))).toBe(true);
    expect(isFinite(new Matrix(0, 3))).toBe(true);
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(isFinite(Matrix.from([[1, 2], [3, bad]]))).toBe(false);
      expect(isFinite(Matrix.from([[bad, 2], [3, 4]]))).toBe(false);
    }
  });

  it('softmaxRows subtracts the row maximum, so logits in the thousands do not overflow', () => {
    // The maximum first, in the middle and last: exp(z − z_last) would overflow in the first row.
    const z = Matrix.from([[1000, 999, 0], [0, 1, -1000], [-1, -1000, 1]]);
    const a = new Matrix(3, 3);
    softmaxRows(z, a);
    const e = 1 / (1 + Math.exp(-1));
    expect(a.get(0, 0)).toBeCloseTo(e, 15);
    expect(a.get(0, 1)).toBeCloseTo(1 - e, 15);
    expect(a.get(0, 2)).toBe(0);
    expect(a.get(1, 1)).toBeCloseTo(e, 15);
    expect(a.get(2, 2)).toBeCloseTo(Math.E ** 2 / (1 + Math.E ** 2), 15);
  });
});

describe('kernels(): the one fallback to JavaScript', () => {
  /** A backend with only the core kernels (jsBackend's) and a ReLU mask of its own that counts its calls. */
  function minimal(): KernelBackend & { reluCalls: number } {
    return {
      name: 'minimal',
      threads: 1,
      reluCalls: 0,
      gemm: (...args: Parameters<KernelBackend['gemm']>) => jsBackend.gemm(...args),
      addRowVector: (...args: Parameters<KernelBackend['addRowVector']>) => jsBackend.addRowVector(...args),
      sumRows: (...args: Parameters<KernelBackend['sumRows']>) => jsBackend.sumRows(...args),
      reluBackward(size, z, da, dz) {
        this.reluCalls++;
        for (let t = 0; t < size; t++) dz[t] = z[t]! > 0 ? da[t]! : 0;
      },
    };
  }

  it('serves a backend\'s own kernels and jsBackend\'s for the optional ones it lacks, and says which', () => {
    const backend = minimal();
    withBackend(backend, () => {
      expect(backendInfo()).toEqual({ name: 'minimal', threads: 1, jsFallbacks: [
        'addRowVectorRelu', 'allFinite', 'scaleBytes', 'allocate', 'copy', 'scaledDifference', 'differenceOver', 'axpy', 'signAxpy', 'maskedScale', 'softmaxRows',
        'sigmoid', 'sigmoidBackward', 'tanh', 'tanhBackward', 'gelu', 'geluBackward', 'leakyRelu', 'leakyReluBackward', 'gemmCsr',
      ] });
      const z = Matrix.from([[1, -2, 3]]), da = Matrix.from([[4, 5, 6]]), dz = Matrix.zeros(1, 3);
      reluBackward(z, da, dz);
      expect(backend.reluCalls).toBe(1);
      expect(Array.from(dz.data)).toEqual([4, 0, 6]);
      const a = Matrix.zeros(1, 3);
      biasReluForward(z, Matrix.from([[1, 1, 1]]), Matrix.zeros(1, 3), a);
      expect(Array.from(a.data)).toEqual([2, 0, 4]);
      expect(isFinite(Matrix.from([[1, Number.NaN]]))).toBe(false);
      expect(allocateMatrix(2, 3, 'float32').data).toEqual(new Float32Array(6));
      expect(kernels().adamStep).toBeUndefined();
      expect(getBackend()).toBe(backend);
    });
    expect(getBackend()).toBe(jsBackend);
    expect(backendInfo()).toEqual({ name: 'js', threads: 1, jsFallbacks: [] });
  });

  it('follows the installed backend through setBackend and withBackend (restored after a throw)', () => {
    const backend = minimal();
    const C = Matrix.zeros(1, 1);
    expect(() => withBackend(backend, () => {
      matmul(Matrix.from([[2]]), Matrix.from([[3]]), C);
      throw new Error('inside');
    })).toThrow('inside');
    expect(C.get(0, 0)).toBe(6);
    expect(backendInfo().name).toBe('js');
    const previous = setBackend(backend);
    try {
      expect(previous).toBe(jsBackend);
      reluBackward(Matrix.from([[1]]), Matrix.from([[1]]), Matrix.zeros(1, 1));
      expect(backend.reluCalls).toBe(1);
    } finally {
      setBackend(previous);
    }
  });

  it('refuses a backend without a name or a core kernel, naming them', () => {
    const noSumRows = { ...minimal(), sumRows: undefined };
    expect(() => setBackend(noSumRows as unknown as KernelBackend)).toThrow(InvalidOptionError);
    expect(() => setBackend(noSumRows as unknown as KernelBackend)).toThrow(/gemm, addRowVector, sumRows/);
    for (const bad of [null, { ...minimal(), name: undefined }, { ...minimal(), name: 7 }]) {
      expect(() => setBackend(bad as unknown as KernelBackend)).toThrow(/^setBackend: expected a KernelBackend with a name and the gemm, addRowVector, sumRows kernels$/);
    }
    expect(getBackend()).toBe(jsBackend);
  });
});
