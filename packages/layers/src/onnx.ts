import type { Sequential } from './network.js';

/**
 * ONNX export: a standard ONNX graph (IR version 9, opset 20) of a {@link Sequential} network, so it
 * runs in ONNX Runtime and other tools. Per layer: `MatMul(x, Wₗ) → Add(·, bₗ) → activation`, with
 * weights as float32 initializers; input `input` [batch, inputSize], output `output` [batch, outputs]
 * (softmax probabilities for classifiers, as `predict` returns). The protobuf is written by hand
 * (field numbers from onnx.proto3), so there is no dependency.
 */

class ProtoWriter {
  private readonly chunks: number[] = [];

  private varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v));
    do {
      let byte = Number(x & 0x7fn);
      x >>= 7n;
      if (x !== 0n) byte |= 0x80;
      this.chunks.push(byte);
    } while (x !== 0n);
  }

  private key(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, v: number): this {
    this.key(field, 0);
    this.varint(v);
    return this;
  }

  float(field: number, v: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.chunks.push(...b);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.key(field, 2);
    this.varint(data.length);
    for (const x of data) this.chunks.push(x);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

const FLOAT = 1;

function valueInfo(name: string, cols: number): ProtoWriter {
  const shape = new ProtoWriter()
    .message(1, new ProtoWriter().string(2, 'batch'))
    .message(1, new ProtoWriter().int(1, cols));
  const tensorType = new ProtoWriter().int(1, FLOAT).message(2, shape);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}

function initializer(name: string, dims: number[], values: ArrayLike<number>): ProtoWriter {
  const t = new ProtoWriter();
  for (const d of dims) t.int(1, d);
  t.int(2, FLOAT).string(8, name);
  const raw = new Uint8Array(values.length * 4);
  const dv = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) dv.setFloat32(4 * i, values[i]!, true);
  return t.bytes(9, raw);
}

function node(op: string, inputs: string[], outputs: string[], name: string, attributes: ProtoWriter[] = []): ProtoWriter {
  const n = new ProtoWriter();
  for (const i of inputs) n.string(1, i);
  for (const o of outputs) n.string(2, o);
  n.string(3, name).string(4, op);
  for (const a of attributes) n.message(5, a);
  return n;
}

const floatAttr = (name: string, v: number) => new ProtoWriter().string(1, name).float(2, v).int(20, 1);
const intAttr = (name: string, v: number) => new ProtoWriter().string(1, name).int(3, v).int(20, 2);
const stringAttr = (name: string, v: string) => new ProtoWriter().string(1, name).string(4, v).int(20, 3);

/** Serializes `net` as an ONNX model (bytes of a `.onnx` file). */
export function exportOnnx(net: Sequential, options: { producerVersion?: string } = {}): Uint8Array {
  const graph = new ProtoWriter();
  let x = 'input';
  net.layers.forEach((layer, l) => {
    const i = l + 1;
    const last = l === net.layers.length - 1;
    graph.message(1, node('MatMul', [x, `W${i}`], [`xw${i}`], `matmul${i}`));
    const z = `z${i}`;
    graph.message(1, node('Add', [`xw${i}`, `b${i}`], [z], `add${i}`));
    const a = last ? 'output' : `a${i}`;
    const act = layer.activation;
    switch (act.name) {
      case 'relu':
        graph.message(1, node('Relu', [z], [a], `relu${i}`));
        break;
      case 'leaky-relu':
        graph.message(1, node('LeakyRelu', [z], [a], `leakyrelu${i}`, [floatAttr('alpha', act.alpha ?? 0.01)]));
        break;
      case 'sigmoid':
        graph.message(1, node('Sigmoid', [z], [a], `sigmoid${i}`));
        break;
      case 'tanh':
        graph.message(1, node('Tanh', [z], [a], `tanh${i}`));
        break;
      case 'gelu':
        graph.message(1, node('Gelu', [z], [a], `gelu${i}`, [stringAttr('approximate', 'tanh')]));
        break;
      case 'softmax':
        graph.message(1, node('Softmax', [z], [a], `softmax${i}`, [intAttr('axis', -1)]));
        break;
      case 'linear':
        graph.message(1, node('Identity', [z], [a], `linear${i}`));
        break;
    }
    x = a;
  });
  graph.string(2, 'ffnn');
  net.layers.forEach((layer, l) => {
    graph.message(5, initializer(`W${l + 1}`, [layer.W.rows, layer.W.cols], layer.W.data));
    graph.message(5, initializer(`b${l + 1}`, [layer.b.cols], layer.b.data));
  });
  graph.message(11, valueInfo('input', net.inputSize));
  graph.message(12, valueInfo('output', net.outputSize));
  return new ProtoWriter()
    .int(1, 9)
    .string(2, 'ffnn')
    .string(3, options.producerVersion ?? '0.1.0')
    .message(7, graph)
    .message(8, new ProtoWriter().string(1, '').int(2, 20))
    .finish();
}
