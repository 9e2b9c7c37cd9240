import { createOptimizer } from '@ffnn/optim';
import { Matrix, Rng } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { type EpochInfo, type TrainingState, evaluate, fit, fitAsync } from './fit.js';
import { Sequential } from './network.js';

function data(rows: number, seed = 6): { X: Matrix; y: Matrix; labels: number[] } {
  const rng = new Rng(seed);
  const X = new Matrix(rows, 2), y = new Matrix(rows, 1);
  const labels: number[] = [];
  for (let i = 0; i < rows; i++) {
    X.data[2 * i] = rng.normal();
    X.data[2 * i + 1] = rng.normal();
    y.data[i] = X.data[2 * i]! - 0.5 * X.data[2 * i + 1]!;
    labels.push(y.data[i]! > 0.3 ? 2 : y.data[i]! > -0.3 ? 1 : 0);
  }
  return { X, y, labels };
}
const regression = () => Sequential.mlp({ inputSize: 2, hidden: [5], outputSize: 1, loss: 'mse', seed: 3 });
const weights = (n: Sequential) => n.parameters().map((p) => Array.from(p.data));

/** An SGD optimizer whose step does nothing: the weights stay put, so every epoch sees the same network. */
function frozen() {
  const opt = createOptimizer('sgd');
  opt.step = () => {};
  return opt;
}

describe('the history of a fit, computed independently', () => {
  const { X, y, labels } = data(30);

  it('records each epoch\'s mean loss and metric over the training rows, as evaluate computes them', () => {
    const cases = [
      { net: regression(), y, metricName: 'mse' },
      { net: Sequential.mlp({ inputSize: 2, hidden: [5], outputSize: 3, loss: 'cross-entropy', seed: 3 }), y: labels, metricName: 'accuracy' },
      { net: Sequential.mlp({ inputSize: 2, hidden: [5], outputSize: 1, loss: 'binary-cross-entropy', seed: 3 }), y: labels.map((c) => (c === 2 ? 1 : 0)), metricName: 'accuracy' },
    ];
    for (const c of cases) {
      const expected = evaluate(c.net, X, c.y);
      const infos: EpochInfo[] = [];
      const h = fit(c.net, X, c.y, { optimizer: frozen(), epochs: 2, batchSize: 7, callbacks: { onEpochEnd: (e) => void infos.push(e) } });
      expect(h.metricName).toBe(c.metricName);
      for (const e of [0, 1]) {
        expect(h.loss[e]).toBeCloseTo(expected.loss, 12);
        expect(h.metric[e]).toBeCloseTo(expected.metric, 12);
        expect(infos[e]!.loss).toBe(h.loss[e]);
        expect(infos[e]!.metric).toBe(h.metric[e]);
        expect(infos[e]!).not.toHaveProperty('valLoss');
      }
      // Mean accuracy is a multiple of 1/30 here, so it is exact; guard against a constant.
      if (c.metricName === 'accuracy') expect(expected.metric).toBeGreaterThan(0);
    }
  });

  it('reports the validation loss and metric in the epoch info when there is validation data', () => {
    const net = regression();
    const v = data(11, 9);
    const expected = evaluate(net, v.X, v.y);
    const infos: EpochInfo[] = [];
    const h = fit(net, X, y, { optimizer: frozen(), epochs: 1, validationData: { X: v.X, y: v.y }, callbacks: { onEpochEnd: (e) => void infos.push(e) } });
    expect(h.valLoss[0]).toBe(expected.loss);
    expect(infos[0]).toMatchObject({ valLoss: expected.loss, valMetric: expected.metric });
  });

  it('times each epoch in milliseconds from its start', () => {
    const before = performance.now();
    const h = fit(regression(), X, y, { epochs: 3 });
    const total = performance.now() - before;
    for (const t of h.timeMs) {
      expect(t).toBeGreaterThanOrEqual(0);
      expect(t).toBeLessThanOrEqual(total);
    }
  });

  it('an epoch no better than the best so far counts towards patience (equal is not better, nor less than minDelta better)', () => {
    // Frozen weights and rows in a fixed order: every epoch has the same loss to the bit, so only the first is an improvement.
    for (const minDelta of [0, 0.1]) {
      const h = fit(regression(), X, y, { optimizer: frozen(), epochs: 10, shuffle: false, earlyStopping: { patience: 2, minDelta } });
      expect(h.stopReason).toBe('early-stopping');
      expect(h.loss).toHaveLength(3);
      expect(h.bestEpoch).toBe(0);
    }
  });

  it('minDelta is in the units of the mean loss per row', () => {
    const options = { optimizer: 'sgd' as const, lr: 0.01, epochs: 6, batchSize: 30, shuffle: false };
    const free = fit(regression(), X, y, options);
    const gains = free.loss.slice(1).map((l, e) => free.loss[e]! - l);
    expect(Math.min(...gains)).toBeGreaterThan(0);
    // Every epoch improves, but epochs 2 and 3 by less than minDelta on epoch 1: patience runs out after epoch 3.
    const h = fit(regression(), X, y, { ...options, earlyStopping: { patience: 2, minDelta: 1.01 * (free.loss[0]! - free.loss[2]!) } });
    expect(h.stopReason).toBe('early-stopping');
    expect(h.loss).toEqual(free.loss.slice(0, 3));
  });

  it('a validation loss that is not finite is never the best epoch, and never restored', () => {
    // Targets of 1e200: the squared error overflows to Infinity on every validation row.
    const far = Matrix.from(Array.from({ length: 5 }, () => [1e200]));
    const v = { X: data(5, 4).X, y: far };
    const net = regression();
    const h = fit(net, X, y, { epochs: 3, validationData: v, restoreBestWeights: true, earlyStopping: { patience: 1 } });
    expect(h.valLoss).toEqual([Infinity, Infinity, Infinity]);
    expect(h.bestEpoch).toBe(-1);
    expect(h.stopReason).toBe('completed');
    expect(h.restoredBest).toBe(false);
  });

  it('without shuffling, every seed visits the rows in the same order', () => {
    const a = regression(), b = regression();
    fit(a, X, y, { optimizer: 'sgd', epochs: 2, batchSize: 4, shuffle: false, seed: 1 });
    fit(b, X, y, { optimizer: 'sgd', epochs: 2, batchSize: 4, shuffle: false, seed: 2 });
    expect(weights(a)).toEqual(weights(b));
    const c = regression();
    fit(c, X, y, { optimizer: 'sgd', epochs: 2, batchSize: 4, seed: 2 });
    expect(weights(c)).not.toEqual(weights(a));
  });
});

describe('what fit refuses', () => {
  const { X, y } = data(30);
  it('an optimizer that is a function, and validation labels out of range, naming them', () => {
    const fn = Object.assign(() => {}, { step: () => {}, lr: 0.1 });
    expect(() => fit(regression(), X, y, { optimizer: fn as never })).toThrow(/^optimizer must be an Optimizer or one of /);
    const net = Sequential.mlp({ inputSize: 2, hidden: [3], outputSize: 3, loss: 'cross-entropy', seed: 1 });
    expect(() => fit(net, X, [0, 1, 2].flatMap(() => Array.from({ length: 10 }, (_, i) => i % 3)), { validationData: { X: data(2).X, y: [0, 5] } })).toThrow(
      /^validation targets: label 5 at row 1 is not an integer class in 0\.\.2$/,
    );
  });
  it('nothing on exactly 1024 rows, one whole chunk of evaluate', () => {
    const { X, y } = data(1024, 2);
    const net = regression();
    expect(evaluate(net, X, y).loss).toBeCloseTo(net.dataLoss(X, y), 14);
  });
});

describe('how divergence is reported', () => {
  // One linear unit with w = b = 0 predicts 0, so the loss of targets c is exactly c².
  const linear = () => {
    const net = new Sequential({ inputSize: 1, loss: 'mse', layers: [{ units: 1, activation: 'linear' }], seed: 1 });
    net.setParameters([Matrix.from([[0]]), Matrix.from([[0]])]);
    return net;
  };

  it('names the parameter whose gradient overflowed while the loss stayed finite', () => {
    // x = 1e300 and ŷ − y = −1e10: the loss is 1e20, the gradient of W is about −2e310 = −Infinity.
    const X = Matrix.from([[1e300]]), y = Matrix.from([[1e10]]);
    const h = fit(linear(), X, y, { optimizer: 'sgd', epochs: 1, onNonFinite: 'stop' });
    expect(h.stopReason).toBe('diverged');
    expect(h.divergence!.message).toBe('training diverged: the gradient of W1 became non-finite in epoch 1, batch 1 of 1 (learning rate 0.01); try a lower learning rate');
  });

  it('names the epoch and batch (counting from 1) and says what the loss became', () => {
    const X = Matrix.from([[1], [1], [1]]), y = Matrix.from([[1], [2], [NaN]]);
    const h = fit(linear(), X, y, { optimizer: 'sgd', epochs: 1, batchSize: 1, shuffle: false, onNonFinite: 'stop' });
    expect(h.divergence).toMatchObject({ epoch: 0, batch: 2 });
    expect(h.divergence!.message).toMatch(/^training diverged: the loss became NaN in epoch 1, batch 3 of 3 \(learning rate 0\.01\)/);
  });

  it('a loss equal to lossLimit is not a divergence; above it is', () => {
    const X = Matrix.from([[0]]), y = Matrix.from([[3]]); // x = 0: the gradient moves only b, and the first loss is 3² = 9
    expect(fit(linear(), X, y, { optimizer: 'sgd', epochs: 1, lossLimit: 9 }).stopReason).toBe('completed');
    expect(() => fit(linear(), X, y, { optimizer: 'sgd', epochs: 1, lossLimit: 8.5 })).toThrow(
      /^training diverged: the loss reached 9\.000e\+0, above the limit 8\.500e\+0, in epoch 1, batch 1 of 1/,
    );
  });
});

describe('signals and checkpoints', () => {
  const { X, y } = data(30);

  it('a signal during the last batch of an epoch lets the epoch finish and stops at its end', () => {
    const abort = new AbortController();
    const saved: TrainingState[] = [];
    const h = fit(regression(), X, y, {
      epochs: 4,
      batchSize: 10,
      signal: abort.signal,
      checkpoint: { everyEpochs: 100, save: (s) => void saved.push(s) },
      callbacks: { onBatchEnd: (b) => void (b.epoch === 1 && b.batch === 2 && abort.abort()) },
    });
    expect(h.stopReason).toBe('interrupted');
    expect(h.loss).toHaveLength(2);
    expect(saved.map((s) => [s.epoch, s.batch, s.order])).toEqual([[2, 0, null]]);
  });

  it('a signal mid-epoch stops the run without a checkpoint when none was asked for', () => {
    const abort = new AbortController();
    const h = fit(regression(), X, y, { epochs: 4, batchSize: 10, signal: abort.signal, callbacks: { onBatchEnd: () => abort.abort() } });
    expect(h.stopReason).toBe('interrupted');
    expect(h.loss).toEqual([]);
  });

  it('checkpoints every third epoch at epochs 3 and 6, not 2 and 5', () => {
    const saved: number[] = [];
    fit(regression(), X, y, { epochs: 7, checkpoint: { everyEpochs: 3, save: (s) => void saved.push(s.epoch) } });
    expect(saved).toEqual([3, 6]);
  });

  it('keeps best weights in a checkpoint only when they can be restored (restoreBestWeights, or onNonFinite "stop")', () => {
    const bestOf = (options: Parameters<typeof fit>[3]) => {
      let state: TrainingState | null = null;
      fit(regression(), X, y, { epochs: 1, ...options, checkpoint: { everyEpochs: 1, save: (s) => (state = s) } });
      return (state as TrainingState | null)!.best;
    };
    expect(bestOf({})).toBeNull();
    expect(bestOf({ restoreBestWeights: true })).toHaveLength(4);
    expect(bestOf({ onNonFinite: 'stop' })).toHaveLength(4);
  });
});

describe('fitAsync', () => {
  const { X, y } = data(30);
  it('yields to the event loop every sliceMs milliseconds, and never within a slice', async () => {
    const seen = async (sliceMs: number) => {
      let fired = false;
      const timer = setTimeout(() => (fired = true), 0);
      const during: boolean[] = [];
      await fitAsync(regression(), X, y, { epochs: 3, batchSize: 5, callbacks: { onBatchEnd: () => void during.push(fired) } }, sliceMs);
      const after = fired;
      clearTimeout(timer);
      return { during, after };
    };
    const often = await seen(0);
    expect(often.during[0]).toBe(false);
    expect(often.during.at(-1)).toBe(true);
    const never = await seen(Infinity);
    expect(never.during.every((f) => !f)).toBe(true);
    expect(never.after).toBe(false);
  });
});
