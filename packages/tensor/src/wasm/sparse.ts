// When a product takes the sparse path, and its scratch: shared by the backend's immediate `gemm`
// and a capture's recorded product, which decide alike at every call.
import { alignUp } from './memory.js';

/**
 * Multiply-adds from which a product checks whether op(A) is mostly zeros (MNIST pixels are 81 %
 * zeros) and, when at most {@link SPARSE_FRACTION} of it is nonzero, multiplies only the nonzero
 * terms. Same bits as the dense kernel for finite B (see assembly/kernels.ts); a dense A costs one
 * short SIMD scan (counting stops once past the fraction).
 */
export const MIN_SPARSE_WORK = 1 << 20;
export const SPARSE_FRACTION = 0.4;
/** {@link SPARSE_FRACTION} in thousandths, as a recorded product passes it to the kernel (q / 1000 is the same double). */
export const SPARSE_PER_MILLE = Math.round(SPARSE_FRACTION * 1000);

export interface SparseLayout {
  /** Most nonzeros the path takes: {@link SPARSE_FRACTION} of A. */
  limit: number;
  row: number;
  col: number;
  val: number;
  bytes: number;
}

/**
 * Byte offsets in a product's scratch: op(A) transposed (transA only; at 0), then the CSR arrays
 * (row starts, column byte offsets into B, values) for at most `limit` nonzeros.
 */
export function sparseLayout(m: number, k: number, size: number, transA: boolean): SparseLayout {
  const limit = Math.floor(m * k * SPARSE_FRACTION);
  const row = transA ? alignUp(m * k * size) : 0;
  const col = row + alignUp((m + 1) * 4);
  const val = col + alignUp(limit * 4);
  return { limit, row, col, val, bytes: val + alignUp(limit * size) };
}
