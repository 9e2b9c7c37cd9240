import { Adam } from '@ffnn/optim';
import { type DType, type KernelBackend, Matrix, Rng, allocateMatrix, createWasmBackend, jsBackend, withBackend } from '@ffnn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { activation, geluBackward, geluForward, reluForward } from './activations.js';
import { denseActivationForward, denseBackward, denseForward } from './dense.js';
import { loss } from './losses.js';
import { Sequential } from './network.js';

// Training on the WebAssembly SIMD backend: thread-count independence, agreement with the
// JavaScript backend, and the fused kernels the layers use against the unfused path.

const one = await createWasmBackend({ threads: 1 });
const two = await createWasmBackend({ threads: 2 });
afterAll(() => {
  one.dispose?.();
  two.dispose?.();
});

/** Big enough that the first layer's products (64×96·96×128) are split over threads. */
function task(dtype: DType) {
  const rng = new Rng(7);
  const rows = 320;
  const X = new Matrix(rows, 96, dtype);
  for (let t = 0; t < X.size; t++) X.data[t] = rng.normal();
  const y = Int32Array.from({ length: rows }, (_, i) => (X.data[i * 96]! > 0 ? 1 : 0) + (X.data[i * 96 + 1]! > 0 ? 1 : 0));
  return { X, y };
}

function train(backend: KernelBackend, dtype: DType, epochs: number) {
  return withBackend(backend, () => {
    const { X, y } = task(dtype);
    // Built under the backend, so weights and buffers live in its memory (the fast path).
    const net = Sequential.mlp({ inputSize: 96, hidden: [128, 32], outputSize: 3, loss: 'cross-entropy', dtype, seed: 3 });
    const history = net.fit(X, y, { optimizer: 'adam', lr: 1e-3, epochs, batchSize: 64, seed: 5 });
    return { params: net.parameters().map((p) => Array.from(p.data)), loss: history.loss };
  });
}

describe('training on the wasm backend', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`gives bit-identical weights on 1 and 2 threads (${dtype})`, () => {
      const parallelBefore = (two as unknown as { parallelCalls: number }).parallelCalls;
      const a = train(one, dtype, 2);
      const b = train(two, dtype, 2);
      expect((two as unknown as { parallelCalls: number }).parallelCalls).toBeGreaterThan(parallelBefore);
      expect(b.params).toEqual(a.params); // toEqual on numbers distinguishes every bit but NaN payloads
      expect(b.loss).toEqual(a.loss);
    });

    it(`follows the JavaScript backend's trajectory for a few epochs (${dtype})`, () => {
      const js = train(jsBackend, dtype, 3);
      const wasm = train(two, dtype, 3);
      // The products sum in another order (f64) or accumulate in f32 (f32 wasm); the rest is bit-exact.
      const tol = dtype === 'float64' ? 1e-9 : 2e-3;
      js.loss.forEach((l, e) => expect(Math.abs(wasm.loss[e]! - l)).toBeLessThanOrEqual(tol * Math.abs(l)));
      js.params.forEach((p, i) => {
        const scale = Math.max(...p.map(Math.abs));
        const diff = Math.max(...p.map((v, t) => Math.abs(v - wasm.params[i]![t]!)));
        expect(diff).toBeLessThanOrEqual(tol * scale);
      });
    });
  }

  it('trains a network built before the wasm backend was installed (plain arrays are copied in and out)', () => {
    const { X, y } = task('float32');
    const build = () => Sequential.mlp({ inputSize: 96, hidden: [128], outputSize: 3, loss: 'cross-entropy', dtype: 'float32', seed: 3 });
    const early = build();
    withBackend(two, () => early.fit(X, y, { epochs: 1, seed: 5 }));
    const native = withBackend(two, () => {
      const net = build();
      net.fit(X, y, { epochs: 1, seed: 5 });
      return net;
    });
    expect(early.parameters().map((p) => Array.from(p.data))).toEqual(native.parameters().map((p) => Array.from(p.data)));
    // …and a network built under wasm keeps working under the JavaScript backend.
    expect(() => native.fit(X, y, { epochs: 1, seed: 5 })).not.toThrow();
  });
});

/** The backend without capture, so that networks call the kernels one by one. */
function layerByLayer(backend: KernelBackend): KernelBackend {
  const plain = Object.create(backend) as KernelBackend & { beginCapture?: unknown };
  plain.beginCapture = undefined;
  return plain;
}

/** How many captured steps the backend replayed. */
function replays(backend: KernelBackend): number {
  return (backend as unknown as { replays: number }).replays;
}

/** A regression task on inputs allocated by `backend` (resident), as `fit` allocates its batches. */
function regression(backend: KernelBackend, rows: number, inputs: number, dtype: DType) {
  return withBackend(backend, () => {
    const rng = new Rng(17);
    const X = allocateMatrix(rows, inputs, dtype), Y = allocateMatrix(rows, 1, dtype);
    for (let t = 0; t < X.size; t++) X.data[t] = rng.normal();
    for (let i = 0; i < rows; i++) Y.data[i] = Math.sin(3 * X.data[i * inputs]!) + 0.1 * rng.normal();
    return { X, Y };
  });
}

describe('a training step captured and replayed in one backend call', () => {
  for (const [dtype, act] of [['float32', 'relu'], ['float64', 'relu'], ['float32', 'sigmoid'], ['float64', 'sigmoid'], ['float32', 'leaky-relu'], ['float64', 'leaky-relu'], ['float32', 'tanh'], ['float64', 'tanh'], ['float32', 'gelu'], ['float64', 'gelu']] as const) {
    it(`computeGradients gives the layer-by-layer kernels' bits (${act}, ${dtype})`, () => {
      const { X, Y } = regression(two, 64, 3, dtype);
      const grads = (backend: KernelBackend) =>
        withBackend(backend, () => {
          const net = Sequential.mlp({ inputSize: 3, hidden: [50, 50], activation: act, outputSize: 1, loss: 'mse', dtype, seed: 2, lambda2: 1e-3 });
          const loss = net.computeGradients(X, Y, { training: true, rng: new Rng(1) });
          return { loss, grads: net.gradients().map((g) => Array.from(g.data)), out: Array.from(net.lastOutput(64).data) };
        });
      const before = replays(two);
      const one = grads(two);
      expect(replays(two)).toBe(before + 1);
      const separate = grads(layerByLayer(two));
      expect(replays(two)).toBe(before + 1);
      expect(one).toEqual(separate);
    });
  }

  it('replays every batch of a fit (new rows in the same buffers) with the weights of the kernels called one by one', () => {
    const { X, Y } = regression(two, 150, 3, 'float32');
    for (const act of ['relu', 'sigmoid', 'tanh', 'leaky-relu', 'gelu'] as const) {
      const train = (backend: KernelBackend) =>
        withBackend(backend, () => {
          const net = Sequential.mlp({ inputSize: 3, hidden: [20, 20], activation: act, outputSize: 1, loss: 'mse', dtype: 'float32', seed: 8 });
          const history = net.fit(X, Y, { optimizer: 'adam', lr: 1e-2, epochs: 3, batchSize: 32, seed: 3 });
          return { params: net.parameters().map((p) => Array.from(p.data)), loss: history.loss };
        });
      const before = replays(two);
      const replayed = train(two);
      // 5 batches (4 of 32, one of 22) × 3 epochs, each captured at its first batch and replayed.
      expect(replays(two) - before).toBe(15);
      expect(replayed).toEqual(train(layerByLayer(two)));
    }
  });

  it('is not used where it cannot apply: targets outside the backend\'s memory', () => {
    const { X } = regression(two, 32, 3, 'float64');
    const before = replays(two);
    withBackend(two, () => {
      const classes = Sequential.mlp({ inputSize: 3, hidden: [8], outputSize: 2, loss: 'cross-entropy', seed: 2 });
      classes.computeGradients(X, Matrix.from(Array.from({ length: 32 }, (_, i) => (i % 2 ? [1, 0] : [0, 1]))));
    });
    expect(replays(two)).toBe(before);
    // The same cross-entropy network with its targets in the backend's memory replays.
    withBackend(two, () => {
      const T = allocateMatrix(32, 2, 'float64');
      for (let i = 0; i < 32; i++) T.data[2 * i + (i % 2)] = 1;
      Sequential.mlp({ inputSize: 3, hidden: [8], outputSize: 2, loss: 'cross-entropy', seed: 2 }).computeGradients(X, T);
    });
    expect(replays(two)).toBe(before + 1);
  });

  for (const dtype of ['float64', 'float32'] as const) {
    it(`replays a fit with dropout (masks drawn on the host before each step) with the bits of the kernels called one by one (${dtype})`, () => {
      const { X, Y } = regression(two, 100, 3, dtype);
      const train = (backend: KernelBackend) =>
        withBackend(backend, () => {
          const net = Sequential.mlp({ inputSize: 3, hidden: [16, 16], activation: 'tanh', dropout: 0.3, outputSize: 1, loss: 'mse', dtype, seed: 8, lambda2: 1e-3 });
          const history = net.fit(X, Y, { optimizer: 'adam', lr: 1e-2, epochs: 3, batchSize: 32, seed: 3 });
          return { params: net.parameters().map((p) => Array.from(p.data)), loss: history.loss };
        });
      const before = replays(two);
      const replayed = train(two);
      // 4 batches (3 of 32, one of 4) × 3 epochs, each captured at its first batch size and replayed.
      expect(replays(two)).toBe(before + 12);
      const separate = train(layerByLayer(two));
      expect(replays(two)).toBe(before + 12);
      expect(replayed).toEqual(separate);
    });
  }

  it('trains a network large enough to split its steps to bit-identical weights on 1 and 2 threads', () => {
    const run = (backend: KernelBackend) => {
      const { X, Y } = regression(backend, 192, 8, 'float32');
      return withBackend(backend, () => {
        const net = Sequential.mlp({ inputSize: 8, hidden: [200, 200], outputSize: 1, loss: 'mse', dtype: 'float32', seed: 4 });
        const steps = replays(backend);
        const history = net.fit(X, Y, { optimizer: 'adam', lr: 1e-3, epochs: 2, batchSize: 64, seed: 6 });
        expect(replays(backend) - steps).toBe(6);
        return { params: net.parameters().map((p) => Array.from(p.data)), loss: history.loss };
      });
    };
    // Offered to the pool (which runs them split unless its oversubscription guard is resting).
    const offered = (two as unknown as { parallelCalls: number }).parallelCalls;
    const a = run(one);
    const b = run(two);
    expect((two as unknown as { parallelCalls: number }).parallelCalls).toBeGreaterThanOrEqual(offered + 12);
    expect(b).toEqual(a);
  });
});

describe('fused kernels used by the layers', () => {
  const backends: [string, KernelBackend][] = [['js', jsBackend], ['wasm', two]];
  for (const [name, backend] of backends) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`bias + ReLU forward and the ReLU mask equal the unfused path bit for bit (${name}, ${dtype})`, () => {
        withBackend(backend, () => {
          const rng = new Rng(11);
          const rand = (r: number, c: number) => {
            const M = new Matrix(r, c, dtype);
            for (let t = 0; t < M.size; t++) M.data[t] = rng.normal();
            return M;
          };
          const x = rand(13, 17), W = rand(17, 19), b = rand(1, 19), da = rand(13, 19);
          const relu = activation('relu');
          const zF = new Matrix(13, 19, dtype), aF = new Matrix(13, 19, dtype);
          denseActivationForward(x, W, b, relu, zF, aF);
          const zU = new Matrix(13, 19, dtype), aU = new Matrix(13, 19, dtype);
          denseForward(x, W, b, zU);
          reluForward(zU, aU);
          expect(Array.from(zF.data)).toEqual(Array.from(zU.data));
          expect(Array.from(aF.data)).toEqual(Array.from(aU.data));
          const dz = new Matrix(13, 19, dtype);
          relu.backward(zF, aF, da, dz);
          expect(Array.from(dz.data)).toEqual(Array.from(zF.data, (z, t) => (z > 0 ? da.data[t]! : 0)));
        });
      });

      it(`Adam through the backend kernel equals the JavaScript backend bit for bit (${name}, ${dtype})`, () => {
        const run = (b: KernelBackend) =>
          withBackend(b, () => {
            const rng = new Rng(4);
            const W = new Matrix(7, 9, dtype), G = new Matrix(7, 9, dtype);
            const opt = new Adam({ lr: 1e-2, weightDecay: 0.01 });
            for (let step = 0; step < 4; step++) {
              for (let t = 0; t < G.size; t++) G.data[t] = rng.normal();
              opt.step([W], [G]);
            }
            return Array.from(W.data);
          });
        expect(run(backend)).toEqual(run(jsBackend));
      });
    }
  }
});

/**
 * The gradients of a GELU network with an MSE loss by the layers' functions one by one, every GELU
 * backward computing th again from z (no kept tanh): what the network's kept th must reproduce.
 */
function geluGradientsComputedAgain(net: Sequential, X: Matrix, Y: Matrix): number[][] {
  const dtype = X.dtype;
  const inputs: Matrix[] = [], zs: Matrix[] = [], as: Matrix[] = [];
  let x = X;
  for (const layer of net.layers) {
    const z = new Matrix(x.rows, layer.units, dtype), a = new Matrix(x.rows, layer.units, dtype);
    denseForward(x, layer.W, layer.b, z);
    geluForward(z, a);
    inputs.push(x);
    zs.push(z);
    as.push(a);
    x = a;
  }
  let da = new Matrix(x.rows, x.cols, dtype);
  loss('mse').gradient(x, Y, da);
  const grads: number[][] = [];
  for (let l = net.layers.length - 1; l >= 0; l--) {
    const layer = net.layers[l]!;
    const dz = new Matrix(X.rows, layer.units, dtype);
    geluBackward(zs[l]!, as[l]!, da, dz);
    const dW = new Matrix(layer.inputSize, layer.units, dtype), db = new Matrix(1, layer.units, dtype);
    const dx = l > 0 ? new Matrix(X.rows, layer.inputSize, dtype) : null;
    denseBackward(inputs[l]!, layer.W, dz, dx, dW, db);
    grads.unshift(Array.from(dW.data), Array.from(db.data));
    if (dx) da = dx;
  }
  return grads;
}

describe('GELU layers keep their tanh for the backward', () => {
  for (const [name, backend] of [['JavaScript', jsBackend], ['wasm, replayed', two], ['wasm, kernels one by one', layerByLayer(two)]] as const) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`computeGradients gives the bits of the backward that computes th again, batch sizes interleaved (${name}, ${dtype})`, () => {
        withBackend(backend, () => {
          const net = Sequential.mlp({ inputSize: 3, hidden: [20, 20], activation: 'gelu', outputActivation: 'gelu', outputSize: 1, loss: 'mse', dtype, seed: 4 });
          // Each batch size has its own buffers (th among them); the same batch twice, another between.
          const batches = [regression(backend, 48, 3, dtype), regression(backend, 17, 3, dtype)];
          const rng = new Rng(2);
          for (const { X } of batches) for (let t = 0; t < X.size; t++) X.data[t] = 2 * rng.normal();
          const before = replays(two);
          for (const { X, Y } of [batches[0]!, batches[1]!, batches[0]!]) {
            net.computeGradients(X, Y);
            expect(net.gradients().map((g) => Array.from(g.data))).toEqual(geluGradientsComputedAgain(net, X, Y));
          }
          expect(replays(two) - before).toBe(backend === two ? 3 : 0);
        });
      });
    }
  }
});
