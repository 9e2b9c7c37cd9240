import { type DType, InvalidOptionError, Matrix, Rng, checkChoice, checkNumber } from '@ffnn/tensor';

/** Options of {@link runge}. */
export interface RungeOptions {
  /** Number of points (≥ 1). Default 1000. */
  n?: number;
  /** Standard deviation of the Gaussian noise added to f(x) (≥ 0). Default 0.05. */
  sigma?: number;
  /** `[low, high]` of x, low < high. Default `[-1, 1]`. */
  interval?: readonly [number, number];
  /** Seed of the {@link Rng}. Default 1993 (the study's seed). */
  seed?: number;
  /** `'uniform'`: x ~ U[low, high); `'linspace'`: n evenly spaced points including both ends. Default `'uniform'`. */
  sampling?: 'uniform' | 'linspace';
  /** Element type of the returned matrices. Default `'float64'`. */
  dtype?: DType;
}

/** The Runge data set: inputs, noisy targets and the clean function, each n×1. */
export interface RungeData {
  /** Inputs x (n×1). */
  x: Matrix;
  /** Noisy targets y = f(x) + σ·ε, ε ~ N(0, 1) (n×1). */
  y: Matrix;
  /** Clean targets f(x) = 1 / (1 + 25x²) (n×1). */
  f: Matrix;
}

/** The Runge function f(x) = 1 / (1 + 25x²). */
export function rungeFunction(x: number): number {
  return 1 / (1 + 25 * x * x);
}

/**
 * Samples the Runge function f(x) = 1/(1+25x²) with Gaussian noise, as in part (b) of the study.
 *
 * Draw order (stable; changing it would change every published number): one `Rng(seed)`; with
 * `sampling: 'uniform'` it first draws the n inputs `x_i = low + (high − low)·rng.uniform()` for
 * i = 0…n−1, then the n noise values `ε_i = rng.normal()` in the same order. With `'linspace'`,
 * `x_i = low + i·(high − low)/(n − 1)` (the last point is exactly `high`, as `numpy.linspace`) and
 * only the n normal draws are made. Noise is drawn even when σ = 0, so σ does not shift the stream.
 * Values are computed in float64 and stored in `dtype`.
 *
 * @example
 * ```ts
 * const { x, y, f } = runge({ n: 1000, sigma: 0.05, seed: 1993 });
 * x.shape; // [1000, 1]
 * ```
 */
export function runge(options: RungeOptions = {}): RungeData {
  const n = checkNumber('runge: n', options.n ?? 1000, (v) => Number.isInteger(v) && v >= 1, 'an integer ≥ 1');
  const sigma = checkNumber('runge: sigma', options.sigma ?? 0.05, (v) => v >= 0, 'a finite number ≥ 0');
  const interval = options.interval ?? [-1, 1];
  if (!Array.isArray(interval) || interval.length !== 2) {
    throw new InvalidOptionError(`runge: interval must be [low, high], got ${JSON.stringify(interval)}`);
  }
  const low = checkNumber('runge: interval[0]', interval[0], () => true, 'a finite number');
  const high = checkNumber('runge: interval[1]', interval[1], (v) => v > low, `a finite number > interval[0] = ${low}`);
  const sampling = checkChoice('runge: sampling', options.sampling ?? 'uniform', ['uniform', 'linspace'] as const);
  const dtype = checkChoice('runge: dtype', options.dtype ?? 'float64', ['float64', 'float32'] as const);
  const rng = new Rng(options.seed ?? 1993);

  const xs = new Float64Array(n);
  if (sampling === 'uniform') {
    for (let i = 0; i < n; i++) xs[i] = rng.uniformIn(low, high);
  } else {
    const step = n > 1 ? (high - low) / (n - 1) : 0;
    for (let i = 0; i < n; i++) xs[i] = low + i * step;
    if (n > 1) xs[n - 1] = high;
  }
  const x = new Matrix(n, 1, dtype);
  const y = new Matrix(n, 1, dtype);
  const f = new Matrix(n, 1, dtype);
  for (let i = 0; i < n; i++) {
    const xi = xs[i]!;
    const fi = rungeFunction(xi);
    x.data[i] = xi;
    f.data[i] = fi;
    y.data[i] = fi + sigma * rng.normal();
  }
  return { x, y, f };
}
