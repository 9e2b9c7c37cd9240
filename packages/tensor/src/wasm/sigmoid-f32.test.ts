import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { kernelsWasm } from './kernels.wasm.js';

// The wasm float32 sigmoid (sigmoidF32) decides most results from a table-and-polynomial
// approximation y and a rounding test (<f32>(y·(1 − δ)) == <f32>(y·(1 + δ))), and recomputes the
// rest (a pair at a time) with the exact scalar form (fdlibm's exp in f64, as jsSigmoid).
// scripts/check-sigmoid-f32.mjs checks all 2^32 inputs; here: consecutive bit patterns around the
// points where the method changes, a million random ones, and inputs the exhaustive check found on
// or nearest an f32 rounding boundary (its --hard list), each at every position of the kernel's loops
// (eight at a time, a pair, the odd last one). Unlike tanh's, <f32>y alone is wrong on 24 inputs
// (the reference's f64 value lies exactly on a rounding boundary there, or within 2^−53 of one): the
// first 24 of HARD. The kernel's count of fallbacks (sigmoidF32Fallbacks, sigmoidF32's code) must
// equal the pairs the rounding test, replayed here on y with δ = 2^−40, cannot decide; and y's error
// is bounded. Deliberately broken kernels (tried): without the fallback, or with the rounding test
// always true, every test here fails on results (98,979 of the consecutive patterns wrong, e.g.
// 0xb37ffe01 → 0x3effffff instead of 0x3f000000); with δ = 2^−52 no result here changes and every
// test fails on the fallback count only (49,154 vs 49,779; 0 vs 17; 1 vs 2).

const memory = new WebAssembly.Memory({ initial: 560 });
const raw = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(kernelsWasm, 'base64')), { env: { memory } }).exports as unknown as {
  heapBase: () => number;
  sigmoidF32: (size: number, pz: number, pa: number) => void;
  sigmoidF32Fallbacks: (size: number, pz: number, pa: number) => number;
  sigmoidApproxF32: (size: number, pz: number, py: number) => void;
};

const CAPACITY = 1 << 21;
const base = (raw.heapBase() + 63) & ~63;
const pz = base, pa = base + 4 * CAPACITY, py = base + 8 * CAPACITY;
const zBits = new Uint32Array(memory.buffer, pz, CAPACITY), z = new Float32Array(memory.buffer, pz, CAPACITY);
const aBits = new Uint32Array(memory.buffer, pa, CAPACITY);
const y = new Float64Array(memory.buffer, py, CAPACITY);
const expected = new Float32Array(CAPACITY), expectedBits = new Uint32Array(expected.buffer);

/** jsSigmoid's f64 value (src/backend.ts), before the rounding to f32. */
function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/**
 * Runs the kernel on the bit patterns `bits` (sigmoidF32, or sigmoidF32Fallbacks counting the pairs
 * that took the fallback) and lists, as hex, the inputs whose result differs from Math.fround of
 * jsSigmoid's value.
 */
function run(bits: ArrayLike<number>, counting = true): { wrong: string[]; fallbacks: number } {
  const size = bits.length;
  zBits.set(bits);
  aBits.fill(0xdeadbeef, 0, size + 1);
  let fallbacks = -1;
  if (counting) fallbacks = raw.sigmoidF32Fallbacks(size, pz, pa);
  else raw.sigmoidF32(size, pz, pa);
  const wrong: string[] = [];
  for (let j = 0; j < size; j++) {
    expected[j] = sigmoid(z[j]!);
    if (aBits[j] !== expectedBits[j]) wrong.push(`0x${zBits[j]!.toString(16)} → 0x${aBits[j]!.toString(16)}, expected 0x${expectedBits[j]!.toString(16)}`);
  }
  // Nothing written past the end.
  if (aBits[size] !== 0xdeadbeef) wrong.push(`wrote past element ${size}`);
  return { wrong, fallbacks };
}

/** The largest |y − F|/F of the kernel's approximation y against the reference's f64 F over the inputs with |z| < 110 (the clamp) among the `size` in zBits. */
function approximationError(size: number): number {
  raw.sigmoidApproxF32(size, pz, py);
  let max = 0;
  for (let j = 0; j < size; j++) {
    const x = z[j]!, f = sigmoid(x);
    if (Math.abs(x) < 110) max = Math.max(max, Math.abs(y[j]! - f) / f);
  }
  return max;
}

const f32 = new Float32Array(1), word32 = new Uint32Array(f32.buffer);
const bitsOf = (x: number) => ((f32[0] = x), word32[0]!);

/**
 * Inputs (with their sign: σ is not odd) whose reference value lies on or nearest an f32 rounding
 * boundary, all of them fallbacks, from `node scripts/check-sigmoid-f32.mjs --hard`: the 24 where
 * <f32>y ≠ R(z) (the fast path alone would be wrong), 20 more of the 145 where the reference's f64
 * value is exactly a midpoint between two f32, the 3 below −87.3 (subnormal results), the largest
 * positive one (17.33), and 16 spread over the other 13,270 (up to 8.7·10^−13 from a boundary).
 */
const HARD = [
  0xb6ea0000, 0xb6f20000, 0xb6fa0000, 0xb7030000, 0xb7070000, 0xb70b0000, 0xb70f0000, 0xb7130000, 0xb7170000,
  0xb71b0000, 0xb71f0000, 0xb7230000, 0xb7270000, 0xb72b0000, 0xb72f0000, 0xb7330000, 0xb7370000, 0xb7570000,
  0xb7730000, 0xb77b0000, 0xb77f0000, 0xb7818000, 0xb7838000, 0xba928601, 0x34000000, 0x35d00000, 0x36580000,
  0x369c0000, 0x36d40000, 0x37020000, 0x371e0000, 0x373e0000, 0x375a0000, 0xb3800000, 0xb5700000, 0xb5d80000,
  0xb6240000, 0xb6540000, 0xb6860000, 0xb69e0000, 0xb6ba0000, 0xb6d20000, 0xb7050000, 0xb71d0000, 0xc2b2e798,
  0xc2b27dd9, 0xc2b43fb7, 0x418aa132, 0xb6ee0000, 0xb8916000, 0x38e2c000, 0xb37fffc6, 0xb4e0000b, 0xb9367000,
  0x3944a000, 0x34000030, 0x404bf78f, 0xb6adfffe, 0x412d4310, 0x3ab84c02, 0xc1bd090f, 0xb4e00033, 0xb5f8000e,
  0x39905000,
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
  raw.sigmoidApproxF32(size, pz, py);
  let pairs = 0;
  for (let j = 0; j + 1 < size; j += 2) if (undecided(y[j]!) || undecided(y[j + 1]!)) pairs++;
  return pairs;
}

/** Bound asserted on the approximation's relative error (the exhaustive check measured 2^−48.95). */
const APPROXIMATION_BOUND = 2 ** -48;

describe('wasm float32 sigmoid (approximation, rounding test, exact fallback)', () => {
  it('equals Math.fround of the reference bit for bit on consecutive bit patterns around the points where the method changes', () => {
    const step = Math.LN2 / 128;
    const centres = [
      0, // ±0 and the subnormals
      0x00800000, // the smallest normal
      bitsOf(2 ** -24), // below: σ rounds to ½
      bitsOf(2 ** -23),
      bitsOf(2 ** -17), // where fallbacks are densest (σ ≈ ½ + z/4 with few significant bits in z)
      bitsOf(1),
      // Where k = round(−z·128/ln2) steps ((i + ½)·ln2/128), and where its q = ⌊k/128⌋ steps (q·ln2,
      // the table's index returning to 0): 126·ln2 = 87.34 is where σ(−z) becomes subnormal in f32,
      // 149·ln2 and 150·ln2 where it reaches the smallest subnormal and underflows to 0.
      ...[0, 1, 63, 127, 128, 1000, 12000, 20312].map((i) => bitsOf((i + 0.5) * step)),
      ...[1, 25, 126, 149, 150].map((q) => bitsOf(q * Math.LN2)),
      bitsOf(110), // the clamp
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
    // The largest f32 whose sigmoid rounds below 1 (near 17.33), by bisection on the bit patterns.
    let lo = bitsOf(10), hi = bitsOf(30);
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      word32[0] = mid;
      if (Math.fround(sigmoid(f32[0]!)) < 1) lo = mid;
      else hi = mid;
    }
    for (let j = lo - span / 2; j < lo + span / 2; j++) bits[size++] = j;
    expect(size).toBeGreaterThan(1_400_000);
    // An odd length: the last element takes the one-element tail.
    size |= 1;
    const { wrong, fallbacks } = run(bits.subarray(0, size));
    expect(wrong).toEqual([]);
    // The NaNs (2·2^15 − 1 after ∞ and around the quiet NaN, both signs: 3·2^14 pairs) take the
    // fallback; the finite inputs rarely.
    expect(fallbacks).toBe(undecidedPairs(size));
    expect(fallbacks).toBeGreaterThanOrEqual((3 * span) / 2);
    expect(fallbacks).toBeLessThan((3 * span) / 2 + 1000);
    expect(approximationError(size)).toBeLessThan(APPROXIMATION_BOUND);
  });

  it('equals Math.fround of the reference bit for bit on random bit patterns and random values', () => {
    const rng = new Rng(7);
    const bits = new Uint32Array(1_000_003);
    for (let j = 0; j < bits.length; j++) {
      const r = rng.uniform();
      if (r < 0.3) bits[j] = Math.floor(rng.uniform() * 2 ** 32);
      else if (r < 0.8) bits[j] = bitsOf(4 * rng.normal());
      else bits[j] = bitsOf((2 * rng.uniform() - 1) * 120);
    }
    // sigmoidF32 itself, then the counting export on the finite inputs (a few in 10^5 fall back).
    expect(run(bits, false).wrong).toEqual([]);
    const finite = bits.filter((b) => (b & 0x7f800000) !== 0x7f800000);
    const { wrong, fallbacks } = run(finite);
    expect(wrong).toEqual([]);
    expect(fallbacks).toBe(undecidedPairs(finite.length));
    expect(fallbacks).toBeGreaterThan(0);
    expect(fallbacks).toBeLessThan(100);
    expect(approximationError(finite.length)).toBeLessThan(APPROXIMATION_BOUND);
  });

  it('takes the exact fallback on the inputs on or nearest a rounding boundary and gets them right at every loop position', () => {
    // The rounding test cannot decide them: checked on the approximation itself…
    zBits.set(HARD);
    raw.sigmoidApproxF32(HARD.length, pz, py);
    expect(HARD.filter((_, j) => !undecided(y[j]!)).map((b) => b.toString(16))).toEqual([]);
    // … and <f32>y alone is wrong on the first 24.
    expect(HARD.slice(0, 24).filter((_, j) => Math.fround(y[j]!) === Math.fround(sigmoid(z[j]!))).map((b) => b.toString(16))).toEqual([]);
    // Ordinary values the test decides (left out: the few it does not).
    const rng = new Rng(11);
    zBits.set(Array.from({ length: 1000 }, () => bitsOf(4 * rng.normal())));
    raw.sigmoidApproxF32(1000, pz, py);
    const ordinary = [...zBits.subarray(0, 1000)].filter((_, j) => !undecided(y[j]!));
    // … and by the kernel's count: among ordinary values, at every position of the eight-element
    // loop, the pair loop and the last element (lengths 1 … 11), alone and beside another hard input,
    // every pair holding one takes the fallback (an odd last element takes the scalar form uncounted).
    for (const h of HARD) {
      for (let length = 1; length <= 11; length++) {
        for (let at = 0; at < length; at++) {
          const bits = Array.from({ length }, () => ordinary[Math.floor(rng.uniform() * ordinary.length)]!);
          bits[at] = h;
          const positions = new Set([at]);
          if (length > 2 && rng.uniform() < 0.5) {
            const other = (at + 1 + Math.floor(rng.uniform() * (length - 1))) % length;
            bits[other] = HARD[Math.floor(rng.uniform() * HARD.length)]!;
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
