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

/** One protobuf field: its number and its value (a varint as a bigint, a length-delimited field as its bytes). */
type Field = { field: number; value: bigint | Uint8Array };

/** The fields of one protobuf message, in order (wire types 0, 2 and 5 — all the exporter writes). */
function decodeFields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let p = 0;
  const varint = (): bigint => {
    let v = 0n, shift = 0n;
    for (;;) {
      const b = bytes[p++]!;
      v |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) return v;
    }
  };
  while (p < bytes.length) {
    const key = Number(varint());
    const field = key >> 3, wire = key & 7;
    if (wire === 0) out.push({ field, value: varint() });
    else if (wire === 2) {
      const n = Number(varint());
      out.push({ field, value: bytes.subarray(p, p + n) });
      p += n;
    } else if (wire === 5) {
      out.push({ field, value: bytes.subarray(p, p + 4) });
      p += 4;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return out;
}

const text = (v: bigint | Uint8Array) => new TextDecoder().decode(v as Uint8Array);
const fieldsOf = (fields: Field[], n: number) => fields.filter((f) => f.field === n).map((f) => f.value);

describe('ONNX export, decoded field by field (onnx.proto3)', () => {
  // Exported and decoded inside each test: at collection time a failing export would fail the file
  // with no test run, which a mutation run cannot count as a kill.
  const exported = (): Field[] => {
    const net = new Sequential({ inputSize: 3, layers: [{ units: 4, activation: 'relu' }, { units: 2, activation: 'softmax' }], loss: 'cross-entropy' });
    return decodeFields(exportOnnx(net));
  };

  it('imports the default operator set (domain "", that is ai.onnx) at opset 20, in IR version 9', () => {
    const model = exported();
    expect(fieldsOf(model, 1)).toEqual([9n]); // ir_version
    const opsets = fieldsOf(model, 8); // opset_import: OperatorSetIdProto { domain = 1, version = 2 }
    expect(opsets).toHaveLength(1);
    const opset = decodeFields(opsets[0] as Uint8Array);
    expect(fieldsOf(opset, 1).map(text)).toEqual(['']);
    expect(fieldsOf(opset, 2)).toEqual([20n]);
  });

  it('gives the softmax node its axis attribute, −1 as an INT', () => {
    const model = exported();
    const graph = decodeFields(fieldsOf(model, 7)[0] as Uint8Array);
    const nodes = fieldsOf(graph, 1).map((n) => decodeFields(n as Uint8Array)); // NodeProto
    const softmax = nodes.filter((n) => fieldsOf(n, 4).map(text)[0] === 'Softmax');
    expect(softmax).toHaveLength(1);
    const attributes = fieldsOf(softmax[0]!, 5).map((a) => decodeFields(a as Uint8Array)); // AttributeProto
    expect(attributes).toHaveLength(1);
    expect(fieldsOf(attributes[0]!, 1).map(text)).toEqual(['axis']);
    expect(fieldsOf(attributes[0]!, 3).map((v) => BigInt.asIntN(64, v as bigint))).toEqual([-1n]); // i
    expect(fieldsOf(attributes[0]!, 20)).toEqual([2n]); // type INT
  });
});
