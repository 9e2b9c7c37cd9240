import { InvalidOptionError } from './errors.js';
import { log } from './fdlibm-log.js';

/** Serializable state of an {@link Rng}, for checkpoints. */
export interface RngState {
  /** The four 32-bit words of xoshiro128**. */
  s: [number, number, number, number];
  /** The second normal draw of the last polar-method pair, if not yet used. */
  spare: number | null;
}

/**
 * A seeded pseudo-random generator: **xoshiro128\*\*** (Blackman & Vigna, 2018) on four 32-bit words,
 * seeded from one integer through **splitmix32**. Everything is 32-bit integer arithmetic
 * (`Math.imul`, shifts), so a seed gives the same stream on every platform and engine.
 *
 * - `uniform()`: a double in [0, 1) built from 53 random bits.
 * - `normal()`: Marsaglia's polar method with a portable `log` (fdlibm port), so it is bit-identical too.
 * - `int(n)`, `permutation(n)`, `shuffle(a)`: unbiased (Lemire's rejection), Fisher–Yates.
 *
 * @example
 * ```ts
 * const rng = new Rng(1993);
 * rng.uniform(); // same value on every machine
 * rng.permutation(5); // e.g. Int32Array [3, 0, 4, 1, 2]
 * ```
 */
export class Rng {
  // The words are kept as signed int32 (same bits) so V8 stores them as small integers, not boxed doubles.
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  /** Seeds the generator; `seed` is any safe integer (reduced modulo 2^32 after mixing both halves). */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new InvalidOptionError(`seed must be a safe integer, got ${String(seed)}`);
    }
    // Mix the high bits in too, so seeds that differ only above 2^32 give different streams.
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) | 0, 0x9e3779b9);
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next() | 0;
    this.s1 = next() | 0;
    this.s2 = next() | 0;
    this.s3 = next() | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Restores a generator from {@link Rng.getState}. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  /** A copy of the full state. */
  getState(): RngState {
    return { s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0], spare: this.spare };
  }

  /** Replaces the state (validated). */
  setState(state: RngState): void {
    const s = state.s;
    if (!Array.isArray(s) || s.length !== 4 || !s.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
      throw new InvalidOptionError('RngState.s must be four unsigned 32-bit integers');
    }
    if ((s[0] | s[1] | s[2] | s[3]) === 0) throw new InvalidOptionError('RngState.s must not be all zero');
    if (state.spare !== null && !Number.isFinite(state.spare)) {
      throw new InvalidOptionError('RngState.spare must be a finite number or null');
    }
    [this.s0, this.s1, this.s2, this.s3] = [s[0] | 0, s[1] | 0, s[2] | 0, s[3] | 0];
    this.spare = state.spare;
  }

  /** An independent generator derived from this one (advances this one by two words). */
  fork(): Rng {
    const a = this.nextUint32();
    const b = this.nextUint32();
    return new Rng(a * 2097152 + (b >>> 11));
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform double in [low, high). */
  uniformIn(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Standard normal draw N(0, 1) (Marsaglia polar method). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const m = Math.sqrt((-2 * log(s)) / s); // sqrt is exactly rounded by IEEE-754
      this.spare = v * m;
      return u * m;
    }
  }

  /** Uniform integer in [0, n), unbiased; n ≤ 2^32. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) {
      throw new InvalidOptionError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    if (n === 4294967296) return this.nextUint32();
    // Rejection on the top of the 32-bit range: accept x < floor(2^32 / n) * n.
    if (n <= 32768) {
      // The same values with small-integer arithmetic: x mod n from its 16-bit halves (no double fmod).
      const limit = 4294967296 - ((65536 % n) * 65536) % n;
      for (;;) {
        const x = this.nextUint32();
        if (x < limit) return (((x >>> 16) % n) * 65536 + (x & 0xffff)) % n;
      }
    }
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Shuffles `a` in place (Fisher–Yates) and returns it. */
  shuffle<
    T extends {
      /** Number of elements. */
      length: number;
      [i: number]: unknown;
    },
  >(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
