import { type DType, type Matrix, ShapeError, addRowVector, allocateMatrix, biasReluForward, gemm, matmul, sum } from '@ffnn/tensor';
import type { Activation } from './activations.js';

/** z = x·W + b  (x: m×n_in, W: n_in×n_out, b: 1×n_out, z: m×n_out) */
export function denseForward(x: Matrix, W: Matrix, b: Matrix, z: Matrix): void {
  matmul(x, W, z);
  addRowVector(z, b, z);
}

/**
 * z = x·W + b and a = φ(z). For ReLU the bias and the activation are one fused pass
 * (`biasReluForward`, a WebAssembly SIMD kernel when that backend is installed) with the same bits
 * as {@link denseForward} followed by the activation's forward.
 */
export function denseActivationForward(x: Matrix, W: Matrix, b: Matrix, act: Activation, z: Matrix, a: Matrix, saved?: Matrix): void {
  matmul(x, W, z);
  if (act.name === 'relu') {
    biasReluForward(z, b, z, a);
  } else {
    addRowVector(z, b, z);
    act.forward(z, a, saved);
  }
}

/**
 * Given δ = ∂L/∂z: dW = xᵀδ, db = Σ_rows δ, and (unless `dx` is null, as for the first layer)
 * dx = δ·Wᵀ. Gradients are overwritten, not accumulated; penalties are added afterwards.
 */
export function denseBackward(x: Matrix, W: Matrix, delta: Matrix, dx: Matrix | null, dW: Matrix, db: Matrix): void {
  gemm(1, x, delta, 0, dW, { transA: true });
  sum(delta, 0, db);
  if (dx) matmul(delta, W, dx, { transB: true });
}

/** Per-batch-size buffers of one layer, allocated once and reused. */
export interface DenseBuffers {
  /** pre-activation x·W + b */
  z: Matrix;
  /** activation φ(z) */
  a: Matrix;
  /** ∂L/∂a (scratch: filled when the gradient must pass through dropout or an unfused loss) */
  da: Matrix;
  /** δ = ∂L/∂z */
  dz: Matrix;
  /** ∂L/∂x, which is also the next-lower layer's ∂L/∂(output) */
  dx: Matrix;
  /** what the activation's forward keeps for its backward (GELU: its tanh, float64), when it `saves` */
  saved: Matrix | null;
  /** dropout mask (training only) */
  mask: Matrix | null;
  /** a ⊙ mask, the layer's output when dropout is on */
  dropped: Matrix | null;
}

/**
 * Allocates the buffers a layer needs for batches of `rows` rows, in memory the installed backend
 * uses without copying (see `allocateMatrix`); they stay valid under any later backend. `saves`:
 * whether the activation keeps values for its backward (see `Activation.saves`), always float64.
 */
export function allocateBuffers(rows: number, inputSize: number, units: number, dtype: DType, dropout: boolean, saves: boolean): DenseBuffers {
  return {
    z: allocateMatrix(rows, units, dtype),
    a: allocateMatrix(rows, units, dtype),
    da: allocateMatrix(rows, units, dtype),
    dz: allocateMatrix(rows, units, dtype),
    dx: allocateMatrix(rows, inputSize, dtype),
    saved: saves ? allocateMatrix(rows, units, 'float64') : null,
    mask: dropout ? allocateMatrix(rows, units, dtype) : null,
    dropped: dropout ? allocateMatrix(rows, units, dtype) : null,
  };
}

/** Throws a ShapeError like `Dense(784→300): input has 783 columns, expected 784`. */
export function checkDenseInput(index: number, inputSize: number, units: number, x: Matrix): void {
  if (x.cols !== inputSize) {
    throw new ShapeError(`layer ${index} Dense(${inputSize}→${units}): input has ${x.cols} columns, expected ${inputSize}`);
  }
}
