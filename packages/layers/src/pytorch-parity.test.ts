/**
 * External validation, part (c) of the study: with identical initial weights and batch order, our
 * float64 training trajectory matches PyTorch 1.13's to ≤ 1e-9 relative.
 *
 * The reference trajectories are committed fixtures written by `fixtures/make_pytorch_fixtures.py`
 * (Debian's python3-torch); these tests only read them. Each case is replayed step by step
 * (`computeGradients` + `optimizer.step`, exactly what `fit` does per batch) with the fixture's batch
 * order, or — for cases marked `replay: "fit"` — trained by `Sequential.fit` itself, whose batch order
 * the generator reproduces with a Python port of our `Rng` (checked here permutation by permutation).
 * Cases with dropout train in training mode: the generator draws each batch's masks from the same
 * port of `fit`'s Rng stream and multiplies them into torch's hidden outputs, so the comparison is exact.
 */
import { readFileSync } from 'node:fs';
import { Adam, type Optimizer, RMSprop, SGD } from '@ffnn/optim';
import { Matrix, Rng } from '@ffnn/tensor';
import { dropoutForward } from './dropout.js';
import { afterAll, describe, expect, it } from 'vitest';
import type { ActivationName } from './activations.js';
import type { LossName } from './losses.js';
import { Sequential } from './network.js';

const TOL = 1e-9;

interface LayerParams {
  W: number[];
  b: number[];
}

type OptimizerSpec =
  | { name: 'sgd'; lr: number }
  | { name: 'momentum' | 'nesterov'; lr: number; momentum: number }
  | { name: 'rmsprop'; lr: number; beta: number; eps: number }
  | { name: 'adam'; lr: number; beta1: number; beta2: number; eps: number };

interface Case {
  name: string;
  rows: number;
  inputSize: number;
  layers: { units: number; activation: ActivationName; dropout?: number }[];
  loss: LossName;
  lambda1: number;
  lambda2: number;
  optimizer: OptimizerSpec;
  batchSize: number;
  epochs: number;
  replay: 'manual' | 'fit';
  fitSeed?: number;
  order: number[][];
  init: LayerParams[];
  afterStep1: LayerParams[];
  final: LayerParams[];
  stepLoss: number[];
  epochLoss: number[];
  testMse?: number[];
  /** Dropout cases: per step, per layer with dropout > 0, the mask as 0 (dropped) / 1 (kept), row-major. */
  masks?: string[][];
}

interface SmallCase extends Case {
  target: 'mse' | 'labels' | 'bce' | 'bce2';
}

interface SmallFixture {
  meta: Record<string, string>;
  data: { X: number[][]; mse: number[][]; labels: number[]; bce: number[][]; bce2: number[][] };
  cases: SmallCase[];
}

interface RungeFixture {
  meta: Record<string, string>;
  X: number[][];
  Y: number[][];
  Xtest: number[][];
  Ytest: number[][];
  case: Case;
}

function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

const small = readFixture<SmallFixture>('pytorch-small.json');
const runge = readFixture<RungeFixture>('pytorch-runge.json');

function makeOptimizer(spec: OptimizerSpec): Optimizer {
  switch (spec.name) {
    case 'sgd':
      return new SGD({ lr: spec.lr });
    case 'momentum':
      return new SGD({ lr: spec.lr, momentum: spec.momentum });
    case 'nesterov':
      return new SGD({ lr: spec.lr, momentum: spec.momentum, nesterov: true });
    case 'rmsprop':
      return new RMSprop({ lr: spec.lr, beta: spec.beta, eps: spec.eps });
    case 'adam':
      return new Adam({ lr: spec.lr, beta1: spec.beta1, beta2: spec.beta2, eps: spec.eps });
  }
}

/** The case's network with the fixture's initial weights (W in×out row-major, b). */
function makeNet(c: Case): Sequential {
  const net = new Sequential({
    inputSize: c.inputSize,
    layers: c.layers.map((l) => ({ units: l.units, activation: l.activation, ...(l.dropout === undefined ? {} : { dropout: l.dropout }) })),
    loss: c.loss,
    lambda1: c.lambda1,
    lambda2: c.lambda2,
  });
  net.setParameters(toMatrices(net, c.init));
  return net;
}

function toMatrices(net: Sequential, params: LayerParams[]): Matrix[] {
  return net.layers.flatMap((layer, l) => {
    const p = params[l]!;
    return [Matrix.fromArray(layer.inputSize, layer.units, p.W), Matrix.fromArray(1, layer.units, p.b)];
  });
}

function rowsOf(values: readonly (readonly number[])[], count: number): Matrix {
  return Matrix.from(values.slice(0, count));
}

function oneHot(labels: readonly number[], count: number, classes: number): Matrix {
  const Y = Matrix.zeros(count, classes);
  for (let i = 0; i < count; i++) Y.set(i, labels[i]!, 1);
  return Y;
}

function smallTargets(c: SmallCase): Matrix {
  if (c.target === 'labels') return oneHot(small.data.labels, c.rows, c.layers[c.layers.length - 1]!.units);
  return rowsOf(small.data[c.target], c.rows);
}

function gather(M: Matrix, index: readonly number[]): Matrix {
  const out = Matrix.zeros(index.length, M.cols);
  index.forEach((r, i) => out.row(i).set(M.row(r)));
  return out;
}

/** ‖ours − torch‖∞ / ‖torch‖∞ (denominator at least 1e-12). */
function matrixRel(ours: ArrayLike<number>, torch: readonly number[]): number {
  expect(ours.length).toBe(torch.length);
  let diff = 0;
  let scale = 0;
  for (let t = 0; t < torch.length; t++) {
    diff = Math.max(diff, Math.abs(ours[t]! - torch[t]!));
    scale = Math.max(scale, Math.abs(torch[t]!));
  }
  return diff / Math.max(scale, 1e-12);
}

function scalarRel(ours: number, torch: number): number {
  return Math.abs(ours - torch) / Math.max(Math.abs(torch), 1e-12);
}

/** Worst relative difference over every W and b of the network against torch's parameters. */
function paramsRel(params: readonly Matrix[], torch: LayerParams[]): number {
  let worst = 0;
  torch.forEach((p, l) => {
    worst = Math.max(worst, matrixRel(params[2 * l]!.data, p.W), matrixRel(params[2 * l + 1]!.data, p.b));
  });
  return worst;
}

function snapshot(net: Sequential): Matrix[] {
  return net.parameters().map((p) => p.clone());
}

interface Trajectory {
  stepLoss: number[];
  epochLoss: number[];
  afterStep1: Matrix[];
  final: Matrix[];
  valLoss?: number[];
}

/** Replays the fixture's batches by hand: per batch `computeGradients`, then `optimizer.step`. */
function replayManual(c: Case, X: Matrix, Y: Matrix): Trajectory {
  const net = makeNet(c);
  const optimizer = makeOptimizer(c.optimizer);
  const stepLoss: number[] = [];
  const epochLoss: number[] = [];
  let afterStep1: Matrix[] | null = null;
  for (const order of c.order) {
    let total = 0;
    for (let start = 0; start < order.length; start += c.batchSize) {
      const index = order.slice(start, start + c.batchSize);
      const loss = net.computeGradients(gather(X, index), gather(Y, index));
      optimizer.step(net.parameters(), net.gradients());
      stepLoss.push(loss);
      total += loss * index.length;
      afterStep1 ??= snapshot(net);
    }
    epochLoss.push(total / order.length);
  }
  return { stepLoss, epochLoss, afterStep1: afterStep1!, final: snapshot(net) };
}

/** Trains with `Sequential.fit` (shuffle on, the fixture's seed); the batch order is fit's own. */
function replayFit(c: Case, X: Matrix, Y: Matrix, validation?: { X: Matrix; y: Matrix }): Trajectory {
  const net = makeNet(c);
  const stepLoss: number[] = [];
  let afterStep1: Matrix[] | null = null;
  const history = net.fit(X, Y, {
    optimizer: makeOptimizer(c.optimizer),
    epochs: c.epochs,
    batchSize: c.batchSize,
    seed: c.fitSeed!,
    ...(validation ? { validationData: validation } : {}),
    callbacks: {
      onBatchEnd: ({ loss }) => {
        stepLoss.push(loss);
        afterStep1 ??= snapshot(net);
      },
    },
  });
  expect(history.stopReason).toBe('completed');
  return { stepLoss, epochLoss: history.loss, afterStep1: afterStep1!, final: snapshot(net), valLoss: history.valLoss };
}

interface Measured {
  name: string;
  optimizer: string;
  activation: string;
  loss: string;
  replay: string;
  stepLoss: number;
  afterStep1: number;
  final: number;
}

const measured: Measured[] = [];

function check(c: Case, got: Trajectory): Measured {
  expect(got.stepLoss.length).toBe(c.stepLoss.length);
  const stepLoss = Math.max(
    ...c.stepLoss.map((t, i) => scalarRel(got.stepLoss[i]!, t)),
    ...c.epochLoss.map((t, i) => scalarRel(got.epochLoss[i]!, t)),
  );
  const m: Measured = {
    name: c.name,
    optimizer: c.optimizer.name,
    activation: c.layers[0]!.activation,
    loss: c.loss + (c.lambda1 ? '+L1' : '') + (c.lambda2 ? '+L2' : ''),
    replay: c.replay,
    stepLoss,
    afterStep1: paramsRel(got.afterStep1, c.afterStep1),
    final: paramsRel(got.final, c.final),
  };
  measured.push(m);
  console.log(
    `${c.name} (${c.replay}, ${c.stepLoss.length} steps): worst rel. diff — step losses ${m.stepLoss.toExponential(2)}, ` +
      `weights after step 1 ${m.afterStep1.toExponential(2)}, final weights ${m.final.toExponential(2)}`,
  );
  expect(m.stepLoss).toBeLessThanOrEqual(TOL);
  expect(m.afterStep1).toBeLessThanOrEqual(TOL);
  expect(m.final).toBeLessThanOrEqual(TOL);
  // Training really moved the weights far beyond the tolerance (a no-op replay could not pass).
  expect(paramsRel(toMatrices(makeNet(c), c.init), c.final)).toBeGreaterThan(1e-3);
  // Per matrix, not only the worst over the network (keeps the failure message specific).
  c.final.forEach((p, l) => {
    expect(matrixRel(got.final[2 * l]!.data, p.W), `${c.name}: W${l + 1}`).toBeLessThanOrEqual(TOL);
    expect(matrixRel(got.final[2 * l + 1]!.data, p.b), `${c.name}: b${l + 1}`).toBeLessThanOrEqual(TOL);
  });
  return m;
}

afterAll(() => {
  if (measured.length === 0) return;
  const worstBy = (key: 'optimizer' | 'activation' | 'loss'): string =>
    [...new Set(measured.map((m) => m[key]))]
      .map((v) => {
        const ms = measured.filter((m) => m[key] === v);
        const w = Math.max(...ms.map((m) => Math.max(m.stepLoss, m.afterStep1, m.final)));
        return `${v} ${w.toExponential(2)} (${ms.length})`;
      })
      .join(', ');
  console.log(
    `PyTorch parity, worst relative difference (cases):\n  by optimizer: ${worstBy('optimizer')}\n` +
      `  by activation: ${worstBy('activation')}\n  by loss: ${worstBy('loss')}`,
  );
});

describe('PyTorch trajectory parity: fixtures', () => {
  it('were produced by the generator in float64 and cover every optimizer, activation and loss', () => {
    expect(small.meta.dtype).toBe('float64');
    expect(small.meta.torch).toMatch(/^1\.13/);
    const cases = small.cases;
    expect(new Set(cases.map((c) => c.optimizer.name))).toEqual(new Set(['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam']));
    expect(new Set(cases.map((c) => c.layers[0]!.activation))).toEqual(new Set(['sigmoid', 'relu', 'leaky-relu', 'tanh', 'gelu', 'linear']));
    expect(new Set(cases.map((c) => c.loss))).toEqual(new Set(['mse', 'cross-entropy', 'binary-cross-entropy']));
    expect(cases.some((c) => c.lambda1 > 0)).toBe(true);
    expect(cases.some((c) => c.lambda2 > 0)).toBe(true);
    expect(cases.some((c) => c.replay === 'fit')).toBe(true);
    expect(cases.some((c) => c.rows % c.batchSize !== 0)).toBe(true);
    // Dropout in training, on every hidden layer and on one only, with each case dropping and keeping units.
    const dropoutCases = cases.filter((c) => c.layers.some((l) => (l.dropout ?? 0) > 0));
    expect(dropoutCases.length).toBeGreaterThanOrEqual(3);
    expect(dropoutCases.every((c) => c.replay === 'fit' && c.masks?.length === c.stepLoss.length)).toBe(true);
    expect(dropoutCases.some((c) => c.layers.slice(0, -1).every((l) => (l.dropout ?? 0) > 0))).toBe(true);
    expect(dropoutCases.some((c) => c.layers.some((l) => l.dropout === 0))).toBe(true);
    for (const c of dropoutCases) {
      const bits = c.masks!.flat().join('');
      expect(bits).toMatch(/0/);
      expect(bits).toMatch(/1/);
    }
    for (const c of [...cases, runge.case]) {
      expect(c.order).toHaveLength(c.epochs);
      for (const order of c.order) expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: c.rows }, (_, i) => i));
      expect(c.stepLoss).toHaveLength(c.epochs * Math.ceil(c.rows / c.batchSize));
    }
  });

  it("the generator's port of Rng gives fit's batch order and dropout masks (the same draws as our Rng)", () => {
    for (const c of small.cases.filter((k) => k.masks !== undefined)) {
      const rng = new Rng(c.fitSeed!);
      let step = 0;
      for (const order of c.order) {
        expect(Array.from(rng.permutation(c.rows))).toEqual(order);
        for (let start = 0; start < c.rows; start += c.batchSize) {
          const rows = Math.min(c.batchSize, c.rows - start);
          const drawn = c.layers
            .filter((l) => (l.dropout ?? 0) > 0)
            .map((l) => {
              const mask = Matrix.zeros(rows, l.units);
              dropoutForward(Matrix.full(rows, l.units, 1), l.dropout!, rng, mask, Matrix.zeros(rows, l.units));
              return Array.from(mask.data, (m) => (m === 0 ? '0' : '1')).join('');
            });
          expect(drawn, `${c.name}: masks of step ${step + 1}`).toEqual(c.masks![step]);
          step++;
        }
      }
    }
    for (const c of [...small.cases, runge.case].filter((k) => k.replay === 'fit' && k.masks === undefined)) {
      const rng = new Rng(c.fitSeed!);
      for (const order of c.order) expect(Array.from(rng.permutation(c.rows))).toEqual(order);
    }
  });
});

describe('PyTorch trajectory parity: 3→5→4→k networks', () => {
  for (const c of small.cases) {
    it(`${c.name}: ${c.replay === 'fit' ? 'Sequential.fit' : 'computeGradients + step'} matches torch to ${TOL}`, () => {
      const Xc = rowsOf(small.data.X, c.rows);
      const Y = smallTargets(c);
      check(c, c.replay === 'fit' ? replayFit(c, Xc, Y) : replayManual(c, Xc, Y));
    });
  }

  it('the tolerance is meaningful: a 1e-6 relative change of the learning rate or of β is detected', () => {
    for (const c of small.cases.filter((k) => k.optimizer.name === 'adam' || k.optimizer.name === 'rmsprop').slice(0, 2)) {
      const Xc = rowsOf(small.data.X, c.rows);
      const Y = smallTargets(c);
      const lr = replayManual({ ...c, optimizer: { ...c.optimizer, lr: c.optimizer.lr * (1 + 1e-6) } }, Xc, Y);
      expect(paramsRel(lr.final, c.final)).toBeGreaterThan(TOL);
      const o = c.optimizer;
      const beta = replayManual(
        { ...c, optimizer: o.name === 'adam' ? { ...o, beta2: o.beta2 * (1 + 1e-6) } : o.name === 'rmsprop' ? { ...o, beta: o.beta * (1 + 1e-6) } : o },
        Xc,
        Y,
      );
      expect(paramsRel(beta.final, c.final)).toBeGreaterThan(TOL);
    }
  });

  it('the step-by-step replay and fit agree bit for bit on a fit case', () => {
    const c = small.cases.find((k) => k.replay === 'fit')!;
    const Xc = rowsOf(small.data.X, c.rows);
    const Y = smallTargets(c);
    const a = replayManual(c, Xc, Y);
    const b = replayFit(c, Xc, Y);
    expect(b.stepLoss).toEqual(a.stepLoss);
    a.final.forEach((p, i) => expect(Array.from(b.final[i]!.data)).toEqual(Array.from(p.data)));
  });
});

describe('PyTorch trajectory parity: the study part (c) model', () => {
  it('11→100→1 ReLU, SGD η = 0.01, batch 64 on Runge polynomial features: fit matches torch, test MSE per epoch too', () => {
    const c = runge.case;
    const X = Matrix.from(runge.X);
    const Y = Matrix.from(runge.Y);
    const got = replayFit(c, X, Y, { X: Matrix.from(runge.Xtest), y: Matrix.from(runge.Ytest) });
    const m = check(c, got);
    const testRel = Math.max(...c.testMse!.map((t, i) => scalarRel(got.valLoss![i]!, t)));
    console.log(
      `${c.name}: test MSE per epoch, ours ${got.valLoss!.map((v) => v.toPrecision(8)).join(' ')}; ` +
        `torch ${c.testMse!.map((v) => v.toPrecision(8)).join(' ')}; worst rel. diff ${testRel.toExponential(2)}`,
    );
    expect(got.valLoss).toHaveLength(c.epochs);
    expect(testRel).toBeLessThanOrEqual(TOL);
    expect(m.final).toBeLessThanOrEqual(TOL);
  });
});
