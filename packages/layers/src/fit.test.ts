import { createOptimizer } from '@ffnn/optim';
import { Matrix, NumericError, Rng } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { Sequential } from './network.js';
import type { RowSource } from './sources.js';

/** The study's Runge data: x ~ U[−1, 1], y = 1/(1 + 25x²) + N(0, σ²). */
function runge(n: number, sigma: number, seed: number) {
  const rng = new Rng(seed);
  const x = Matrix.zeros(n, 1);
  const y = Matrix.zeros(n, 1);
  const f = Matrix.zeros(n, 1);
  for (let i = 0; i < n; i++) x.data[i] = rng.uniformIn(-1, 1);
  for (let i = 0; i < n; i++) {
    f.data[i] = 1 / (1 + 25 * x.data[i]! ** 2);
    y.data[i] = f.data[i]! + sigma * rng.normal();
  }
  return { x, y, f };
}

function rows(m: Matrix, idx: ArrayLike<number>): Matrix {
  const out = Matrix.zeros(idx.length, m.cols);
  for (let r = 0; r < idx.length; r++) out.row(r).set(m.row(idx[r]!));
  return out;
}

/** Three Gaussian blobs in 2-D. */
function blobs(n: number, seed: number) {
  const rng = new Rng(seed);
  const centres = [[0, 2], [-2, -1], [2, -1]];
  const X = Matrix.zeros(n, 2);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels[i] = c;
    X.set(i, 0, centres[c]![0]! + 0.6 * rng.normal());
    X.set(i, 1, centres[c]![1]! + 0.6 * rng.normal());
  }
  return { X, labels };
}

const small = () => Sequential.mlp({ inputSize: 1, hidden: [8, 8], outputSize: 1, loss: 'mse', seed: 1 });

describe('fit', () => {
  it('same seed → bit-identical weights; different seed → different weights', () => {
    const { x, y } = runge(200, 0.05, 3);
    const train = (netSeed: number, fitSeed: number) => {
      const net = Sequential.mlp({ inputSize: 1, hidden: [16, 16], dropout: 0.1, outputSize: 1, loss: 'mse', seed: netSeed });
      net.fit(x, y, { optimizer: 'adam', lr: 1e-2, epochs: 5, batchSize: 32, seed: fitSeed });
      return net.parameters().map((p) => Array.from(p.data));
    };
    expect(train(1993, 7)).toEqual(train(1993, 7));
    expect(train(1993, 7)).not.toEqual(train(1994, 7));
    expect(train(1993, 7)).not.toEqual(train(1993, 8));
  });

  it('fits noisy Runge data (n 1000, σ 0.05) with a 1-50-50-1 ReLU network and Adam to within 20% of the noise floor', () => {
    const { x, y, f } = runge(1000, 0.05, 1993);
    const perm = new Rng(1993).permutation(1000);
    const tr = perm.subarray(0, 800), te = perm.subarray(800);
    const net = Sequential.mlp({ inputSize: 1, hidden: [50, 50], activation: 'relu', outputSize: 1, loss: 'mse', seed: 1993 });
    const history = net.fit(rows(x, tr), rows(y, tr), { optimizer: 'adam', lr: 1e-2, epochs: 500, batchSize: 64, seed: 1993 });
    const yhat = net.predict(rows(x, te));
    const yTe = rows(y, te), fTe = rows(f, te);
    let noisy = 0, clean = 0;
    for (let i = 0; i < 200; i++) {
      noisy += (yhat.data[i]! - yTe.data[i]!) ** 2;
      clean += (yhat.data[i]! - fTe.data[i]!) ** 2;
    }
    noisy /= 200;
    clean /= 200;
    console.log(`Runge 1-50-50-1 ReLU Adam(1e-2) 500 epochs: test MSE ${noisy.toFixed(6)} (noisy y), ${clean.toFixed(6)} (clean f); final train loss ${history.loss.at(-1)!.toFixed(6)}`);
    expect(noisy).toBeLessThanOrEqual(1.2 * 0.0025);
    expect(history.loss.at(-1)!).toBeLessThan(history.loss[0]!);
  });

  it('reaches ≥ 95% accuracy on a 3-class problem (labels given as integers)', () => {
    const { X, labels } = blobs(600, 5);
    const test = blobs(300, 6);
    const net = Sequential.mlp({ inputSize: 2, hidden: [16], activation: 'tanh', outputSize: 3, loss: 'cross-entropy', seed: 2 });
    const h = net.fit(X, labels, { optimizer: 'adam', lr: 1e-2, epochs: 30, batchSize: 32 });
    const acc = net.evaluate(test.X, test.labels).metric;
    expect(h.metricName).toBe('accuracy');
    expect(acc).toBeGreaterThanOrEqual(0.95);
  });

  it('trains a float32 network', () => {
    const { x, y } = runge(300, 0.05, 4);
    const net = Sequential.mlp({ inputSize: 1, hidden: [20, 20], outputSize: 1, loss: 'mse', dtype: 'float32', seed: 3 });
    const h = net.fit(x, y, { lr: 1e-2, epochs: 60, batchSize: 32 });
    expect(net.parameters()[0]!.data).toBeInstanceOf(Float32Array);
    expect(h.loss.at(-1)!).toBeLessThan(0.25 * h.loss[0]!);
  });

  it('stops early and restores the best weights, whether or not early stopping fired', () => {
    const { x, y } = runge(300, 0.05, 5);
    const val = runge(100, 0.05, 6);
    const net = small();
    const h = net.fit(x, y, { lr: 0.05, epochs: 400, validationData: { X: val.x, y: val.y }, earlyStopping: { patience: 5 } });
    expect(h.stopReason).toBe('early-stopping');
    expect(h.valLoss.length).toBe(h.bestEpoch + 1 + 5);
    expect(h.restoredBest).toBe(true);
    expect(net.evaluate(val.x, val.y).loss).toBe(h.valLoss[h.bestEpoch]);

    const net2 = small();
    const h2 = net2.fit(x, y, { lr: 0.05, epochs: 30, validationData: { X: val.x, y: val.y }, restoreBestWeights: true });
    expect(h2.stopReason).toBe('completed');
    expect(h2.restoredBest).toBe(true);
    expect(net2.evaluate(val.x, val.y).loss).toBe(Math.min(...h2.valLoss));
  });

  it('takes the validation split after a seeded shuffle, not from the last rows', () => {
    const n = 100;
    const X = Matrix.zeros(n, 1);
    const y = Matrix.zeros(n, 1);
    const gathered = new Set<number>();
    let recording = false;
    const source: RowSource = {
      rows: n,
      cols: 1,
      gather(index, start, out) {
        for (let r = 0; r < out.rows; r++) {
          if (recording) gathered.add(index[start + r]!);
          out.data[r] = X.data[index[start + r]!]!;
        }
      },
    };
    const net = small();
    net.fit(source, y, {
      epochs: 1,
      validationSplit: 0.2,
      callbacks: {
        onBatchEnd: (b) => {
          recording = b.batch === b.batches - 1; // record the validation pass that follows the last batch
        },
      },
    });
    expect(gathered.size).toBe(20);
    expect([...gathered].some((i) => i < 80)).toBe(true);
  });

  it('calls callbacks per batch and epoch and stops when onEpochEnd returns false', () => {
    const { x, y } = runge(130, 0.05, 7);
    const batches: number[] = [];
    const epochs: number[] = [];
    const h = small().fit(x, y, {
      epochs: 10,
      batchSize: 64,
      callbacks: {
        onBatchEnd: (b) => batches.push(b.batch),
        onEpochEnd: (e) => {
          epochs.push(e.epoch);
          return e.epoch < 2;
        },
      },
    });
    expect(batches).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
    expect(epochs).toEqual([0, 1, 2]);
    expect(h.stopReason).toBe('callback');
    expect(h.loss).toHaveLength(3);
  });

  it('catches divergence in the batch where it appears', () => {
    const { x, y } = runge(200, 0.05, 8);
    const big = Matrix.zeros(200, 1);
    for (let i = 0; i < 200; i++) big.data[i] = 1e3 * x.data[i]!;
    const diverging = () => Sequential.mlp({ inputSize: 1, hidden: [8], outputSize: 1, loss: 'mse', seed: 1 });
    expect(() => diverging().fit(big, y, { optimizer: 'sgd', lr: 10, epochs: 5 })).toThrow(NumericError);
    expect(() => diverging().fit(big, y, { optimizer: 'sgd', lr: 10, epochs: 5 })).toThrow(/in epoch 1, batch \d+ of 4 \(learning rate 10\); try a lower learning rate/);
    const net = diverging();
    const h = net.fit(big, y, { optimizer: 'sgd', lr: 10, epochs: 5, onNonFinite: 'stop' });
    expect(h.stopReason).toBe('diverged');
    expect(h.divergence?.message).toMatch(/training diverged/);
    expect(net.parameters().every((p) => p.data.every(Number.isFinite))).toBe(true);
  });

  it('lossLimit turns a finite blow-up into a divergence and keeps the best weights', () => {
    const { x, y } = runge(200, 0.05, 8);
    const make = () => Sequential.mlp({ inputSize: 1, hidden: [8], outputSize: 1, loss: 'mse', seed: 1 });
    // Adam with η = 1 runs away on this net but stays finite for a while; without a limit it finishes.
    const free = make().fit(x, y, { optimizer: 'adam', lr: 1, epochs: 3 });
    expect(free.stopReason).toBe('completed');
    const worst = Math.max(...free.loss);
    expect(worst).toBeGreaterThan(10);
    const net = make();
    const initial = net.parameters().map((p) => Array.from(p.data));
    const h = net.fit(x, y, { optimizer: 'adam', lr: 1, epochs: 3, lossLimit: 10, onNonFinite: 'stop' });
    expect(h.stopReason).toBe('diverged');
    expect(h.divergence!.message).toMatch(/^training diverged: the loss reached \d\.\d{3}e\+\d+, above the limit 1\.000e\+1, in epoch \d, batch \d+ of 4 \(learning rate 1\)/);
    // It blew up within the first epoch, so the initial weights are the best ones.
    expect(h.bestEpoch).toBe(-1);
    expect(h.restoredBest).toBe(true);
    expect(net.parameters().map((p) => Array.from(p.data))).toEqual(initial);
    expect(() => make().fit(x, y, { optimizer: 'adam', lr: 1, epochs: 3, lossLimit: 10 })).toThrow(NumericError);
    expect(() => make().fit(x, y, { lossLimit: 0 })).toThrow(/lossLimit must be a positive number, got 0/);
  });

  it('accepts an optimizer instance and a schedule, and validates its options', () => {
    const { x, y } = runge(100, 0.05, 9);
    const opt = createOptimizer('momentum', { lr: 0.01 });
    const h = small().fit(x, y, { optimizer: opt, epochs: 3, schedule: { name: 'step', lrAt: (e, base) => base * 0.5 ** e, getState: () => ({}), setState: () => undefined } });
    expect(h.lr).toEqual([0.01, 0.005, 0.0025]);
    expect(() => small().fit(x, y, { epochs: -1 })).toThrow(/epochs must be an integer ≥ 0, got -1/);
    expect(() => small().fit(x, y, { batchSize: 0 })).toThrow(/batchSize must be an integer ≥ 1, got 0/);
    expect(() => small().fit(x, y, { validationSplit: 1.5 })).toThrow(/validationSplit must be a fraction in \(0, 1\), got 1.5/);
    expect(() => small().fit(x, Matrix.zeros(99, 1))).toThrow(/100 input rows but 99 targets/);
    expect(() => small().fit(x, y, { optimizer: 'lbfgs' as 'adam' })).toThrow(/optimizer must be one of/);
    const clf = Sequential.mlp({ inputSize: 1, hidden: [4], outputSize: 3, loss: 'cross-entropy' });
    expect(() => clf.fit(x, new Int32Array(100).fill(3))).toThrow(/label 3 at row 0 is not an integer class in 0..2/);
  });
});
