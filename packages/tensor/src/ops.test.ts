import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsBackend, withBackend } from './backend.js';
import { Matrix } from './matrix.js';
import {
  add,
  addRowVector,
  argmaxRows,
  axpy,
  copy,
  dot,
  fill,
  signAxpy,
  maskedScale,
  gatherRows,
  gemm,
  hadamard,
  map,
  matmul,
  maxAbs,
  mean,
  norm,
  scale,
  sub,
  sum,
  sumAll,
  transpose,
  zip,
} from './ops.js';
import { Rng } from './rng.js';

function randomMatrix(rng: Rng, rows: number, cols: number, dtype: 'float64' | 'float32' = 'float64'): Matrix {
  const m = new Matrix(rows, cols, dtype);
  for (let t = 0; t < m.size; t++) m.data[t] = rng.normal();
  return m;
}

/** The definition, element by element. */
function naiveProduct(A: Matrix, B: Matrix, transA: boolean, transB: boolean): number[][] {
  const a = (i: number, p: number) => (transA ? A.get(p, i) : A.get(i, p));
  const b = (p: number, j: number) => (transB ? B.get(j, p) : B.get(p, j));
  const m = transA ? A.cols : A.rows;
  const k = transA ? A.rows : A.cols;
  const n = transB ? B.rows : B.cols;
  return Array.from({ length: m }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let p = 0; p < k; p++) s += a(i, p) * b(p, j);
      return s;
    }),
  );
}

describe('gemm', () => {
  it('equals the definition for every transpose case, α and β', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 9 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(1, -0.5, 2),
        fc.constantFrom(0, 1, 0.25),
        fc.integer(),
        (m, n, k, transA, transB, alpha, beta, seed) => {
          const rng = new Rng(seed);
          const A = transA ? randomMatrix(rng, k, m) : randomMatrix(rng, m, k);
          const B = transB ? randomMatrix(rng, n, k) : randomMatrix(rng, k, n);
          const C = randomMatrix(rng, m, n);
          const C0 = C.clone();
          gemm(alpha, A, B, beta, C, { transA, transB });
          const P = naiveProduct(A, B, transA, transB);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              const expected = alpha * P[i]![j]! + beta * C0.get(i, j);
              expect(C.get(i, j)).toBeCloseTo(expected, 10);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('overwrites NaN in the output when β = 0', () => {
    const C = Matrix.full(1, 1, NaN);
    matmul(Matrix.from([[2]]), Matrix.from([[3]]), C);
    expect(C.get(0, 0)).toBe(6);
  });

  it('rejects mismatched shapes with a message naming them', () => {
    const A = Matrix.zeros(2, 3);
    const B = Matrix.zeros(4, 5);
    expect(() => matmul(A, B, Matrix.zeros(2, 5))).toThrow(/inner dimensions differ: 2×3 · 4×5/);
    expect(() => matmul(A, Matrix.zeros(3, 5), Matrix.zeros(2, 4))).toThrow(/got 2×4, expected 2×5/);
    expect(() => matmul(A, Matrix.zeros(3, 3), A)).toThrow(/alias/);
    // Transposed operands carry ᵀ in the message; the output's own check names it.
    expect(() => matmul(A, B, Matrix.zeros(3, 5), { transA: true })).toThrow(/inner dimensions differ: 2×3ᵀ · 4×5$/);
    expect(() => matmul(A, B, Matrix.zeros(2, 4), { transB: true })).toThrow(/inner dimensions differ: 2×3 · 4×5ᵀ$/);
    expect(() => matmul(A, Matrix.zeros(3, 5), Matrix.zeros(2, 4))).toThrow(/^matmul output: got 2×4, expected 2×5/);
    const S = Matrix.zeros(2, 2);
    expect(() => matmul(Matrix.zeros(2, 2), S, S)).toThrow(/^matmul: output must not alias an input$/);
  });

  it('runs float32 matrices', () => {
    const A = Matrix.from([[1, 2], [3, 4]], 'float32');
    const C = Matrix.zeros(2, 2, 'float32');
    withBackend(jsBackend, () => matmul(A, A, C, { transB: true }));
    expect(C.toArray()).toEqual([[5, 11], [11, 25]]);
  });
});

describe('row and axis operations', () => {
  it('adds a row vector, sums and averages along axes', () => {
    const A = Matrix.from([[1, 2, 3], [4, 5, 6]]);
    const out = Matrix.zeros(2, 3);
    addRowVector(A, Matrix.from([[10, 20, 30]]), out);
    expect(out.toArray()).toEqual([[11, 22, 33], [14, 25, 36]]);
    expect(sum(A, 0, Matrix.zeros(1, 3)).toArray()).toEqual([[5, 7, 9]]);
    expect(sum(A, 1, Matrix.zeros(2, 1)).toArray()).toEqual([[6], [15]]);
    expect(mean(A, 0, Matrix.zeros(1, 3)).toArray()).toEqual([[2.5, 3.5, 4.5]]);
    expect(() => addRowVector(A, Matrix.zeros(1, 2), out)).toThrow(/bias: got 1×2, expected 1×3/);
    expect(() => addRowVector(A, Matrix.zeros(1, 3), Matrix.zeros(3, 2))).toThrow(/^addRowVector output: /);
  });

  it('averages over columns by the column count, leaves an empty axis at 0, and refuses other axes', () => {
    const A = Matrix.from([[1, 2, 3], [4, 5, 6]]);
    expect(mean(A, 1, Matrix.zeros(2, 1)).toArray()).toEqual([[2], [5]]);
    expect(mean(Matrix.zeros(0, 3), 0, Matrix.full(1, 3, 7)).toArray()).toEqual([[0, 0, 0]]);
    expect(() => sum(A, 2 as 0 | 1, Matrix.zeros(2, 1))).toThrow(/^sum: axis must be 0 or 1, got 2$/);
    expect(() => sum(A, 0, Matrix.zeros(2, 1))).toThrow(/^sum\(axis 0\) output: /);
    expect(() => sum(A, 1, Matrix.zeros(1, 3))).toThrow(/^sum\(axis 1\) output: /);
  });

  it('element-wise helpers compute their definition and name themselves in shape errors', () => {
    const A = Matrix.from([[1, -2], [3, 0.5]]), B = Matrix.from([[4, 5], [-6, 2]]);
    const out = () => Matrix.zeros(2, 2);
    expect(add(A, B, out()).toArray()).toEqual([[5, 3], [-3, 2.5]]);
    expect(sub(A, B, out()).toArray()).toEqual([[-3, -7], [9, -1.5]]);
    expect(hadamard(A, B, out()).toArray()).toEqual([[4, -10], [-18, 1]]);
    expect(scale(A, -2, out()).toArray()).toEqual([[-2, 4], [-6, -1]]);
    expect(map(A, (x) => x * x, out()).toArray()).toEqual([[1, 4], [9, 0.25]]);
    expect(zip(A, B, (x, y) => x - 2 * y, out()).toArray()).toEqual([[-7, -12], [15, -3.5]]);
    expect(dot(A, B)).toBe(4 - 10 - 18 + 1);
    expect(sumAll(A)).toBe(2.5);
    expect(fill(out(), 3).toArray()).toEqual([[3, 3], [3, 3]]);
    expect(copy(A, out()).toArray()).toEqual(A.toArray());
    const wide = Matrix.zeros(1, 4);
    for (const [run, label] of [
      [() => add(A, wide, out()), 'add'], [() => add(A, B, wide), 'add output'],
      [() => sub(A, wide, out()), 'sub'], [() => sub(A, B, wide), 'sub output'],
      [() => hadamard(A, wide, out()), 'hadamard'], [() => hadamard(A, B, wide), 'hadamard output'],
      [() => zip(A, wide, (x) => x, out()), 'zip'], [() => zip(A, B, (x) => x, wide), 'zip output'],
      [() => scale(A, 2, wide), 'scale'], [() => map(A, (x) => x, wide), 'map'], [() => dot(A, wide), 'dot'], [() => copy(A, wide), 'copy'],
    ] as [() => unknown, string][]) {
      expect(run).toThrow(new RegExp(`^${label}: shapes 2×2 and 1×4 differ`));
    }
  });

  it('finds the argmax of each row, first on ties', () => {
    expect(Array.from(argmaxRows(Matrix.from([[1, 3, 3], [-1, -2, -0.5], [0, 0, 0]])))).toEqual([1, 2, 0]);
    expect(() => argmaxRows(Matrix.zeros(3, 2), new Int32Array(2))).toThrow(/^argmaxRows: output has length 2, expected 3$/);
    expect(() => argmaxRows(Matrix.zeros(3, 0))).toThrow(/^argmaxRows: matrix has no columns$/);
  });

  it('gathers rows by index, across dtypes', () => {
    const A = Matrix.from([[0, 0], [1, 1], [2, 2], [3, 3]]);
    const out = Matrix.zeros(2, 2, 'float32');
    gatherRows(A, [3, 1, 0], out, 0);
    expect(out.toArray()).toEqual([[3, 3], [1, 1]]);
    gatherRows(A, [3, 1, 0], out, 1);
    expect(out.toArray()).toEqual([[1, 1], [0, 0]]);
    expect(() => gatherRows(A, [9, 0], out)).toThrow(/index 9 is outside 0..3/);
    expect(() => gatherRows(A, [4, 0], out)).toThrow(/^gatherRows: index 4 is outside 0..3$/);
    expect(() => gatherRows(A, [0], out)).toThrow(/^gatherRows: rows 0..2 exceed an index of length 1$/);
    expect(() => gatherRows(A, [0, 1], Matrix.zeros(2, 3))).toThrow(/^gatherRows: output has 3 columns, expected 2$/);
    // Rows of 16 or more elements are copied as blocks.
    const W = Matrix.from(Array.from({ length: 3 }, (_, i) => Array.from({ length: 20 }, (_, j) => 100 * i + j)));
    const rows = gatherRows(W, [2, 0], Matrix.zeros(2, 20, 'float32'));
    expect(rows.toArray()).toEqual([W.toArray()[2], W.toArray()[0]]);
  });

  it('signAxpy adds α·sign(x) (sign 0 and NaN → 0), and both axpys name themselves in shape errors', () => {
    const X = Matrix.from([[2, -3, 0, NaN]]), Y = Matrix.from([[1, 1, 1, 1]]);
    signAxpy(0.5, X, Y);
    expect(Array.from(Y.data)).toEqual([1.5, 0.5, 1, 1]);
    expect(() => signAxpy(1, X, Matrix.zeros(2, 2))).toThrow(/^signAxpy: shapes 1×4 and 2×2 differ/);
    expect(() => axpy(1, X, Matrix.zeros(2, 2))).toThrow(/^axpy: shapes 1×4 and 2×2 differ/);
  });

  it('maskedScale scales the entries whose mask is nonzero and zeroes the others (keeping the sign of a zero product)', () => {
    const X = Matrix.from([[1, -2, 3, -4, NaN]]);
    const mask = Matrix.from([[2, 0, 2, 0, 0]]);
    const out = Matrix.zeros(1, 5);
    maskedScale(1.5, X, mask, out);
    expect(Array.from(out.data)).toEqual([1.5, -0, 4.5, -0, NaN]);
    maskedScale(2, X, mask, X);
    expect(Array.from(X.data)).toEqual([2, -0, 6, -0, NaN]);
    expect(() => maskedScale(1, X, Matrix.zeros(2, 2), out)).toThrow(/^maskedScale: shapes 1×5 and 2×2 differ/);
    expect(() => maskedScale(1, X, mask, Matrix.zeros(2, 2))).toThrow(/^maskedScale: shapes 1×5 and 2×2 differ/);
  });

  it('transposes, axpys and takes norms', () => {
    const A = Matrix.from([[1, 2, 3], [4, 5, 6]]);
    expect(transpose(A, Matrix.zeros(3, 2)).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    const Y = Matrix.from([[1, 1, 1], [1, 1, 1]]);
    axpy(2, A, Y);
    expect(Y.toArray()).toEqual([[3, 5, 7], [9, 11, 13]]);
    expect(norm(Matrix.from([[3, 4]]))).toBe(5);
    expect(norm(Matrix.from([[3e200, 4e200]]))).toBeCloseTo(5e200, -190);
    expect(maxAbs(Matrix.from([[1, -7, 3]]))).toBe(7);
    expect(norm(Matrix.zeros(2, 2))).toBe(0);
    expect(norm(Matrix.from([[1, -Infinity]]))).toBe(Infinity);
    expect(norm(Matrix.from([[1, NaN, 2]]))).toBeNaN();
    expect(() => transpose(A, Matrix.zeros(2, 3))).toThrow(/^transpose output: got 2×3, expected 3×2/);
    const S = Matrix.zeros(2, 2);
    expect(() => transpose(S, S)).toThrow(/^transpose: output must not alias the input$/);
  });
});

describe('Matrix', () => {
  it('checks sizes, dtypes and ragged rows', () => {
    expect(() => new Matrix(2, 2, new Float64Array(3))).toThrow(/needs 4 values, got 3/);
    expect(() => Matrix.from([[1, 2], [3]])).toThrow(/row 1 has 1 values, expected 2/);
    expect(() => new Matrix(-1, 2)).toThrow(/rows must be a non-negative integer/);
    expect(() => new Matrix(1, 1, 'int8' as 'float64')).toThrow(/dtype must be one of float64, float32/);
    expect(Matrix.zeros(2, 3, 'float32').dtype).toBe('float32');
    expect(Matrix.from([[1, 2]]).clone('float32').data).toBeInstanceOf(Float32Array);
  });
});
