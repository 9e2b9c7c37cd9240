import { InvalidOptionError } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, LOSS_NAMES, arbNetworkSpec, type NetworkSpec, type NetworkSpecOptions } from './network-spec.js';

function checkSpec(spec: NetworkSpec, opts: Required<Omit<NetworkSpecOptions, 'activations' | 'losses'>> & NetworkSpecOptions): void {
  expect(Object.keys(spec).sort()).toEqual(
    ['batchSize', 'hidden', 'inputSize', 'lambda1', 'lambda2', 'loss', 'outputActivation', 'outputSize', 'seed'].sort(),
  );
  expect(Number.isInteger(spec.inputSize) && spec.inputSize >= 1 && spec.inputSize <= opts.maxInput).toBe(true);
  expect(Number.isInteger(spec.outputSize) && spec.outputSize >= 1 && spec.outputSize <= opts.maxOutput).toBe(true);
  expect(Number.isInteger(spec.batchSize) && spec.batchSize >= 1 && spec.batchSize <= opts.maxBatch).toBe(true);
  expect(Number.isSafeInteger(spec.seed) && spec.seed >= 0 && spec.seed <= 0x7fffffff).toBe(true);
  expect(spec.hidden.length).toBeGreaterThanOrEqual(opts.minHidden);
  expect(spec.hidden.length).toBeLessThanOrEqual(opts.maxHidden);
  for (const layer of spec.hidden) {
    expect(Number.isInteger(layer.units) && layer.units >= 1 && layer.units <= opts.maxUnits).toBe(true);
    expect(layer.activation).not.toBe('softmax');
    expect(opts.activations ?? ACTIVATION_NAMES).toContain(layer.activation);
  }
  expect(opts.losses ?? LOSS_NAMES).toContain(spec.loss);
  switch (spec.loss) {
    case 'cross-entropy':
      expect(spec.outputActivation).toBe('softmax');
      expect(spec.outputSize).toBeGreaterThanOrEqual(2);
      break;
    case 'binary-cross-entropy':
      expect(spec.outputActivation).toBe('sigmoid');
      break;
    case 'mse':
      expect(['linear', 'sigmoid', 'tanh']).toContain(spec.outputActivation);
      break;
  }
  for (const lambda of [spec.lambda1, spec.lambda2]) {
    expect(lambda === 0 || (lambda >= 1e-4 && lambda <= 1e-1)).toBe(true);
  }
}

const DEFAULTS = { minHidden: 1, maxHidden: 3, maxUnits: 6, maxInput: 4, maxOutput: 4, maxBatch: 5 };

describe('arbNetworkSpec', () => {
  it('respects the consistency rules and default bounds over many runs', () => {
    fc.assert(
      fc.property(arbNetworkSpec(), (spec) => checkSpec(spec, DEFAULTS)),
      { numRuns: 2000 },
    );
  });

  it('covers every loss, every allowed output activation, every hidden activation and both kinds of λ', () => {
    const specs = fc.sample(arbNetworkSpec(), { numRuns: 2000, seed: 1993 });
    expect(new Set(specs.map((s) => s.loss))).toEqual(new Set(LOSS_NAMES));
    expect(new Set(specs.map((s) => s.outputActivation))).toEqual(new Set(['linear', 'sigmoid', 'tanh', 'softmax']));
    expect(new Set(specs.flatMap((s) => s.hidden.map((h) => h.activation)))).toEqual(
      new Set(ACTIVATION_NAMES.filter((a) => a !== 'softmax')),
    );
    expect(new Set(specs.map((s) => s.hidden.length))).toEqual(new Set([1, 2, 3]));
    expect(specs.some((s) => s.lambda1 === 0)).toBe(true);
    expect(specs.some((s) => s.lambda1 > 0)).toBe(true);
    expect(specs.some((s) => s.lambda2 === 0)).toBe(true);
    expect(specs.some((s) => s.lambda2 > 0)).toBe(true);
  });

  it('respects custom bounds and lists', () => {
    const arbOpts = fc.record({
      minHidden: fc.nat({ max: 2 }),
      extraHidden: fc.nat({ max: 2 }),
      maxUnits: fc.integer({ min: 1, max: 10 }),
      maxInput: fc.integer({ min: 1, max: 10 }),
      maxOutput: fc.integer({ min: 2, max: 10 }),
      maxBatch: fc.integer({ min: 1, max: 10 }),
      activations: fc.subarray([...ACTIVATION_NAMES].filter((a) => a !== 'softmax'), { minLength: 1 }),
      losses: fc.subarray([...LOSS_NAMES], { minLength: 1 }),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(arbOpts, ({ extraHidden, seed, ...o }) => {
        const opts = { ...o, maxHidden: o.minHidden + extraHidden };
        for (const spec of fc.sample(arbNetworkSpec(opts), { numRuns: 20, seed })) checkSpec(spec, opts);
      }),
      { numRuns: 200 },
    );
  });

  it('allows maxOutput 1 without cross-entropy, and then outputSize is 1', () => {
    const opts = { ...DEFAULTS, maxOutput: 1, losses: ['mse', 'binary-cross-entropy'] as ('mse' | 'binary-cross-entropy')[] };
    for (const spec of fc.sample(arbNetworkSpec(opts), { numRuns: 200, seed: 4 })) {
      checkSpec(spec, opts);
      expect(spec.outputSize).toBe(1);
    }
  });

  it('is deterministic given fast-check seed', () => {
    const a = fc.sample(arbNetworkSpec(), { numRuns: 30, seed: 123 });
    expect(fc.sample(arbNetworkSpec(), { numRuns: 30, seed: 123 })).toEqual(a);
    expect(fc.sample(arbNetworkSpec(), { numRuns: 30, seed: 124 })).not.toEqual(a);
  });

  it('shrinks to a minimal failing spec', () => {
    // Property "fewer than 2 hidden layers" fails; the shrunk case should have exactly 2 one-unit
    // layers, the smallest sizes, λ = 0 and the first loss.
    const result = fc.check(
      fc.property(arbNetworkSpec(), (s) => s.hidden.length < 2),
      { seed: 99 },
    );
    expect(result.failed).toBe(true);
    const [spec] = result.counterexample!;
    expect(spec.hidden.map((h) => h.units)).toEqual([1, 1]);
    expect(spec.hidden.map((h) => h.activation)).toEqual(['sigmoid', 'sigmoid']);
    expect(spec).toMatchObject({ inputSize: 1, outputSize: 1, batchSize: 1, lambda1: 0, lambda2: 0, seed: 0, loss: 'mse', outputActivation: 'linear' });
  });

  it('rejects bad options with InvalidOptionError', () => {
    const bad: NetworkSpecOptions[] = [
      { minHidden: 3, maxHidden: 2 },
      { minHidden: -1 },
      { maxUnits: 0 },
      { maxInput: 1.5 },
      { maxBatch: NaN },
      { activations: [] },
      { activations: ['softmax'] },
      { activations: ['swish' as never] },
      { losses: [] },
      { losses: ['hinge' as never] },
      { maxOutput: 1 }, // cross-entropy is allowed by default and needs 2 outputs
      { maxOutput: 1, losses: ['cross-entropy'] },
    ];
    for (const opts of bad) expect(() => arbNetworkSpec(opts), JSON.stringify(opts)).toThrow(InvalidOptionError);
  });
});

describe('arbNetworkSpec: messages and draws', () => {
  it('name the option and the value', () => {
    const cases: [NetworkSpecOptions, string][] = [
      [{ minHidden: -1 }, 'arbNetworkSpec minHidden must be a non-negative integer, got -1'],
      [{ maxHidden: -1 }, 'arbNetworkSpec maxHidden must be a non-negative integer, got -1'],
      [{ maxHidden: 1.5 }, 'arbNetworkSpec maxHidden must be a non-negative integer, got 1.5'],
      [{ minHidden: 3, maxHidden: 2 }, 'arbNetworkSpec: minHidden 3 exceeds maxHidden 2'],
      [{ maxUnits: 0 }, 'arbNetworkSpec maxUnits must be a positive integer, got 0'],
      [{ maxInput: 0 }, 'arbNetworkSpec maxInput must be a positive integer, got 0'],
      [{ maxOutput: 0 }, 'arbNetworkSpec maxOutput must be a positive integer, got 0'],
      [{ maxBatch: 0 }, 'arbNetworkSpec maxBatch must be a positive integer, got 0'],
      [{ activations: [] }, `arbNetworkSpec activations must be a non-empty array of ${ACTIVATION_NAMES.join(', ')}`],
      [{ activations: ['nope' as never] }, `arbNetworkSpec activations[] must be one of ${ACTIVATION_NAMES.join(', ')}; got "nope"`],
      [{ activations: ['softmax'] }, 'arbNetworkSpec activations: softmax cannot be a hidden activation; allow at least one other'],
      [{ losses: [] }, `arbNetworkSpec losses must be a non-empty array of ${LOSS_NAMES.join(', ')}`],
      [{ maxOutput: 1 }, 'arbNetworkSpec: cross-entropy needs outputSize ≥ 2, but maxOutput is 1'],
    ];
    for (const [opts, message] of cases) {
      expect(() => arbNetworkSpec(opts)).toThrow(InvalidOptionError);
      expect(() => arbNetworkSpec(opts)).toThrow(message);
    }
  });

  it('draws every allowed loss, and both λ = 0 and λ in [1e-4, 1e-1]', () => {
    const specs = fc.sample(arbNetworkSpec(), { numRuns: 300, seed: 11 });
    expect(new Set(specs.map((s) => s.loss))).toEqual(new Set(LOSS_NAMES));
    const lambdas = specs.flatMap((s) => [s.lambda1, s.lambda2]);
    expect(lambdas.some((l) => l === 0)).toBe(true);
    expect(lambdas.some((l) => l >= 1e-4 && l <= 1e-1)).toBe(true);
    expect(lambdas.every((l) => l === 0 || (l >= 1e-4 && l <= 1e-1))).toBe(true);
  });
});
