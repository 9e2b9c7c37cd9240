import { kernels } from './backend.js';
import { ShapeError, checkNumber } from './errors.js';
import { type Matrix, assertSameShape, assertShape } from './matrix.js';

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
 * Bytes to floats: `out[t] = bytes[t] / divisor` (row-major, `bytes.length` = `out.size`), the
 * division in float64 rounded to `out`'s dtype, on the installed backend. For pixels: divisor 255.
 */
export function bytesToFloat(bytes: Uint8Array, divisor: number, out: Matrix): Matrix {
  if (bytes.length !== out.size) {
    throw new ShapeError(`bytesToFloat: ${bytes.length} bytes for a ${out.rows}×${out.cols} output (${out.size} elements)`);
  }
  checkNumber('divisor', divisor, (v) => v !== 0, 'a finite nonzero number');
  kernels().scaleBytes(out.size, bytes, divisor, out.data);
  return out;
}
