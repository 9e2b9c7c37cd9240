import { type ActivationName, activation } from '@ffnn/layers';
import { Matrix } from '@ffnn/tensor';

/** Activations the explorer offers (element-wise ones; softmax acts on whole rows). */
export const EXPLORER_ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky-relu', 'gelu', 'linear'] as const satisfies readonly ActivationName[];
export type ExplorerActivation = (typeof EXPLORER_ACTIVATIONS)[number];

/** φ(z), φ'(z) from the package's backward pass, and the central difference (φ(z+h) − φ(z−h)) / 2h, at each z. */
export interface ActivationSample {
  z: number[];
  /** φ(z) from the activation's `forward`. */
  a: number[];
  /** φ'(z): the activation's `backward` with ∂L/∂a = 1. */
  analytic: number[];
  /** (φ(z + h) − φ(z − h)) / 2h, from `forward` alone. */
  numeric: number[];
  /** |analytic − numeric| / max(|analytic| + |numeric|, tiny): 0 where both are 0. */
  relError: number[];
}

function forward(name: ExplorerActivation, z: readonly number[], alpha: number): Float64Array {
  const act = activation(name, { alpha });
  const zm = Matrix.fromArray(1, z.length, z);
  const a = Matrix.zeros(1, z.length);
  act.forward(zm, a);
  return a.data as Float64Array;
}

/**
 * Samples an activation of `@ffnn/layers` at the points `z`: its value, its derivative from the
 * package's own backward pass, and a central finite difference with step `h` computed from the
 * forward pass only, so the two derivatives are independent.
 */
export function sampleActivation(name: ExplorerActivation, z: readonly number[], h = 1e-5, alpha = 0.01): ActivationSample {
  if (!(h > 0) || !Number.isFinite(h)) throw new RangeError(`step h must be a positive finite number; got ${h}`);
  const act = activation(name, { alpha });
  const n = z.length;
  const zm = Matrix.fromArray(1, n, z);
  const a = Matrix.zeros(1, n);
  act.forward(zm, a);
  const dz = Matrix.zeros(1, n);
  act.backward(zm, a, Matrix.full(1, n, 1), dz);
  const plus = forward(name, z.map((v) => v + h), alpha);
  const minus = forward(name, z.map((v) => v - h), alpha);
  const numeric = Array.from({ length: n }, (_, i) => (plus[i]! - minus[i]!) / (2 * h));
  const analytic = Array.from(dz.data);
  const relError = analytic.map((g, i) => {
    const d = Math.abs(g - numeric[i]!);
    const s = Math.abs(g) + Math.abs(numeric[i]!);
    return s === 0 ? 0 : d / s;
  });
  return { z: [...z], a: Array.from(a.data), analytic, numeric, relError };
}

/** `count` evenly spaced points on [lo, hi]. */
export function linspace(lo: number, hi: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => lo + ((hi - lo) * i) / (count - 1));
}
