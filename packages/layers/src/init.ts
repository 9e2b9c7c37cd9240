import { InvalidOptionError, type Matrix, type Rng } from '@ffnn/tensor';
import type { ActivationName } from './activations.js';

/** Weight initialisation schemes. */
export type InitName = 'he-normal' | 'he-uniform' | 'xavier-normal' | 'xavier-uniform' | 'lecun-normal' | 'lecun-uniform';

/** All initialiser names. */
export const INITS: readonly InitName[] = ['he-normal', 'he-uniform', 'xavier-normal', 'xavier-uniform', 'lecun-normal', 'lecun-uniform'];

/** The study's default: He for the ReLU family (and GELU), Xavier/Glorot for sigmoid, tanh, linear, softmax. */
export function defaultInit(activation: ActivationName): InitName {
  return activation === 'relu' || activation === 'leaky-relu' || activation === 'gelu' ? 'he-normal' : 'xavier-normal';
}

/** Variance of the scheme: He 2/fan_in, Xavier 2/(fan_in + fan_out), LeCun 1/fan_in. */
export function initVariance(init: InitName, fanIn: number, fanOut: number): number {
  if (init.startsWith('he')) return 2 / fanIn;
  if (init.startsWith('xavier')) return 2 / (fanIn + fanOut);
  if (init.startsWith('lecun')) return 1 / fanIn;
  throw new InvalidOptionError(`init must be one of ${INITS.join(', ')}; got ${JSON.stringify(init)}`);
}

/**
 * Fills the fan_in × fan_out matrix `W` in row-major order from `rng`: normal schemes draw
 * N(0, var), uniform schemes draw U(−√(3·var), √(3·var)) (same variance).
 */
export function initWeights(W: Matrix, init: InitName, rng: Rng): void {
  const variance = initVariance(init, W.rows, W.cols);
  const d = W.data;
  if (init.endsWith('normal')) {
    const std = Math.sqrt(variance);
    for (let t = 0; t < d.length; t++) d[t] = std * rng.normal();
  } else {
    const limit = Math.sqrt(3 * variance);
    for (let t = 0; t < d.length; t++) d[t] = limit * (2 * rng.uniform() - 1);
  }
}
