import { InvalidOptionError, type Matrix, assertSameShape, differenceOver, hostCompute, scaledDifference } from '@ffnn/tensor';
import type { Activation } from './activations.js';

/** Names of the built-in losses. */
export type LossName = 'mse' | 'cross-entropy' | 'binary-cross-entropy';

/** All loss names. */
export const LOSSES: readonly LossName[] = ['mse', 'cross-entropy', 'binary-cross-entropy'];

/**
 * A loss over a batch of m rows: `value` is the batch mean, `gradient` writes ∂L/∂a.
 * `value` also receives the output pre-activation `z` so cross-entropies can be computed from
 * logits (log-sum-exp) and never take log(0).
 */
export interface Loss {
  /** Which loss this is. */
  readonly name: LossName;
  /** The mean loss of a batch, from the output layer's pre-activation `z` (for stable log-sum-exp) or activation `a`, and the targets `y`. */
  value(z: Matrix, a: Matrix, y: Matrix): number;
  /** ∂L/∂a of the mean loss, written into `da`. */
  gradient(a: Matrix, y: Matrix, da: Matrix): void;
}

/** L = (1/(m·k)) Σ (a − y)²  (mean over all elements, as PyTorch's `MSELoss`; for one output k = 1) */
export function mseValue(a: Matrix, y: Matrix): number {
  hostCompute('mse value');
  assertSameShape('mse', a, y);
  const as = a.data, ys = y.data;
  let s = 0;
  for (let t = 0; t < as.length; t++) {
    const d = as[t]! - ys[t]!;
    s += d * d;
  }
  return s / as.length;
}
/** ∂L/∂a = 2(a − y)/(m·k) */
export function mseGradient(a: Matrix, y: Matrix, da: Matrix): void {
  assertSameShape('mse', a, y);
  scaledDifference(2 / a.size, a, y, da);
}

/**
 * $$
 * L = -\frac{1}{m} \sum_i \sum_k y_{ik} \log \operatorname{softmax}(z)_{ik} = \frac{1}{m} \sum_i \Big[\sum_k y_{ik} \operatorname{lse}(z_i) - \sum_k y_{ik} z_{ik}\Big],
 * $$
 *
 * with $\operatorname{lse}(z_i) = m_i + \log \sum_k e^{z_{ik} - m_i}$, $m_i = \max_k z_{ik}$ (log-sum-exp, stable for any logits).
 */
export function crossEntropyValue(z: Matrix, y: Matrix): number {
  hostCompute('cross-entropy value');
  assertSameShape('cross-entropy', z, y);
  const n = z.cols, zs = z.data, ys = y.data;
  let total = 0;
  for (let i = 0; i < z.rows; i++) {
    const r = i * n;
    let m = -Infinity;
    for (let j = 0; j < n; j++) if (zs[r + j]! > m) m = zs[r + j]!;
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(zs[r + j]! - m);
    const lse = m + Math.log(s);
    let ySum = 0, yz = 0;
    for (let j = 0; j < n; j++) {
      const yv = ys[r + j]!;
      if (yv !== 0) {
        ySum += yv;
        yz += yv * zs[r + j]!;
      }
    }
    total += ySum * lse - yz;
  }
  return total / z.rows;
}
/** ∂L/∂a = −y/(m·a); only used when softmax is not fused with the loss (it always is in networks). */
export function crossEntropyGradient(a: Matrix, y: Matrix, da: Matrix): void {
  hostCompute('cross-entropy gradient');
  assertSameShape('cross-entropy', a, y);
  const as = a.data, ys = y.data, das = da.data, m = a.rows;
  for (let t = 0; t < as.length; t++) das[t] = ys[t]! === 0 ? 0 : -ys[t]! / (m * as[t]!);
}

/**
 * L = (1/(m·k)) Σ [max(z, 0) − z·y + log(1 + e^(−|z|))]  (binary cross-entropy of sigmoid(z),
 * in the form that cannot overflow, as PyTorch's `BCEWithLogitsLoss`).
 */
export function binaryCrossEntropyValue(z: Matrix, y: Matrix): number {
  hostCompute('binary cross-entropy value');
  assertSameShape('binary-cross-entropy', z, y);
  const zs = z.data, ys = y.data;
  let s = 0;
  for (let t = 0; t < zs.length; t++) {
    const v = zs[t]!;
    s += Math.max(v, 0) - v * ys[t]! + Math.log1p(Math.exp(-Math.abs(v)));
  }
  return s / zs.length;
}
/** ∂L/∂a = (a − y) / (a(1 − a)·m·k) */
export function binaryCrossEntropyGradient(a: Matrix, y: Matrix, da: Matrix): void {
  hostCompute('binary cross-entropy gradient');
  assertSameShape('binary-cross-entropy', a, y);
  const as = a.data, ys = y.data, das = da.data, c = 1 / as.length;
  for (let t = 0; t < as.length; t++) {
    const p = as[t]!;
    das[t] = (c * (p - ys[t]!)) / (p * (1 - p));
  }
}

const BUILT_IN: Record<LossName, Loss> = {
  mse: { name: 'mse', value: (_z, a, y) => mseValue(a, y), gradient: mseGradient },
  'cross-entropy': { name: 'cross-entropy', value: (z, _a, y) => crossEntropyValue(z, y), gradient: crossEntropyGradient },
  'binary-cross-entropy': {
    name: 'binary-cross-entropy',
    value: (z, _a, y) => binaryCrossEntropyValue(z, y),
    gradient: binaryCrossEntropyGradient,
  },
};

/** Looks up a loss by name; unknown names list the valid ones. */
export function loss(name: LossName): Loss {
  const found = (BUILT_IN as Record<string, Loss | undefined>)[name];
  if (!found) throw new InvalidOptionError(`loss must be one of ${LOSSES.join(', ')}; got ${JSON.stringify(name)}`);
  return found;
}

/**
 * Checks that an output activation fits a loss: cross-entropy needs softmax, binary
 * cross-entropy needs sigmoid, and MSE on softmax needs an explicit opt-in (it trains poorly and
 * is usually a mistake). Throws an {@link InvalidOptionError} that says what to use instead.
 */
export function checkOutputPairing(output: Activation, lossName: LossName, allowMseOnSoftmax = false): void {
  if (lossName === 'cross-entropy' && output.name !== 'softmax') {
    throw new InvalidOptionError(
      `loss "cross-entropy" needs a softmax output layer, got "${output.name}"; use outputActivation "softmax" (or loss "binary-cross-entropy" with "sigmoid")`,
    );
  }
  if (lossName === 'binary-cross-entropy' && output.name !== 'sigmoid') {
    throw new InvalidOptionError(`loss "binary-cross-entropy" needs a sigmoid output layer, got "${output.name}"`);
  }
  if (lossName === 'mse' && output.name === 'softmax' && !allowMseOnSoftmax) {
    throw new InvalidOptionError(
      'loss "mse" on a softmax output is almost always a mistake; use "cross-entropy", or pass allowMseOnSoftmax: true',
    );
  }
}

/**
 * δ = ∂L/∂z of the output layer. Softmax + cross-entropy and sigmoid + binary cross-entropy are
 * fused: δ = (a − y)/m and δ = (a − y)/(m·k), exact and free of the 1/a of the unfused chain.
 * Otherwise δ = φ'(z) applied to ∂L/∂a, with `da` as scratch (and `saved` as the output's forward
 * filled it, when it `saves`).
 */
export function outputDelta(output: Activation, lossFn: Loss, z: Matrix, a: Matrix, y: Matrix, da: Matrix, dz: Matrix, saved?: Matrix): void {
  assertSameShape(`${lossFn.name} targets`, a, y);
  if (lossFn.name === 'cross-entropy' && output.name === 'softmax') {
    differenceOver(a.rows, a, y, dz);
    return;
  }
  if (lossFn.name === 'binary-cross-entropy' && output.name === 'sigmoid') {
    differenceOver(a.size, a, y, dz);
    return;
  }
  lossFn.gradient(a, y, da);
  output.backward(z, a, da, dz, saved);
}
