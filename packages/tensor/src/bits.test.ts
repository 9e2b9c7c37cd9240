import { describe, expect, it } from 'vitest';
import { sameBits } from './bits.js';

describe('sameBits', () => {
  it('tells apart what === and Object.is do not: −0 from 0, NaNs of another sign, the array type and length', () => {
    expect(sameBits(Float64Array.of(1, 2), Float64Array.of(1, 2))).toBe(true);
    expect(sameBits(Float64Array.of(0), Float64Array.of(-0))).toBe(false);
    const negNaN = new Float64Array(new BigUint64Array([0xfff8000000000000n]).buffer);
    expect(sameBits(Float64Array.of(NaN), negNaN)).toBe(false);
    expect(sameBits(Float64Array.of(NaN), Float64Array.of(NaN))).toBe(true);
    expect(sameBits(Float32Array.of(1), Float64Array.of(1))).toBe(false);
    // Zeros: the float32 array's bytes are a prefix of the float64 array's, so only the type tells them apart.
    expect(sameBits(Float32Array.of(0), Float64Array.of(0))).toBe(false);
    expect(sameBits(Float64Array.of(1), Float64Array.of(1, 2))).toBe(false);
    // Views compare their own elements only.
    const big = Float64Array.of(9, 1, 2, 9);
    expect(sameBits(big.subarray(1, 3), Float64Array.of(1, 2))).toBe(true);
  });
});
