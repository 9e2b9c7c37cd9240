import { kernels } from './backend.js';
import { ShapeError } from './errors.js';
import { type DType, type FloatArray, Matrix, assertShape } from './matrix.js';

/**
 * A matrix in compressed sparse row (CSR) form: only its nonzero entries, row by row. Row i's
 * entries are `values[t]` at columns `colIndex[t]` for t from `rowStart[i]` to `rowStart[i + 1] − 1`,
 * in column order. Made by {@link toCsr} from a dense matrix (mostly zeros, such as MNIST pixels)
 * once, and multiplied by {@link gemmCsr} as often as needed.
 */
export interface CsrMatrix {
  /** Rows of the matrix. */
  readonly rows: number;
  /** Columns of the matrix. */
  readonly cols: number;
  /** Float type of `values` (the dense matrix's). */
  readonly dtype: DType;
  /** `rows + 1` offsets into `colIndex` and `values`; `rowStart[rows]` is the number of entries. */
  readonly rowStart: Int32Array;
  /** Column of each stored entry, row by row, ascending within a row. */
  readonly colIndex: Int32Array;
  /** The stored entries, in the order of `colIndex`. */
  readonly values: FloatArray;
}

/**
 * The CSR form of `A` (of Aᵀ when `transpose`): every entry that is not zero, NaN included. The
 * values keep A's dtype and live where the installed backend reads them without copying.
 *
 * @example
 * ```ts
 * const S = toCsr(X); // once
 * gemmCsr(1, S, W, 0, Z, { transB: true }); // Z = X·Wᵀ, as often as needed
 * ```
 */
export function toCsr(A: Matrix, options: { transpose?: boolean } = {}): CsrMatrix {
  const transpose = options.transpose ?? false;
  const rows = transpose ? A.cols : A.rows;
  const cols = transpose ? A.rows : A.cols;
  const a = A.data;
  // Element (i, p) of op(A) sits at i·si + p·sp.
  const si = transpose ? 1 : A.cols, sp = transpose ? A.cols : 1;
  const rowStart = new Int32Array(rows + 1);
  let nnz = 0;
  for (let i = 0; i < rows; i++) {
    for (let p = 0, at = i * si; p < cols; p++, at += sp) if (a[at] !== 0) nnz++;
    rowStart[i + 1] = nnz;
  }
  const colIndex = new Int32Array(nnz);
  const values = kernels().allocate(A.dtype, nnz);
  let t = 0;
  for (let i = 0; i < rows; i++) {
    for (let p = 0, at = i * si; p < cols; p++, at += sp) {
      const v = a[at]!;
      if (v !== 0) {
        colIndex[t] = p;
        values[t++] = v;
      }
    }
  }
  return { rows, cols, dtype: A.dtype, rowStart, colIndex, values };
}

/**
 * `C ← α·S·op(B) + β·C` for S in CSR form: the bits of {@link gemm} on S written out dense (for
 * finite B), in the time its nonzero entries take. `op(B)` is B, or Bᵀ with `transB`.
 *
 * @throws ShapeError when the shapes do not fit or C aliases B.
 */
export function gemmCsr(alpha: number, S: CsrMatrix, B: Matrix, beta: number, C: Matrix, options: { transB?: boolean } = {}): Matrix {
  const transB = options.transB ?? false;
  const kB = transB ? B.cols : B.rows;
  const n = transB ? B.rows : B.cols;
  if (S.cols !== kB) {
    throw new ShapeError(`gemmCsr: inner dimensions differ: ${S.rows}×${S.cols} (sparse) · ${B.shapeString()}${transB ? 'ᵀ' : ''}`);
  }
  if (S.rowStart.length !== S.rows + 1 || S.colIndex.length < S.rowStart[S.rows]! || S.values.length < S.rowStart[S.rows]!) {
    throw new ShapeError(`gemmCsr: the sparse ${S.rows}×${S.cols} matrix's arrays do not fit its rows (rowStart has ${S.rowStart.length} entries)`);
  }
  assertShape('gemmCsr output', C, S.rows, n);
  if (C.data === B.data) throw new ShapeError('gemmCsr: output must not alias an input');
  kernels().gemmCsr(transB, S.rows, n, S.cols, alpha, S.rowStart, S.colIndex, S.values, B.data, beta, C.data);
  return C;
}

/** The dense matrix a {@link CsrMatrix} stands for (zeros where it stores nothing). */
export function fromCsr(S: CsrMatrix): Matrix {
  const out = Matrix.zeros(S.rows, S.cols, S.dtype);
  const d: FloatArray = out.data;
  for (let i = 0; i < S.rows; i++) {
    for (let t = S.rowStart[i]!; t < S.rowStart[i + 1]!; t++) d[i * S.cols + S.colIndex[t]!] = S.values[t]!;
  }
  return out;
}
