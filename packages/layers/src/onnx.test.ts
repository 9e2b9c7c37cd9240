import { Matrix, Rng } from '@ffnn/tensor';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import type { ActivationName } from './activations.js';
import { Sequential } from './network.js';
import { exportOnnx } from './onnx.js';

ort.env.wasm.numThreads = 1;

async function runOnnx(bytes: Uint8Array, X: Matrix): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const input = new ort.Tensor('float32', Float32Array.from(X.data), [X.rows, X.cols]);
  const out = await session.run({ input });
  return out.output!.data as Float32Array;
}

function randomInput(rows: number, cols: number, seed: number): Matrix {
  const rng = new Rng(seed);
  const X = Matrix.zeros(rows, cols);
  for (let t = 0; t < X.size; t++) X.data[t] = rng.normal();
  return X;
}

describe('ONNX export runs in ONNX Runtime (onnxruntime-web) with our predictions', () => {
  const hidden: ActivationName[] = ['relu', 'leaky-relu', 'sigmoid', 'tanh', 'gelu'];
  for (const act of hidden) {
    it(`${act} hidden layers, linear output (regression)`, async () => {
      const net = Sequential.mlp({ inputSize: 5, hidden: [16, 8], activation: act, alpha: 0.05, outputSize: 2, loss: 'mse', seed: 3 });
      for (const l of net.layers) l.b.data.forEach((_, t) => (l.b.data[t] = 0.1 * Math.sin(t + 1)));
      const X = randomInput(33, 5, 1);
      const ours = net.predict(X);
      const theirs = await runOnnx(exportOnnx(net), X);
      let worst = 0;
      for (let t = 0; t < ours.size; t++) worst = Math.max(worst, Math.abs(theirs[t]! - ours.data[t]!) / Math.max(1, Math.abs(ours.data[t]!)));
      expect(worst).toBeLessThan(1e-5);
    });
  }
  it('softmax classifier: same probabilities and classes', async () => {
    const net = Sequential.mlp({ inputSize: 784, hidden: [64], outputSize: 10, loss: 'cross-entropy', seed: 4 });
    const X = randomInput(50, 784, 2);
    const ours = net.predict(X);
    const theirs = await runOnnx(exportOnnx(net), X);
    for (let t = 0; t < ours.size; t++) expect(Math.abs(theirs[t]! - ours.data[t]!)).toBeLessThan(1e-5);
  });
});

describe('ONNX export names', () => {
  // ONNX Runtime runs a graph whatever its node names are; tools that show the graph (Netron) read them.
  it('names every node by operation and layer, the graph and the producer, and the batch dimension', () => {
    const acts: ActivationName[] = ['relu', 'leaky-relu', 'sigmoid', 'tanh', 'gelu', 'linear'];
    const net = new Sequential({ inputSize: 2, layers: [...acts.map((activation) => ({ units: 2, activation })), { units: 3, activation: 'softmax' as const }], loss: 'cross-entropy' });
    const text = new TextDecoder('latin1').decode(exportOnnx(net));
    const names = ['matmul1', 'add1', 'relu1', 'leakyrelu2', 'sigmoid3', 'tanh4', 'gelu5', 'linear6', 'softmax7', 'matmul7', 'add7', 'xw7', 'batch'];
    for (const name of names) expect(text).toContain(name);
    // producer name "ffnn" (twice: model and graph) and the default producer version
    expect(text.split('ffnn').length - 1).toBe(2);
    expect(text).toContain('0.1.0');
    expect(new TextDecoder('latin1').decode(exportOnnx(net, { producerVersion: '9.8.7' }))).toContain('9.8.7');
  });
});
