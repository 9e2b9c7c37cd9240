import { describe, expect, it } from 'vitest';
import { Rng } from '../rng.js';
import { CAPACITY, around, bitsOf, checkHardAtEveryPosition, lastBelowOne, randomInputs, roundedKernel } from './rounded-f32.testing.js';

// The wasm float32 tanh (tanhF32) decides most results from a table-and-polynomial approximation y
// and a rounding test (<f32>(y·(1 − δ)) == <f32>(y·(1 + δ))), and recomputes the rest (a pair at a
// time) with the exact scalar port of fdlibm. scripts/check-rounded-f32.mjs tanh checks all 2^32 inputs;
// here: two million consecutive bit patterns around the points where the method changes, a million
// random ones, and the inputs the exhaustive check found nearest an f32 rounding boundary (its --hard
// list), each at every position of the kernel's loops (eight at a time, a pair, the odd last one).
// Without the fallback (or with the rounding test always passing) the kernel would store
// <f32>(y·(1 − δ)), wrong on the hard inputs here (checked by deleting it). But <f32>y alone is right
// on every input (the exhaustive check found), so a δ below y's real error (2^−52, tried) would
// change no result: the kernel's count of fallbacks (tanhF32Fallbacks, tanhF32's code) must equal
// the pairs the rounding test, replayed here on y with δ = 2^−40, cannot decide; and y's error is bounded.

const tanh = roundedKernel('tanh', Math.tanh, 10);

/**
 * Positive inputs whose fdlibm tanh lies nearest an f32 rounding boundary, all of them fallbacks:
 * from `node scripts/check-rounded-f32.mjs tanh --hard`, the 48 nearest (relative distance 7.3·10^−16 =
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

/** Bound asserted on the approximation's relative error (the exhaustive check measured 2^−50.15). */
const APPROXIMATION_BOUND = 2 ** -48;

describe('wasm float32 tanh (approximation, rounding test, exact fallback)', () => {
  it('equals Math.fround(Math.tanh(x)) bit for bit on consecutive bit patterns around the points where the method changes', () => {
    const span = 1 << 15;
    const bits = around(
      [
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
      ],
      span,
    );
    // Around the largest f32 whose tanh rounds below 1 (near 13·ln2 ≈ 9.01).
    const last = lastBelowOne(Math.tanh, 8, 11);
    for (let j = last - span / 2; j < last + span / 2; j++) bits.push(j);
    // An odd length: the last element takes the one-element tail.
    if (bits.length % 2 === 0) bits.push(0x3f000000);
    expect(bits.length).toBeGreaterThan(1_900_000);
    expect(bits.length).toBeLessThanOrEqual(CAPACITY);
    const { wrong, fallbacks } = tanh.run(bits);
    expect(wrong).toEqual([]);
    // The NaNs (2·2^15 − 1 after ∞ and around the quiet NaN, both signs: 3·2^14 pairs at least) take
    // the fallback; the finite inputs rarely.
    expect(fallbacks).toBe(tanh.undecidedPairs(bits));
    expect(fallbacks).toBeGreaterThanOrEqual((3 * span) / 2);
    expect(fallbacks).toBeLessThan((3 * span) / 2 + 100);
    expect(tanh.approximationError(bits)).toBeLessThan(APPROXIMATION_BOUND);
  });

  it('equals Math.fround(Math.tanh(x)) bit for bit on random bit patterns and random values', () => {
    const rng = new Rng(7);
    const bits = randomInputs(rng, 1_000_003, () => 3 * rng.normal(), 12);
    // tanhF32 itself, then the counting export on the finite inputs (a few in 10^5 fall back).
    expect(tanh.run(bits, false).wrong).toEqual([]);
    const finite = bits.filter((b) => (b & 0x7f800000) !== 0x7f800000);
    const { wrong, fallbacks } = tanh.run(finite);
    expect(wrong).toEqual([]);
    expect(fallbacks).toBe(tanh.undecidedPairs(finite));
    expect(fallbacks).toBeGreaterThan(0);
    expect(fallbacks).toBeLessThan(100);
    expect(tanh.approximationError(finite)).toBeLessThan(APPROXIMATION_BOUND);
  });

  it('takes the exact fallback on the inputs nearest a rounding boundary and gets them right at every loop position, both signs', () => {
    const rng = new Rng(11);
    const hard = HARD.flatMap((b) => [b, (b | 0x80000000) >>> 0]);
    checkHardAtEveryPosition(tanh, hard, Array.from({ length: 1000 }, () => 2 * rng.normal()), rng);
  });
});
