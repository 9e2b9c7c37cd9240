import { Matrix, Rng } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { Sequential, type SequentialOptions } from './network.js';

/** A 2→3→1 network with fixed weights. */
function small(options: Partial<SequentialOptions> = {}): Sequential {
  return new Sequential({ inputSize: 2, loss: 'mse', layers: [{ units: 3, activation: 'tanh' }, { units: 1, activation: 'linear' }], seed: 4, ...options });
}

describe('Sequential: what a user calls beside fit', () => {
  it('refuses settings it cannot build, saying which and why', () => {
    expect(() => new Sequential(null as unknown as SequentialOptions)).toThrow(/^Sequential: options must be an object$/);
    expect(() => small({ layers: [{ units: 3, activation: 'softmax' }, { units: 1, activation: 'linear' }] })).toThrow(
      /^layers\[0\]\.activation "softmax" is only allowed on the output layer$/,
    );
    expect(() => small({ layers: [{ units: 3 }, { units: 1, activation: 'linear', dropout: 0.5 }] })).toThrow(
      /^dropout on the output layer is not supported; put it on hidden layers$/,
    );
    expect(() => Sequential.mlp({ inputSize: 2, hidden: 3 as unknown as number[], outputSize: 1, loss: 'mse' })).toThrow(/^hidden must be an array of layer widths/);
    const dropping = small({ layers: [{ units: 3, dropout: 0.5 }, { units: 1, activation: 'linear' }] });
    expect(() => dropping.forward(Matrix.zeros(1, 2), { training: true })).toThrow(/^forward: training with dropout needs an rng$/);
    expect(() => dropping.forward(Matrix.zeros(1, 2), { training: true, rng: new Rng(1) })).not.toThrow();
  });

  it('says when there is no forward pass to read, and what targets it expects', () => {
    const net = small();
    expect(() => net.lastOutput(5)).toThrow(/^lastOutput: no forward pass of 5 rows yet$/);
    expect(() => net.lastLoss(Matrix.zeros(5, 1))).toThrow(/^lastLoss: no forward pass of 5 rows yet$/);
    net.forward(Matrix.zeros(5, 2));
    expect(net.lastOutput(5).rows).toBe(5);
    expect(() => net.lastLoss(Matrix.zeros(5, 2))).toThrow(/^targets: got 5×2, expected 5×1 \(one row per sample, one column per output\)$/);
  });

  it('predicts in chunks of 1024 rows, the last one shorter, as one forward pass over all rows', () => {
    const net = small();
    const n = 1024 + 3;
    const X = new Matrix(n, 2);
    const rng = new Rng(2);
    for (let t = 0; t < X.size; t++) X.data[t] = rng.normal();
    const all = Array.from(net.forward(X).data);
    expect(Array.from(net.predict(X).data)).toEqual(all);
  });

  it('classifies with one sigmoid output by the threshold 0.5 (0.5 itself is class 1), with several by argmax', () => {
    const net = new Sequential({ inputSize: 1, loss: 'binary-cross-entropy', layers: [{ units: 1, activation: 'sigmoid' }], seed: 1 });
    // p = σ(w·x): w = 1, b = 0, so x < 0 → p < 0.5, x = 0 → 0.5, x > 0 → p > 0.5.
    net.setParameters([Matrix.from([[1]]), Matrix.from([[0]])]);
    expect(Array.from(net.predictClasses(Matrix.from([[-2], [0], [3], [-1e-9]])))).toEqual([0, 1, 1, 0]);
    const three = new Sequential({ inputSize: 1, loss: 'cross-entropy', layers: [{ units: 3, activation: 'softmax' }], seed: 1 });
    three.setParameters([Matrix.from([[1, 0, -1]]), Matrix.from([[0, 0.5, 0]])]);
    expect(Array.from(three.predictClasses(Matrix.from([[2], [0], [-2]])))).toEqual([0, 1, 2]);
  });

  it('summarizes its layers, penalties and parameter count', () => {
    const net = new Sequential({ inputSize: 2, loss: 'mse', lambda1: 0.5, lambda2: 0.25, dtype: 'float32', layers: [{ units: 3, dropout: 0.2 }, { units: 1, activation: 'linear' }] });
    expect(net.summary()).toBe(
      [
        'Sequential (float32, loss mse, λ1 0.5, λ2 0.25)',
        '  1. Dense(2→3) relu, init he-normal, dropout 0.2',
        '  2. Dense(3→1) linear, init xavier-normal',
        '  parameters: 13',
      ].join('\n'),
    );
  });

  it('copies, clones and sets its parameters, refusing the wrong number or shapes', () => {
    const net = small();
    const copies = net.parameters().map((p) => Matrix.zeros(p.rows, p.cols));
    net.copyParametersTo(copies);
    expect(copies.map((c) => Array.from(c.data))).toEqual(net.parameters().map((p) => Array.from(p.data)));
    expect(() => net.copyParametersTo(copies.slice(1))).toThrow(/^copyParametersTo: wrong number of buffers$/);
    const twin = net.clone();
    expect(twin.parameters().map((p) => Array.from(p.data))).toEqual(copies.map((c) => Array.from(c.data)));
    expect(twin.parameters()[0]!.data).not.toBe(net.parameters()[0]!.data);
    expect(() => net.setParameters(copies.slice(1))).toThrow(/^setParameters: got 3 matrices, expected 4$/);
    expect(() => net.setParameters([Matrix.zeros(3, 2), ...copies.slice(1)])).toThrow(/^setParameters: W1 is 3×2, expected 2×3$/);
  });

  it('reads its JSON back only when it is complete', () => {
    const json = small().toJSON();
    expect(() => Sequential.fromJSON(null)).toThrow(/^network JSON must be an object$/);
    expect(() => Sequential.fromJSON({ ...json, layers: 'x' })).toThrow(/^network JSON: layers must be an array$/);
    const { dtype: _dtype, ...noDtype } = json;
    expect(Sequential.fromJSON(noDtype).dtype).toBe('float64');
    const short = { ...json, layers: json.layers.map((l, i) => (i === 1 ? { ...l, b: [] } : l)) };
    expect(() => Sequential.fromJSON(short)).toThrow(/^layer 2 Dense\(3→1\): b needs 1 numbers, the file holds 0$/);
    const nan = { ...json, layers: json.layers.map((l, i) => (i === 1 ? { ...l, b: [NaN] } : l)) };
    expect(() => Sequential.fromJSON(nan)).toThrow(/^network JSON: layers\[1\]\.b\[0\] is null; weights must be finite numbers$/);
  });
});
