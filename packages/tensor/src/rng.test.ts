import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { log } from './fdlibm-log.js';
import { Rng } from './rng.js';

describe('Rng (xoshiro128**)', () => {
  it('matches the reference C implementation word for word', () => {
    // Golden values from Blackman & Vigna's xoshiro128starstar.c, compiled with gcc.
    const rng = Rng.fromState({ s: [1, 2, 3, 4], spare: null });
    expect(Array.from({ length: 8 }, () => rng.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849,
    ]);
    const rng2 = Rng.fromState({ s: [0xdeadbeef, 0x12345678, 0xcafebabe, 0x0badf00d], spare: null });
    expect(Array.from({ length: 8 }, () => rng2.nextUint32())).toEqual([
      2576977301, 347642640, 2932269098, 1734644419, 3250013134, 1805960553, 2263909644, 119746310,
    ]);
  });

  it('gives the same stream for the same seed and different streams for different seeds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (seed) => {
        const a = new Rng(seed);
        const b = new Rng(seed);
        const c = new Rng(seed + 1);
        const xs = Array.from({ length: 16 }, () => a.uniform());
        expect(Array.from({ length: 16 }, () => b.uniform())).toEqual(xs);
        expect(Array.from({ length: 16 }, () => c.uniform())).not.toEqual(xs);
      }),
      { numRuns: 200 },
    );
  });

  it('draws uniforms in [0, 1) with the right mean and variance', () => {
    const rng = new Rng(1993);
    let s = 0;
    let s2 = 0;
    const n = 200_000;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      s += u;
      s2 += u * u;
    }
    expect(outside).toBe(0);
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 2);
  });

  it('draws normals with mean 0 and variance 1', () => {
    const rng = new Rng(7);
    let s = 0;
    let s2 = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.01);
  });

  it('makes permutations that are permutations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 300 }), (seed, n) => {
        const p = new Rng(seed).permutation(n);
        expect(Array.from(p).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
      { numRuns: 200 },
    );
  });

  it('draws integers without bias across the range', () => {
    const rng = new Rng(3);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  it('round-trips its state, including the cached normal', () => {
    const rng = new Rng(11);
    rng.normal();
    const state = rng.getState();
    const copy = Rng.fromState(JSON.parse(JSON.stringify(state)) as typeof state);
    expect(Array.from({ length: 10 }, () => copy.normal())).toEqual(Array.from({ length: 10 }, () => rng.normal()));
  });

  it('rejects bad seeds and states with typed errors', () => {
    expect(() => new Rng(1.5)).toThrow(/seed must be a safe integer/);
    expect(() => Rng.fromState({ s: [0, 0, 0, 0], spare: null })).toThrow(/all zero/);
    expect(() => new Rng(1).int(0)).toThrow(/n must be an integer/);
  });
});

describe('portable log (fdlibm port)', () => {
  it('equals Math.log bit for bit (V8 also uses fdlibm)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, noNaN: true }), (x) => {
        expect(Object.is(log(x), Math.log(x))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
    for (const x of [0, 1, 2, Math.E, 5e-324, 1e-310, Number.MAX_VALUE, Infinity, 1 + 2 ** -52, 1 - 2 ** -53]) {
      expect(Object.is(log(x), Math.log(x))).toBe(true);
    }
    expect(Number.isNaN(log(-1))).toBe(true);
    expect(Number.isNaN(log(NaN))).toBe(true);
  });
});

describe('Rng.int arithmetic', () => {
  it('takes x mod n from 16-bit halves exactly as the double remainder (n ≤ 2^15)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 32768 }), (x, n) => {
        expect((((x >>> 16) % n) * 65536 + (x & 0xffff)) % n).toBe(x % n);
        expect(((65536 % n) * 65536) % n).toBe(4294967296 % n);
      }),
      { numRuns: 20000 },
    );
  });
});
