import { kernels } from './backend.js';
import { hostCompute } from './capture.js';
import { InvalidOptionError, ShapeError, checkNumber } from './errors.js';
import { Matrix, assertSameShape, assertShape } from './matrix.js';

/**
 * Fused kernels of a training step on {@link Matrix}, on the installed backend's optional kernels
 * (see `kernels()`: the backend's own, e.g. WebAssembly SIMD, else the JavaScript reference).
 */

/**
 * Dense + ReLU forward after the product: `z = X + b` (b a 1×cols row, broadcast over rows),
 * `a = max(0, z)` (NaN gives 0). `z` may alias `X`; `a` must not alias `z`.
 */
export function biasReluForward(X: Matrix, b: Matrix, z: Matrix, a: Matrix): void {
  assertShape('biasReluForward bias', b, 1, X.cols);
  assertSameShape('biasReluForward z', X, z);
  assertSameShape('biasReluForward a', X, a);
  kernels().addRowVectorRelu(X.rows, X.cols, X.data, b.data, z.data, a.data);
}

/** ReLU backward: `dz = da ⊙ 1[z > 0]` (the derivative at z = 0 is taken as 0). `dz` may alias `da`. */
export function reluBackward(z: Matrix, da: Matrix, dz: Matrix): void {
  assertSameShape('reluBackward da', z, da);
  assertSameShape('reluBackward dz', z, dz);
  kernels().reluBackward(z.size, z.data, da.data, dz.data);
}

/**
 * `out = c·(A − B)` element-wise, each element computed in float64 and rounded once to `out`'s
 * dtype (e.g. the mean-squared-error gradient 2(a − y)/n with c = 2/n). `out` may alias `A` or `B`.
 */
export function scaledDifference(c: number, A: Matrix, B: Matrix, out: Matrix): void {
  assertSameShape('scaledDifference', A, B);
  assertSameShape('scaledDifference output', A, out);
  kernels().scaledDifference(A.size, c, A.data, B.data, out.data);
}

/** `out = (A − B)/d` element-wise, computed in float64 and rounded once (e.g. the softmax cross-entropy gradient, d = rows). */
export function differenceOver(d: number, A: Matrix, B: Matrix, out: Matrix): void {
  assertSameShape('differenceOver', A, B);
  assertSameShape('differenceOver output', A, out);
  kernels().differenceOver(A.size, d, A.data, B.data, out.data);
}

/**
 * Row-wise softmax `a_ij = e^(z_ij − m_i) / Σ_k e^(z_ik − m_i)`, m_i the row's maximum (so every
 * exponential is ≤ 1): the exponentials in float64 with fdlibm's `exp`, summed in float64, each
 * stored in `a`'s dtype and divided by the sum.
 */
export function softmaxRows(z: Matrix, a: Matrix): void {
  assertSameShape('softmaxRows', z, a);
  kernels().softmaxRows(z.rows, z.cols, z.data, a.data);
}

/**
 * Logistic sigmoid `a = 1/(1 + e^(−z))` element-wise, computed as `e^z/(1 + e^z)` for z < 0 so that
 * nothing overflows; in float64 with fdlibm's `exp` (`Math.exp` on V8, `portableExp` in WebAssembly:
 * the same bits), rounded once to `a`'s dtype, so the backends give the same bits on V8. `a` may alias `z`.
 */
export function sigmoid(z: Matrix, a: Matrix): void {
  assertSameShape('sigmoid', z, a);
  kernels().sigmoid(z.size, z.data, a.data);
}

/** Sigmoid backward from its output `a`: `dz = da ⊙ a ⊙ (1 − a)`, in float64 rounded once. `dz` may alias `da`. */
export function sigmoidBackward(a: Matrix, da: Matrix, dz: Matrix): void {
  assertSameShape('sigmoidBackward da', a, da);
  assertSameShape('sigmoidBackward dz', a, dz);
  kernels().sigmoidBackward(a.size, a.data, da.data, dz.data);
}

/**
 * `a = tanh(z)` element-wise, in float64 with fdlibm's `tanh` (`Math.tanh` on V8, `portableTanh` in
 * WebAssembly: the same bits), rounded once to `a`'s dtype, so the backends give the same bits on V8.
 * `a` may alias `z`.
 */
export function tanh(z: Matrix, a: Matrix): void {
  assertSameShape('tanh', z, a);
  kernels().tanh(z.size, z.data, a.data);
}

/** tanh backward from its output `a`: `dz = da ⊙ (1 − a²)`, in float64 rounded once. `dz` may alias `da`. */
export function tanhBackward(a: Matrix, da: Matrix, dz: Matrix): void {
  assertSameShape('tanhBackward da', a, da);
  assertSameShape('tanhBackward dz', a, dz);
  kernels().tanhBackward(a.size, a.data, da.data, dz.data);
}

/**
 * GELU, tanh form (PyTorch's `approximate='tanh'`): `a = ½z(1 + th)`, th = tanh(√(2/π)(z + 0.044715z³)),
 * element-wise, in float64 with fdlibm's `tanh` (the same bits on every backend on V8), rounded once
 * to `a`'s dtype. `a` may alias `z`. Given `th` (a float64 matrix of z's shape, whatever z's dtype),
 * each element's th is stored there as computed, for {@link geluBackward} to read instead of computing
 * it again.
 */
export function gelu(z: Matrix, a: Matrix, th?: Matrix): void {
  assertSameShape('gelu', z, a);
  kernels().gelu(z.size, z.data, a.data, th === undefined ? undefined : tanhOf('gelu', z, th));
}

/**
 * GELU backward: `dz = da ⊙ [½(1 + th) + ½z(1 − th²)·√(2/π)·(1 + 3·0.044715z²)]`, in float64 rounded
 * once, th as `gelu(z, a, th)` stored it. Without `th`, it is first computed here by that same kernel
 * into temporary buffers (the same bits; a second tanh per element). `dz` may alias `da`.
 */
export function geluBackward(z: Matrix, da: Matrix, dz: Matrix, th?: Matrix): void {
  assertSameShape('geluBackward da', z, da);
  assertSameShape('geluBackward dz', z, dz);
  let saved: Float64Array;
  if (th === undefined) {
    saved = new Float64Array(z.size);
    kernels().gelu(z.size, z.data, Matrix.zeros(z.rows, z.cols, z.dtype).data, saved);
  } else {
    saved = tanhOf('geluBackward', z, th);
  }
  kernels().geluBackward(z.size, z.data, da.data, dz.data, saved);
}

/** GELU's `th` argument: a float64 matrix of z's shape. */
function tanhOf(what: string, z: Matrix, th: Matrix): Float64Array {
  assertSameShape(`${what} th`, z, th);
  if (!(th.data instanceof Float64Array)) throw new InvalidOptionError(`${what}: th must be float64 (the unrounded tanh), got ${th.dtype}`);
  return th.data;
}

/** Leaky ReLU `a = z > 0 ? z : α·z` element-wise (the product rounded once to `a`'s dtype). `a` may alias `z`. */
export function leakyRelu(z: Matrix, a: Matrix, alpha: number): void {
  assertSameShape('leakyRelu', z, a);
  kernels().leakyRelu(z.size, z.data, a.data, alpha);
}

/** Leaky ReLU backward `dz = z > 0 ? da : α·da` element-wise. `dz` may alias `da`. */
export function leakyReluBackward(z: Matrix, da: Matrix, dz: Matrix, alpha: number): void {
  assertSameShape('leakyReluBackward da', z, da);
  assertSameShape('leakyReluBackward dz', z, dz);
  kernels().leakyReluBackward(z.size, z.data, da.data, dz.data, alpha);
}

/**
 * Bytes to floats: `out[t] = bytes[t] / divisor` (row-major, `bytes.length` = `out.size`), the
 * division in float64 rounded to `out`'s dtype, on the installed backend. For pixels: divisor 255.
 */
export function bytesToFloat(bytes: Uint8Array, divisor: number, out: Matrix): Matrix {
  if (bytes.length !== out.size) {
    throw new ShapeError(`bytesToFloat: ${bytes.length} bytes for a ${out.rows}×${out.cols} output (${out.size} elements)`);
  }
  checkNumber('divisor', divisor, (v) => v !== 0, 'a finite nonzero number');
  hostCompute('bytesToFloat');
  kernels().scaleBytes(out.size, bytes, divisor, out.data);
  return out;
}
