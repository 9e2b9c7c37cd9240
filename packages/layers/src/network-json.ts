import { type DType, InvalidOptionError, type Matrix, ShapeError } from '@ffnn/tensor';
import type { ActivationName } from './activations.js';
import { checkDeclaredSizes } from './declared-sizes.js';
import type { InitName } from './init.js';
import type { LossName } from './losses.js';
import type { Sequential, SequentialOptions } from './network.js';

// A Sequential network as plain JSON, and back: the file layout, its validation, and nothing else.

/** Serialized network (see {@link Sequential.toJSON}); numbers round-trip exactly through JSON. */
export interface SequentialJSON {
  /** Marks the object as a network. */
  format: 'ffnn.sequential';
  /** Version of this layout. */
  version: 1;
  /** Element type of the weights. */
  dtype: DType;
  /** Number of input features. */
  inputSize: number;
  /** The loss the network trains with. */
  loss: LossName;
  /** L1 penalty weight λ₁. */
  lambda1: number;
  /** L2 penalty weight λ₂. */
  lambda2: number;
  /** Whether the penalties apply to biases too. */
  penalizeBias: boolean;
  /** Whether MSE on a softmax output was allowed. */
  allowMseOnSoftmax: boolean;
  /** Seed of the weight initialisation. */
  seed: number;
  /** The layers, input side first. */
  layers: {
    /** Number of units. */
    units: number;
    /** The layer's activation. */
    activation: ActivationName;
    /** Leaky-ReLU slope, for `leaky-relu`. */
    alpha?: number;
    /** Inverted-dropout rate. */
    dropout: number;
    /** How the weights were initialised. */
    init: InitName;
    /** Weights, row-major, inputs × units. */
    W: number[];
    /** Biases, one per unit. */
    b: number[];
  }[];
}

/** Architecture, hyperparameters and weights of `net` as {@link SequentialJSON}. */
export function networkToJSON(net: Sequential): SequentialJSON {
  return {
    format: 'ffnn.sequential',
    version: 1,
    dtype: net.dtype,
    inputSize: net.inputSize,
    loss: net.loss.name,
    lambda1: net.lambda1,
    lambda2: net.lambda2,
    penalizeBias: net.penalizeBias,
    allowMseOnSoftmax: net.allowMseOnSoftmax,
    seed: net.seed,
    layers: net.layers.map((l) => ({
      units: l.units,
      activation: l.activation.name,
      ...(l.activation.alpha === undefined ? {} : { alpha: l.activation.alpha }),
      dropout: l.dropout,
      init: l.init,
      W: Array.from(l.W.data),
      b: Array.from(l.b.data),
    })),
  };
}

/**
 * The options a network JSON describes and its layers' raw weights, after checking the format, the
 * version and that every layer declares as many numbers as its shape needs (the values themselves are
 * checked by {@link setValues}).
 */
export function readNetworkJSON(json: unknown): { options: SequentialOptions; weights: { W: unknown; b: unknown }[] } {
  if (typeof json !== 'object' || json === null) throw new InvalidOptionError('network JSON must be an object');
  const j = json as Partial<SequentialJSON>;
  if (j.format !== 'ffnn.sequential') throw new InvalidOptionError(`network JSON: format must be "ffnn.sequential", got ${JSON.stringify(j.format)}`);
  if (j.version !== 1) throw new InvalidOptionError(`network JSON: unsupported version ${JSON.stringify(j.version)} (this library reads version 1)`);
  if (!Array.isArray(j.layers)) throw new InvalidOptionError('network JSON: layers must be an array');
  const layers = j.layers;
  checkDeclaredSizes(j.inputSize, layers, (l) => ({ W: lengthOf(layers[l]!.W), b: lengthOf(layers[l]!.b) }));
  const options: SequentialOptions = {
    inputSize: j.inputSize as number,
    loss: j.loss as LossName,
    lambda1: j.lambda1 ?? 0,
    lambda2: j.lambda2 ?? 0,
    penalizeBias: j.penalizeBias === true,
    allowMseOnSoftmax: j.allowMseOnSoftmax === true,
    dtype: j.dtype ?? 'float64',
    seed: j.seed ?? 1993,
    layers: layers.map((l) => ({
      units: l.units,
      activation: l.activation,
      ...(l.alpha === undefined ? {} : { alpha: l.alpha }),
      dropout: l.dropout,
      init: l.init,
    })),
  };
  return { options, weights: layers.map((l) => ({ W: l.W, b: l.b })) };
}

/**
 * A layer's weights or biases as read from a file: an array of numbers (JSON), or the typed array a
 * binary file was decoded into (no copy).
 */
function isNumbers(values: unknown): values is ArrayLike<unknown> {
  return Array.isArray(values) || values instanceof Float64Array || values instanceof Float32Array;
}

/** Length of a layer's numbers; 0 for anything else (so sizes can be checked before the values). */
function lengthOf(values: unknown): number {
  return isNumbers(values) ? values.length : 0;
}

/** Copies `values` (checked: `target.size` finite numbers) into `target`; `name` labels the errors. */
export function setValues(name: string, target: Matrix, values: unknown): void {
  if (!isNumbers(values) || values.length !== target.size) {
    throw new ShapeError(`network JSON: ${name} must hold ${target.size} numbers (${target.shapeString()})`);
  }
  for (let t = 0; t < values.length; t++) {
    const v: unknown = values[t];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InvalidOptionError(`network JSON: ${name}[${t}] is ${JSON.stringify(v)}; weights must be finite numbers`);
    }
    target.data[t] = v;
  }
}
