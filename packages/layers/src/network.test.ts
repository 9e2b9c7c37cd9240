import { type NetworkSpec, arbNetworkSpec, assertGradCheck, gradCheck } from '@ffnn/autodiff-check';
import { Matrix, Rng, dot, norm } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sequential } from './network.js';

function fromSpec(spec: NetworkSpec): Sequential {
  return new Sequential({
    inputSize: spec.inputSize,
    layers: [...spec.hidden, { units: spec.outputSize, activation: spec.outputActivation }],
    loss: spec.loss,
    lambda1: spec.lambda1,
    lambda2: spec.lambda2,
    seed: spec.seed,
  });
}

function batchFor(spec: NetworkSpec): { X: Matrix; Y: Matrix } {
  const rng = new Rng(spec.seed + 1);
  const X = Matrix.zeros(spec.batchSize, spec.inputSize);
  for (let t = 0; t < X.size; t++) X.data[t] = rng.normal();
  const Y = Matrix.zeros(spec.batchSize, spec.outputSize);
  for (let i = 0; i < spec.batchSize; i++) {
    if (spec.loss === 'cross-entropy') Y.set(i, rng.int(spec.outputSize), 1);
    else for (let j = 0; j < spec.outputSize; j++) Y.set(i, j, spec.loss === 'binary-cross-entropy' ? rng.int(2) : rng.normal());
  }
  return { X, Y };
}

/** Smallest |z| of any ReLU-family unit and smallest |w| when λ1 > 0: central differences need distance from kinks. */
function distanceFromKinks(net: Sequential, spec: NetworkSpec, X: Matrix): number {
  let d = Infinity;
  net.inspect(X).forEach(({ z }, l) => {
    const name = l < spec.hidden.length ? spec.hidden[l]!.activation : spec.outputActivation;
    if (name === 'relu' || name === 'leaky-relu') for (const v of z.data) d = Math.min(d, Math.abs(v));
  });
  if (spec.lambda1 > 0) for (const layer of net.layers) for (const w of layer.W.data) d = Math.min(d, Math.abs(w));
  return d;
}

describe('whole networks match central differences (float64)', () => {
  // Central differences resolve ∂J/∂θ only to about u·|J|/ε ≈ 1e-16·|J|/1e-6 ≈ 1e-10 (absolute).
  // A parameter tensor whose whole gradient is ~1e-6 (a saturated sigmoid stack) cannot be checked
  // to 1e-6 *relative* error by any finite-difference scheme, so such draws are skipped (fc.pre)
  // and the test asserts that at least 200 networks were checked.
  it('1–3 hidden layers, random widths, activations, losses, λ1/λ2: relative error ≤ 1e-6 on ≥ 200 networks', () => {
    let worst = 0;
    let checked = 0;
    fc.assert(
      fc.property(arbNetworkSpec({ minHidden: 1, maxHidden: 3, maxUnits: 6, maxBatch: 6 }), (spec) => {
        const net = fromSpec(spec);
        const { X, Y } = batchFor(spec);
        fc.pre(distanceFromKinks(net, spec, X) > 1e-4);
        net.computeGradients(X, Y);
        const grads = net.gradients().map((g) => g.clone());
        fc.pre(grads.every((g) => norm(g) > 1e-3));
        const report = gradCheck(() => net.objective(X, Y), net.parameters(), grads, { names: net.parameterNames() });
        assertGradCheck(report);
        worst = Math.max(worst, report.worstRelError);
        checked++;
      }),
      { numRuns: 400 },
    );
    expect(checked).toBeGreaterThanOrEqual(200);
    console.log(`network gradient check: ${checked} networks, worst relative error ${worst.toExponential(2)}`);
  });

  it('penalties on biases are differentiated too', () => {
    const net = new Sequential({ inputSize: 3, layers: [{ units: 4, activation: 'tanh' }, { units: 2, activation: 'linear' }], loss: 'mse', lambda1: 0.01, lambda2: 0.1, penalizeBias: true, seed: 5 });
    for (const l of net.layers) l.b.data.forEach((_, t) => (l.b.data[t] = 0.1 * (t + 1)));
    const { X, Y } = batchFor({ inputSize: 3, hidden: [], outputSize: 2, outputActivation: 'linear', loss: 'mse', lambda1: 0, lambda2: 0, batchSize: 5, seed: 9 });
    net.computeGradients(X, Y);
    const report = gradCheck(() => net.objective(X, Y), net.parameters(), net.gradients().map((g) => g.clone()), { names: net.parameterNames() });
    assertGradCheck(report);
  });
});

describe('Sequential construction', () => {
  it('initialises He-normal for ReLU and Xavier-normal for tanh with the right variance, zero biases', () => {
    const net = new Sequential({ inputSize: 400, layers: [{ units: 300, activation: 'relu' }, { units: 200, activation: 'tanh' }, { units: 1, activation: 'linear' }], loss: 'mse' });
    const variance = (m: Matrix) => dot(m, m) / m.size;
    expect(variance(net.layers[0]!.W) / (2 / 400)).toBeCloseTo(1, 1);
    expect(variance(net.layers[1]!.W) / (2 / 500)).toBeCloseTo(1, 1);
    expect(net.layers.every((l) => l.b.data.every((v) => v === 0))).toBe(true);
    expect(net.layers[0]!.init).toBe('he-normal');
    expect(net.layers[1]!.init).toBe('xavier-normal');
  });

  it('gives clear errors for bad architectures and inputs', () => {
    expect(() => Sequential.mlp({ inputSize: 2, hidden: [3], outputSize: 2, outputActivation: 'linear', loss: 'cross-entropy' })).toThrow(/needs a softmax output layer/);
    expect(() => Sequential.mlp({ inputSize: 2, hidden: [3], outputSize: 3, outputActivation: 'softmax', loss: 'mse' })).toThrow(/allowMseOnSoftmax/);
    expect(() => Sequential.mlp({ inputSize: 0, hidden: [3], outputSize: 1, loss: 'mse' })).toThrow(/inputSize must be an integer ≥ 1, got 0/);
    expect(() => Sequential.mlp({ inputSize: 2, hidden: [3], outputSize: 1, loss: 'mse', lambda2: -1 })).toThrow(/lambda2 must be a finite number ≥ 0/);
    expect(() => Sequential.mlp({ inputSize: 2, hidden: [3], outputSize: 1, loss: 'mse', activation: 'swish' as 'relu' })).toThrow(/layers\[0\].activation must be one of/);
    const net = Sequential.mlp({ inputSize: 784, hidden: [300], outputSize: 10, loss: 'cross-entropy' });
    expect(() => net.predict(Matrix.zeros(2, 783))).toThrow(/input has 783 columns, expected 784/);
    expect(() => net.forward(Matrix.zeros(2, 783))).toThrow(/layer 1 Dense\(784→300\): input has 783 columns, expected 784/);
  });

  it('JSON round-trip is exact (float64 and float32), and bad JSON is refused', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const net = Sequential.mlp({ inputSize: 3, hidden: [5, 4], activation: 'leaky-relu', alpha: 0.05, dropout: 0.1, outputSize: 2, loss: 'cross-entropy', lambda1: 1e-4, lambda2: 1e-3, dtype, seed: 77 });
      const copy = Sequential.fromJSON(JSON.parse(JSON.stringify(net.toJSON())));
      expect(copy.toJSON()).toEqual(net.toJSON());
      copy.parameters().forEach((p, i) => expect(p.data).toEqual(net.parameters()[i]!.data));
      expect(copy.dtype).toBe(dtype);
      const X = Matrix.from([[0.3, -1.2, 2.5]]);
      expect(copy.predict(X).data).toEqual(net.predict(X).data);
    }
    const good = Sequential.mlp({ inputSize: 1, hidden: [2], outputSize: 1, loss: 'mse' }).toJSON();
    expect(() => Sequential.fromJSON({ ...good, version: 2 })).toThrow(/unsupported version 2/);
    expect(() => Sequential.fromJSON({ ...good, format: 'keras' })).toThrow(/format must be "ffnn.sequential"/);
    const bad = structuredClone(good);
    bad.layers[0]!.W[1] = Number.NaN;
    expect(() => Sequential.fromJSON(JSON.parse(JSON.stringify(bad).replace('null', '"x"')))).toThrow(/weights must be finite numbers/);
    const short = structuredClone(good);
    short.layers[0]!.W.pop();
    expect(() => Sequential.fromJSON(short)).toThrow(/layer 1 Dense\(1→2\): W needs 1 × 2 = 2 numbers, the file holds 1/);
  });
});
