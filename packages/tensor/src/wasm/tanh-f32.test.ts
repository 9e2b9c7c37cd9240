import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { kernelsWasm } from './kernels.wasm.js';

// The wasm float32 tanh (tanhF32) decides most results from a table-and-polynomial approximation y
// and a rounding test (<f32>(y·(1 − δ)) == <f32>(y·(1 + δ))), and recomputes the rest (a pair at a
// time) with the exact scalar port of fdlibm. scripts/check-tanh-f32.mjs checks all 2^32 inputs;
// here: two million consecutive bit patterns around the points where the method changes, a million
// random ones, and the inputs the exhaustive check found nearest an f32 rounding boundary (its --hard
// list), each at every position of the kernel's loops (eight at a time, a pair, the odd last one).
// Without the fallback (or with the rounding test always passing) the kernel would store
// <f32>(y·(1 − δ)), wrong on the hard inputs here (checked by deleting it). But <f32>y alone is right
// on every input (the exhaustive check found), so a δ below y's real error (2^−52, tried) would
// change no result: the kernel's count of fallbacks (tanhF32Fallbacks, tanhF32's code) must equal
// the pairs the rounding test, replayed here on y with δ = 2^−40, cannot decide; and y's error is bounded.

const memory = new WebAssembly.Memory({ initial: 560 });
const raw = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(kernelsWasm, 'base64')), { env: { memory } }).exports as unknown as {
  heapBase: () => number;
  tanhF32: (size: number, pz: number, pa: number) => void;
  tanhF32Fallbacks: (size: number, pz: number, pa: number) => number;
  tanhApproxF32: (size: number, pz: number, py: number) => void;
};

const CAPACITY = 1 << 21;
const base = (raw.heapBase() + 63) & ~63;
const pz = base, pa = base + 4 * CAPACITY, py = base + 8 * CAPACITY;
const zBits = new Uint32Array(memory.buffer, pz, CAPACITY), z = new Float32Array(memory.buffer, pz, CAPACITY);
const aBits = new Uint32Array(memory.buffer, pa, CAPACITY);
const y = new Float64Array(memory.buffer, py, CAPACITY);
const expected = new Float32Array(CAPACITY), expectedBits = new Uint32Array(expected.buffer);

/**
 * Runs the kernel on the bit patterns `bits` (tanhF32, or tanhF32Fallbacks counting the pairs that took
 * the fallback) and lists, as hex, the inputs whose result differs from Math.fround(Math.tanh(x)).
 */
function run(bits: ArrayLike<number>, counting = true): { wrong: string[]; fallbacks: number } {
  const size = bits.length;
  zBits.set(bits);
  aBits.fill(0xdeadbeef, 0, size + 1);
  let fallbacks = -1;
  if (counting) fallbacks = raw.tanhF32Fallbacks(size, pz, pa);
  else raw.tanhF32(size, pz, pa);
  const wrong: string[] = [];
  for (let j = 0; j < size; j++) {
    expected[j] = Math.tanh(z[j]!);
    if (aBits[j] !== expectedBits[j]) wrong.push(`0x${zBits[j]!.toString(16)} → 0x${aBits[j]!.toString(16)}, expected 0x${expectedBits[j]!.toString(16)}`);
  }
  // Nothing written past the end.
  if (aBits[size] !== 0xdeadbeef) wrong.push(`wrote past element ${size}`);
  return { wrong, fallbacks };
}

/** The largest |y − F|/|F| of the kernel's approximation y against fdlibm's F over the inputs with 0 < |x| < 10 among `bits` (already in zBits). */
function approximationError(size: number): number {
  raw.tanhApproxF32(size, pz, py);
  let max = 0;
  for (let j = 0; j < size; j++) {
    const x = z[j]!, f = Math.tanh(x);
    if (f !== 0 && Math.abs(x) < 10) max = Math.max(max, Math.abs(y[j]! - f) / Math.abs(f));
  }
  return max;
}

const f32 = new Float32Array(1), word32 = new Uint32Array(f32.buffer);
const bitsOf = (x: number) => ((f32[0] = x), word32[0]!);

/**
 * Positive inputs whose fdlibm tanh lies nearest an f32 rounding boundary, all of them fallbacks:
 * from `node scripts/check-tanh-f32.mjs --hard`, the 48 nearest (relative distance 7.3·10^−16 =
 * 2^−50.3 … 1.5·10^−14) and 16 spread over the other 3014 positive fallbacks (up to 9.1·10^−13).
 */
const HARD = [
  0x3ac37de2, 0x3eee0566, 0x40acb4d0, 0x3cd41b91, 0x40c5e8ca, 0x3d7c3055, 0x40a6ef82, 0x3ff8bc7e, 0x4013cd84,
  0x3c96ae2e, 0x3f97fbc7, 0x3bc8b605, 0x3ef6afee, 0x3adbc904, 0x40c7b05f, 0x3f20b67f, 0x39b89ba2, 0x39b89ba3,
  0x3dee483b, 0x3fb3c82a, 0x4053eea7, 0x3a5e773a, 0x3dc95db7, 0x3c4e34b0, 0x3be46e2b, 0x3f172be6, 0x3afc9f57,
  0x3bc11b0b, 0x3e150cd4, 0x3da99442, 0x3c5a35d5, 0x3abc6065, 0x3af41fd8, 0x3f325d3b, 0x3e6cd3e1, 0x3ca1e990,
  0x3a27ba3b, 0x3d2cd0ca, 0x40807096, 0x3e82a780, 0x3eecff89, 0x3d35a6ac, 0x3cc854ca, 0x3a46dce7, 0x40d35ab0,
  0x3ddca6fc, 0x3e99e4bb, 0x408d5d7f, 0x4048c2e2, 0x3aeafd53, 0x3d24487a, 0x3e93072f, 0x3a46dced, 0x39b89b82,
  0x40614c10, 0x39b89bce, 0x3edebb40, 0x3b03400d, 0x3aa2eebc, 0x3eec075e, 0x3e009d9e, 0x39b89bf0, 0x3ebf474b,
  0x3b61ba7d,
];

/** δ of the kernel's rounding test. */
const DELTA = 2 ** -40;

/** Whether the rounding test cannot decide the approximation `v` (NaN included). */
const undecided = (v: number) => Math.fround(v * (1 - DELTA)) !== Math.fround(v * (1 + DELTA));

/**
 * The pairs of the `size` inputs in zBits that the kernel must send to the fallback: those with a
 * lane the rounding test, applied here to the kernel's approximation, cannot decide (an odd last
 * element is not a pair).
 */
function undecidedPairs(size: number): number {
  raw.tanhApproxF32(size, pz, py);
  let pairs = 0;
  for (let j = 0; j + 1 < size; j += 2) if (undecided(y[j]!) || undecided(y[j + 1]!)) pairs++;
  return pairs;
}

/** Bound asserted on the approximation's relative error (the exhaustive check measured 2^−50.44). */
const APPROXIMATION_BOUND = 2 ** -48;

describe('wasm float32 tanh (approximation, rounding test, exact fallback)', () => {
  it('equals Math.fround(Math.tanh(x)) bit for bit on consecutive bit patterns around the points where the method changes', () => {
    const centres = [
      0, // ±0 and the subnormals
      0x00800000, // the smallest normal
      0x31800000, // 2^−28: fdlibm returns x below
      // Table points i/128 and the midpoints (i + ½)/128 where round(|x|·128) steps (1280/128 = 10 is
      // the last point: |x| is clamped there).
      ...[0, 1, 2, 63, 64, 127, 128, 255, 639, 1023, 1279, 1280].flatMap((i) => [bitsOf(i / 128), bitsOf((i + 0.5) / 128)]),
      bitsOf(1), // fdlibm's branch at |x| = 1
      bitsOf(22), // fdlibm's saturation
      0x7f800000, // ∞ and the NaNs after it
      0x7fc00000,
    ];
    const span = 1 << 15;
    const bits = new Uint32Array(CAPACITY);
    let size = 0;
    for (const c of centres) {
      for (const sign of [0, 0x80000000]) {
        for (let j = -span / 2; j < span / 2; j++) {
          const b = c + j;
          if (b >= 0 && b <= 0x7fffffff) bits[size++] = (b | sign) >>> 0;
        }
      }
    }
    // The largest f32 whose tanh rounds below 1 (near 13·ln2 ≈ 9.01), by bisection on the bit patterns.
    let lo = bitsOf(8), hi = bitsOf(11);
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      word32[0] = mid;
      if (Math.fround(Math.tanh(f32[0]!)) < 1) lo = mid;
      else hi = mid;
    }
    for (let j = lo - span / 2; j < lo + span / 2; j++) bits[size++] = j;
    expect(size).toBeGreaterThan(1_900_000);
    // An odd length: the last element takes the one-element tail.
    size |= 1;
    const { wrong, fallbacks } = run(bits.subarray(0, size));
    expect(wrong).toEqual([]);
    // The NaNs (2·2^15 − 1 after ∞ and around the quiet NaN, both signs: 3·2^14 pairs at least) take
    // the fallback; the finite inputs rarely.
    expect(fallbacks).toBe(undecidedPairs(size));
    expect(fallbacks).toBeGreaterThanOrEqual(3 * span / 2);
    expect(fallbacks).toBeLessThan(3 * span / 2 + 100);
    expect(approximationError(size)).toBeLessThan(APPROXIMATION_BOUND);
  });

  it('equals Math.fround(Math.tanh(x)) bit for bit on random bit patterns and random values', () => {
    const rng = new Rng(7);
    const bits = new Uint32Array(1_000_003);
    for (let j = 0; j < bits.length; j++) {
      const r = rng.uniform();
      if (r < 0.3) bits[j] = Math.floor(rng.uniform() * 2 ** 32);
      else if (r < 0.8) bits[j] = bitsOf(3 * rng.normal());
      else bits[j] = bitsOf((2 * rng.uniform() - 1) * 12);
    }
    // tanhF32 itself, then the counting export on the finite inputs (a few in 10^5 fall back).
    expect(run(bits, false).wrong).toEqual([]);
    const finite = bits.filter((b) => (b & 0x7f800000) !== 0x7f800000);
    const { wrong, fallbacks } = run(finite);
    expect(wrong).toEqual([]);
    expect(fallbacks).toBe(undecidedPairs(finite.length));
    expect(fallbacks).toBeGreaterThan(0);
    expect(fallbacks).toBeLessThan(100);
    expect(approximationError(finite.length)).toBeLessThan(APPROXIMATION_BOUND);
  });

  it('takes the exact fallback on the inputs nearest a rounding boundary and gets them right at every loop position, both signs', () => {
    const hard = HARD.flatMap((b) => [b, (b | 0x80000000) >>> 0]);
    // The rounding test cannot decide them: checked on the approximation itself…
    zBits.set(hard);
    raw.tanhApproxF32(hard.length, pz, py);
    expect(hard.filter((_, j) => !undecided(y[j]!)).map((b) => b.toString(16))).toEqual([]);
    // Ordinary values the test decides (about one in 5·10^4 is undecided: left out here).
    const rng = new Rng(11);
    zBits.set(Array.from({ length: 1000 }, () => bitsOf(2 * rng.normal())));
    raw.tanhApproxF32(1000, pz, py);
    const ordinary = [...zBits.subarray(0, 1000)].filter((_, j) => !undecided(y[j]!));
    // … and by the kernel's count: among ordinary values, at every position of the eight-element
    // loop, the pair loop and the last element (lengths 1 … 11), alone and beside another hard input,
    // every pair holding one takes the fallback (an odd last element takes the scalar port uncounted).
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
          const { wrong, fallbacks } = run(bits);
          expect(wrong, `0x${h.toString(16)} at ${at} of ${length}`).toEqual([]);
          expect(fallbacks, `0x${h.toString(16)} at ${at} of ${length}`).toBe(pairs.size);
        }
      }
    }
  });
});
