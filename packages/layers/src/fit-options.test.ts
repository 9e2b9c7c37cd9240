import { createOptimizer } from '@ffnn/optim';
import { Matrix, Rng } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { evaluate, fit } from './fit.js';
import { Sequential } from './network.js';

function data(rows: number, seed = 3): { X: Matrix; y: Matrix } {
  const rng = new Rng(seed);
  const X = new Matrix(rows, 2), y = new Matrix(rows, 1);
  for (let i = 0; i < rows; i++) {
    X.data[2 * i] = rng.normal();
    X.data[2 * i + 1] = rng.normal();
    y.data[i] = X.data[2 * i]! - 0.5 * X.data[2 * i + 1]!;
  }
  return { X, y };
}
const net = () => Sequential.mlp({ inputSize: 2, hidden: [4], outputSize: 1, loss: 'mse', seed: 2 });

describe('fit refuses options it cannot honour, naming the option and the value', () => {
  const { X, y } = data(20);
  it.each([
    [{ epochs: -1 }, /^epochs must be an integer ≥ 0/],
    [{ epochs: 1.5 }, /^epochs must be an integer ≥ 0/],
    [{ batchSize: 0 }, /^batchSize must be an integer ≥ 1/],
    [{ onNonFinite: 'ignore' as 'stop' }, /^onNonFinite must be one of throw, stop; got "ignore"$/],
    [{ lossLimit: 0 }, /^lossLimit must be a positive number/],
    [{ checkpoint: { everyEpochs: 0, save: () => {} } }, /^checkpoint\.everyEpochs must be an integer ≥ 1/],
    [{ earlyStopping: { patience: -1 }, validationSplit: 0.2 }, /^earlyStopping\.patience must be an integer ≥ 0/],
    [{ validationSplit: 1 }, /^validationSplit must be a fraction in \(0, 1\)/],
    [{ validationSplit: 0.01 }, /^validationSplit 0\.01 leaves no rows on one side of 20$/],
    [{ validationSplit: 0.2, validationData: { X, y } }, /^give validationData or validationSplit, not both$/],
    [{ validationData: { X, y: Matrix.zeros(3, 1) } }, /^validationData: 20 input rows but 3 targets$/],
    [{ validationData: { X: Matrix.zeros(3, 5), y: Matrix.zeros(3, 1) } }, /^validationData: inputs have 5 columns, expected 2$/],
    [{ optimizer: { lr: 1 } as never }, /^optimizer must be an Optimizer or one of sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw$/],
    [{ optimizer: createOptimizer('sgd'), lr: -1 }, /^lr must be a positive number/],
  ])('%o', (options, message) => {
    expect(() => fit(net(), X, y, { epochs: 1, ...options })).toThrow(message);
  });

  it('accepts the boundary values: 0 epochs (an empty history), batches of 1, patience 0, a split leaving 1 row on either side', () => {
    const h = fit(net(), X, y, { epochs: 0 });
    expect([h.loss, h.metric, h.valLoss, h.valMetric, h.lr, h.timeMs]).toEqual([[], [], [], [], [], []]);
    expect(h.stopReason).toBe('completed');
    expect(fit(net(), X, y, { epochs: 1, batchSize: 1 }).loss).toHaveLength(1);
    expect(fit(net(), X, y, { epochs: 2, validationSplit: 0.5, earlyStopping: { patience: 0 } }).loss.length).toBeGreaterThan(0);
    expect(fit(net(), X, y, { epochs: 1, validationSplit: 0.05 }).valLoss).toHaveLength(1); // 1 validation row of 20
    expect(fit(net(), X, y, { epochs: 1, validationSplit: 0.95 }).valLoss).toHaveLength(1); // 19 of 20
    expect(() => fit(net(), X, y, { epochs: 1, validationSplit: 0.99 })).toThrow(/^validationSplit 0\.99 leaves no rows on one side of 20$/);
    expect(() => fit(net(), X, y, { epochs: 1, validationSplit: 0 })).toThrow(/^validationSplit must be a fraction in \(0, 1\)/);
  });

  it('refuses an optimizer that is not one, and a learning rate of 0', () => {
    expect(() => fit(net(), X, y, { epochs: 1, optimizer: { step: 'no' } as never })).toThrow(/^optimizer must be an Optimizer/);
    expect(() => fit(net(), X, y, { epochs: 1, optimizer: 7 as never })).toThrow(/^optimizer must be an Optimizer/);
    expect(() => fit(net(), X, y, { epochs: 1, optimizer: createOptimizer('sgd'), lr: 0 })).toThrow(/^lr must be a positive number/);
  });

  it('and data that does not fit the network', () => {
    expect(() => fit(net(), Matrix.zeros(4, 3), Matrix.zeros(4, 1))).toThrow(/^fit: inputs have 3 columns but the network expects 2$/);
    expect(() => fit(net(), Matrix.zeros(4, 2), Matrix.zeros(5, 1))).toThrow(/^fit: 4 input rows but 5 targets$/);
    expect(() => fit(net(), Matrix.zeros(0, 2), Matrix.zeros(0, 1))).toThrow(/^fit: no training rows$/);
  });

  it('sets the learning rate of an optimizer object from lr, and a batch larger than the data takes all rows at once', () => {
    const sgd = createOptimizer('sgd');
    const h = fit(net(), X, y, { optimizer: sgd, lr: 0.05, epochs: 1, batchSize: 1000 });
    expect(sgd.lr).toBe(0.05);
    expect(h.lr).toEqual([0.05]);
    // One batch of all 20 rows: the same weights as batchSize 20.
    const a = net(), b = net();
    fit(a, X, y, { optimizer: 'sgd', lr: 0.05, epochs: 2, batchSize: 1000, seed: 1 });
    fit(b, X, y, { optimizer: 'sgd', lr: 0.05, epochs: 2, batchSize: 20, seed: 1 });
    expect(a.parameters().map((p) => Array.from(p.data))).toEqual(b.parameters().map((p) => Array.from(p.data)));
  });
});

describe('evaluate', () => {
  it('averages loss and metric over chunks of 1024 rows (the last one shorter) as over one pass', () => {
    const { X, y } = data(1024 + 5);
    const n = net();
    const e = evaluate(n, X, y);
    const loss = n.dataLoss(X, y);
    expect(e.metricName).toBe('mse');
    expect(e.loss).toBeCloseTo(loss, 14);
    expect(e.metric).toBe(e.loss);
    expect(() => evaluate(n, X, Matrix.zeros(3, 1))).toThrow(/^evaluate: 1029 input rows but 3 targets$/);
    expect(() => evaluate(n, Matrix.zeros(0, 2), Matrix.zeros(0, 1))).toThrow(/^evaluate: no rows$/);
  });

  it('scores one sigmoid output by the threshold 0.5 and several outputs by argmax', () => {
    const bin = new Sequential({ inputSize: 1, loss: 'binary-cross-entropy', layers: [{ units: 1, activation: 'sigmoid' }], seed: 1 });
    bin.setParameters([Matrix.from([[1]]), Matrix.from([[0]])]);
    // p = σ(x): classes 0, 1 (p = 0.5 counts as 1), 1, 0; labels 0, 1, 1, 1 → 3 of 4 right
    // (an argmax over the one column would say class 0 every time: 1 of 4).
    expect(evaluate(bin, Matrix.from([[-2], [0], [3], [-1]]), [0, 1, 1, 1]).metric).toBe(0.75);
    const three = new Sequential({ inputSize: 1, loss: 'cross-entropy', layers: [{ units: 3, activation: 'softmax' }], seed: 1 });
    three.setParameters([Matrix.from([[1, 0, -1]]), Matrix.from([[0, 0.5, 0]])]);
    const e = evaluate(three, Matrix.from([[2], [0], [-2], [2]]), [0, 1, 2, 1]);
    expect(e.metricName).toBe('accuracy');
    expect(e.metric).toBe(0.75);
  });
});
