import type { Replay } from './capture.js';
import { InvalidOptionError } from './errors.js';
import { type DType, type FloatArray, Matrix, allocate } from './matrix.js';

/**
 * The kernels that dominate training, over flat row-major buffers with explicit sizes. The
 * JavaScript backend ({@link jsBackend}) is the reference ("oracle"); a faster backend (e.g.
 * WebAssembly SIMD) implements the same interface and is installed with {@link setBackend}.
 * Every kernel must be deterministic: the same inputs give the same bits on every call.
 * Callers reach the installed backend's kernels through {@link kernels}.
 */
export interface KernelBackend {
  /** Short name shown to users, e.g. `"js"` or `"wasm-simd"`. */
  readonly name: string;
  /** Number of threads the backend uses (1 for the JavaScript backend). */
  readonly threads: number;
  /**
   * General matrix product `C ← α·op(A)·op(B) + β·C`, where `op(A)` is `m×k`, `op(B)` is `k×n`, `C` is `m×n`.
   * `A` is stored `m×k` (or `k×m` when `transA`), `B` is stored `k×n` (or `n×k` when `transB`).
   * With `β = 0`, `C` is overwritten (any NaN in it is ignored).
   */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    A: FloatArray,
    B: FloatArray,
    beta: number,
    C: FloatArray,
  ): void;
  /** `out[i, j] = A[i, j] + b[j]` for an `m×n` matrix `A` and a length-`n` vector `b`. */
  addRowVector(m: number, n: number, A: FloatArray, b: FloatArray, out: FloatArray): void;
  /** Column sums `out[j] = β·out[j] + Σ_i A[i, j]` of an `m×n` matrix. */
  sumRows(m: number, n: number, A: FloatArray, beta: number, out: FloatArray): void;

  // Optional kernels: when a backend lacks one, `kernels()` serves jsBackend's instead (decided
  // once, when the backend is installed; `backendInfo().jsFallbacks` lists them).

  /**
   * Fused bias + ReLU forward: `z[i, j] = A[i, j] + b[j]`, `a[i, j] = z[i, j] > 0 ? z[i, j] : 0`
   * for an `m×n` matrix `A` and a length-`n` vector `b` (`z` may alias `A`; `a` must not alias `z`).
   */
  addRowVectorRelu?(m: number, n: number, A: FloatArray, b: FloatArray, z: FloatArray, a: FloatArray): void;
  /** ReLU backward mask `dz[t] = z[t] > 0 ? da[t] : 0` over `size` elements (`dz` may alias `da`). */
  reluBackward?(size: number, z: FloatArray, da: FloatArray, dz: FloatArray): void;
  /**
   * A compiled form of @ffnn/optim's `adamStep` (the Adam/AdamW update, stated and documented there,
   * with the per-step scalars its caller computed): the same operations in the same order, so the
   * same bits, over `size` elements of `w`, `g`, `m`, `v`. Returns false, having written nothing,
   * when it cannot take these buffers (e.g. mixed dtypes); the caller then runs `adamStep` itself.
   * The JavaScript backend has none: its Adam is optim's function.
   */
  adamStep?(size: number, w: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, scalars: AdamStepScalars): boolean;
  /** Whether every one of the first `size` elements of `x` is finite (no NaN, no ±Infinity). */
  allFinite?(size: number, x: FloatArray): boolean;
  /** `out[t] = src[t] / divisor` for the first `size` bytes of `src`, rounded to `out`'s dtype (e.g. pixels / 255). */
  scaleBytes?(size: number, src: Uint8Array, divisor: number, out: FloatArray): void;
  /**
   * A zeroed buffer that the backend can use without copying (e.g. inside WebAssembly memory);
   * a plain typed array when it cannot. Matrices that live through training (weights, gradients,
   * optimizer state, activations) should be allocated here. The memory is reused once the returned
   * array is garbage collected, so keep the array itself (not only a subarray of it) while using it.
   */
  allocate?(dtype: DType, length: number): FloatArray;
  /** `out[t] = src[t]` for the first `size` elements (converted to `out`'s dtype). */
  copy?(size: number, src: FloatArray, out: FloatArray): void;
  /**
   * `out[t] = c·(a[t] − b[t])` for the first `size` elements, computed in float64 and rounded once
   * to `out`'s dtype (e.g. the mean-squared-error gradient, c = 2/size).
   */
  scaledDifference?(size: number, c: number, a: FloatArray, b: FloatArray, out: FloatArray): void;
  /**
   * `out[t] = (a[t] − b[t])/d` for the first `size` elements, computed in float64 and rounded once
   * to `out`'s dtype (e.g. the fused softmax cross-entropy gradient, d = batch rows).
   */
  differenceOver?(size: number, d: number, a: FloatArray, b: FloatArray, out: FloatArray): void;
  /** BLAS axpy `y[t] = y[t] + α·x[t]` for the first `size` elements, in float64 and rounded once (e.g. the L2 gradient λ·w). */
  axpy?(size: number, alpha: number, x: FloatArray, y: FloatArray): void;
  /** `y[t] = y[t] + α·sign(x[t])`, sign(0) = sign(NaN) = 0 (e.g. the L1 subgradient λ·sign(w)). */
  signAxpy?(size: number, alpha: number, x: FloatArray, y: FloatArray): void;
  /**
   * `out[t] = x[t]·(mask[t] ≠ 0 ? s : 0)` for the first `size` elements, the product in float64 and
   * rounded once (e.g. inverted dropout: a mask of kept units scales them by 1/(1 − p)).
   */
  maskedScale?(size: number, s: number, x: FloatArray, mask: FloatArray, out: FloatArray): void;
  /**
   * Row-wise softmax of a rows × cols matrix: per row, m = its maximum, `e_j = e^(z_j − m)` in
   * float64 with fdlibm's `exp`, stored in `a` (rounded to its dtype) while the float64 values are
   * summed into s, then `a_j = a_j/s` rounded once.
   */
  softmaxRows?(rows: number, cols: number, z: FloatArray, a: FloatArray): void;
  /**
   * Logistic sigmoid `a[t] = 1/(1 + e^(−z[t]))` (as `e^z/(1 + e^z)` for z < 0, so nothing overflows)
   * over `size` elements, in float64 with fdlibm's `exp` and rounded once to `a`'s dtype.
   */
  sigmoid?(size: number, z: FloatArray, a: FloatArray): void;
  /** Sigmoid backward from its output: `dz[t] = da[t]·a[t]·(1 − a[t])`, in float64 and rounded once. */
  sigmoidBackward?(size: number, a: FloatArray, da: FloatArray, dz: FloatArray): void;
  /** `a[t] = tanh(z[t])` over `size` elements, in float64 with fdlibm's `tanh` and rounded once to `a`'s dtype. */
  tanh?(size: number, z: FloatArray, a: FloatArray): void;
  /** tanh backward from its output: `dz[t] = da[t]·(1 − a[t]²)`, in float64 and rounded once. */
  tanhBackward?(size: number, a: FloatArray, da: FloatArray, dz: FloatArray): void;
  /**
   * GELU, tanh form: `a[t] = ½z(1 + th)`, th = tanh(√(2/π)(z + 0.044715z³)), over `size` elements, in
   * float64 with fdlibm's `tanh` and rounded once to `a`'s dtype. When `th` is given, each element's th
   * is stored there too, unrounded (float64 whatever `a`'s dtype), for {@link geluBackward}.
   */
  gelu?(size: number, z: FloatArray, a: FloatArray, th?: Float64Array): void;
  /**
   * GELU backward from its input and the forward's th (as {@link gelu} stored it):
   * `dz[t] = da[t]·[½(1 + th) + ½z(1 − th²)·√(2/π)·(1 + 3·0.044715z²)]`, in float64 and rounded once.
   */
  geluBackward?(size: number, z: FloatArray, da: FloatArray, dz: FloatArray, th: Float64Array): void;
  /** Leaky ReLU `a[t] = z[t] > 0 ? z[t] : α·z[t]` over `size` elements (the product rounded once to `a`'s dtype). */
  leakyRelu?(size: number, z: FloatArray, a: FloatArray, alpha: number): void;
  /** Leaky ReLU backward `dz[t] = z[t] > 0 ? da[t] : α·da[t]`. */
  leakyReluBackward?(size: number, z: FloatArray, da: FloatArray, dz: FloatArray, alpha: number): void;
  /**
   * `C ← α·S·op(B) + β·C` for an `m×k` matrix S in compressed sparse row form: row i's stored
   * entries are `values[t]` at columns `colIndex[t]`, t from `rowStart[i]` to `rowStart[i + 1] − 1`,
   * in column order. The same bits as {@link gemm} on S written out dense, for finite B (a product
   * skips S's zeros, which add nothing unless B holds ±∞ or NaN). B is `k×n`, or `n×k` when `transB`.
   */
  gemmCsr?(
    transB: boolean, m: number, n: number, k: number, alpha: number,
    rowStart: Int32Array, colIndex: Int32Array, values: FloatArray, B: FloatArray, beta: number, C: FloatArray,
  ): void;
  /**
   * Starts a capture (see `capture` in @ffnn/tensor): until {@link endCapture}, every kernel call
   * appends a record instead of computing, and a call that cannot be recorded throws `CaptureDeclined`.
   */
  beginCapture?(): void;
  /** Ends a capture: the recorded calls as one replay, or undefined when `declined` (nothing is kept). */
  endCapture?(declined: boolean): Replay | undefined;
  /** Releases threads and memory; the backend must not be used afterwards. */
  dispose?(): void;
}

/**
 * The per-step scalars of {@link KernelBackend.adamStep}, each defined (and computed) by
 * @ffnn/optim's `adamScalars`: the kernel only reads them.
 */
export interface AdamStepScalars {
  /** Multiplies the first moment in the parameter update. */
  readonly stepSize: number;
  /** Divides the root of the second moment. */
  readonly bc2Sqrt: number;
  /** Multiplies the old first moment. */
  readonly beta1: number;
  /** Multiplies the gradient added to the first moment. */
  readonly rest1: number;
  /** Multiplies the old second moment. */
  readonly beta2: number;
  /** Multiplies the squared gradient added to the second moment. */
  readonly rest2: number;
  /** Added to the denominator. */
  readonly eps: number;
  /** λ, multiplying w when `coupled`. */
  readonly weightDecay: number;
  /** Multiplies w when `decoupled`. */
  readonly decay: number;
  /** Whether λ·w joins the gradient (Adam's L2 penalty). */
  readonly coupled: boolean;
  /** Whether w is scaled by `decay` first (AdamW). */
  readonly decoupled: boolean;
}

/** Reference fused bias + ReLU forward (see {@link KernelBackend.addRowVectorRelu}). */
export function jsAddRowVectorRelu(m: number, n: number, A: FloatArray, b: FloatArray, z: FloatArray, a: FloatArray): void {
  for (let i = 0; i < m; i++) {
    const r = i * n;
    for (let j = 0; j < n; j++) {
      const v = A[r + j]! + b[j]!;
      z[r + j] = v;
      // Read back the stored value so a float32 z and a agree exactly.
      const zv = z[r + j]!;
      a[r + j] = zv > 0 ? zv : 0;
    }
  }
}

/** Reference ReLU backward mask (see {@link KernelBackend.reluBackward}). */
export function jsReluBackward(size: number, z: FloatArray, da: FloatArray, dz: FloatArray): void {
  for (let t = 0; t < size; t++) dz[t] = z[t]! > 0 ? da[t]! : 0;
}

/** Reference copy (see {@link KernelBackend.copy}). */
export function jsCopy(size: number, src: FloatArray, out: FloatArray): void {
  out.set(src.length === size ? src : src.subarray(0, size));
}

/** Reference scaled difference (see {@link KernelBackend.scaledDifference}). */
export function jsScaledDifference(size: number, c: number, a: FloatArray, b: FloatArray, out: FloatArray): void {
  for (let t = 0; t < size; t++) out[t] = c * (a[t]! - b[t]!);
}

/** Reference difference over a divisor (see {@link KernelBackend.differenceOver}). */
export function jsDifferenceOver(size: number, d: number, a: FloatArray, b: FloatArray, out: FloatArray): void {
  for (let t = 0; t < size; t++) out[t] = (a[t]! - b[t]!) / d;
}

/** Reference axpy (see {@link KernelBackend.axpy}). */
export function jsAxpy(size: number, alpha: number, x: FloatArray, y: FloatArray): void {
  for (let t = 0; t < size; t++) y[t] = y[t]! + alpha * x[t]!;
}

/** Reference masked scale (see {@link KernelBackend.maskedScale}). */
export function jsMaskedScale(size: number, s: number, x: FloatArray, mask: FloatArray, out: FloatArray): void {
  for (let t = 0; t < size; t++) out[t] = x[t]! * (mask[t] !== 0 ? s : 0);
}

/** Reference sign axpy (see {@link KernelBackend.signAxpy}). */
export function jsSignAxpy(size: number, alpha: number, x: FloatArray, y: FloatArray): void {
  for (let t = 0; t < size; t++) {
    const v = x[t]!;
    y[t] = y[t]! + (v > 0 ? alpha : v < 0 ? -alpha : 0);
  }
}

/** Reference row-wise softmax (see {@link KernelBackend.softmaxRows}; `Math.exp` as in {@link jsSigmoid}). */
export function jsSoftmaxRows(rows: number, cols: number, z: FloatArray, a: FloatArray): void {
  for (let i = 0; i < rows; i++) {
    const r = i * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) if (z[r + j]! > m) m = z[r + j]!;
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(z[r + j]! - m);
      a[r + j] = e;
      s += e;
    }
    for (let j = 0; j < cols; j++) a[r + j] = a[r + j]! / s;
  }
}

/**
 * Reference sigmoid (see {@link KernelBackend.sigmoid}). `Math.exp` is fdlibm's `exp` on V8 (Node,
 * Chromium): the bits of `portableExp`, which the wasm kernel uses (a test checks it); it is about
 * three times faster than the portable port. Other engines may differ in the last bit.
 */
export function jsSigmoid(size: number, z: FloatArray, a: FloatArray): void {
  for (let t = 0; t < size; t++) {
    const v = z[t]!;
    if (v >= 0) a[t] = 1 / (1 + Math.exp(-v));
    else {
      const e = Math.exp(v);
      a[t] = e / (1 + e);
    }
  }
}

/** Reference sigmoid backward (see {@link KernelBackend.sigmoidBackward}). */
export function jsSigmoidBackward(size: number, a: FloatArray, da: FloatArray, dz: FloatArray): void {
  for (let t = 0; t < size; t++) {
    const v = a[t]!;
    dz[t] = da[t]! * v * (1 - v);
  }
}

/** Reference tanh (see {@link KernelBackend.tanh}); `Math.tanh` is fdlibm's on V8, the bits of `portableTanh` (see {@link jsSigmoid}). */
export function jsTanh(size: number, z: FloatArray, a: FloatArray): void {
  for (let t = 0; t < size; t++) a[t] = Math.tanh(z[t]!);
}

/** Reference tanh backward (see {@link KernelBackend.tanhBackward}). */
export function jsTanhBackward(size: number, a: FloatArray, da: FloatArray, dz: FloatArray): void {
  for (let t = 0; t < size; t++) {
    const v = a[t]!;
    dz[t] = da[t]! * (1 - v * v);
  }
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** Reference GELU (see {@link KernelBackend.gelu}); `Math.tanh` is fdlibm's on V8 (see {@link jsTanh}). */
export function jsGelu(size: number, z: FloatArray, a: FloatArray, th?: Float64Array): void {
  for (let t = 0; t < size; t++) {
    const v = z[t]!;
    const h = Math.tanh(GELU_C * (v + 0.044715 * v * v * v));
    a[t] = 0.5 * v * (1 + h);
    if (th) th[t] = h;
  }
}

/** Reference GELU backward (see {@link KernelBackend.geluBackward}). */
export function jsGeluBackward(size: number, z: FloatArray, da: FloatArray, dz: FloatArray, th: Float64Array): void {
  for (let t = 0; t < size; t++) {
    const v = z[t]!, h = th[t]!;
    const d = 0.5 * (1 + h) + 0.5 * v * (1 - h * h) * GELU_C * (1 + 3 * 0.044715 * v * v);
    dz[t] = da[t]! * d;
  }
}

/** Reference leaky ReLU (see {@link KernelBackend.leakyRelu}). */
export function jsLeakyRelu(size: number, z: FloatArray, a: FloatArray, alpha: number): void {
  for (let t = 0; t < size; t++) {
    const v = z[t]!;
    a[t] = v > 0 ? v : alpha * v;
  }
}

/** Reference leaky ReLU backward (see {@link KernelBackend.leakyReluBackward}). */
export function jsLeakyReluBackward(size: number, z: FloatArray, da: FloatArray, dz: FloatArray, alpha: number): void {
  for (let t = 0; t < size; t++) dz[t] = z[t]! > 0 ? da[t]! : alpha * da[t]!;
}

/** Reference finiteness check (see {@link KernelBackend.allFinite}). */
export function jsAllFinite(size: number, x: FloatArray): boolean {
  for (let t = 0; t < size; t++) if (!Number.isFinite(x[t]!)) return false;
  return true;
}

/** Reference bytes-to-floats conversion (see {@link KernelBackend.scaleBytes}). */
export function jsScaleBytes(size: number, src: Uint8Array, divisor: number, out: FloatArray): void {
  for (let t = 0; t < size; t++) out[t] = src[t]! / divisor;
}

// Coefficients α·op(A)[i,p] and row offsets p·n of the nonzero terms gathered for a row of C (and
// the coefficients of the row below, when the two rows' terms fall at the same p).
const GROUP_COEF = new Float64Array(8);
const GROUP_ROW = new Int32Array(8);
const PAIR_COEF = new Float64Array(8);
const PAIR_ROW = new Int32Array(8);

/** C[ci + j] += Σ_{t<8} coef[t]·B[row[t] + j], the terms added in turn to a register copy. */
function addTerms8(C: FloatArray, B: FloatArray, ci: number, n: number, coef: Float64Array, row: Int32Array): void {
  const a0 = coef[0]!, a1 = coef[1]!, a2 = coef[2]!, a3 = coef[3]!, a4 = coef[4]!, a5 = coef[5]!, a6 = coef[6]!, a7 = coef[7]!;
  const b0 = row[0]!, b1 = row[1]!, b2 = row[2]!, b3 = row[3]!, b4 = row[4]!, b5 = row[5]!, b6 = row[6]!, b7 = row[7]!;
  for (let j = 0; j < n; j++) {
    let c = C[ci + j]! + a0 * B[b0 + j]!;
    c += a1 * B[b1 + j]!;
    c += a2 * B[b2 + j]!;
    c += a3 * B[b3 + j]!;
    c += a4 * B[b4 + j]!;
    c += a5 * B[b5 + j]!;
    c += a6 * B[b6 + j]!;
    C[ci + j] = c + a7 * B[b7 + j]!;
  }
}

/**
 * {@link addTerms8} for two rows of C at once (ci, and ci + n below it) whose eight terms multiply
 * the same rows of B: each B element is loaded once for both. Each row gets exactly the operations
 * of addTerms8.
 */
function addTerms8x2(C: FloatArray, B: FloatArray, ci: number, n: number, coef: Float64Array, under: Float64Array, row: Int32Array): void {
  const a0 = coef[0]!, a1 = coef[1]!, a2 = coef[2]!, a3 = coef[3]!, a4 = coef[4]!, a5 = coef[5]!, a6 = coef[6]!, a7 = coef[7]!;
  const e0 = under[0]!, e1 = under[1]!, e2 = under[2]!, e3 = under[3]!, e4 = under[4]!, e5 = under[5]!, e6 = under[6]!, e7 = under[7]!;
  const b0 = row[0]!, b1 = row[1]!, b2 = row[2]!, b3 = row[3]!, b4 = row[4]!, b5 = row[5]!, b6 = row[6]!, b7 = row[7]!;
  const cu = ci + n;
  for (let j = 0; j < n; j++) {
    const x0 = B[b0 + j]!, x1 = B[b1 + j]!, x2 = B[b2 + j]!, x3 = B[b3 + j]!;
    let c = C[ci + j]! + a0 * x0;
    let d = C[cu + j]! + e0 * x0;
    c += a1 * x1;
    d += e1 * x1;
    c += a2 * x2;
    d += e2 * x2;
    c += a3 * x3;
    d += e3 * x3;
    const x4 = B[b4 + j]!, x5 = B[b5 + j]!, x6 = B[b6 + j]!, x7 = B[b7 + j]!;
    c += a4 * x4;
    d += e4 * x4;
    c += a5 * x5;
    d += e5 * x5;
    c += a6 * x6;
    d += e6 * x6;
    C[ci + j] = c + a7 * x7;
    C[cu + j] = d + e7 * x7;
  }
}

/** Four terms from `from` on, as {@link addTerms8}. */
function addTerms4(C: FloatArray, B: FloatArray, ci: number, n: number, coef: Float64Array, row: Int32Array, from: number): void {
  const a0 = coef[from]!, a1 = coef[from + 1]!, a2 = coef[from + 2]!, a3 = coef[from + 3]!;
  const b0 = row[from]!, b1 = row[from + 1]!, b2 = row[from + 2]!, b3 = row[from + 3]!;
  for (let j = 0; j < n; j++) {
    let c = C[ci + j]! + a0 * B[b0 + j]!;
    c += a1 * B[b1 + j]!;
    c += a2 * B[b2 + j]!;
    C[ci + j] = c + a3 * B[b3 + j]!;
  }
}

/** The terms left in a row's last, partial group: four as one group when there are, then one at a time. */
function addRest(C: FloatArray, B: FloatArray, ci: number, n: number, coef: Float64Array, row: Int32Array, count: number): void {
  let t = 0;
  if (count >= 4) {
    addTerms4(C, B, ci, n, coef, row, 0);
    t = 4;
  }
  for (; t < count; t++) {
    const a0 = coef[t]!, b0 = row[t]!;
    for (let j = 0; j < n; j++) C[ci + j] = C[ci + j]! + a0 * B[b0 + j]!;
  }
}

/**
 * Reference product of a sparse S (see {@link KernelBackend.gemmCsr}): jsBackend.gemm's operations
 * on S's stored entries. Without `transB`, each row of C takes its nonzero terms α·s in column
 * order, eight at a time, as gemm takes a dense row's (which skips its zero terms too); with
 * `transB`, each C[i, j] adds α times the dot product over the stored entries, in column order.
 */
export function jsGemmCsr(
  transB: boolean, m: number, n: number, k: number, alpha: number,
  rowStart: Int32Array, colIndex: Int32Array, values: FloatArray, B: FloatArray, beta: number, C: FloatArray,
): void {
  const size = m * n;
  if (beta === 0) C.fill(0, 0, size);
  else if (beta !== 1) for (let t = 0; t < size; t++) C[t] = beta * C[t]!;
  if (k === 0 || alpha === 0) return;
  for (let i = 0; i < m; i++) {
    const ci = i * n, end = rowStart[i + 1]!;
    if (!transB) {
      const coef = GROUP_COEF, row = GROUP_ROW;
      let count = 0;
      for (let t = rowStart[i]!; t < end; t++) {
        const a = alpha * values[t]!;
        if (a === 0) continue;
        coef[count] = a;
        row[count] = colIndex[t]! * n;
        if (++count === 8) {
          addTerms8(C, B, ci, n, coef, row);
          count = 0;
        }
      }
      addRest(C, B, ci, n, coef, row, count);
    } else {
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s = 0;
        for (let t = rowStart[i]!; t < end; t++) s += values[t]! * B[bj + colIndex[t]!]!;
        C[ci + j] = C[ci + j]! + alpha * s;
      }
    }
  }
}

/** C[i,:] += α op(A)[i,p] B[p,:] for the one row of C at `ci`: its nonzero terms in p order, eight at a time (see jsBackend.gemm). */
function rowTerms(A: FloatArray, ai: number, sAp: number, k: number, alpha: number, B: FloatArray, C: FloatArray, ci: number, n: number): void {
  const coef = GROUP_COEF, row = GROUP_ROW;
  let count = 0;
  for (let p = 0; p < k; p++) {
    const a = alpha * A[ai + p * sAp]!;
    if (a === 0) continue;
    coef[count] = a;
    row[count] = p * n;
    if (++count === 8) {
      addTerms8(C, B, ci, n, coef, row);
      count = 0;
    }
  }
  addRest(C, B, ci, n, coef, row, count);
}

function sameTerms(row: Int32Array, other: Int32Array): boolean {
  for (let t = 0; t < 8; t++) if (row[t] !== other[t]) return false;
  return true;
}

/**
 * C[i,:] += α op(A)[i,p] B[p,:] for rows i0 and i0 + 1 of C (B not transposed): each row's nonzero
 * terms in p order, gathered eight at a time (see jsBackend.gemm). While both rows have their
 * nonzeros at the same p (dense A), their groups go through {@link addTerms8x2} together.
 */
function rowPairTerms(A: FloatArray, ai: number, sAi: number, sAp: number, k: number, alpha: number, B: FloatArray, C: FloatArray, ci: number, n: number): void {
  const coef = GROUP_COEF, row = GROUP_ROW, under = PAIR_COEF, rowUnder = PAIR_ROW;
  const au = ai + sAi;
  let count = 0, countUnder = 0;
  for (let p = 0; p < k; p++) {
    const a = alpha * A[ai + p * sAp]!;
    const e = alpha * A[au + p * sAp]!;
    if (a !== 0) {
      coef[count] = a;
      row[count++] = p * n;
    }
    if (e !== 0) {
      under[countUnder] = e;
      rowUnder[countUnder++] = p * n;
    }
    if (count === 8 && countUnder === 8 && sameTerms(row, rowUnder)) {
      addTerms8x2(C, B, ci, n, coef, under, row);
      count = countUnder = 0;
    } else {
      if (count === 8) {
        addTerms8(C, B, ci, n, coef, row);
        count = 0;
      }
      if (countUnder === 8) {
        addTerms8(C, B, ci + n, n, under, rowUnder);
        countUnder = 0;
      }
    }
  }
  addRest(C, B, ci, n, coef, row, count);
  addRest(C, B, ci + n, n, under, rowUnder, countUnder);
}

/** The reference backend: plain JavaScript loops in a cache-friendly order. */
export const jsBackend: KernelBackend = {
  name: 'js',
  threads: 1,
  gemm(transA, transB, m, n, k, alpha, A, B, beta, C) {
    const size = m * n;
    if (beta === 0) C.fill(0, 0, size);
    else if (beta !== 1) for (let t = 0; t < size; t++) C[t] = beta * C[t]!;
    if (k === 0 || alpha === 0) return;
    if (!transB) {
      // C[i,:] += α op(A)[i,p] B[p,:] over p in order (i-p-j streams rows of B and C), skipping zero
      // coefficients. Nonzero terms are gathered eight at a time and each is added in turn to a
      // register copy of C[i,j]: the same float64 operations as one term at a time (so float64
      // results do not depend on the grouping), with an eighth of the loads and stores of C (and of
      // the float32 roundings for a Float32Array C).
      const sAi = transA ? 1 : k;
      const sAp = transA ? m : 1;
      let i = 0;
      // Two rows at a time share the loads of B where their terms line up (always, for a dense A).
      for (; i + 2 <= m; i += 2) rowPairTerms(A, i * sAi, sAi, sAp, k, alpha, B, C, i * n, n);
      for (; i < m; i++) rowTerms(A, i * sAi, sAp, k, alpha, B, C, i * n, n);
    } else {
      // B stored n×k: C[i,j] += α Σ_p op(A)[i,p] B[j,p], each dot product summed over p in order;
      // four columns at a time share the loads of op(A)[i,p].
      const sAi = transA ? 1 : k;
      const sAp = transA ? m : 1;
      let i = 0;
      // Two rows × four columns per pass: eight dot products share the loads of A and B.
      for (; i + 2 <= m; i += 2) {
        const ai = i * sAi;
        const ai1 = ai + sAi;
        const ci = i * n;
        let j = 0;
        for (; j + 4 <= n; j += 4) {
          const bj = j * k;
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
          for (let p = 0; p < k; p++) {
            const a = A[ai + p * sAp]!;
            const e = A[ai1 + p * sAp]!;
            const x0 = B[bj + p]!, x1 = B[bj + k + p]!, x2 = B[bj + 2 * k + p]!, x3 = B[bj + 3 * k + p]!;
            s0 += a * x0;
            s1 += a * x1;
            s2 += a * x2;
            s3 += a * x3;
            t0 += e * x0;
            t1 += e * x1;
            t2 += e * x2;
            t3 += e * x3;
          }
          C[ci + j] = C[ci + j]! + alpha * s0;
          C[ci + j + 1] = C[ci + j + 1]! + alpha * s1;
          C[ci + j + 2] = C[ci + j + 2]! + alpha * s2;
          C[ci + j + 3] = C[ci + j + 3]! + alpha * s3;
          C[ci + n + j] = C[ci + n + j]! + alpha * t0;
          C[ci + n + j + 1] = C[ci + n + j + 1]! + alpha * t1;
          C[ci + n + j + 2] = C[ci + n + j + 2]! + alpha * t2;
          C[ci + n + j + 3] = C[ci + n + j + 3]! + alpha * t3;
        }
        for (; j < n; j++) {
          const bj = j * k;
          let s = 0, t = 0;
          for (let p = 0; p < k; p++) {
            const x = B[bj + p]!;
            s += A[ai + p * sAp]! * x;
            t += A[ai1 + p * sAp]! * x;
          }
          C[ci + j] = C[ci + j]! + alpha * s;
          C[ci + n + j] = C[ci + n + j]! + alpha * t;
        }
      }
      for (; i < m; i++) {
        const ai = i * sAi;
        const ci = i * n;
        let j = 0;
        for (; j + 4 <= n; j += 4) {
          const bj = j * k;
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
          for (let p = 0; p < k; p++) {
            const a = A[ai + p * sAp]!;
            s0 += a * B[bj + p]!;
            s1 += a * B[bj + k + p]!;
            s2 += a * B[bj + 2 * k + p]!;
            s3 += a * B[bj + 3 * k + p]!;
          }
          C[ci + j] = C[ci + j]! + alpha * s0;
          C[ci + j + 1] = C[ci + j + 1]! + alpha * s1;
          C[ci + j + 2] = C[ci + j + 2]! + alpha * s2;
          C[ci + j + 3] = C[ci + j + 3]! + alpha * s3;
        }
        for (; j < n; j++) {
          const bj = j * k;
          let s = 0;
          for (let p = 0; p < k; p++) s += A[ai + p * sAp]! * B[bj + p]!;
          C[ci + j] = C[ci + j]! + alpha * s;
        }
      }
    }
  },
  addRowVector(m, n, A, b, out) {
    for (let i = 0; i < m; i++) {
      const r = i * n;
      for (let j = 0; j < n; j++) out[r + j] = A[r + j]! + b[j]!;
    }
  },
  sumRows(m, n, A, beta, out) {
    if (beta === 0) out.fill(0, 0, n);
    else if (beta !== 1) for (let j = 0; j < n; j++) out[j] = beta * out[j]!;
    for (let i = 0; i < m; i++) {
      const r = i * n;
      for (let j = 0; j < n; j++) out[j] = out[j]! + A[r + j]!;
    }
  },
  ...references(),
};

/** Optional kernels that jsBackend has, so every installed backend gets one (its own or jsBackend's). */
const FILLED = [
  'addRowVectorRelu', 'reluBackward', 'allFinite', 'scaleBytes', 'allocate', 'copy', 'scaledDifference', 'differenceOver',
  'axpy', 'signAxpy', 'maskedScale', 'softmaxRows', 'sigmoid', 'sigmoidBackward', 'tanh', 'tanhBackward', 'gelu', 'geluBackward', 'leakyRelu', 'leakyReluBackward',
  'gemmCsr',
] as const;
type Filled = (typeof FILLED)[number];

const CORE = ['gemm', 'addRowVector', 'sumRows'] as const;

/** The JavaScript references of the optional kernels. */
function references(): Required<Pick<KernelBackend, Filled>> {
  return {
    addRowVectorRelu: jsAddRowVectorRelu, reluBackward: jsReluBackward, allFinite: jsAllFinite, scaleBytes: jsScaleBytes, allocate,
    copy: jsCopy, scaledDifference: jsScaledDifference, differenceOver: jsDifferenceOver, axpy: jsAxpy, signAxpy: jsSignAxpy, maskedScale: jsMaskedScale, softmaxRows: jsSoftmaxRows,
    sigmoid: jsSigmoid, sigmoidBackward: jsSigmoidBackward,
    tanh: jsTanh, tanhBackward: jsTanhBackward, gelu: jsGelu, geluBackward: jsGeluBackward, leakyRelu: jsLeakyRelu, leakyReluBackward: jsLeakyReluBackward,
    gemmCsr: jsGemmCsr,
  };
}

/**
 * The kernels of the installed backend, as {@link kernels} returns them: the core kernels, every
 * optional kernel (the backend's own, else jsBackend's), and `adamStep` only where the backend
 * has it (a compiled form of @ffnn/optim's `adamStep`, which has no JavaScript copy here).
 */
export type Kernels = Pick<KernelBackend, 'gemm' | 'addRowVector' | 'sumRows' | 'adamStep'> & Required<Pick<KernelBackend, Filled>>;

/** The one fallback mechanism: `backend`'s kernels, each optional one it lacks filled in from jsBackend. */
function kernelsOf(backend: KernelBackend): Kernels {
  const js = references();
  const filled = Object.fromEntries(FILLED.map((name) => [name, backend[name]?.bind(backend) ?? js[name]])) as Required<Pick<KernelBackend, Filled>>;
  const k: Kernels = { gemm: backend.gemm.bind(backend), addRowVector: backend.addRowVector.bind(backend), sumRows: backend.sumRows.bind(backend), ...filled };
  if (backend.adamStep) k.adamStep = backend.adamStep.bind(backend);
  return k;
}

let current: KernelBackend = jsBackend;
let currentKernels: Kernels = kernelsOf(jsBackend);

function install(backend: KernelBackend): void {
  current = backend;
  currentKernels = kernelsOf(backend);
}

/**
 * A zeroed `rows × cols` matrix in memory the installed backend uses without copying
 * (`backend.allocate`, e.g. WebAssembly memory), or an ordinary one. Its data is a plain
 * `Float32Array`/`Float64Array` either way and works with every backend, including one installed later.
 */
export function allocateMatrix(rows: number, cols: number, dtype: DType = 'float64'): Matrix {
  return new Matrix(rows, cols, currentKernels.allocate(dtype, rows * cols));
}

/** The backend every tensor operation currently uses. */
export function getBackend(): KernelBackend {
  return current;
}

/**
 * The installed backend's kernels, each optional kernel it lacks served by jsBackend's (see
 * {@link backendInfo}). Operations call kernels through this, never `getBackend()`'s members.
 */
export function kernels(): Kernels {
  return currentKernels;
}

/** What {@link backendInfo} and `useFastestBackend` report. */
export interface BackendInfo {
  /** `"wasm-simd"`, `"js"`, or a custom backend's name. */
  name: string;
  /** Threads used for matrix products. */
  threads: number;
  /** Optional kernels the backend lacks, which run as jsBackend's JavaScript instead (empty for the built-in backends). */
  jsFallbacks: string[];
}

/**
 * The installed backend: its name, its threads, and which optional kernels fall back to JavaScript.
 *
 * @example
 * ```ts
 * await useFastestBackend();
 * console.log(backendInfo()); // { name: 'wasm-simd', threads: 2, jsFallbacks: [] } where SIMD exists
 * ```
 */
export function backendInfo(): BackendInfo {
  return { name: current.name, threads: current.threads, jsFallbacks: FILLED.filter((name) => current[name] === undefined) };
}

/** Installs `backend` for all later operations and returns the previous one. */
export function setBackend(backend: KernelBackend): KernelBackend {
  if (typeof backend?.name !== 'string' || CORE.some((name) => typeof backend[name] !== 'function')) {
    throw new InvalidOptionError(`setBackend: expected a KernelBackend with a name and the ${CORE.join(', ')} kernels`);
  }
  const previous = current;
  install(backend);
  return previous;
}

/** Runs `fn` with `backend` installed, then restores the previous backend (even if `fn` throws). */
export function withBackend<T>(backend: KernelBackend, fn: () => T): T {
  const previous = setBackend(backend);
  try {
    return fn();
  } finally {
    install(previous);
  }
}
