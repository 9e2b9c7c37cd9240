import {
  InvalidOptionError, type Matrix, assertSameShape, checkNumber, copy, hostCompute, reluBackward as reluMask, sigmoid, softmaxRows, sigmoidBackward as sigmoidMask,
  leakyRelu as leakyReluKernel, leakyReluBackward as leakyReluMask, tanh, tanhBackward as tanhMask, gelu, geluBackward as geluMask,
} from '@ffnn/tensor';

/** Names of the built-in activations. */
export type ActivationName = 'sigmoid' | 'relu' | 'leaky-relu' | 'tanh' | 'linear' | 'softmax' | 'gelu';

/** All activation names, for validation and help texts. */
export const ACTIVATIONS: readonly ActivationName[] = ['sigmoid', 'relu', 'leaky-relu', 'tanh', 'linear', 'softmax', 'gelu'];

/**
 * An activation as a forward/backward pair over caller-owned buffers of the same shape.
 * `forward` computes `a = φ(z)`; `backward` computes `dz = ∂L/∂z` from `da = ∂L/∂a`, and may
 * read both `z` and `a` (sigmoid and tanh use `a`, ReLU uses `z`: the choice the report left open).
 * An activation that `saves` (GELU) can also keep what its derivative needs besides `z` and `a` in a
 * caller's `saved` buffer, passed to both.
 */
export interface Activation {
  /** Which activation this is. */
  readonly name: ActivationName;
  /** Leaky-ReLU slope for z ≤ 0 (only for `leaky-relu`). */
  readonly alpha?: number;
  /**
   * Whether `forward` keeps a value per element for `backward` in a `saved` matrix (float64, z's
   * shape) when the caller passes one: GELU's tanh, which the backward then reads instead of
   * computing it again. Without `saved` the backward computes it itself, with the same bits.
   */
  readonly saves?: boolean;
  /** a = φ(z), element-wise (softmax: row-wise), written into `a` (and, if it `saves`, into `saved`). */
  forward(z: Matrix, a: Matrix, saved?: Matrix): void;
  /**
   * dz = ∂L/∂z from da = ∂L/∂a, written into `dz` (softmax: the full Jacobian-vector product of each
   * row); `saved` as the forward of the same `z` filled it.
   */
  backward(z: Matrix, a: Matrix, da: Matrix, dz: Matrix, saved?: Matrix): void;
}

/**
 * a = 1 / (1 + e^(−z)), computed as e^z / (1 + e^z) for z < 0 so that nothing overflows; the
 * backend's kernel from @ffnn/tensor (the backends give the same bits on V8).
 */
export function sigmoidForward(z: Matrix, a: Matrix): void {
  sigmoid(z, a);
}
/** dz = da ⊙ a(1 − a); the backend's kernel from @ffnn/tensor. */
export function sigmoidBackward(_z: Matrix, a: Matrix, da: Matrix, dz: Matrix): void {
  sigmoidMask(a, da, dz);
}

/** a = max(0, z) */
export function reluForward(z: Matrix, a: Matrix): void {
  hostCompute('relu forward');
  const zs = z.data, as = a.data;
  for (let t = 0; t < zs.length; t++) {
    const v = zs[t]!;
    as[t] = v > 0 ? v : 0;
  }
}
/**
 * dz = da ⊙ 1[z > 0]  (the derivative at the kink z = 0 is taken as 0, as in PyTorch); the
 * backend's mask kernel from @ffnn/tensor (WebAssembly SIMD when installed; every backend gives the same bits).
 */
export function reluBackward(z: Matrix, _a: Matrix, da: Matrix, dz: Matrix): void {
  reluMask(z, da, dz);
}

/** a = z for z > 0, αz otherwise; the backend's kernel from @ffnn/tensor. */
export function leakyReluForward(z: Matrix, a: Matrix, alpha: number): void {
  leakyReluKernel(z, a, alpha);
}
/** dz = da ⊙ (1 if z > 0 else α); the backend's kernel from @ffnn/tensor. */
export function leakyReluBackward(z: Matrix, da: Matrix, dz: Matrix, alpha: number): void {
  leakyReluMask(z, da, dz, alpha);
}

/** a = tanh(z); the backend's kernel from @ffnn/tensor (the backends give the same bits on V8). */
export function tanhForward(z: Matrix, a: Matrix): void {
  tanh(z, a);
}
/** dz = da ⊙ (1 − a²); the backend's kernel from @ffnn/tensor. */
export function tanhBackward(_z: Matrix, a: Matrix, da: Matrix, dz: Matrix): void {
  tanhMask(a, da, dz);
}

/** a = z */
export function linearForward(z: Matrix, a: Matrix): void {
  if (a.data !== z.data) copy(z, a);
}
/** dz = da */
export function linearBackward(_z: Matrix, _a: Matrix, da: Matrix, dz: Matrix): void {
  if (dz.data !== da.data) copy(da, dz);
}

/**
 * $a_{ik} = e^{z_{ik} - m_i} / \sum_j e^{z_{ij} - m_i}$, $m_i = \max_j z_{ij}$ (shifting by the row max
 * keeps every exponential ≤ 1); the backend's kernel from @ffnn/tensor (the backends give the same bits on V8).
 */
export function softmaxForward(z: Matrix, a: Matrix): void {
  softmaxRows(z, a);
}
/** $dz_{ik} = a_{ik} \big(da_{ik} - \sum_j da_{ij} a_{ij}\big)$ (the softmax Jacobian applied row by row) */
export function softmaxBackward(_z: Matrix, a: Matrix, da: Matrix, dz: Matrix): void {
  hostCompute('softmax backward');
  const n = a.cols, as = a.data, das = da.data, dzs = dz.data;
  for (let i = 0; i < a.rows; i++) {
    const r = i * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += das[r + j]! * as[r + j]!;
    for (let j = 0; j < n; j++) dzs[r + j] = as[r + j]! * (das[r + j]! - s);
  }
}

/**
 * a = ½ z (1 + th), th = tanh(√(2/π)(z + 0.044715 z³))  (the tanh form of GELU, PyTorch
 * `approximate='tanh'`), th kept in `th` (float64, z's shape) when given; the backend's kernel from
 * @ffnn/tensor (the backends give the same bits on V8).
 */
export function geluForward(z: Matrix, a: Matrix, th?: Matrix): void {
  gelu(z, a, th);
}
/**
 * dz = da ⊙ [½(1 + th) + ½ z (1 − th²) √(2/π)(1 + 3·0.044715 z²)], th as {@link geluForward} kept it
 * (without `th`, computed again from z: the same bits); the backend's kernel from @ffnn/tensor.
 */
export function geluBackward(z: Matrix, _a: Matrix, da: Matrix, dz: Matrix, th?: Matrix): void {
  geluMask(z, da, dz, th);
}

/** An activation of a forward and a backward; `saves` when they take a `saved` buffer (the last argument). */
function pair(
  name: ActivationName,
  forward: (z: Matrix, a: Matrix, saved?: Matrix) => void,
  backward: (z: Matrix, a: Matrix, da: Matrix, dz: Matrix, saved?: Matrix) => void,
  saves = false,
): Activation {
  return {
    name,
    ...(saves ? { saves } : {}),
    forward(z, a, saved) {
      assertSameShape(`${name} forward`, z, a);
      forward(z, a, saves ? saved : undefined);
    },
    backward(z, a, da, dz, saved) {
      assertSameShape(`${name} backward`, z, da);
      assertSameShape(`${name} backward`, z, dz);
      backward(z, a, da, dz, saves ? saved : undefined);
    },
  };
}

/** The leaky-ReLU activation with slope `alpha` (default 0.01) for z ≤ 0. */
export function leakyRelu(alpha = 0.01): Activation {
  checkNumber('leaky-relu alpha', alpha, (v) => v >= 0 && v < 1, 'a number in [0, 1)');
  return {
    ...pair(
      'leaky-relu',
      (z, a) => leakyReluForward(z, a, alpha),
      (z, _a, da, dz) => leakyReluBackward(z, da, dz, alpha),
    ),
    alpha,
  };
}

const BUILT_IN: Record<Exclude<ActivationName, 'leaky-relu'>, Activation> = {
  sigmoid: pair('sigmoid', sigmoidForward, sigmoidBackward),
  relu: pair('relu', reluForward, reluBackward),
  tanh: pair('tanh', tanhForward, tanhBackward),
  linear: pair('linear', linearForward, linearBackward),
  softmax: pair('softmax', softmaxForward, softmaxBackward),
  gelu: pair('gelu', geluForward, geluBackward, true),
};

/** Looks up an activation by name (`alpha` only for `leaky-relu`); unknown names list the valid ones. */
export function activation(name: ActivationName, options: { alpha?: number } = {}): Activation {
  if (name === 'leaky-relu') return leakyRelu(options.alpha ?? 0.01);
  const found = (BUILT_IN as Record<string, Activation | undefined>)[name];
  if (!found) throw new InvalidOptionError(`activation must be one of ${ACTIVATIONS.join(', ')}; got ${JSON.stringify(name)}`);
  return found;
}
