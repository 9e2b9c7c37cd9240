import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type KernelBackend, withBackend } from '../backend.js';
import { CaptureDeclined, capture, hostCompute } from '../capture.js';
import type { DType, FloatArray } from '../matrix.js';
import { Rng } from '../rng.js';
import { createWasmBackend } from './backend.js';
import { SPARSE_FRACTION, SPARSE_PER_MILLE } from './sparse.js';

// Kernel calls captured once and replayed (WasmBackend.beginCapture/endCapture) against the same
// backend's kernels called one by one: every output, bit for bit. The calls are those of a training
// step of a dense network with an MSE loss (the heaviest sequence the layers capture), written here
// against the backend alone: the recorder itself knows nothing of layers or losses.

const backends = { 1: await createWasmBackend({ threads: 1 }), 2: await createWasmBackend({ threads: 2 }), 3: await createWasmBackend({ threads: 3 }) };
afterAll(() => Object.values(backends).forEach((b) => b.dispose?.()));

type Activation = 'relu' | 'sigmoid' | 'tanh' | 'leaky-relu' | 'linear' | 'gelu';

interface Diagnostics {
  replays: number;
  workerChunks: number;
}

function counters(backend: KernelBackend): Diagnostics {
  const d = backend as unknown as Diagnostics;
  return { replays: d.replays, workerChunks: d.workerChunks };
}

interface Layer {
  inputSize: number;
  units: number;
  activation: Activation;
  W: FloatArray;
  b: FloatArray;
  dW: FloatArray;
  db: FloatArray;
  z: FloatArray;
  a: FloatArray;
  da: FloatArray;
  dz: FloatArray;
  dx: FloatArray | null;
  /** GELU's th, float64 whatever the step's dtype. */
  th: Float64Array;
}

interface Step {
  rows: number;
  X: FloatArray;
  Y: FloatArray;
  layers: Layer[];
  /** Softmax output with the fused cross-entropy gradient (a − y)/rows instead of a linear output with MSE. */
  softmaxCrossEntropy?: boolean;
  /** L1 and L2 penalty weights, their gradients added to every dW last. */
  lambda1?: number;
  lambda2?: number;
}

/** A step with random weights and inputs, every array allocated by `backend` (resident). */
function makeStep(backend: KernelBackend, seed: number, rows: number, widths: number[], activations: Activation[], dtype: DType): Step {
  const rng = new Rng(seed);
  const alloc = (length: number, fill: boolean): FloatArray => {
    const a = backend.allocate!(dtype, length);
    if (fill) for (let t = 0; t < length; t++) a[t] = rng.normal();
    return a;
  };
  const layers = widths.slice(1).map((units, l): Layer => {
    const inputSize = widths[l]!;
    return {
      inputSize, units, activation: activations[l]!,
      W: alloc(inputSize * units, true), b: alloc(units, true), dW: alloc(inputSize * units, false), db: alloc(units, false),
      z: alloc(rows * units, false), a: alloc(rows * units, false), da: alloc(rows * units, false), dz: alloc(rows * units, false),
      dx: l > 0 ? alloc(rows * inputSize, false) : null, th: backend.allocate!('float64', rows * units) as Float64Array,
    };
  });
  return { rows, X: alloc(rows * widths[0]!, true), Y: alloc(rows * widths.at(-1)!, true), layers };
}

/** The same step with fresh output arrays (not resident: the kernels copy them in and out). */
function freshOutputs(step: Step): Step {
  const like = (a: FloatArray): FloatArray => (a instanceof Float32Array ? new Float32Array(a.length) : new Float64Array(a.length));
  return {
    ...step,
    layers: step.layers.map((l) => ({ ...l, dW: like(l.dW), db: like(l.db), z: like(l.z), a: like(l.a), da: like(l.da), dz: like(l.dz), dx: l.dx ? like(l.dx) : null, th: new Float64Array(l.th.length) })),
  };
}

/** Forward pass, MSE gradient, backward pass: the backend's kernels in the order of the layers' code. */
function kernels(backend: KernelBackend, step: Step): void {
  const { rows, X, Y, layers } = step;
  layers.forEach((layer, l) => {
    const x = l === 0 ? X : layers[l - 1]!.a;
    backend.gemm(false, false, rows, layer.units, layer.inputSize, 1, x, layer.W, 0, layer.z);
    if (layer.activation === 'relu') backend.addRowVectorRelu!(rows, layer.units, layer.z, layer.b, layer.z, layer.a);
    else {
      backend.addRowVector(rows, layer.units, layer.z, layer.b, layer.z);
      if (layer.activation === 'sigmoid') backend.sigmoid!(rows * layer.units, layer.z, layer.a);
      else if (layer.activation === 'leaky-relu') backend.leakyRelu!(rows * layer.units, layer.z, layer.a, 0.01);
      else if (layer.activation === 'tanh') backend.tanh!(rows * layer.units, layer.z, layer.a);
      else if (layer.activation === 'gelu') backend.gelu!(rows * layer.units, layer.z, layer.a, layer.th);
      else backend.copy!(rows * layer.units, layer.z, layer.a);
    }
  });
  const last = layers.at(-1)!, size = rows * last.units;
  if (step.softmaxCrossEntropy) {
    backend.softmaxRows!(rows, last.units, last.z, last.a);
    backend.differenceOver!(size, rows, last.a, Y, last.dz);
  } else {
    backend.scaledDifference!(size, 2 / size, last.a, Y, last.da);
    backend.copy!(size, last.da, last.dz);
  }
  for (let l = layers.length - 1; l >= 0; l--) {
    const layer = layers[l]!;
    const x = l === 0 ? X : layers[l - 1]!.a;
    backend.gemm(true, false, layer.inputSize, layer.units, rows, 1, x, layer.dz, 0, layer.dW);
    backend.sumRows(rows, layer.units, layer.dz, 0, layer.db);
    if (l === 0) break;
    backend.gemm(false, true, rows, layer.inputSize, layer.units, 1, layer.dz, layer.W, 0, layer.dx!);
    const below = layers[l - 1]!;
    if (below.activation === 'relu') backend.reluBackward!(rows * layer.inputSize, below.z, layer.dx!, below.dz);
    else if (below.activation === 'sigmoid') backend.sigmoidBackward!(rows * layer.inputSize, below.a, layer.dx!, below.dz);
    else if (below.activation === 'leaky-relu') backend.leakyReluBackward!(rows * layer.inputSize, below.z, layer.dx!, below.dz, 0.01);
    else if (below.activation === 'tanh') backend.tanhBackward!(rows * layer.inputSize, below.a, layer.dx!, below.dz);
    else if (below.activation === 'gelu') backend.geluBackward!(rows * layer.inputSize, below.z, layer.dx!, below.dz, below.th);
    else backend.copy!(rows * layer.inputSize, layer.dx!, below.dz);
  }
  for (const layer of layers) {
    if (step.lambda1) backend.signAxpy!(layer.W.length, step.lambda1, layer.W, layer.dW);
    if (step.lambda2) backend.axpy!(layer.W.length, step.lambda2, layer.W, layer.dW);
  }
}

function outputs(step: Step): FloatArray[] {
  return step.layers.flatMap((l) => [l.z, l.a, l.da, l.dz, ...(l.dx ? [l.dx] : []), l.dW, l.db, l.th]);
}

/** Every output of the step computed by the kernels called one by one (into fresh arrays). */
function separately(backend: KernelBackend, step: Step): FloatArray[] {
  const fresh = freshOutputs(step);
  kernels(backend, fresh);
  return outputs(fresh);
}

/** The step's kernel calls captured on `backend` (computing nothing). */
function captured(backend: KernelBackend, step: Step) {
  return withBackend(backend, () => capture(() => kernels(backend, step)));
}

/** Arrays as lists of numbers (`toEqual` on numbers tells every bit apart except NaN payloads). */
function lists(arrays: FloatArray[]): number[][] {
  return arrays.map((a) => Array.from(a));
}

describe('capture and replay (recorded programs)', () => {
  it('equals the kernels called one by one, bit for bit: random shapes, rows and activations (ReLU, sigmoid, tanh, leaky ReLU, linear, GELU with its th in f64), f32 and f64, on 1, 2 and 3 threads', () => {
    const shape = fc.record({
      rows: fc.integer({ min: 1, max: 70 }),
      widths: fc.array(fc.integer({ min: 1, max: 23 }), { minLength: 2, maxLength: 5 }),
      hidden: fc.array(fc.constantFrom<Activation>('relu', 'sigmoid', 'tanh', 'leaky-relu', 'linear', 'gelu'), { minLength: 4, maxLength: 4 }),
      dtype: fc.constantFrom<DType>('float32', 'float64'),
      threads: fc.constantFrom<1 | 2 | 3>(1, 2, 3),
      seed: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(
      fc.property(shape, ({ rows, widths, hidden, dtype, threads, seed }) => {
        const backend = backends[threads];
        const activations = widths.slice(1).map((_, l): Activation => (l < widths.length - 2 ? hidden[l]! : 'linear'));
        const step = makeStep(backend, seed, rows, widths, activations, dtype);
        const replay = captured(backend, step)!;
        expect(replay).toBeDefined();
        // Capturing computed nothing.
        expect(outputs(step).every((a) => a.every((v) => v === 0))).toBe(true);
        const before = counters(backend).replays;
        replay.run();
        expect(counters(backend).replays).toBe(before + 1);
        expect(lists(outputs(step))).toEqual(lists(separately(backend, step)));
      }),
      { numRuns: 60 },
    );
  });

  for (const dtype of ['float32', 'float64'] as const) {
    it(`splits a large sequence over the threads with the same bits (${dtype})`, () => {
      // 64 × (8·200 + 200·200 + 200·3) × 3 ≈ 8 M multiply-adds: products cut into one range per thread.
      const widths = [8, 200, 200, 3];
      const activations: Activation[] = ['relu', 'sigmoid', 'linear'];
      const results = ([1, 2, 3] as const).map((threads) => {
        const backend = backends[threads];
        const step = makeStep(backend, 5, 64, widths, activations, dtype);
        const chunks = counters(backend).workerChunks;
        const replay = captured(backend, step)!;
        replay.run();
        // Repeat until a worker thread has computed a unit (on a busy machine the calling thread may
        // claim them all for a while); the result must not change.
        for (let i = 0; i < 2000 && threads > 1 && counters(backend).workerChunks === chunks; i++) replay.run();
        if (threads > 1) expect(counters(backend).workerChunks).toBeGreaterThan(chunks);
        const result = lists(outputs(step));
        expect(result).toEqual(lists(separately(backend, step)));
        return result;
      });
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
    });
  }

  for (const dtype of ['float32', 'float64'] as const) {
    it(`replays an MNIST-like step (inputs mostly zeros, softmax cross-entropy, L1 and L2) with the bits of the kernels one by one, sparse batch or dense (${dtype})`, () => {
      // 64 × 784 × 30 ≈ 1.5 M multiply-adds per product of the first layer: above the size from
      // which a product checks for zeros, so the captured products decide sparse or dense at every replay.
      for (const threads of [1, 2] as const) {
        const backend = backends[threads];
        const step = { ...makeStep(backend, 11, 64, [784, 30, 10], ['relu', 'linear'], dtype), softmaxCrossEntropy: true, lambda1: 1e-4, lambda2: 1e-3 };
        const rng = new Rng(4);
        const pixels = () => { for (let t = 0; t < step.X.length; t++) step.X[t] = rng.uniform() < 0.19 ? rng.uniform() : 0; };
        pixels();
        for (let t = 0; t < step.Y.length; t++) step.Y[t] = t % 10 === t % 7 ? 1 : 0;
        const sparseBefore = (backend as unknown as { sparseCalls: number }).sparseCalls;
        const expected = lists(separately(backend, step));
        // The immediate products of the first layer took the sparse path (forward and dW).
        expect((backend as unknown as { sparseCalls: number }).sparseCalls).toBe(sparseBefore + 2);
        const replay = captured(backend, step)!;
        expect(replay).toBeDefined();
        replay.run();
        expect(lists(outputs(step))).toEqual(expected);
        // Another sparse batch, then a dense one (the replay's products then take the dense kernel).
        pixels();
        replay.run();
        expect(lists(outputs(step))).toEqual(lists(separately(backend, step)));
        for (let t = 0; t < step.X.length; t++) step.X[t] = rng.normal();
        replay.run();
        expect(lists(outputs(step))).toEqual(lists(separately(backend, step)));
      }
    });
  }

  it('keeps a small sequence on the calling thread (the workers compute none of it)', () => {
    // The Runge network, 64 × (1·50 + 50·50 + 50·1) × 3 ≈ 500 k multiply-adds: below the split threshold.
    const backend = backends[2];
    const step = makeStep(backend, 7, 64, [1, 50, 50, 1], ['relu', 'relu', 'linear'], 'float32');
    const replay = captured(backend, step)!;
    const chunks = counters(backend).workerChunks;
    for (let i = 0; i < 200; i++) replay.run();
    expect(counters(backend).workerChunks).toBe(chunks);
    expect(lists(outputs(step))).toEqual(lists(separately(backend, step)));
  });

  it('reads the operands afresh at every replay (inputs and weights changed in place)', () => {
    const backend = backends[2];
    const step = makeStep(backend, 9, 40, [3, 17, 1], ['relu', 'linear'], 'float32');
    const replay = captured(backend, step)!;
    replay.run();
    const rng = new Rng(3);
    for (const a of [step.X, step.Y, step.layers[0]!.W]) for (let t = 0; t < a.length; t++) a[t] = rng.normal();
    step.layers[1]!.W.fill(0.25);
    replay.run();
    expect(lists(outputs(step))).toEqual(lists(separately(backend, step)));
  });

  it('declines, computing nothing, when an operand is not in wasm memory, dtypes mix, or code computes on the host', () => {
    const backend = backends[1];
    const step = makeStep(backend, 3, 8, [2, 5, 1], ['relu', 'linear'], 'float64');
    const plain = { ...step, X: Float64Array.from(step.X) };
    const mixed = { ...step, Y: backend.allocate!('float32', 8) };
    for (const s of [plain, mixed]) {
      expect(captured(backend, s)).toBeUndefined();
      expect(outputs(step).every((a) => a.every((v) => v === 0))).toBe(true);
    }
    const host = withBackend(backend, () =>
      capture(() => {
        kernels(backend, step);
        hostCompute('a loop over z');
      }),
    );
    expect(host).toBeUndefined();
    expect(outputs(step).every((a) => a.every((v) => v === 0))).toBe(true);
    // A kernel that cannot be recorded declines too, and the backend computes again afterwards.
    expect(withBackend(backend, () => capture(() => void backend.allFinite!(2, step.X)))).toBeUndefined();
    kernels(backend, step);
    expect(lists(outputs(step))).toEqual(lists(separately(backend, step)));
  });

  it('declines a nested capture and passes other errors on', () => {
    const backend = backends[1];
    const step = makeStep(backend, 4, 8, [2, 5, 1], ['relu', 'linear'], 'float64');
    let inner: unknown = 'not run';
    const outer = withBackend(backend, () => capture(() => (inner = capture(() => kernels(backend, step)))));
    expect(inner).toBeUndefined();
    expect(outer).toBeDefined();
    expect(outer!.kernels).toBe(0);
    expect(() => withBackend(backend, () => capture(() => {
      throw new RangeError('boom');
    }))).toThrow(RangeError);
    // The failed capture left the backend computing.
    kernels(backend, step);
    expect(lists(outputs(step))).toEqual(lists(separately(backend, step)));
    expect(new CaptureDeclined('x').message).toBe('capture declined: x');
  });
});

describe('the sparse fraction a recorded product passes to its kernel', () => {
  it('is SPARSE_FRACTION in thousandths, the same double once divided by 1000', () => {
    expect(Number.isInteger(SPARSE_PER_MILLE)).toBe(true);
    expect(SPARSE_PER_MILLE / 1000).toBe(SPARSE_FRACTION);
  });
});
