// The test harness of the float32 kernels that decide their result by a rounding test (tanh and
// sigmoid in assembly/kernels.ts, `roundedF32`): an f64 approximation y, <f32>(y·(1 − δ)) ==
// <f32>(y·(1 + δ)) or the exact scalar form. Used by tanh-f32.test.ts and sigmoid-f32.test.ts; the
// exhaustive check over all 2^32 inputs is scripts/check-rounded-f32.mjs.
import { expect } from 'vitest';
import type { Rng } from '../rng.js';
import { kernelsWasm } from './kernels.wasm.js';

/** δ of the kernels' rounding test. */
export const DELTA = 2 ** -40;

/** Whether the rounding test cannot decide the approximation `v` (NaN included). */
export const undecided = (v: number): boolean => Math.fround(v * (1 - DELTA)) !== Math.fround(v * (1 + DELTA));

const f32 = new Float32Array(1), word32 = new Uint32Array(f32.buffer);
/** The bit pattern of the float32 nearest x. */
export const bitsOf = (x: number): number => ((f32[0] = x), word32[0]!);
/** The float32 with bit pattern `bits`. */
export const floatOf = (bits: number): number => ((word32[0] = bits), f32[0]!);

/** Room for this many inputs per call. */
export const CAPACITY = 1 << 21;

/** A kernel under test: `name`F32, its counting twin `name`F32Fallbacks and its approximation `name`ApproxF32. */
export interface RoundedKernel {
  /** Runs the kernel on `bits` (counting: the Fallbacks export) and lists the inputs whose result differs from <f32>reference, as hex. */
  run(bits: ArrayLike<number>, counting?: boolean): { wrong: string[]; fallbacks: number };
  /** The approximation y of the inputs `bits`, as f64. */
  approximate(bits: ArrayLike<number>): Float64Array;
  /** The largest |y − F|/|F| against the reference's f64 F over the inputs `bits` with F ≠ 0 and |x| < `clamp`. */
  approximationError(bits: ArrayLike<number>): number;
  /** The pairs of `bits` the kernel must send to the fallback: those with a lane the rounding test, replayed on y, cannot decide. */
  undecidedPairs(bits: ArrayLike<number>): number;
}

/**
 * The harness for the kernel `name` (tanh, sigmoid), whose result must be Math.fround(reference(x))
 * for every float32 x, and whose approximation is checked for |x| < `clamp` (beyond, y is the
 * function at the clamp).
 */
export function roundedKernel(name: string, reference: (x: number) => number, clamp: number): RoundedKernel {
  const memory = new WebAssembly.Memory({ initial: 560 });
  const raw = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(kernelsWasm, 'base64')), { env: { memory } }).exports as unknown as Record<string, (...args: number[]) => number>;
  const kernel = raw[`${name}F32`]!, counting = raw[`${name}F32Fallbacks`]!, approx = raw[`${name}ApproxF32`]!;
  const base = (raw.heapBase!() + 63) & ~63;
  const pz = base, pa = base + 4 * CAPACITY, py = base + 8 * CAPACITY;
  const zBits = new Uint32Array(memory.buffer, pz, CAPACITY), z = new Float32Array(memory.buffer, pz, CAPACITY);
  const aBits = new Uint32Array(memory.buffer, pa, CAPACITY);
  const y = new Float64Array(memory.buffer, py, CAPACITY);
  const expected = new Float32Array(CAPACITY), expectedBits = new Uint32Array(expected.buffer);

  const approximate = (bits: ArrayLike<number>): Float64Array => {
    zBits.set(bits);
    approx(bits.length, pz, py);
    return y.subarray(0, bits.length);
  };
  return {
    run(bits, count = true) {
      const size = bits.length;
      zBits.set(bits);
      aBits.fill(0xdeadbeef, 0, size + 1);
      let fallbacks = -1;
      if (count) fallbacks = counting(size, pz, pa);
      else kernel(size, pz, pa);
      const wrong: string[] = [];
      for (let j = 0; j < size; j++) {
        expected[j] = reference(z[j]!);
        if (aBits[j] !== expectedBits[j]) wrong.push(`0x${zBits[j]!.toString(16)} → 0x${aBits[j]!.toString(16)}, expected 0x${expectedBits[j]!.toString(16)}`);
      }
      // Nothing written past the end.
      if (aBits[size] !== 0xdeadbeef) wrong.push(`wrote past element ${size}`);
      return { wrong, fallbacks };
    },
    approximate,
    approximationError(bits) {
      const ys = approximate(bits);
      let max = 0;
      for (let j = 0; j < bits.length; j++) {
        const x = z[j]!, f = reference(x);
        if (f !== 0 && Math.abs(x) < clamp) max = Math.max(max, Math.abs(ys[j]! - f) / Math.abs(f));
      }
      return max;
    },
    undecidedPairs(bits) {
      const ys = approximate(bits);
      let pairs = 0;
      for (let j = 0; j + 1 < bits.length; j += 2) if (undecided(ys[j]!) || undecided(ys[j + 1]!)) pairs++;
      return pairs;
    },
  };
}

/**
 * Every input of `hard` (which the rounding test cannot decide: asserted) at every position of the
 * kernel's eight-element loop, its pair loop and its last element (lengths 1 … 11), among `ordinary`
 * values the test decides, alone and beside another hard input: each result right, and every pair
 * holding one counted as a fallback (an odd last element takes the exact form uncounted).
 */
export function checkHardAtEveryPosition(k: RoundedKernel, hard: readonly number[], ordinaryValues: number[], rng: Rng): void {
  const ys = k.approximate(hard);
  expect(hard.filter((_, j) => !undecided(ys[j]!)).map((b) => b.toString(16))).toEqual([]);
  const decided = k.approximate(ordinaryValues.map(bitsOf));
  const ordinary = ordinaryValues.map(bitsOf).filter((_, j) => !undecided(decided[j]!));
  for (const h of hard) {
    for (let length = 1; length <= 11; length++) {
      for (let at = 0; at < length; at++) {
        const bits = Array.from({ length }, () => ordinary[Math.floor(rng.uniform() * ordinary.length)]!);
        bits[at] = h;
        const positions = new Set([at]);
        if (length > 2 && rng.uniform() < 0.5) {
          const other = (at + 1 + Math.floor(rng.uniform() * (length - 1))) % length;
          bits[other] = hard[Math.floor(rng.uniform() * hard.length)]!;
          positions.add(other);
        }
        const pairs = new Set([...positions].filter((p) => p < length - (length % 2)).map((p) => p >> 1));
        const { wrong, fallbacks } = k.run(bits);
        expect(wrong, `0x${h.toString(16)} at ${at} of ${length}`).toEqual([]);
        expect(fallbacks, `0x${h.toString(16)} at ${at} of ${length}`).toBe(pairs.size);
      }
    }
  }
}

/**
 * `count` bit patterns: 30 % random words, 50 % `normal()` values, 20 % uniform in ±`range` (odd
 * length: the last element takes the one-element tail).
 */
export function randomInputs(rng: Rng, count: number, normal: () => number, range: number): Uint32Array {
  const bits = new Uint32Array(count | 1);
  for (let j = 0; j < bits.length; j++) {
    const r = rng.uniform();
    if (r < 0.3) bits[j] = Math.floor(rng.uniform() * 2 ** 32);
    else if (r < 0.8) bits[j] = bitsOf(normal());
    else bits[j] = bitsOf((2 * rng.uniform() - 1) * range);
  }
  return bits;
}

/** The bit patterns within ±span/2 of each centre, with both signs (each centre a non-negative pattern). */
export function around(centres: readonly number[], span: number): number[] {
  const bits: number[] = [];
  for (const c of centres) {
    for (const sign of [0, 0x80000000]) {
      for (let j = -span / 2; j < span / 2; j++) {
        const b = c + j;
        if (b >= 0 && b <= 0x7fffffff) bits.push((b | sign) >>> 0);
      }
    }
  }
  return bits;
}

/** The largest float32 bit pattern in [lo, hi] whose <f32>reference is below 1 (by bisection; the function increasing). */
export function lastBelowOne(reference: (x: number) => number, lo: number, hi: number): number {
  let a = bitsOf(lo), b = bitsOf(hi);
  while (b - a > 1) {
    const mid = (a + b) >>> 1;
    if (Math.fround(reference(floatOf(mid))) < 1) a = mid;
    else b = mid;
  }
  return a;
}
