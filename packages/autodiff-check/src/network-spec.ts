import { InvalidOptionError, checkChoice, checkNumber } from '@ffnn/tensor';
import * as fc from 'fast-check';

/** Every activation name a {@link NetworkSpec} may use. */
export const ACTIVATION_NAMES = ['sigmoid', 'relu', 'leaky-relu', 'tanh', 'linear', 'softmax', 'gelu'] as const;

/** Every loss name a {@link NetworkSpec} may use. */
export const LOSS_NAMES = ['mse', 'cross-entropy', 'binary-cross-entropy'] as const;

/** An activation function, by name. */
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** A loss function, by name. */
export type LossName = (typeof LOSS_NAMES)[number];

/** Output activations allowed with each loss. */
const OUTPUT_ACTIVATIONS: Record<LossName, readonly ActivationName[]> = {
  mse: ['linear', 'sigmoid', 'tanh'],
  'cross-entropy': ['softmax'],
  'binary-cross-entropy': ['sigmoid'],
};

/**
 * A small feed-forward network and its training setup, as plain data: the layers package turns it
 * into a network. Invariants (guaranteed by {@link arbNetworkSpec}): `cross-entropy` ⇒ `softmax`
 * output with `outputSize ≥ 2`; `binary-cross-entropy` ⇒ `sigmoid` output; `mse` ⇒ output
 * activation `linear`, `sigmoid` or `tanh`; no hidden `softmax`.
 */
export interface NetworkSpec {
  /** Number of input features. */
  inputSize: number;
  /** Hidden layers, input side first: `units` ≥ 1 neurons each, with `activation` (never softmax). */
  hidden: {
    /** Units of the hidden layer. */
    units: number;
    /** Activation of the hidden layer. */
    activation: ActivationName;
  }[];
  /** Number of outputs. */
  outputSize: number;
  /** Activation of the output layer. */
  outputActivation: ActivationName;
  /** Loss function. */
  loss: LossName;
  /** L1 penalty weight λ1 (0 or in [1e-4, 1e-1]). */
  lambda1: number;
  /** L2 penalty weight λ2 (0 or in [1e-4, 1e-1]). */
  lambda2: number;
  /** Rows of the random batch to check on. */
  batchSize: number;
  /** Seed for weight init and batch data (an unsigned 31-bit integer). */
  seed: number;
}

/** Options of {@link arbNetworkSpec}. */
export interface NetworkSpecOptions {
  /** Fewest hidden layers. Default 1. */
  minHidden?: number;
  /** Most hidden layers. Default 3. */
  maxHidden?: number;
  /** Most units per hidden layer (at least 1). Default 6. */
  maxUnits?: number;
  /** Largest `inputSize` (at least 1). Default 4. */
  maxInput?: number;
  /** Largest `outputSize` (at least 1; at least 2 when cross-entropy is allowed). Default 4. */
  maxOutput?: number;
  /** Largest `batchSize` (at least 1). Default 5. */
  maxBatch?: number;
  /** Activations allowed in hidden layers (softmax is always excluded there). Default: all. */
  activations?: ActivationName[];
  /** Losses to draw from; each fixes the output activation as in {@link NetworkSpec}. Default: all. */
  losses?: LossName[];
}

function positiveInt(name: string, value: number): number {
  return checkNumber(`arbNetworkSpec ${name}`, value, (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
}

function nonEmptyChoices<T extends string>(name: string, values: unknown, all: readonly T[]): T[] {
  if (!Array.isArray(values) || values.length === 0) {
    throw new InvalidOptionError(`arbNetworkSpec ${name} must be a non-empty array of ${all.join(', ')}`);
  }
  return [...new Set(values.map((v) => checkChoice(`arbNetworkSpec ${name}[]`, v, all)))];
}

/** λ from {0} ∪ [1e-4, 1e-1]; shrinks to 0. */
const arbLambda: fc.Arbitrary<number> = fc.oneof({ withCrossShrink: true }, fc.constant(0), fc.double({ min: 1e-4, max: 1e-1, noNaN: true }));

/**
 * Random consistent {@link NetworkSpec}s for property tests of whole networks. Deterministic given
 * fast-check's seed; shrinks towards fewer, narrower layers, smaller sizes, λ = 0 and the first
 * loss/activation of the lists.
 *
 * @throws InvalidOptionError for bounds that are not positive integers (minHidden may be 0),
 *   `minHidden > maxHidden`, unknown or empty activation/loss lists, only softmax as hidden
 *   activation, or `maxOutput < 2` with cross-entropy allowed.
 */
export function arbNetworkSpec(opts: NetworkSpecOptions = {}): fc.Arbitrary<NetworkSpec> {
  const minHidden = checkNumber('arbNetworkSpec minHidden', opts.minHidden ?? 1, (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer');
  const maxHidden = checkNumber('arbNetworkSpec maxHidden', opts.maxHidden ?? Math.max(3, minHidden), (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer');
  if (minHidden > maxHidden) throw new InvalidOptionError(`arbNetworkSpec: minHidden ${minHidden} exceeds maxHidden ${maxHidden}`);
  const maxUnits = positiveInt('maxUnits', opts.maxUnits ?? 6);
  const maxInput = positiveInt('maxInput', opts.maxInput ?? 4);
  const maxOutput = positiveInt('maxOutput', opts.maxOutput ?? 4);
  const maxBatch = positiveInt('maxBatch', opts.maxBatch ?? 5);
  const hiddenActivations = nonEmptyChoices('activations', opts.activations ?? [...ACTIVATION_NAMES], ACTIVATION_NAMES).filter(
    (a) => a !== 'softmax',
  );
  if (hiddenActivations.length === 0) {
    throw new InvalidOptionError('arbNetworkSpec activations: softmax cannot be a hidden activation; allow at least one other');
  }
  const losses = nonEmptyChoices('losses', opts.losses ?? [...LOSS_NAMES], LOSS_NAMES);
  if (losses.includes('cross-entropy') && maxOutput < 2) {
    throw new InvalidOptionError(`arbNetworkSpec: cross-entropy needs outputSize ≥ 2, but maxOutput is ${maxOutput}`);
  }

  // One arbitrary per loss (instead of `chain`) so the head shrinks within a loss and between losses.
  const heads = losses.map((loss) =>
    fc.record({
      loss: fc.constant(loss),
      outputActivation: fc.constantFrom(...OUTPUT_ACTIVATIONS[loss]),
      outputSize: fc.integer({ min: loss === 'cross-entropy' ? 2 : 1, max: maxOutput }),
    }),
  );
  const [firstHead, ...otherHeads] = heads;
  const head = otherHeads.length === 0 ? firstHead! : fc.oneof({ withCrossShrink: true }, firstHead!, ...otherHeads);

  return fc
    .record({
      inputSize: fc.integer({ min: 1, max: maxInput }),
      hidden: fc.array(
        fc.record({ units: fc.integer({ min: 1, max: maxUnits }), activation: fc.constantFrom(...hiddenActivations) }),
        { minLength: minHidden, maxLength: maxHidden },
      ),
      head,
      lambda1: arbLambda,
      lambda2: arbLambda,
      batchSize: fc.integer({ min: 1, max: maxBatch }),
      seed: fc.integer({ min: 0, max: 0x7fffffff }),
    })
    .map(
      ({ inputSize, hidden, head, lambda1, lambda2, batchSize, seed }): NetworkSpec => ({
        inputSize,
        hidden,
        outputSize: head.outputSize,
        outputActivation: head.outputActivation,
        loss: head.loss,
        lambda1,
        lambda2,
        batchSize,
        seed,
      }),
    );
}
