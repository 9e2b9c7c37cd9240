import { createOptimizer, createSchedule } from '@ffnn/optim';
import { Matrix, Rng, decodeSafetensors, encodeSafetensors } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import type { FitOptions, TrainingState } from './fit.js';
import { Sequential } from './network.js';
import { decodeNetwork, decodeTrainingState, encodeNetwork, encodeTrainingState } from './serialize.js';

function data(n: number, seed: number) {
  const rng = new Rng(seed);
  const X = Matrix.zeros(n, 2);
  const y = Matrix.zeros(n, 1);
  for (let i = 0; i < n; i++) {
    const a = rng.uniformIn(-1, 1), b = rng.uniformIn(-1, 1);
    X.set(i, 0, a);
    X.set(i, 1, b);
    y.data[i] = Math.sin(3 * a) * b + 0.05 * rng.normal();
  }
  return { X, y };
}

const makeNet = (dtype: 'float64' | 'float32' = 'float64') =>
  Sequential.mlp({ inputSize: 2, hidden: [12, 12], activation: 'tanh', dropout: 0.1, outputSize: 1, loss: 'mse', lambda2: 1e-4, dtype, seed: 42 });

const options = (): FitOptions => ({
  optimizer: createOptimizer('adam', { lr: 5e-3 }),
  schedule: createSchedule('plateau', { patience: 2, factor: 0.5 }),
  epochs: 9,
  batchSize: 16,
  seed: 7,
  validationSplit: 0.2,
  restoreBestWeights: true,
});

/** Round-trips a state through the binary checkpoint format, as the CLI does. */
const viaBytes = (s: TrainingState) => decodeTrainingState(encodeTrainingState(s), 'ckpt').state;

describe('checkpoint and resume', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`resuming from an epoch-boundary checkpoint gives bit-identical weights and history (${dtype})`, () => {
      const { X, y } = data(150, 1);
      const reference = makeNet(dtype);
      const refHistory = reference.fit(X, y, options());

      const states: TrainingState[] = [];
      const first = makeNet(dtype);
      first.fit(X, y, { ...options(), epochs: 9, checkpoint: { everyEpochs: 2, save: (s) => states.push(viaBytes(s)) }, callbacks: { onEpochEnd: (e) => e.epoch < 4 } });
      const at = states.find((s) => s.epoch === 4)!;
      expect(at).toBeDefined();

      const resumed = makeNet(dtype);
      const history = resumed.fit(X, y, { ...options(), resume: at });
      resumed.parameters().forEach((p, i) => expect(p.data).toEqual(reference.parameters()[i]!.data));
      expect(history.loss).toEqual(refHistory.loss);
      expect(history.valLoss).toEqual(refHistory.valLoss);
      expect(history.lr).toEqual(refHistory.lr);
      expect(history.bestEpoch).toBe(refHistory.bestEpoch);
    });
  }

  it('an abort signal stops at the next batch boundary; resuming mid-epoch is bit-identical', () => {
    const { X, y } = data(150, 2);
    const reference = makeNet();
    const refHistory = reference.fit(X, y, options());

    const controller = new AbortController();
    let saved: TrainingState | null = null;
    const net = makeNet();
    const h = net.fit(X, y, {
      ...options(),
      signal: controller.signal,
      checkpoint: { everyEpochs: 100, save: (s) => (saved = viaBytes(s)) },
      callbacks: { onBatchEnd: (b) => void (b.epoch === 3 && b.batch === 2 && controller.abort()) },
    });
    expect(h.stopReason).toBe('interrupted');
    const state = saved as unknown as TrainingState;
    expect(state.epoch).toBe(3);
    expect(state.batch).toBe(3);
    expect(state.order).toHaveLength(120);

    const resumed = makeNet();
    const history = resumed.fit(X, y, { ...options(), resume: state });
    resumed.parameters().forEach((p, i) => expect(p.data).toEqual(reference.parameters()[i]!.data));
    // The weights above are the restored best epoch's; the history shows every epoch after the resumed one ran as before.
    expect(history.loss).toEqual(refHistory.loss);
    expect(history.valLoss).toEqual(refHistory.valLoss);
    expect(history.lr).toEqual(refHistory.lr);
    expect(history.bestEpoch).toBe(refHistory.bestEpoch);
    expect(history.stopReason).toBe('completed');
  });

  it('refuses a state that is not a version-1 training state', () => {
    const state = stateOf();
    const { X, y } = data(40, 4);
    for (const bad of [{ ...state, version: 2 }, { ...state, format: 'ffnn.sequential' }]) {
      expect(() => makeNet().fit(X, y, { ...options(), epochs: 2, resume: bad as TrainingState })).toThrow(/^resume: not a version-1 ffnn training state$/);
    }
  });

  it('restores best weights only from a checkpoint that kept them', () => {
    const { X, y } = data(40, 4);
    const plain = () => ({ ...options(), restoreBestWeights: false, epochs: 3 });
    let state: TrainingState | null = null;
    makeNet().fit(X, y, { ...plain(), checkpoint: { everyEpochs: 1, save: (s) => (state ??= s) } });
    // Made without best weights: a run that would restore them has nothing to restore from.
    expect(() => makeNet().fit(X, y, { ...plain(), restoreBestWeights: true, resume: state! })).toThrow(/^resume: the checkpoint holds no best weights/);
    // Made with them: a run that does not restore them ignores them, and ends where an uninterrupted run ends.
    let withBest: TrainingState | null = null;
    makeNet().fit(X, y, { ...plain(), restoreBestWeights: true, checkpoint: { everyEpochs: 1, save: (s) => (withBest ??= s) } });
    const uninterrupted = makeNet(), resumed = makeNet();
    uninterrupted.fit(X, y, plain());
    resumed.fit(X, y, { ...plain(), resume: withBest! });
    resumed.parameters().forEach((p, i) => expect(p.data).toEqual(uninterrupted.parameters()[i]!.data));
  });

  it('continues a schedule only from a checkpoint that has one', () => {
    const { X, y } = data(40, 4);
    const base = { optimizer: createOptimizer('sgd', { lr: 0.1 }), epochs: 4, batchSize: 16, seed: 7 };
    let state: TrainingState | null = null;
    makeNet().fit(X, y, { ...base, checkpoint: { everyEpochs: 2, save: (s) => (state ??= s) } });
    expect(state!.schedule).toBeNull();
    // A schedule given on resume starts fresh from the checkpoint's base rate: step decay by 0.5 every epoch.
    const h = makeNet().fit(X, y, { ...base, optimizer: createOptimizer('sgd', { lr: 0.1 }), schedule: createSchedule('step', { stepSize: 1, gamma: 0.5 }), resume: state! });
    expect(h.lr).toEqual([0.1, 0.1, 0.025, 0.0125]);
    // A checkpoint with a schedule, resumed without one: the rate stays where the optimizer state left it.
    let scheduled: TrainingState | null = null;
    makeNet().fit(X, y, { ...base, optimizer: createOptimizer('sgd', { lr: 0.1 }), schedule: createSchedule('step', { stepSize: 1, gamma: 0.5 }), checkpoint: { everyEpochs: 2, save: (s) => (scheduled ??= s) } });
    expect(scheduled!.schedule).not.toBeNull();
    const kept = makeNet().fit(X, y, { ...base, optimizer: createOptimizer('sgd', { lr: 0.1 }), resume: scheduled! });
    expect(kept.lr).toEqual([0.1, 0.05, 0.05, 0.05]);
  });

  it('refuses to resume with different settings', () => {
    const { X, y } = data(60, 3);
    let state: TrainingState | null = null;
    makeNet().fit(X, y, { ...options(), epochs: 2, checkpoint: { everyEpochs: 1, save: (s) => (state = s) } });
    expect(() => makeNet().fit(X, y, { ...options(), batchSize: 8, resume: state! })).toThrow(/checkpoint was made with batchSize = 16, this run has 8/);
    // The validation split is part of the settings: 12 validation rows (0.2 of 60) against 15 (0.25).
    expect(() => makeNet().fit(X, y, { ...options(), epochs: 2, validationSplit: 0.25, resume: state! })).toThrow(/^resume: the checkpoint was made with validationRows = 12, this run has 15$/);
  });
});

describe('binary network files (safetensors layout)', () => {
  it('round-trip exactly and keep extra metadata', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const net = makeNet(dtype);
      const { network, metadata } = decodeNetwork(encodeNetwork(net, { preprocessing: '{"kind":"none"}' }), 'net.ffnn');
      expect(network.toJSON()).toEqual(net.toJSON());
      expect(metadata.get('preprocessing')).toBe('{"kind":"none"}');
    }
  });
  it('reject files that are not networks or do not fit their architecture', () => {
    const bytes = encodeNetwork(makeNet());
    expect(() => decodeNetwork(encodeTrainingState({ ...stateOf(), best: null }), 'x.ffnn')).toThrow(/x\.ffnn: not an ffnn network file/);
    const { tensors, metadata } = decodeSafetensors(bytes);
    const meta = Object.fromEntries(metadata);
    meta['ffnn.network'] = meta['ffnn.network']!.replace('"units":12', '"units":13');
    expect(() => decodeNetwork(encodeSafetensors(tensors, meta), 'bad.ffnn')).toThrow(/bad\.ffnn: layer 1 Dense\(2→13\): W needs 2 × 13 = 26 numbers, the file holds 24/);
  });
});

function stateOf(): TrainingState {
  const { X, y } = data(40, 4);
  let s: TrainingState | null = null;
  makeNet().fit(X, y, { ...options(), epochs: 1, checkpoint: { everyEpochs: 1, save: (st) => (s = st) } });
  return s!;
}

describe('fitAsync', () => {
  // When it yields: fit-history.test.ts.
  it('gives bit-identical weights to fit', async () => {
    const { X, y } = data(150, 9);
    const a = makeNet();
    a.fit(X, y, options());
    const b = makeNet();
    await b.fitAsync(X, y, options());
    b.parameters().forEach((p, i) => expect(p.data).toEqual(a.parameters()[i]!.data));
  });
});
