import { type DType, type FloatArray, type KernelBackend, Matrix, Rng, allocate, allocateMatrix, createWasmBackend, jsBackend, sameBits, withBackend } from '@ffnn/tensor';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Adam, type AdamHyper, adamScalars, adamStep } from './adam.js';
import { AdamW } from './adamw.js';

// The wasm backend's `adamStep` kernel is the compiled form of `adamStep` (adam.ts): these tests pin
// the two together bit for bit, on one thread and split over threads, for Adam, Adam + L2 and AdamW.

const two = await createWasmBackend({ threads: 2 });
afterAll(() => two.dispose?.());

function random(rng: Rng, length: number, dtype: DType): FloatArray {
  const a = allocate(dtype, length);
  for (let t = 0; t < length; t++) a[t] = rng.normal();
  return a;
}

describe('the wasm Adam kernel is adamStep compiled', () => {
  const shape = fc.record({
    m: fc.integer({ min: 1, max: 20 }),
    n: fc.integer({ min: 1, max: 37 }),
    seed: fc.integer(),
    dtype: fc.constantFrom<DType>('float64', 'float32'),
    resident: fc.boolean(),
  });
  // Resident buffers (allocated by the shared-memory backend) exercise the zero-copy path.
  const alloc = (resident: boolean, rng: Rng, length: number, dtype: DType): FloatArray => {
    const plain = random(rng, length, dtype);
    if (!resident) return plain;
    const r = two.allocate!(dtype, length);
    r.set(plain);
    return r;
  };

  it('equals adamStep bit for bit over several steps (Adam, Adam + L2, AdamW; default and other β1, β2, ε)', () => {
    const decays = fc.constantFrom<[number, boolean]>([0, false], [0.05, false], [0.05, true]);
    // Non-default moments and ε too: a kernel that ignored one of them would agree at the defaults.
    const betas = fc.constantFrom<[number, number, number]>([0.9, 0.999, 1e-8], [0.5, 0.9, 1e-3], [0.95, 0.99, 0.1]);
    fc.assert(
      fc.property(shape, fc.constantFrom(1e-3, 1e-2), decays, betas, ({ m, n, seed, dtype, resident }, lr, [weightDecay, decoupled], [beta1, beta2, eps]) => {
        const rng = new Rng(seed);
        const size = m * n;
        const w = alloc(resident, rng, size, dtype);
        const m1 = allocate(dtype, size), v1 = allocate(dtype, size);
        const w2 = w.slice(), m2 = allocate(dtype, size), v2 = allocate(dtype, size);
        const hyper: AdamHyper = { beta1, beta2, eps, weightDecay };
        for (let step = 1; step <= 3; step++) {
          const g = random(rng, size, dtype);
          const s = adamScalars(lr, hyper, step, decoupled);
          adamStep(size, w2, g, m2, v2, s);
          expect(two.adamStep!(size, w, g, m1, v1, s)).toBe(true);
        }
        expect(sameBits(w, w2)).toBe(true);
        expect(sameBits(m1, m2)).toBe(true);
        expect(sameBits(v1, v2)).toBe(true);
      }),
    );
  });

  it('splits large updates over threads with adamStep\'s bits (f32 and f64, Adam, + L2, AdamW, default and other β1, β2, ε)', async () => {
    const three = await createWasmBackend({ threads: 3 });
    try {
      const stats = (b: unknown) => b as { parallelCalls: number };
      const before = stats(two).parallelCalls;
      const rng = new Rng(17);
      for (const dtype of ['float32', 'float64'] as const) {
        // Each decay case with its own β1, β2, ε (the defaults once), so a split path that dropped one fails.
        for (const [weightDecay, decoupled, beta1, beta2, eps] of [[0, false, 0.9, 0.999, 1e-8], [0.01, false, 0.5, 0.9, 1e-3], [0.01, true, 0.95, 0.99, 0.1]] as const) {
          const size = 20011; // not a multiple of the chunk blocks
          const w0 = random(rng, size, dtype);
          const runs = [undefined, two, three].map((backend) => {
            const w = allocate(dtype, size), m = allocate(dtype, size), v = allocate(dtype, size);
            w.set(w0);
            return { backend, w, m, v };
          });
          for (let step = 1; step <= 3; step++) {
            const g = random(rng, size, dtype);
            const s = adamScalars(1e-3, { beta1, beta2, eps, weightDecay }, step, decoupled);
            adamStep(size, runs[0]!.w, g, runs[0]!.m, runs[0]!.v, s);
            for (const r of runs.slice(1)) expect(r.backend!.adamStep!(size, r.w, g, r.m, r.v, s)).toBe(true);
          }
          for (const r of runs.slice(1)) {
            expect(sameBits(r.w, runs[0]!.w)).toBe(true);
            expect(sameBits(r.m, runs[0]!.m)).toBe(true);
            expect(sameBits(r.v, runs[0]!.v)).toBe(true);
          }
        }
      }
      expect(stats(two).parallelCalls - before).toBe(18);
      expect(stats(three).parallelCalls).toBe(18);
    } finally {
      three.dispose?.();
    }
  });

  it('declines mixed dtypes, writing nothing (the optimizer then runs adamStep)', () => {
    const w = Float32Array.of(1, 2), g = Float64Array.of(0.5, -0.5), m = new Float32Array(2), v = new Float32Array(2);
    const s = adamScalars(1e-3, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 }, 1, false);
    expect(two.adamStep!(2, w, g, m, v, s)).toBe(false);
    expect(Array.from(w)).toEqual([1, 2]);
    expect(Array.from(m)).toEqual([0, 0]);
  });

  it('Adam and AdamW step once per call on the wasm backend, with jsBackend\'s bits (the kernel or adamStep, never both)', () => {
    for (const make of [() => new Adam({ lr: 0.01, weightDecay: 0.05 }), () => new AdamW({ lr: 0.01 })]) {
      const run = (backend: KernelBackend) =>
        withBackend(backend, () => {
          const rng = new Rng(5);
          const W = allocateMatrix(3, 4);
          for (let t = 0; t < 12; t++) W.data[t] = rng.normal();
          const opt = make();
          for (let step = 0; step < 3; step++) {
            const G = Matrix.zeros(3, 4);
            for (let t = 0; t < 12; t++) G.data[t] = rng.normal();
            opt.step([W], [G]);
          }
          return W.data.slice();
        });
      expect(sameBits(run(two), run(jsBackend))).toBe(true);
    }
  });
});
