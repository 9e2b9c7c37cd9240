import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { DenseStep, DenseStepLayer, KernelBackend } from '../backend.js';
import { InvalidOptionError, ShapeError } from '../errors.js';
import type { DType, FloatArray } from '../matrix.js';
import { Rng } from '../rng.js';
import { createWasmBackend } from './backend.js';

// A dense step run as recorded programs (WasmBackend.denseStep) against the same backend's separate
// kernels called one by one, in the order of the layer-by-layer path: every output, bit for bit.

const backends = { 1: await createWasmBackend({ threads: 1 }), 2: await createWasmBackend({ threads: 2 }), 3: await createWasmBackend({ threads: 3 }) };
afterAll(() => Object.values(backends).forEach((b) => b.dispose?.()));

type Activation = DenseStepLayer['activation'];

interface Diagnostics {
  programSteps: number;
  workerChunks: number;
}

function counters(backend: KernelBackend): Diagnostics {
  const d = backend as unknown as Diagnostics;
  return { programSteps: d.programSteps, workerChunks: d.workerChunks };
}

/** A step with random weights and inputs, every array allocated by `backend` (resident). */
function makeStep(backend: KernelBackend, seed: number, rows: number, widths: number[], activations: Activation[], dtype: DType): DenseStep {
  const rng = new Rng(seed);
  const alloc = (length: number, fill: boolean): FloatArray => {
    const a = backend.allocate!(dtype, length);
    if (fill) for (let t = 0; t < length; t++) a[t] = rng.normal();
    return a;
  };
  const layers = widths.slice(1).map((units, l): DenseStepLayer => {
    const inputSize = widths[l]!;
    return {
      inputSize, units, activation: activations[l]!,
      W: alloc(inputSize * units, true), b: alloc(units, true), dW: alloc(inputSize * units, false), db: alloc(units, false),
      z: alloc(rows * units, false), a: alloc(rows * units, false), dz: alloc(rows * units, false),
      dx: l > 0 ? alloc(rows * inputSize, false) : null,
    };
  });
  return { rows, X: alloc(rows * widths[0]!, true), Y: alloc(rows * widths.at(-1)!, true), layers };
}

/** The step through the backend's separate kernels, into fresh arrays; returns every output. */
function separately(backend: KernelBackend, step: DenseStep): FloatArray[] {
  const { rows, X, Y, layers } = step;
  const like = (a: FloatArray): FloatArray => (a instanceof Float32Array ? new Float32Array(a.length) : new Float64Array(a.length));
  const out = layers.map((l) => ({ z: like(l.z), a: like(l.a), dz: like(l.dz), dx: l.dx ? like(l.dx) : null, dW: like(l.dW), db: like(l.db) }));
  layers.forEach((layer, l) => {
    const x = l === 0 ? X : out[l - 1]!.a;
    const o = out[l]!;
    backend.gemm(false, false, rows, layer.units, layer.inputSize, 1, x, layer.W, 0, o.z);
    if (layer.activation === 'relu') backend.addRowVectorRelu!(rows, layer.units, o.z, layer.b, o.z, o.a);
    else {
      backend.addRowVector(rows, layer.units, o.z, layer.b, o.z);
      o.a.set(o.z);
    }
  });
  const L = layers.length, last = out[L - 1]!, c = 2 / last.a.length;
  for (let t = 0; t < last.a.length; t++) last.dz[t] = c * (last.a[t]! - Y[t]!);
  for (let l = L - 1; l >= 0; l--) {
    const layer = layers[l]!, o = out[l]!;
    const x = l === 0 ? X : out[l - 1]!.a;
    backend.gemm(true, false, layer.inputSize, layer.units, rows, 1, x, o.dz, 0, o.dW);
    backend.sumRows(rows, layer.units, o.dz, 0, o.db);
    if (l === 0) break;
    backend.gemm(false, true, rows, layer.inputSize, layer.units, 1, o.dz, layer.W, 0, o.dx!);
    const below = out[l - 1]!;
    if (layers[l - 1]!.activation === 'relu') backend.reluBackward!(rows * layer.inputSize, below.z, o.dx!, below.dz);
    else below.dz.set(o.dx!);
  }
  return out.flatMap((o) => [o.z, o.a, o.dz, ...(o.dx ? [o.dx] : []), o.dW, o.db]);
}

function outputs(step: DenseStep): FloatArray[] {
  return step.layers.flatMap((l) => [l.z, l.a, l.dz, ...(l.dx ? [l.dx] : []), l.dW, l.db]);
}

/** Arrays as lists of numbers (`toEqual` on numbers tells every bit apart except NaN payloads). */
function lists(arrays: FloatArray[]): number[][] {
  return arrays.map((a) => Array.from(a));
}

describe('denseStep (recorded programs)', () => {
  it('equals the separate kernels bit for bit: random shapes, rows and activations, f32 and f64, on 1, 2 and 3 threads', () => {
    const shape = fc.record({
      rows: fc.integer({ min: 1, max: 70 }),
      widths: fc.array(fc.integer({ min: 1, max: 23 }), { minLength: 2, maxLength: 5 }),
      relu: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
      dtype: fc.constantFrom<DType>('float32', 'float64'),
      threads: fc.constantFrom<1 | 2 | 3>(1, 2, 3),
      seed: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(
      fc.property(shape, ({ rows, widths, relu, dtype, threads, seed }) => {
        const backend = backends[threads];
        const activations = widths.slice(1).map((_, l): Activation => (l < widths.length - 2 && relu[l] ? 'relu' : 'linear'));
        const step = makeStep(backend, seed, rows, widths, activations, dtype);
        const before = counters(backend).programSteps;
        expect(backend.denseStep!(step)).toBe(true);
        expect(counters(backend).programSteps).toBe(before + 1);
        expect(lists(outputs(step))).toEqual(lists(separately(backend, step)));
      }),
      { numRuns: 60 },
    );
  });

  for (const dtype of ['float32', 'float64'] as const) {
    it(`splits a large step over the threads with the same bits (${dtype})`, () => {
      // 64 × (8·200 + 200·200 + 200·3) × 3 ≈ 8 M multiply-adds: cut into one range per thread.
      const widths = [8, 200, 200, 3];
      const activations: Activation[] = ['relu', 'relu', 'linear'];
      const results = ([1, 2, 3] as const).map((threads) => {
        const backend = backends[threads];
        const step = makeStep(backend, 5, 64, widths, activations, dtype);
        const chunks = counters(backend).workerChunks;
        expect(backend.denseStep!(step)).toBe(true);
        // Repeat until a worker thread has computed a unit (on a busy machine the calling thread may
        // claim them all for a while); the result must not change.
        for (let i = 0; i < 2000 && threads > 1 && counters(backend).workerChunks === chunks; i++) backend.denseStep!(step);
        if (threads > 1) expect(counters(backend).workerChunks).toBeGreaterThan(chunks);
        const result = lists(outputs(step));
        expect(result).toEqual(lists(separately(backend, step)));
        return result;
      });
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
    });
  }

  it('keeps a small step on the calling thread (the workers compute none of it)', () => {
    // The Runge network, 64 × (1·50 + 50·50 + 50·1) × 3 ≈ 500 k multiply-adds: below the split threshold.
    const backend = backends[2];
    const step = makeStep(backend, 7, 64, [1, 50, 50, 1], ['relu', 'relu', 'linear'], 'float32');
    const chunks = counters(backend).workerChunks;
    for (let i = 0; i < 200; i++) expect(backend.denseStep!(step)).toBe(true);
    expect(counters(backend).workerChunks).toBe(chunks);
    expect(lists(outputs(step))).toEqual(lists(separately(backend, step)));
  });

  it('records once and follows the step to new arrays', () => {
    const backend = backends[2];
    const step = makeStep(backend, 9, 40, [3, 17, 1], ['relu', 'linear'], 'float32');
    backend.denseStep!(step);
    const other = makeStep(backend, 10, 40, [3, 17, 1], ['relu', 'linear'], 'float32');
    step.X = other.X;
    step.Y = other.Y;
    step.layers[0]!.W = other.layers[0]!.W;
    expect(backend.denseStep!(step)).toBe(true);
    expect(lists(outputs(step))).toEqual(lists(separately(backend, step)));
    // Weights changed in place (as an optimizer does) are read afresh at every step.
    step.layers[1]!.W.fill(0.25);
    backend.denseStep!(step);
    expect(lists(outputs(step))).toEqual(lists(separately(backend, step)));
  });

  it('declines, writing nothing, when an array is not in wasm memory or has another dtype', () => {
    const backend = backends[1];
    const step = makeStep(backend, 3, 8, [2, 5, 1], ['relu', 'linear'], 'float64');
    const plain = { ...step, X: Float64Array.from(step.X) };
    const mixed = { ...step, Y: backend.allocate!('float32', 8) };
    for (const s of [plain, mixed]) {
      expect(backend.denseStep!(s)).toBe(false);
      expect(step.layers.every((l) => l.dW.every((v) => v === 0) && l.z.every((v) => v === 0))).toBe(true);
    }
  });

  it('names a wrong size or an unsupported output layer', () => {
    const backend = backends[1];
    const step = makeStep(backend, 3, 8, [2, 5, 1], ['relu', 'linear'], 'float32');
    expect(() => backend.denseStep!({ ...step, rows: 9 })).toThrow(new ShapeError('denseStep: X has 16 elements, needs 18'));
    const short = { ...step, layers: [step.layers[0]!, { ...step.layers[1]!, W: backend.allocate!('float32', 4) }] };
    expect(() => backend.denseStep!(short)).toThrow(new ShapeError('denseStep: layer 2 W has 4 elements, needs 5'));
    const relu = { ...step, layers: [step.layers[0]!, { ...step.layers[1]!, activation: 'relu' as const }] };
    expect(() => backend.denseStep!(relu)).toThrow(InvalidOptionError);
    expect(() => backend.denseStep!({ ...step, layers: [] })).toThrow(new ShapeError('denseStep: no layers'));
  });
});
