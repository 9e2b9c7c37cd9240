import type { Sequential } from '@ffnn/layers';
import { Matrix, Rng } from '@ffnn/tensor';

/**
 * Largest singular value σ_max(A) = √λ_max(AᵀA), by power iteration on AᵀA (seeded start vector,
 * `iterations` products with A and Aᵀ).
 */
export function largestSingularValue(A: Matrix, iterations = 50, seed = 1993): number {
  const { rows: m, cols: n } = A;
  const rng = new Rng(seed);
  let v = Float64Array.from({ length: n }, () => rng.normal());
  const u = new Float64Array(m);
  let sigma = 0;
  for (let it = 0; it < iterations; it++) {
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    for (let j = 0; j < n; j++) v[j] = v[j]! / norm;
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += A.data[i * n + j]! * v[j]!;
      u[i] = s;
    }
    let un = 0;
    for (const x of u) un += x * x;
    sigma = Math.sqrt(un);
    const w = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      const ui = u[i]!;
      for (let j = 0; j < n; j++) w[j] = w[j]! + A.data[i * n + j]! * ui;
    }
    v = w;
  }
  return sigma;
}

/** σ_max of one weight matrix after an epoch, and of its change over that epoch (null at epoch 0). */
export interface SpectralRow {
  /** 1-based epoch; 0 = the initial weights. */
  epoch: number;
  /** `W1`, `W2`, …: the weight matrix of each layer. */
  layer: string;
  sigmaW: number;
  sigmaUpdate: number | null;
}

/**
 * Records σ_max of every weight matrix and of its change since the previous epoch: call `onStart`
 * with the initial weights (epoch 0 rows) and `onEpochEnd` after every epoch (`ffnn train --spectral`).
 */
export function spectralTracker(): { onStart: (net: Sequential) => void; onEpochEnd: (net: Sequential, epoch: number) => void; rows: SpectralRow[] } {
  // A copy of the weights at the start of the epoch (initial weights before epoch 1).
  let previous: Matrix[] = [];
  const rows: SpectralRow[] = [];
  return {
    rows,
    onStart(net) {
      previous = net.layers.map((l) => l.W.clone());
      previous.forEach((W, l) => rows.push({ epoch: 0, layer: `W${l + 1}`, sigmaW: largestSingularValue(W), sigmaUpdate: null }));
    },
    onEpochEnd(net, epoch) {
      const Ws = net.layers.map((l) => l.W);
      Ws.forEach((W, l) => {
        const prev = previous[l]!;
        const D = Matrix.zeros(W.rows, W.cols);
        for (let t = 0; t < W.data.length; t++) D.data[t] = W.data[t]! - prev.data[t]!;
        rows.push({ epoch: epoch + 1, layer: `W${l + 1}`, sigmaW: largestSingularValue(W), sigmaUpdate: largestSingularValue(D) });
      });
      previous = Ws.map((W) => W.clone());
    },
  };
}
