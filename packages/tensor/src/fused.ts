import {
  getBackend, jsAddRowVectorRelu, jsAdamUpdate, jsReluBackward, jsScaleBytes, jsScaledDifference, jsSigmoid, jsSigmoidBackward,
  jsLeakyRelu, jsLeakyReluBackward, jsTanh, jsTanhBackward,
} from './backend.js';
import { hostCompute } from './capture.js';
import { ShapeError, checkNumber } from './errors.js';
import { type Matrix, assertSameShape, assertShape } from './matrix.js';

/**
 * Fused kernels of a training step on {@link Matrix}. Each uses the installed backend's optional
 * kernel when it has one (e.g. WebAssembly SIMD) and the JavaScript reference otherwise.
 */

/**
 * Dense + ReLU forward after the product: `z = X + b` (b a 1×cols row, broadcast over rows),
 * `a = max(0, z)` (NaN gives 0). `z` may alias `X`; `a` must not alias `z`.
 */
export function biasReluForward(X: Matrix, b: Matrix, z: Matrix, a: Matrix): void {
  assertShape('biasReluForward bias', b, 1, X.cols);
  assertSameShape('biasReluForward z', X, z);
  assertSameShape('biasReluForward a', X, a);
  const backend = getBackend();
  if (backend.addRowVectorRelu) backend.addRowVectorRelu(X.rows, X.cols, X.data, b.data, z.data, a.data);
  else jsAddRowVectorRelu(X.rows, X.cols, X.data, b.data, z.data, a.data);
}

/** ReLU backward: `dz = da ⊙ 1[z > 0]` (the derivative at z = 0 is taken as 0). `dz` may alias `da`. */
export function reluBackward(z: Matrix, da: Matrix, dz: Matrix): void {
  assertSameShape('reluBackward da', z, da);
  assertSameShape('reluBackward dz', z, dz);
  const backend = getBackend();
  if (backend.reluBackward) backend.reluBackward(z.size, z.data, da.data, dz.data);
  else jsReluBackward(z.size, z.data, da.data, dz.data);
}

/**
 * `out = c·(A − B)` element-wise, each element computed in float64 and rounded once to `out`'s
 * dtype (e.g. the mean-squared-error gradient 2(a − y)/n with c = 2/n). `out` may alias `A` or `B`.
 */
export function scaledDifference(c: number, A: Matrix, B: Matrix, out: Matrix): void {
  assertSameShape('scaledDifference', A, B);
  assertSameShape('scaledDifference output', A, out);
  const backend = getBackend();
  if (backend.scaledDifference) backend.scaledDifference(A.size, c, A.data, B.data, out.data);
  else jsScaledDifference(A.size, c, A.data, B.data, out.data);
}

/**
 * Logistic sigmoid `a = 1/(1 + e^(−z))` element-wise, computed as `e^z/(1 + e^z)` for z < 0 so that
 * nothing overflows; in float64 with fdlibm's `exp` (`Math.exp` on V8, `portableExp` in WebAssembly:
 * the same bits), rounded once to `a`'s dtype, so the backends give the same bits on V8. `a` may alias `z`.
 */
export function sigmoid(z: Matrix, a: Matrix): void {
  assertSameShape('sigmoid', z, a);
  const backend = getBackend();
  if (backend.sigmoid) backend.sigmoid(z.size, z.data, a.data);
  else jsSigmoid(z.size, z.data, a.data);
}

/** Sigmoid backward from its output `a`: `dz = da ⊙ a ⊙ (1 − a)`, in float64 rounded once. `dz` may alias `da`. */
export function sigmoidBackward(a: Matrix, da: Matrix, dz: Matrix): void {
  assertSameShape('sigmoidBackward da', a, da);
  assertSameShape('sigmoidBackward dz', a, dz);
  const backend = getBackend();
  if (backend.sigmoidBackward) backend.sigmoidBackward(a.size, a.data, da.data, dz.data);
  else jsSigmoidBackward(a.size, a.data, da.data, dz.data);
}

/**
 * `a = tanh(z)` element-wise, in float64 with fdlibm's `tanh` (`Math.tanh` on V8, `portableTanh` in
 * WebAssembly: the same bits), rounded once to `a`'s dtype, so the backends give the same bits on V8.
 * `a` may alias `z`.
 */
export function tanh(z: Matrix, a: Matrix): void {
  assertSameShape('tanh', z, a);
  const backend = getBackend();
  if (backend.tanh) backend.tanh(z.size, z.data, a.data);
  else jsTanh(z.size, z.data, a.data);
}

/** tanh backward from its output `a`: `dz = da ⊙ (1 − a²)`, in float64 rounded once. `dz` may alias `da`. */
export function tanhBackward(a: Matrix, da: Matrix, dz: Matrix): void {
  assertSameShape('tanhBackward da', a, da);
  assertSameShape('tanhBackward dz', a, dz);
  const backend = getBackend();
  if (backend.tanhBackward) backend.tanhBackward(a.size, a.data, da.data, dz.data);
  else jsTanhBackward(a.size, a.data, da.data, dz.data);
}

/** Leaky ReLU `a = z > 0 ? z : α·z` element-wise (the product rounded once to `a`'s dtype). `a` may alias `z`. */
export function leakyRelu(z: Matrix, a: Matrix, alpha: number): void {
  assertSameShape('leakyRelu', z, a);
  const backend = getBackend();
  if (backend.leakyRelu) backend.leakyRelu(z.size, z.data, a.data, alpha);
  else jsLeakyRelu(z.size, z.data, a.data, alpha);
}

/** Leaky ReLU backward `dz = z > 0 ? da : α·da` element-wise. `dz` may alias `da`. */
export function leakyReluBackward(z: Matrix, da: Matrix, dz: Matrix, alpha: number): void {
  assertSameShape('leakyReluBackward da', z, da);
  assertSameShape('leakyReluBackward dz', z, dz);
  const backend = getBackend();
  if (backend.leakyReluBackward) backend.leakyReluBackward(z.size, z.data, da.data, dz.data, alpha);
  else jsLeakyReluBackward(z.size, z.data, da.data, dz.data, alpha);
}

/** Hyperparameters of {@link adamUpdate}. */
export interface AdamStep {
  /** Learning rate (> 0). */
  lr: number;
  /** Decay of the first moment, in [0, 1). */
  beta1: number;
  /** Decay of the second moment, in [0, 1). */
  beta2: number;
  /** Added to √v̂ for stability (> 0). */
  eps: number;
  /** Number of this update, counting from 1 (sets the bias corrections 1 − βᵗ). */
  step: number;
  /** Weight decay λ ≥ 0: added to the gradient as λ·W (Adam), or applied as W ← W·(1 − lr·λ) when `decoupled` (AdamW). Default 0. */
  weightDecay?: number;
  /** AdamW's decoupled weight decay. Default false. */
  decoupled?: boolean;
}

/**
 * One Adam step (Kingma & Ba 2015, Algorithm 1) on parameters `W` with gradient `G` and moments
 * `M`, `V` (all the same shape), in place:
 * `M ← β1·M + (1−β1)·G`, `V ← β2·V + (1−β2)·G⊙G`, `W ← W − (lr/(1−β1ᵗ))·M / (√V/√(1−β2ᵗ) + ε)`,
 * in the operation order of PyTorch 1.13 (optionally with coupled or decoupled weight decay, see
 * {@link AdamStep}). Arithmetic is in the parameters' precision: float64, or float32 with every
 * operation rounded to float32 (as PyTorch on float32 tensors, without fused multiply-adds), so
 * every backend gives identical bits.
 */
export function adamUpdate(W: Matrix, G: Matrix, M: Matrix, V: Matrix, options: AdamStep): void {
  assertSameShape('adamUpdate gradient', W, G);
  assertSameShape('adamUpdate first moment', W, M);
  assertSameShape('adamUpdate second moment', W, V);
  const { lr, beta1, beta2, eps, step, weightDecay = 0, decoupled = false } = options;
  checkNumber('lr', lr, (v) => v > 0, 'a number > 0');
  checkNumber('beta1', beta1, (v) => v >= 0 && v < 1, 'a number in [0, 1)');
  checkNumber('beta2', beta2, (v) => v >= 0 && v < 1, 'a number in [0, 1)');
  checkNumber('eps', eps, (v) => v > 0, 'a number > 0');
  checkNumber('step', step, (v) => Number.isInteger(v) && v >= 1, 'an integer ≥ 1');
  checkNumber('weightDecay', weightDecay, (v) => v >= 0, 'a number ≥ 0');
  const backend = getBackend();
  const kernel = backend.adamUpdate ? backend.adamUpdate.bind(backend) : jsAdamUpdate;
  kernel(W.size, W.data, G.data, M.data, V.data, lr, beta1, beta2, eps, step, weightDecay, decoupled);
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
  const backend = getBackend();
  if (backend.scaleBytes) backend.scaleBytes(out.size, bytes, divisor, out.data);
  else jsScaleBytes(out.size, bytes, divisor, out.data);
  return out;
}
