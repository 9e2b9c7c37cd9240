import { kernels } from './backend.js';
import { hostCompute } from './capture.js';
import { InvalidOptionError, ShapeError } from './errors.js';
import { type Matrix, assertSameShape, assertShape } from './matrix.js';

/**
 * Operations on {@link Matrix}. Each writes into a caller-owned `out` (which may alias an input
 * where noted), so hot loops allocate nothing; shapes are checked on every call.
 */

/** Options of {@link matmul} and {@link gemm}. */
export interface MatmulOptions {
  /** Use Aᵀ instead of A. */
  transA?: boolean;
  /** Use Bᵀ instead of B. */
  transB?: boolean;
}

/** `out ← op(A)·op(B)`; `out` must not alias `A` or `B`. */
export function matmul(A: Matrix, B: Matrix, out: Matrix, options: MatmulOptions = {}): Matrix {
  return gemm(1, A, B, 0, out, options);
}

/** `C ← α·op(A)·op(B) + β·C` (BLAS gemm); `C` must not alias `A` or `B`. */
export function gemm(alpha: number, A: Matrix, B: Matrix, beta: number, C: Matrix, options: MatmulOptions = {}): Matrix {
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  const m = transA ? A.cols : A.rows;
  const k = transA ? A.rows : A.cols;
  const kB = transB ? B.cols : B.rows;
  const n = transB ? B.rows : B.cols;
  if (k !== kB) {
    throw new ShapeError(
      `matmul: inner dimensions differ: ${A.shapeString()}${transA ? 'ᵀ' : ''} · ${B.shapeString()}${transB ? 'ᵀ' : ''}`,
    );
  }
  assertShape('matmul output', C, m, n);
  if (C.data === A.data || C.data === B.data) throw new ShapeError('matmul: output must not alias an input');
  kernels().gemm(transA, transB, m, n, k, alpha, A.data, B.data, beta, C.data);
  return C;
}

/** `out[i, j] = A[i, j] + b[0, j]` for a 1×cols row vector `b`; `out` may alias `A`. */
export function addRowVector(A: Matrix, b: Matrix, out: Matrix): Matrix {
  assertShape('addRowVector bias', b, 1, A.cols);
  assertSameShape('addRowVector output', A, out);
  kernels().addRowVector(A.rows, A.cols, A.data, b.data, out.data);
  return out;
}

/**
 * Sum along an axis: `axis = 0` sums over rows into a 1×cols `out`; `axis = 1` sums over
 * columns into a rows×1 `out`.
 */
export function sum(A: Matrix, axis: 0 | 1, out: Matrix): Matrix {
  if (axis === 0) {
    assertShape('sum(axis 0) output', out, 1, A.cols);
    kernels().sumRows(A.rows, A.cols, A.data, 0, out.data);
  } else if (axis === 1) {
    assertShape('sum(axis 1) output', out, A.rows, 1);
    hostCompute('sum(axis 1)');
    const n = A.cols;
    for (let i = 0; i < A.rows; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A.data[i * n + j]!;
      out.data[i] = s;
    }
  } else {
    throw new InvalidOptionError(`sum: axis must be 0 or 1, got ${String(axis)}`);
  }
  return out;
}

/** Mean along an axis (see {@link sum}). */
export function mean(A: Matrix, axis: 0 | 1, out: Matrix): Matrix {
  hostCompute('mean');
  sum(A, axis, out);
  const count = axis === 0 ? A.rows : A.cols;
  if (count > 0) for (let t = 0; t < out.data.length; t++) out.data[t] = out.data[t]! / count;
  return out;
}

/** Sum of all elements (in float64, in storage order). */
export function sumAll(A: Matrix): number {
  hostCompute('sumAll');
  let s = 0;
  const d = A.data;
  for (let t = 0; t < d.length; t++) s += d[t]!;
  return s;
}

/** Index of the largest element of each row (first on ties); NaN is never chosen over a number. */
export function argmaxRows(A: Matrix, out: Int32Array = new Int32Array(A.rows)): Int32Array {
  hostCompute('argmaxRows');
  if (out.length !== A.rows) throw new ShapeError(`argmaxRows: output has length ${out.length}, expected ${A.rows}`);
  if (A.cols === 0) throw new ShapeError('argmaxRows: matrix has no columns');
  const n = A.cols;
  for (let i = 0; i < A.rows; i++) {
    let best = 0;
    let bestValue = -Infinity;
    for (let j = 0; j < n; j++) {
      const v = A.data[i * n + j]!;
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * Copies rows `index[start], …, index[start + out.rows − 1]` of `A` into `out` (a mini-batch gather).
 * `out` may have a different dtype than `A`.
 */
export function gatherRows(A: Matrix, index: ArrayLike<number>, out: Matrix, start = 0): Matrix {
  hostCompute('gatherRows');
  if (out.cols !== A.cols) throw new ShapeError(`gatherRows: output has ${out.cols} columns, expected ${A.cols}`);
  if (start < 0 || start + out.rows > index.length) {
    throw new ShapeError(`gatherRows: rows ${start}..${start + out.rows} exceed an index of length ${index.length}`);
  }
  const n = A.cols;
  const src = A.data, dst = out.data;
  for (let r = 0; r < out.rows; r++) {
    const i = index[start + r]!;
    if (!(i >= 0 && i < A.rows) || !Number.isInteger(i)) {
      throw new ShapeError(`gatherRows: index ${i} is outside 0..${A.rows - 1}`);
    }
    // Short rows are copied element by element: a subarray per row would cost more than the copy.
    if (n < 16) {
      for (let j = 0; j < n; j++) dst[r * n + j] = src[i * n + j]!;
    } else {
      dst.set(src.subarray(i * n, i * n + n), r * n);
    }
  }
  return out;
}

/** `out ← A` (same shape; dtype may differ). */
export function copy(A: Matrix, out: Matrix): Matrix {
  assertSameShape('copy', A, out);
  kernels().copy(A.size, A.data, out.data);
  return out;
}

/** Sets every element of `A` to `value`. */
export function fill(A: Matrix, value: number): Matrix {
  hostCompute('fill');
  A.data.fill(value);
  return A;
}

/** `out[t] = f(A[t])` elementwise; `out` may alias `A`. */
export function map(A: Matrix, f: (x: number) => number, out: Matrix): Matrix {
  hostCompute('map');
  assertSameShape('map', A, out);
  const a = A.data;
  const o = out.data;
  for (let t = 0; t < a.length; t++) o[t] = f(a[t]!);
  return out;
}

/** `out[t] = f(A[t], B[t])` elementwise; `out` may alias either input. */
export function zip(A: Matrix, B: Matrix, f: (x: number, y: number) => number, out: Matrix): Matrix {
  hostCompute('zip');
  assertSameShape('zip', A, B);
  assertSameShape('zip output', A, out);
  const a = A.data;
  const b = B.data;
  const o = out.data;
  for (let t = 0; t < a.length; t++) o[t] = f(a[t]!, b[t]!);
  return out;
}

/** `out = A + B`. */
export function add(A: Matrix, B: Matrix, out: Matrix): Matrix {
  hostCompute('add');
  assertSameShape('add', A, B);
  assertSameShape('add output', A, out);
  const a = A.data, b = B.data, o = out.data;
  for (let t = 0; t < a.length; t++) o[t] = a[t]! + b[t]!;
  return out;
}

/** `out = A − B`. */
export function sub(A: Matrix, B: Matrix, out: Matrix): Matrix {
  hostCompute('sub');
  assertSameShape('sub', A, B);
  assertSameShape('sub output', A, out);
  const a = A.data, b = B.data, o = out.data;
  for (let t = 0; t < a.length; t++) o[t] = a[t]! - b[t]!;
  return out;
}

/** `out = A ⊙ B` (Hadamard product). */
export function hadamard(A: Matrix, B: Matrix, out: Matrix): Matrix {
  hostCompute('hadamard');
  assertSameShape('hadamard', A, B);
  assertSameShape('hadamard output', A, out);
  const a = A.data, b = B.data, o = out.data;
  for (let t = 0; t < a.length; t++) o[t] = a[t]! * b[t]!;
  return out;
}

/** `out = s·A`. */
export function scale(A: Matrix, s: number, out: Matrix): Matrix {
  hostCompute('scale');
  assertSameShape('scale', A, out);
  const a = A.data, o = out.data;
  for (let t = 0; t < a.length; t++) o[t] = s * a[t]!;
  return out;
}

/** `Y ← α·X + Y` (BLAS axpy), each element in float64 and rounded once: the backend's kernel. */
export function axpy(alpha: number, X: Matrix, Y: Matrix): Matrix {
  assertSameShape('axpy', X, Y);
  kernels().axpy(X.size, alpha, X.data, Y.data);
  return Y;
}

/** `Y ← α·sign(X) + Y` with sign(0) = sign(NaN) = 0 (the L1 subgradient when α = λ₁): the backend's kernel. */
export function signAxpy(alpha: number, X: Matrix, Y: Matrix): Matrix {
  assertSameShape('signAxpy', X, Y);
  kernels().signAxpy(X.size, alpha, X.data, Y.data);
  return Y;
}

/**
 * `out = X ⊙ (mask ≠ 0 ? s : 0)` element-wise, the product in float64 and rounded once (inverted
 * dropout: `s = 1/(1 − p)` on the kept units): the backend's kernel. `out` may be `X`.
 */
export function maskedScale(s: number, X: Matrix, mask: Matrix, out: Matrix): Matrix {
  assertSameShape('maskedScale', X, mask);
  assertSameShape('maskedScale', X, out);
  kernels().maskedScale(X.size, s, X.data, mask.data, out.data);
  return out;
}

/** `out = Aᵀ`; `out` must not alias `A`. */
export function transpose(A: Matrix, out: Matrix): Matrix {
  hostCompute('transpose');
  assertShape('transpose output', out, A.cols, A.rows);
  if (out.data === A.data) throw new ShapeError('transpose: output must not alias the input');
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) out.data[j * A.rows + i] = A.data[i * A.cols + j]!;
  return out;
}

/** Σ A[t]·B[t] (Frobenius inner product). */
export function dot(A: Matrix, B: Matrix): number {
  hostCompute('dot');
  assertSameShape('dot', A, B);
  let s = 0;
  for (let t = 0; t < A.data.length; t++) s += A.data[t]! * B.data[t]!;
  return s;
}

/** Frobenius norm ‖A‖_F, scaled to avoid overflow. */
export function norm(A: Matrix): number {
  const m = maxAbs(A);
  if (m === 0 || !Number.isFinite(m)) return m;
  let s = 0;
  for (let t = 0; t < A.data.length; t++) {
    const v = A.data[t]! / m;
    s += v * v;
  }
  return m * Math.sqrt(s);
}

/** max |A[t]| (0 for an empty matrix; NaN if any element is NaN). */
export function maxAbs(A: Matrix): number {
  hostCompute('maxAbs');
  let m = 0;
  for (let t = 0; t < A.data.length; t++) {
    const v = Math.abs(A.data[t]!);
    if (v > m || Number.isNaN(v)) m = v;
    if (Number.isNaN(m)) return NaN;
  }
  return m;
}

/** Whether every element is finite. */
export function isFinite(A: Matrix): boolean {
  hostCompute('isFinite');
  return kernels().allFinite(A.size, A.data);
}
