import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { CAPACITY, around, bitsOf, floatOf, checkHardAtEveryPosition, lastBelowOne, randomInputs, roundedKernel } from './rounded-f32.testing.js';

// The wasm float32 sigmoid (sigmoidF32) decides most results from a table-and-polynomial
// approximation y and a rounding test (<f32>(y·(1 − δ)) == <f32>(y·(1 + δ))), and recomputes the
// rest (a pair at a time) with the exact scalar form (fdlibm's exp in f64, as jsSigmoid).
// scripts/check-rounded-f32.mjs sigmoid checks all 2^32 inputs; here: consecutive bit patterns around the
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

/** jsSigmoid's f64 value (src/backend.ts), before the rounding to f32. */
function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

const kernel = roundedKernel('sigmoid', sigmoid, 110);

/**
 * Inputs (with their sign: σ is not odd) whose reference value lies on or nearest an f32 rounding
 * boundary, all of them fallbacks, from `node scripts/check-rounded-f32.mjs sigmoid --hard`: the 24 where
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

/** Bound asserted on the approximation's relative error (the exhaustive check measured 2^−48.95). */
const APPROXIMATION_BOUND = 2 ** -48;

describe('wasm float32 sigmoid (approximation, rounding test, exact fallback)', () => {
  it('equals Math.fround of the reference bit for bit on consecutive bit patterns around the points where the method changes', () => {
    const step = Math.LN2 / 128;
    const span = 1 << 15;
    const bits = around(
      [
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
      ],
      span,
    );
    // Around the largest f32 whose sigmoid rounds below 1 (near 17.33).
    const last = lastBelowOne(sigmoid, 10, 30);
    for (let j = last - span / 2; j < last + span / 2; j++) bits.push(j);
    // An odd length: the last element takes the one-element tail.
    if (bits.length % 2 === 0) bits.push(0x3f000000);
    expect(bits.length).toBeGreaterThan(1_400_000);
    expect(bits.length).toBeLessThanOrEqual(CAPACITY);
    const { wrong, fallbacks } = kernel.run(bits);
    expect(wrong).toEqual([]);
    // The NaNs (2·2^15 − 1 after ∞ and around the quiet NaN, both signs: 3·2^14 pairs) take the
    // fallback; the finite inputs rarely.
    expect(fallbacks).toBe(kernel.undecidedPairs(bits));
    expect(fallbacks).toBeGreaterThanOrEqual((3 * span) / 2);
    expect(fallbacks).toBeLessThan((3 * span) / 2 + 1000);
    expect(kernel.approximationError(bits)).toBeLessThan(APPROXIMATION_BOUND);
  });

  it('equals Math.fround of the reference bit for bit on random bit patterns and random values', () => {
    const rng = new Rng(7);
    const bits = randomInputs(rng, 1_000_003, () => 4 * rng.normal(), 120);
    // sigmoidF32 itself, then the counting export on the finite inputs (a few in 10^5 fall back).
    expect(kernel.run(bits, false).wrong).toEqual([]);
    const finite = bits.filter((b) => (b & 0x7f800000) !== 0x7f800000);
    const { wrong, fallbacks } = kernel.run(finite);
    expect(wrong).toEqual([]);
    expect(fallbacks).toBe(kernel.undecidedPairs(finite));
    expect(fallbacks).toBeGreaterThan(0);
    expect(fallbacks).toBeLessThan(100);
    expect(kernel.approximationError(finite)).toBeLessThan(APPROXIMATION_BOUND);
  });

  it('takes the exact fallback on the inputs on or nearest a rounding boundary and gets them right at every loop position', () => {
    // <f32>y alone is wrong on the first 24.
    const ys = kernel.approximate(HARD.slice(0, 24));
    expect(HARD.slice(0, 24).filter((b, j) => Math.fround(ys[j]!) === Math.fround(sigmoid(floatOf(b)))).map((b) => b.toString(16))).toEqual([]);
    const rng = new Rng(11);
    checkHardAtEveryPosition(kernel, HARD, Array.from({ length: 1000 }, () => 4 * rng.normal()), rng);
  });
});
