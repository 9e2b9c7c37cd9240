import { Matrix, Rng } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { type TrainingState, fit } from './fit.js';
import { Sequential } from './network.js';

function data(rows: number, sign = 1): { X: Matrix; y: Matrix } {
  const rng = new Rng(8);
  const X = new Matrix(rows, 2), y = new Matrix(rows, 1);
  for (let i = 0; i < rows; i++) {
    X.data[2 * i] = rng.normal();
    X.data[2 * i + 1] = rng.normal();
    y.data[i] = sign * (X.data[2 * i]! + 0.5 * X.data[2 * i + 1]!);
  }
  return { X, y };
}
const net = () => Sequential.mlp({ inputSize: 2, hidden: [6], outputSize: 1, loss: 'mse', seed: 5 });
const weights = (n: Sequential) => n.parameters().map((p) => Array.from(p.data));
const { X, y } = data(40);
// Validation targets of the opposite sign: the better the network fits the training rows, the worse
// its validation loss, so the best epoch is the first and later epochs move away from it.
const opposite = data(40, -1);
const options = { optimizer: 'sgd' as const, lr: 0.05, epochs: 5, batchSize: 10, seed: 2, validationData: { X: opposite.X, y: opposite.y } };

describe('how a fit ends', () => {
  it('saves a checkpoint every everyEpochs epochs, at the epoch boundary (no row order, no partial sums)', () => {
    const saved: TrainingState[] = [];
    fit(net(), X, y, { ...options, checkpoint: { everyEpochs: 2, save: (s) => saved.push(s) } });
    expect(saved.map((s) => [s.epoch, s.batch, s.order, s.lossSum])).toEqual([[2, 0, null, 0], [4, 0, null, 0]]);
  });

  it('saves a checkpoint when a signal stops it at an epoch end, whatever the cadence', () => {
    const saved: TrainingState[] = [];
    const abort = new AbortController();
    const h = fit(net(), X, y, {
      ...options,
      signal: abort.signal,
      checkpoint: { everyEpochs: 100, save: (s) => saved.push(s) },
      callbacks: { onEpochEnd: (e) => void (e.epoch === 1 && abort.abort()) },
    });
    expect(h.stopReason).toBe('interrupted');
    expect(saved.map((s) => s.epoch)).toEqual([2]);
  });

  it('restores the best epoch\'s weights when asked (and only then), and not after an interruption', () => {
    const perEpoch: number[][][] = [];
    const track = (n: Sequential) => ({ onEpochEnd: () => void perEpoch.push(weights(n)) });
    const best = net();
    const h = fit(best, X, y, { ...options, restoreBestWeights: true, callbacks: track(best) });
    expect(h.bestEpoch).toBe(0);
    expect(h.restoredBest).toBe(true);
    expect(weights(best)).toEqual(perEpoch[0]);
    expect(weights(best)).not.toEqual(perEpoch[4]);

    const last = net();
    // onNonFinite 'stop' keeps a copy of the best weights too; they are still not restored unless asked.
    const kept = fit(last, X, y, { ...options, onNonFinite: 'stop' });
    expect(kept.restoredBest).toBe(false);
    expect(weights(last)).toEqual(perEpoch[4]);

    const abort = new AbortController();
    const stopped = net();
    const hs = fit(stopped, X, y, { ...options, restoreBestWeights: true, signal: abort.signal, callbacks: { onEpochEnd: (e) => void (e.epoch === 2 && abort.abort()) } });
    expect(hs.stopReason).toBe('interrupted');
    expect(hs.restoredBest).toBe(false);
    expect(weights(stopped)).toEqual(perEpoch[2]);
  });
});
