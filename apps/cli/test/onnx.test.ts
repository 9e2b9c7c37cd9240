import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ActivationName, Sequential, exportOnnx } from '@ffnn/layers';
import { Matrix, Rng } from '@ffnn/tensor';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';

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

describe('ffnn export', () => {
  it('writes an ONNX file from a saved model that ONNX Runtime runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ffnn-export-'));
    const bin = new URL('../dist/bin.js', import.meta.url).pathname;
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
    expect(run('train', '--n', '200', '--hidden', '8', '--epochs', '3', '--quiet', '--save', 'm.ffnn').status).toBe(0);
    const r = run('export', 'm.ffnn', '--format', 'onnx');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/wrote onnx \(\d+ bytes\) to m\.onnx/);
    const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(join(dir, 'm.onnx'))));
    expect(session.inputNames).toEqual(['input']);
    expect(run('export', 'm.ffnn', '--format', 'safetensors').status).toBe(0);
    expect(readFileSync(join(dir, 'm.safetensors')).length).toBeGreaterThan(8);
  });
});
