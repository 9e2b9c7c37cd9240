import { Sequential } from '@ffnn/layers';
import { DataFormatError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { digitProbabilities, mnistModelFromJSON } from '../src/playground/model.js';

const file = (edit: (network: ReturnType<Sequential['toJSON']>) => void = () => {}) => {
  const network = Sequential.mlp({ inputSize: 784, hidden: [8], outputSize: 10, loss: 'cross-entropy', seed: 5 }).toJSON();
  edit(network);
  return { network, preprocessing: { kind: 'pixels', divisor: 255 } };
};

describe('the MNIST playground’s model loader', () => {
  it('loads a model of 784 pixels → 10 digits and gives probabilities that sum to 1', () => {
    const net = mnistModelFromJSON(file(), 'models/mnist.json');
    const p = digitProbabilities(net, new Float64Array(784).fill(0.5));
    expect(p).toHaveLength(10);
    expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
  });

  it('refuses a width the file does not hold with the library’s message, before allocating it', () => {
    const lying = file((n) => (n.layers[0]!.units = 100_000_000));
    expect(() => mnistModelFromJSON(lying, 'models/mnist.json')).toThrow(
      new DataFormatError('models/mnist.json: layer 1 Dense(784→100000000): W needs 784 × 100000000 = 78400000000 numbers, the file holds 6272'),
    );
  });

  it('refuses weights that overflow on a first forward pass, in the model’s terms', () => {
    const huge = file((n) => n.layers.forEach((l) => (l.W.fill(1e308), l.b.fill(1e308))));
    expect(() => mnistModelFromJSON(huge, 'models/mnist.json')).toThrow(
      /^models\/mnist\.json: the model's outputs are not finite: its weights may be corrupt or too large \(row 1, output 1 is NaN\)$/,
    );
  });

  it('refuses a network of other sizes or other preprocessing', () => {
    const other = { network: Sequential.mlp({ inputSize: 64, hidden: [4], outputSize: 10, loss: 'cross-entropy' }).toJSON(), preprocessing: { kind: 'pixels' } };
    expect(() => mnistModelFromJSON(other, 'm.json')).toThrow(/^m\.json: the network is 64 → 10; the playground needs 784 pixels → 10 digits$/);
    expect(() => mnistModelFromJSON({ ...file(), preprocessing: { kind: 'standard' } }, 'm.json')).toThrow(/^m\.json: the model does not take MNIST pixels/);
    expect(() => mnistModelFromJSON('nope', 'm.json')).toThrow(/^m\.json: not an ffnn model file$/);
  });
});
