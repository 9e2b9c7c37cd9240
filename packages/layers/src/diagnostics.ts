import type { Matrix } from '@ffnn/tensor';
import type { Sequential } from './network.js';

/** Unit health of one hidden layer over a probe set of inputs. */
export interface LayerDiagnostics {
  /** Position of the layer in the network, 1-based (1 is the first hidden layer). */
  layer: number;
  /** The layer's activation. */
  activation: string;
  /** Units of the layer. */
  units: number;
  /** ReLU family: fraction of units with z ≤ 0 on every probe row ("dead": no gradient ever flows). */
  deadFraction: number | null;
  /** Sigmoid/tanh: fraction of units whose derivative is < 1% of its maximum on ≥ 95% of the probe rows. */
  saturatedFraction: number | null;
}

/**
 * Dead-ReLU and saturated-unit fractions of every hidden layer (the numbers the CLI reports after
 * training and the activation study plots). Definitions: a ReLU unit is dead when z ≤ 0 on every row of
 * `X`; a sigmoid unit is saturated when a(1 − a) < 0.01·¼ on ≥ 95% of rows, a tanh unit when
 * 1 − a² < 0.01 on ≥ 95% of rows.
 */
export function unitDiagnostics(net: Sequential, X: Matrix): LayerDiagnostics[] {
  const layers = net.inspect(X);
  const out: LayerDiagnostics[] = [];
  for (let l = 0; l < layers.length - 1; l++) {
    const { z, a } = layers[l]!;
    const name = net.layers[l]!.activation.name;
    const units = z.cols;
    let dead: number | null = null;
    let saturated: number | null = null;
    if (name === 'relu' || name === 'leaky-relu' || name === 'gelu') {
      let count = 0;
      for (let j = 0; j < units; j++) {
        let alive = false;
        for (let i = 0; i < z.rows && !alive; i++) if (z.data[i * units + j]! > 0) alive = true;
        if (!alive) count++;
      }
      dead = count / units;
    } else if (name === 'sigmoid' || name === 'tanh') {
      let count = 0;
      for (let j = 0; j < units; j++) {
        let flat = 0;
        for (let i = 0; i < a.rows; i++) {
          const v = a.data[i * units + j]!;
          const d = name === 'sigmoid' ? v * (1 - v) < 0.0025 : 1 - v * v < 0.01;
          if (d) flat++;
        }
        if (flat >= 0.95 * a.rows) count++;
      }
      saturated = count / units;
    }
    out.push({ layer: l + 1, activation: name, units, deadFraction: dead, saturatedFraction: saturated });
  }
  return out;
}
