import { Matrix, Rng } from '@ffnn/tensor';

/** A seeded regression problem for tests: X ~ N(0, 1) (n × p), y = X·w + b + σ·noise (n × 1). */
export function regressionProblem(n: number, p: number, seed: number, sigma = 0.1): { X: Matrix; y: Matrix; w: Float64Array; b: number } {
  const rng = new Rng(seed);
  const X = new Matrix(n, p);
  for (let t = 0; t < X.data.length; t++) X.data[t] = rng.normal();
  const w = Float64Array.from({ length: p }, () => rng.normal());
  const b = rng.normal();
  const y = new Matrix(n, 1);
  for (let i = 0; i < n; i++) {
    let s = b;
    for (let j = 0; j < p; j++) s += X.data[i * p + j]! * w[j]!;
    y.data[i] = s + sigma * rng.normal();
  }
  return { X, y, w, b };
}

/** A value after `JSON.stringify` and `JSON.parse`, typed as it was. */
export function roundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
