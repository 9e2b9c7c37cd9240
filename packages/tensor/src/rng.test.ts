import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { log } from './fdlibm-log.js';
import { InvalidOptionError } from './errors.js';
import { Rng, type RngState } from './rng.js';

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

// ---------------------------------------------------------------------------------------------------
// An independent reference in BigInt arithmetic (no int32 tricks): splitmix32-style seeding, then
// xoshiro128** (Blackman & Vigna), and the documented derived draws. Every Rng draw is compared with it
// value for value, so any change to the seeded streams fails here.

const M32 = (1n << 32n) - 1n;
const GOLDEN = 0x9e3779b9n;
const rotl32 = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (32n - k))) & M32;

class RefRng {
  s: bigint[];

  constructor(seedOrState: number | bigint[]) {
    if (Array.isArray(seedOrState)) {
      this.s = [...seedOrState];
      return;
    }
    const seed = BigInt(seedOrState);
    // seed mod 2^32 XOR (floor(seed / 2^32) mod 2^32) · golden, all mod 2^32.
    let x = (seed & M32) ^ (((seed >> 32n) & M32) * GOLDEN & M32);
    this.s = [];
    for (let k = 0; k < 4; k++) {
      x = (x + GOLDEN) & M32;
      let z = x;
      z = ((z ^ (z >> 16n)) * 0x85ebca6bn) & M32;
      z = ((z ^ (z >> 13n)) * 0xc2b2ae35n) & M32;
      this.s.push(z ^ (z >> 16n));
    }
    if (this.s.every((w) => w === 0n)) this.s = [1n, 0n, 0n, 0n]; // unreachable: the finalizer is a bijection, so at most one of four distinct inputs maps to 0
  }

  next(): bigint {
    let [s0, s1, s2, s3] = this.s as [bigint, bigint, bigint, bigint];
    const result = (rotl32((s1 * 5n) & M32, 7n) * 9n) & M32;
    const t = (s1 << 9n) & M32;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl32(s3, 11n);
    this.s = [s0, s1, s2, s3];
    return result;
  }

  uniform(): number {
    const hi = this.next() >> 5n;
    const lo = this.next() >> 6n;
    return Number((hi << 26n) | lo) / 2 ** 53;
  }

  int(n: number): number {
    const N = BigInt(n);
    const limit = (1n << 32n) - ((1n << 32n) % N);
    for (;;) {
      const x = this.next();
      if (x < limit) return Number(x % N);
    }
  }

  normal(spare: { v: number | null }): number {
    if (spare.v !== null) {
      const v = spare.v;
      spare.v = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const m = Math.sqrt((-2 * Math.log(s)) / s); // Math.log equals the portable log bit for bit (tested above)
      spare.v = v * m;
      return u * m;
    }
  }

  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  }
}

/** A state whose first four outputs are `outputs`: inverts the ** scrambler, then solves the linear
 *  engine over GF(2) (128 unknown bits, 128 equations). */
function stateWithOutputs(outputs: readonly number[]): [number, number, number, number] {
  // result = rotl(s1·5, 7)·9 mod 2^32; 9·0x38e38e39 ≡ 5·0xcccccccd ≡ 1 (mod 2^32).
  const wanted = outputs.map((o) => (rotl32((BigInt(o) * 0x38e38e39n) & M32, 25n) * 0xcccccccdn) & M32);
  const rows: bigint[] = []; // bits 0..127: coefficients of the state bits; bit 128: right-hand side
  const s1After: bigint[][] = []; // s1After[i][k]: s1 after k steps from the state with only bit i set
  for (let i = 0; i < 128; i++) {
    const words = [0n, 0n, 0n, 0n];
    words[i >> 5] = 1n << BigInt(i & 31);
    const ref = new RefRng(words);
    const seq: bigint[] = [];
    for (let k = 0; k < 4; k++) {
      seq.push(ref.s[1]!);
      ref.next();
    }
    s1After.push(seq);
  }
  for (let k = 0; k < 4; k++) {
    for (let b = 0n; b < 32n; b++) {
      let row = ((wanted[k]! >> b) & 1n) << 128n;
      for (let i = 0; i < 128; i++) if ((s1After[i]![k]! >> b) & 1n) row |= 1n << BigInt(i);
      rows.push(row);
    }
  }
  // Gauss–Jordan elimination over GF(2).
  const pivotRowOf: number[] = [];
  let r = 0;
  for (let c = 0; c < 128; c++) {
    const p = rows.findIndex((row, idx) => idx >= r && ((row >> BigInt(c)) & 1n) === 1n);
    if (p < 0) throw new Error(`singular at bit ${c}`);
    [rows[r], rows[p]] = [rows[p]!, rows[r]!];
    for (let q = 0; q < 128; q++) if (q !== r && ((rows[q]! >> BigInt(c)) & 1n) === 1n) rows[q]! ^= rows[r]!;
    pivotRowOf[c] = r++;
  }
  const s = [0, 0, 0, 0];
  for (let c = 0; c < 128; c++) if ((rows[pivotRowOf[c]!]! >> 128n) & 1n) s[c >> 5]! += 2 ** (c & 31);
  const check = new RefRng(s.map(BigInt));
  expect(outputs.map(() => Number(check.next()))).toEqual(outputs);
  return s as [number, number, number, number];
}

describe('Rng against an independent BigInt reference', () => {
  const seeds = [0, 1, 2, 7, 1993, 0x9e3779b9, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 3 * 2 ** 40 + 5, 2 ** 53 - 1];
  const allSeeds = [...seeds, ...seeds.map((s) => -s).filter((s) => s !== 0), -(2 ** 31)];

  it('the reference itself reproduces the C golden values of xoshiro128**', () => {
    const ref = new RefRng([1n, 2n, 3n, 4n]);
    expect(Array.from({ length: 8 }, () => Number(ref.next()))).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849,
    ]);
  });

  it('seeds the four words exactly as the reference, for negative seeds and seeds above 2^32 too', () => {
    for (const seed of allSeeds) {
      expect(new Rng(seed).getState(), `seed ${seed}`).toEqual({ s: new RefRng(seed).s.map(Number), spare: null });
    }
    // Seeds that differ only above bit 32 give different streams.
    expect(new Rng(2 ** 32).getState().s).not.toEqual(new Rng(0).getState().s);
    fc.assert(
      fc.property(fc.maxSafeInteger(), (seed) => {
        expect(new Rng(seed).getState().s).toEqual(new RefRng(seed).s.map(Number));
      }),
      { numRuns: 500 },
    );
  });

  it('draws uniform, uniformIn, int, permutation and normal values identical to the reference', () => {
    for (const seed of [0, 1993, -5, 2 ** 40 + 3]) {
      const rng = new Rng(seed);
      const ref = new RefRng(seed);
      for (let i = 0; i < 50; i++) expect(rng.uniform()).toBe(ref.uniform());
      for (let i = 0; i < 20; i++) expect(rng.uniformIn(-3, 5)).toBe(-3 + 8 * ref.uniform());
      for (let i = 0; i < 20; i++) expect(rng.uniformIn(2, 2.5)).toBe(2 + 0.5 * ref.uniform());
      // Small n (16-bit-halves path), large n (double remainder path) with 25 % rejection, and 2^32.
      for (const n of [1, 2, 3, 6, 10, 1000, 32767, 32768, 32769, 65536, 65537, 1e6, 0xc0000000, 2 ** 32 - 1, 2 ** 32]) {
        for (let i = 0; i < 20; i++) expect(rng.int(n), `int(${n})`).toBe(ref.int(n));
      }
      for (const n of [0, 1, 2, 5, 17]) expect(Array.from(rng.permutation(n))).toEqual(ref.permutation(n));
      expect(rng.shuffle(['a', 'b', 'c', 'd'])).toEqual(ref.permutation(4).map((i) => ['a', 'b', 'c', 'd'][i]));
      const spare = { v: null as number | null };
      for (let i = 0; i < 41; i++) expect(rng.normal()).toBe(ref.normal(spare));
      // The stream after all of it is still in step (no extra or missing draw anywhere).
      expect(rng.getState()).toEqual({ s: ref.s.map(Number), spare: spare.v });
    }
  });

  it('forks a child seeded with the next 53 bits (a·2^21 + b>>>11) and advances the parent by two words', () => {
    for (const seed of [0, 42, -9, 2 ** 45]) {
      const rng = new Rng(seed);
      const ref = new RefRng(seed);
      const child = rng.fork();
      const a = ref.next();
      const b = ref.next();
      const childRef = new RefRng(Number((a << 21n) | (b >> 11n)));
      expect(child.getState()).toEqual({ s: childRef.s.map(Number), spare: null });
      expect(rng.getState().s).toEqual(ref.s.map(Number));
    }
  });
});

describe('Rng rejection branches, on states built to hit them', () => {
  it('int(n ≤ 2^15) rejects x ≥ 2^32 − (2^32 mod n) and keeps the values below', () => {
    // n = 3: 2^32 mod 3 = 1, so the limit is 0xffffffff: that value is rejected, 0xfffffffe is not.
    const rng = Rng.fromState({ s: stateWithOutputs([0xffffffff, 4, 0xfffffffe, 7]), spare: null });
    expect(rng.int(3)).toBe(1); // 0xffffffff rejected, then 4 mod 3
    expect(rng.int(3)).toBe(2); // 0xfffffffe = 4294967294 ≡ 2 (mod 3)
    expect(rng.int(3)).toBe(1); // 7 mod 3
  });

  it('int(n > 2^15) rejects x ≥ 2^32 − (2^32 mod n), including x equal to the limit', () => {
    // n = 3·2^30: 2^32 mod n = 2^30, so the limit is n itself.
    const n = 0xc0000000;
    const rng = Rng.fromState({ s: stateWithOutputs([0xc0000000, 0xffffffff, 0xbfffffff, 5]), spare: null });
    expect(rng.int(n)).toBe(0xbfffffff);
    expect(rng.int(n)).toBe(5);
  });

  it('int(2^32) is the next word itself; n above 2^32 is refused', () => {
    const rng = Rng.fromState({ s: stateWithOutputs([0xffffffff, 0, 123, 0x80000000]), spare: null });
    expect([rng.int(2 ** 32), rng.int(2 ** 32), rng.int(2 ** 32), rng.int(2 ** 32)]).toEqual([0xffffffff, 0, 123, 0x80000000]);
    expect(() => rng.int(2 ** 32 + 1)).toThrow(new InvalidOptionError('Rng.int: n must be an integer in [1, 2^32], got 4294967297'));
    expect(() => rng.int(2.5)).toThrow(InvalidOptionError);
  });

  it('normal() rejects a pair on the unit circle (u = −1, v = 0) and the pair (0, 0)', () => {
    // uniform() = 0 needs outputs (x < 32, y < 64); uniform() = 0.5 needs (2^31, y < 64).
    for (const outputs of [
      [0, 0, 0x80000000, 0], // u = −1, v = 0: s = 1 exactly
      [0x80000000, 0, 0x80000000, 0], // u = v = 0: s = 0
    ]) {
      const s = stateWithOutputs(outputs);
      const probe = Rng.fromState({ s, spare: null });
      const pair = [2 * probe.uniform() - 1, 2 * probe.uniform() - 1];
      expect(pair[0]! ** 2 + pair[1]! ** 2).toBe(outputs[0] === 0 ? 1 : 0);
      const rng = Rng.fromState({ s, spare: null });
      const ref = new RefRng(s.map(BigInt));
      ref.uniform();
      ref.uniform(); // the rejected pair
      const spare = { v: null as number | null };
      const z = rng.normal();
      expect(Number.isFinite(z) && z !== 0).toBe(true);
      expect(z).toBe(ref.normal(spare));
      expect(rng.normal()).toBe(ref.normal(spare));
    }
  });
});

describe('Rng.setState validation', () => {
  const bad = (s: unknown): RngState => ({ s, spare: null }) as unknown as RngState;
  const msg = 'RngState.s must be four unsigned 32-bit integers';

  it('accepts the full word range, 0 to 0xffffffff, and restores it exactly', () => {
    const state: RngState = { s: [0xffffffff, 0, 1, 0x80000000], spare: -0.25 };
    expect(Rng.fromState(state).getState()).toEqual(state);
    const rng = new Rng(1);
    rng.setState(state);
    expect(rng.normal()).toBe(-0.25);
  });

  it.each([
    ['three words', [1, 2, 3]],
    ['five words', [1, 2, 3, 4, 5]],
    ['a non-array with four words', { 0: 1, 1: 2, 2: 3, 3: 4, length: 4 }],
    ['a negative word', [1, 2, 3, -1]],
    ['a fractional word', [1, 2, 3.5, 4]],
    ['a word of 2^32', [1, 2, 3, 2 ** 32]],
    ['a NaN word', [1, 2, NaN, 4]],
  ])('rejects %s with InvalidOptionError', (_what, s) => {
    const rng = new Rng(5);
    const before = rng.getState();
    expect(() => rng.setState(bad(s))).toThrow(new InvalidOptionError(msg));
    expect(rng.getState()).toEqual(before);
  });

  it('rejects an all-zero state and a non-finite spare', () => {
    expect(() => Rng.fromState({ s: [0, 0, 0, 0], spare: null })).toThrow(
      new InvalidOptionError('RngState.s must not be all zero'),
    );
    for (const spare of [NaN, Infinity, -Infinity]) {
      expect(() => Rng.fromState({ s: [1, 2, 3, 4], spare })).toThrow(
        new InvalidOptionError('RngState.spare must be a finite number or null'),
      );
    }
  });

  it('rejects a seed that is not a safe integer', () => {
    for (const seed of [1.5, NaN, Infinity, 2 ** 53]) {
      expect(() => new Rng(seed)).toThrow(new InvalidOptionError(`seed must be a safe integer, got ${String(seed)}`));
    }
  });
});
