import { Matrix, Rng, allocateMatrix, createWasmBackend, withBackend } from '@ffnn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { Sequential, type SequentialOptions } from './network.js';

// What Sequential checks and computes that a small slip would break silently: each option's
// validation by name, the output layer a loss implies, which parameters are penalized, the
// inference-mode default, predict's chunks, the JSON fields, and when a captured step is reused.

const hidden = (extra: object = {}) => ({ units: 3, activation: 'tanh' as const, ...extra });
const opts = (o: Partial<SequentialOptions> = {}): SequentialOptions => ({ inputSize: 2, loss: 'mse', layers: [hidden(), { units: 1, activation: 'linear' }], seed: 4, ...o });
const values = (ms: readonly Matrix[]) => ms.map((m) => Array.from(m.data));

function random(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const m = new Matrix(rows, cols);
  for (let t = 0; t < m.size; t++) m.data[t] = rng.normal();
  return m;
}

describe('Sequential refuses each setting it cannot build, by name', () => {
  it.each([
    [42, /^Sequential: options must be an object$/],
    [opts({ layers: [] }), /^layers must be a non-empty array of \{ units, activation \}$/],
    [opts({ layers: 'abc' as never }), /^layers must be a non-empty array of \{ units, activation \}$/],
    [opts({ loss: 'hinge' as never }), /^loss must be one of mse, cross-entropy, binary-cross-entropy; got "hinge"$/],
    [opts({ lambda1: -1 }), /^lambda1 must be a finite number ≥ 0, got -1$/],
    [opts({ lambda2: -1 }), /^lambda2 must be a finite number ≥ 0, got -1$/],
    [opts({ dtype: 'float16' as never }), /^dtype must be one of float64, float32; got "float16"$/],
    [opts({ layers: [hidden(), { units: 0, activation: 'linear' }] }), /^layers\[1\]\.units must be an integer ≥ 1, got 0$/],
    [opts({ layers: [hidden({ dropout: 1 }), { units: 1, activation: 'linear' }] }), /^layers\[0\]\.dropout must be a number in \[0, 1\), got 1$/],
    [opts({ layers: [hidden({ dropout: -0.1 }), { units: 1, activation: 'linear' }] }), /^layers\[0\]\.dropout must be a number in \[0, 1\), got -0\.1$/],
    [opts({ layers: [hidden({ init: 'zeros' }), { units: 1, activation: 'linear' }] }), /^layers\[0\]\.init must be one of /],
  ])('%o', (options, message) => {
    expect(() => new Sequential(options as SequentialOptions)).toThrow(message);
  });

  it('accepts the edges: λ = 0, dropout 0 and just below 1', () => {
    expect(new Sequential(opts({ lambda1: 0, lambda2: 0 })).lambda1).toBe(0);
    for (const dropout of [0, 0.999]) expect(() => new Sequential(opts({ layers: [hidden({ dropout }), { units: 1, activation: 'linear' }] }))).not.toThrow();
  });
});

describe('Sequential computes', () => {
  it('the output layer a loss implies: softmax for cross-entropy, sigmoid for binary cross-entropy, linear for MSE', () => {
    const out = (loss: SequentialOptions['loss']) => Sequential.mlp({ inputSize: 2, hidden: [3], outputSize: loss === 'cross-entropy' ? 3 : 1, loss }).toJSON().layers.at(-1)!.activation;
    expect([out('cross-entropy'), out('binary-cross-entropy'), out('mse')]).toEqual(['softmax', 'sigmoid', 'linear']);
  });

  it('dropout on every hidden layer of an mlp, and none on its output', () => {
    const net = Sequential.mlp({ inputSize: 2, hidden: [3, 4], outputSize: 1, loss: 'mse', dropout: 0.2 });
    expect(net.layers.map((l) => l.dropout)).toEqual([0.2, 0.2, 0]);
    expect(Sequential.mlp({ inputSize: 2, hidden: [3], outputSize: 1, loss: 'mse' }).layers.map((l) => l.dropout)).toEqual([0, 0]);
  });

  it('a penalty on weights only, unless biases are penalized too', () => {
    const W = [Matrix.from([[1, -2, 0], [0.5, 0, 3]]), Matrix.from([[4, 4, 4]]), Matrix.from([[1], [-1], [2]]), Matrix.from([[5]])];
    const l1 = 1 + 2 + 0.5 + 3 + 1 + 1 + 2, l2 = 1 + 4 + 0.25 + 9 + 1 + 1 + 4, b1 = 12 + 5, b2 = 48 + 25;
    for (const penalizeBias of [false, true]) {
      const net = new Sequential(opts({ lambda1: 0.1, lambda2: 0.2, penalizeBias }));
      net.setParameters(W);
      const expected = 0.1 * (l1 + (penalizeBias ? b1 : 0)) + 0.1 * (l2 + (penalizeBias ? b2 : 0));
      expect(net.penaltyValue()).toBeCloseTo(expected, 12);
    }
  });

  it('gradients in inference mode unless told to train: dropout then passes everything through', () => {
    const net = new Sequential(opts({ layers: [hidden({ dropout: 0.5 }), { units: 1, activation: 'linear' }] }));
    const plain = new Sequential(opts());
    plain.setParameters(net.parameters());
    const X = random(4, 2, 1), Y = random(4, 1, 2);
    expect(net.computeGradients(X, Y)).toBe(plain.computeGradients(X, Y));
    expect(values(net.gradients())).toEqual(values(plain.gradients()));
  });

  it('refuses targets of the wrong shape before computing gradients', () => {
    expect(() => new Sequential(opts()).computeGradients(random(5, 2, 1), random(5, 2, 2))).toThrow(/^targets: got 5×2, expected 5×1 \(one row per sample, one column per output\)$/);
    expect(() => new Sequential(opts()).computeGradients(random(5, 2, 1), random(4, 1, 2))).toThrow(/^targets: got 4×1, expected 5×1 /);
  });

  it('predictions of several outputs over whole chunks of 1024 rows (and one more) as one forward pass', () => {
    const net = Sequential.mlp({ inputSize: 2, hidden: [3], outputSize: 3, loss: 'cross-entropy', seed: 2 });
    for (const n of [1024, 2048 + 1]) {
      const X = random(n, 2, n);
      expect(Array.from(net.predict(X).data)).toEqual(Array.from(net.forward(X).data));
    }
  });
});

describe('Sequential JSON', () => {
  it('writes alpha only for activations that have one, and reads back every flag', () => {
    const net = new Sequential(opts({ penalizeBias: true, lambda2: 0.1, layers: [hidden(), { units: 2, activation: 'leaky-relu', alpha: 0.2 }, { units: 1, activation: 'linear' }] }));
    const json = net.toJSON();
    expect(json.layers.map((l) => 'alpha' in l)).toEqual([false, true, false]);
    const back = Sequential.fromJSON(JSON.parse(JSON.stringify(json)));
    expect(back.penalizeBias).toBe(true);
    expect(back.toJSON()).toStrictEqual(json);
    const soft = new Sequential({ inputSize: 2, loss: 'mse', allowMseOnSoftmax: true, layers: [{ units: 2, activation: 'softmax' }] });
    expect(Sequential.fromJSON(soft.toJSON()).allowMseOnSoftmax).toBe(true);
  });

  it('refuses what is not a network, and weights that are not finite numbers, naming the entry', () => {
    const json = new Sequential(opts()).toJSON();
    expect(() => Sequential.fromJSON(42)).toThrow(/^network JSON must be an object$/);
    const withW = (W: unknown) => ({ ...json, layers: json.layers.map((l, i) => (i === 0 ? { ...l, W } : l)) });
    expect(() => Sequential.fromJSON(withW([1, null, 3, 4, 5, 6]))).toThrow(/^network JSON: layers\[0\]\.W\[1\] is null; weights must be finite numbers$/);
    // Six characters are not six numbers.
    expect(() => Sequential.fromJSON(withW('abcdef'))).toThrow(/^layer 1 Dense\(2→3\): W needs 2 × 3 = 6 numbers, the file holds 0$/);
  });
});

// Capture needs shared memory: the two-thread backend offers it.
const wasm = await createWasmBackend({ threads: 2 });
afterAll(() => wasm.dispose?.());

describe('a captured step is replayed only on the buffers it was captured on', () => {
  it('captures again for other inputs, other targets, or inputs of another width', () => {
    withBackend(wasm, () => {
      /** Inputs resident in the backend's memory, as fit allocates its batches (so the step is captured). */
      const resident = (rows: number, cols: number, seed: number) => {
        const m = allocateMatrix(rows, cols, 'float64');
        m.data.set(random(rows, cols, seed).data);
        return m;
      };
      const replays = () => (wasm as unknown as { replays: number }).replays;
      const net = new Sequential(opts());
      const fresh = net.clone();
      const [X1, Y1, X2, Y2] = [resident(6, 2, 1), resident(6, 1, 2), resident(6, 2, 3), resident(6, 1, 4)];
      const before = replays();
      for (const [X, Y] of [[X1, Y1], [X2, Y1], [X2, Y2]] as const) {
        const loss = net.computeGradients(X, Y);
        const grads = values(net.gradients());
        // A network that has never seen other buffers computes the reference.
        const reference = fresh.clone();
        expect(loss).toBe(reference.computeGradients(X, Y));
        expect(grads).toEqual(values(reference.gradients()));
      }
      expect(replays()).toBe(before + 6);
      expect(() => net.computeGradients(resident(6, 3, 5), Y2)).toThrow(/^layer 1 Dense\(2→3\): input has 3 columns, expected 2$/);
    });
  });
});
