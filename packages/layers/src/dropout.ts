import { type Matrix, type Rng, hostCompute, maskedScale } from '@ffnn/tensor';

/**
 * Inverted dropout, training only: each unit is kept with probability 1 − p and scaled by
 * 1/(1 − p), so the expected activation is unchanged and inference needs no rescaling.
 * mask ∈ {0, 1/(1 − p)}, drawn from `rng` in row-major order; out = a ⊙ mask.
 */
export function dropoutForward(a: Matrix, p: number, rng: Rng, mask: Matrix, out: Matrix): void {
  drawDropoutMask(p, rng, mask);
  applyDropout(a, p, mask, out);
}

/** The mask of {@link dropoutForward}: 1/(1 − p) where `rng.uniform() < 1 − p`, else 0, in row-major order (on the host: a random stream). */
export function drawDropoutMask(p: number, rng: Rng, mask: Matrix): void {
  hostCompute('dropout mask');
  const keep = 1 - p, scale = 1 / keep;
  const ms = mask.data;
  for (let t = 0; t < ms.length; t++) ms[t] = rng.uniform() < keep ? scale : 0;
}

/** out = a ⊙ mask for a mask drawn by {@link drawDropoutMask}: the kept units times 1/(1 − p), the product in float64 (a kernel). */
export function applyDropout(a: Matrix, p: number, mask: Matrix, out: Matrix): void {
  maskedScale(1 / (1 - p), a, mask, out);
}

/**
 * da = dout ⊙ mask, with the mask as stored (1/(1 − p) rounded to the mask's dtype) where it is
 * nonzero: the derivative of {@link applyDropout} (a kernel).
 */
export function dropoutBackward(dout: Matrix, mask: Matrix, da: Matrix, p: number): void {
  const scale = 1 / (1 - p);
  maskedScale(mask.dtype === 'float32' ? Math.fround(scale) : scale, dout, mask, da);
}
