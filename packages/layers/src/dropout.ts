import { type Matrix, type Rng, hostCompute } from '@ffnn/tensor';

/**
 * Inverted dropout, training only: each unit is kept with probability 1 − p and scaled by
 * 1/(1 − p), so the expected activation is unchanged and inference needs no rescaling.
 * mask ∈ {0, 1/(1 − p)}, drawn from `rng` in row-major order; out = a ⊙ mask.
 */
export function dropoutForward(a: Matrix, p: number, rng: Rng, mask: Matrix, out: Matrix): void {
  hostCompute('dropout forward');
  const keep = 1 - p, scale = 1 / keep;
  const as = a.data, ms = mask.data, os = out.data;
  for (let t = 0; t < as.length; t++) {
    const m = rng.uniform() < keep ? scale : 0;
    ms[t] = m;
    os[t] = as[t]! * m;
  }
}
/** da = dout ⊙ mask */
export function dropoutBackward(dout: Matrix, mask: Matrix, da: Matrix): void {
  hostCompute('dropout backward');
  const ds = dout.data, ms = mask.data, das = da.data;
  for (let t = 0; t < ds.length; t++) das[t] = ds[t]! * ms[t]!;
}
