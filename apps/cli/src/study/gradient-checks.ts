import { type GradCheckReport, formatGradCheckTable, gradCheck } from '@ffnn/autodiff-check';
import {
  type ActivationName,
  Sequential,
  activation,
  denseBackward,
  denseForward,
  l1Gradient,
  l1Value,
  l2Gradient,
  l2Value,
  loss as lossByName,
  outputDelta,
} from '@ffnn/layers';
import { Matrix, Rng, dot } from '@ffnn/tensor';

/** One row of the gradient-check table. */
export interface GradCheckRow {
  component: string;
  parameter: string;
  shape: string;
  relError: number;
  passed: boolean;
}

function randomMatrix(rng: Rng, rows: number, cols: number, scale = 1, awayFromZero = 0): Matrix {
  const m = Matrix.zeros(rows, cols);
  for (let t = 0; t < m.size; t++) {
    let v: number;
    do v = scale * rng.normal();
    while (Math.abs(v) < awayFromZero);
    m.data[t] = v;
  }
  return m;
}

function rows(component: string, report: GradCheckReport): GradCheckRow[] {
  return report.entries.map((e) => ({ component, parameter: e.name, shape: e.shape.join('×'), relError: e.relError, passed: e.passed }));
}

/**
 * Part (a) of the study: every derivative of the library against central differences
 * (J(θ+εe) − J(θ−εe))/2ε, ε = 1e-6, float64, relative error ‖g_a − g_n‖/(‖g_a‖ + ‖g_n‖) per
 * parameter tensor. Inputs of ReLU-family units and L1 weights are kept ≥ 0.05 from the kink.
 */
export function runGradientChecks(seed = 1993, tolerance = 1e-6): { rows: GradCheckRow[]; tables: string[] } {
  const rng = new Rng(seed);
  const out: GradCheckRow[] = [];
  const tables: string[] = [];
  const add = (component: string, report: GradCheckReport) => {
    out.push(...rows(component, report));
    tables.push(`${component}\n${formatGradCheckTable(report)}`);
  };
  const acts: ActivationName[] = ['sigmoid', 'relu', 'leaky-relu', 'tanh', 'linear', 'gelu', 'softmax'];
  for (const name of acts) {
    const kink = name === 'relu' || name === 'leaky-relu';
    const z = randomMatrix(rng, 8, 5, 2, kink ? 0.05 : 0);
    const c = randomMatrix(rng, 8, 5);
    const act = activation(name);
    const a = Matrix.zeros(8, 5);
    const dz = Matrix.zeros(8, 5);
    act.forward(z, a);
    act.backward(z, a, c, dz);
    add(`activation ${name}`, gradCheck(() => (act.forward(z, a), dot(c, a)), [z], [dz], { names: ['z'], tolerance }));
  }
  const pairs: [string, 'mse' | 'cross-entropy' | 'binary-cross-entropy', ActivationName][] = [
    ['MSE (linear output)', 'mse', 'linear'],
    ['softmax + cross-entropy', 'cross-entropy', 'softmax'],
    ['sigmoid + binary cross-entropy', 'binary-cross-entropy', 'sigmoid'],
  ];
  for (const [label, lossName, outName] of pairs) {
    const z = randomMatrix(rng, 16, 4, 2);
    const y = Matrix.zeros(16, 4);
    for (let i = 0; i < 16; i++) {
      if (lossName === 'cross-entropy') y.set(i, rng.int(4), 1);
      else for (let j = 0; j < 4; j++) y.set(i, j, lossName === 'mse' ? rng.normal() : rng.int(2));
    }
    const act = activation(outName);
    const L = lossByName(lossName);
    const a = Matrix.zeros(16, 4);
    const dz = Matrix.zeros(16, 4);
    act.forward(z, a);
    outputDelta(act, L, z, a, y, Matrix.zeros(16, 4), dz);
    add(`loss ${label}`, gradCheck(() => (act.forward(z, a), L.value(z, a, y)), [z], [dz], { names: ['z'], tolerance }));
  }
  const W = randomMatrix(rng, 6, 4, 1, 0.05);
  const dW1 = Matrix.zeros(6, 4);
  l1Gradient(W, 1e-3, dW1);
  add('penalty L1 (λ1 = 1e-3)', gradCheck(() => l1Value(W, 1e-3), [W], [dW1], { names: ['W'], tolerance }));
  const dW2 = Matrix.zeros(6, 4);
  l2Gradient(W, 1e-2, dW2);
  add('penalty L2 (λ2 = 1e-2)', gradCheck(() => l2Value(W, 1e-2), [W], [dW2], { names: ['W'], tolerance }));
  {
    const x = randomMatrix(rng, 10, 6), Wd = randomMatrix(rng, 6, 3), b = randomMatrix(rng, 1, 3), c = randomMatrix(rng, 10, 3);
    const z = Matrix.zeros(10, 3), dx = Matrix.zeros(10, 6), dW = Matrix.zeros(6, 3), db = Matrix.zeros(1, 3);
    denseBackward(x, Wd, c, dx, dW, db);
    add('Dense layer', gradCheck(() => (denseForward(x, Wd, b, z), dot(c, z)), [x, Wd, b], [dx, dW, db], { names: ['x', 'W', 'b'], tolerance }));
  }
  const nets: [string, ConstructorParameters<typeof Sequential>[0], 'regression' | 'classification'][] = [
    ['network 1-50-50-1 sigmoid, MSE, λ2', { inputSize: 1, layers: [{ units: 50, activation: 'sigmoid' }, { units: 50, activation: 'sigmoid' }, { units: 1, activation: 'linear' }], loss: 'mse', lambda2: 1e-3 }, 'regression'],
    ['network 11-100-1 tanh, MSE, λ1 + λ2', { inputSize: 11, layers: [{ units: 100, activation: 'tanh' }, { units: 1, activation: 'linear' }], loss: 'mse', lambda1: 1e-4, lambda2: 1e-4 }, 'regression'],
    ['network 20-32-16-10 leaky-relu, softmax CE', { inputSize: 20, layers: [{ units: 32, activation: 'leaky-relu' }, { units: 16, activation: 'leaky-relu' }, { units: 10, activation: 'softmax' }], loss: 'cross-entropy', lambda2: 1e-4 }, 'classification'],
    ['network 8-16-16-16-1 gelu, MSE', { inputSize: 8, layers: [{ units: 16, activation: 'gelu' }, { units: 16, activation: 'gelu' }, { units: 16, activation: 'gelu' }, { units: 1, activation: 'linear' }], loss: 'mse' }, 'regression'],
  ];
  for (const [label, options, task] of nets) {
    const net = new Sequential({ ...options, seed: seed + out.length });
    const X = randomMatrix(rng, 16, options.inputSize);
    const k = net.outputSize;
    const Y = Matrix.zeros(16, k);
    for (let i = 0; i < 16; i++) {
      if (task === 'classification') Y.set(i, rng.int(k), 1);
      else Y.set(i, 0, rng.normal());
    }
    net.computeGradients(X, Y);
    const grads = net.gradients().map((g) => g.clone());
    add(label, gradCheck(() => net.objective(X, Y), net.parameters(), grads, { names: net.parameterNames(), tolerance }));
  }
  return { rows: out, tables };
}
