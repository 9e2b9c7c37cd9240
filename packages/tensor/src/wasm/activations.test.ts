import { afterAll, describe, expect, it } from 'vitest';
import { jsGelu, jsGeluBackward, jsSigmoid, jsSigmoidBackward, jsTanh, jsTanhBackward } from '../backend.js';
import { sameBits } from '../bits.js';
import { exp as portableExp } from '../fdlibm-exp.js';
import { expm1 as portableExpm1 } from '../fdlibm-tanh.js';
import { type DType, type FloatArray, allocate } from '../matrix.js';
import { Rng } from '../rng.js';
import { createWasmBackendSync } from './backend.js';
import { kernelsWasm } from './kernels.wasm.js';

// The wasm sigmoid, tanh and GELU kernels compute two elements at once (f64x2 forms of the fdlibm
// exp, expm1 and tanh ports, every branch a lane select; pairs with a lane outside a vector form's
// domain take the scalar port). Here they meet the JavaScript reference bit for bit on inputs built
// to sit on and beside every branch threshold of fdlibm's exp, expm1 and tanh (and of the vector
// forms' own domain bounds), ±0, subnormals, ±∞, NaN and random values over the ranges the branches
// cover, each paired in a lane with ordinary values and with other such inputs, float64 and float32;
// and the vector exp and expm1 themselves (exported for this test) meet the JavaScript ports on the
// same inputs, where no later rounding can hide a wrong branch.

const wasm = createWasmBackendSync({ threads: 1 });
afterAll(() => wasm.dispose?.());

const f64 = new Float64Array(1), words = new Uint32Array(f64.buffer);
const f32 = new Float32Array(1), word32 = new Uint32Array(f32.buffer);

/** The double with high word `hi`, low word `lo`. */
function fromWords(hi: number, lo: number): number {
  words[1] = hi >>> 0;
  words[0] = lo >>> 0;
  return f64[0]!;
}

/** `x` moved by `steps` units in the last place of its type (through zero and into subnormals). */
function ulps(x: number, steps: number, dtype: DType): number {
  if (dtype === 'float32') {
    f32[0] = x;
    const b = word32[0]!;
    // Sign-magnitude to an ordered integer and back.
    const ordered = b & 0x80000000 ? -(b & 0x7fffffff) : b;
    const moved = ordered + steps;
    word32[0] = moved < 0 ? (0x80000000 | -moved) >>> 0 : moved;
    return f32[0];
  }
  f64[0] = x;
  let ordered = (BigInt(words[1]!) << 32n) | BigInt(words[0]!);
  if (ordered >= 1n << 63n) ordered = -(ordered - (1n << 63n));
  let moved = ordered + BigInt(steps);
  if (moved < 0n) moved = (1n << 63n) + -moved;
  words[1] = Number(moved >> 32n);
  words[0] = Number(moved & 0xffffffffn);
  return f64[0];
}

/** High words at which fdlibm's exp, expm1 and tanh branch (and that bound the vector forms). */
const THRESHOLDS = [
  0x3fd62e42, // exp, expm1: |x| ≤ ½ln2 → k = 0
  0x3ff0a2b2, // exp, expm1: |x| < 1.5·ln2 → k = ±1
  0x3e300000, // exp: |x| < 2^−28 → 1 + x; tanh: |x| < 2^−28 → x
  0x40862e42, // exp, expm1: overflow / underflow checks
  0x4043687a, // expm1: x < −38.8 → −1
  0x3c900000, // expm1: |x| < 2^−54 → x
  0x3ff00000, // tanh: |x| ≥ 1 → 1 − 2/(expm1(2|x|) + 2)
  0x40360000, // tanh: |x| ≥ 22 → ±1
  0x7ff00000, // ±∞ / NaN
  0x40862000, // 708, the vector exp's bound
];

/** The inputs on and beside the thresholds, in both signs, for `dtype`. */
function thresholdInputs(dtype: DType): number[] {
  const xs: number[] = [];
  const around = (x: number) => {
    for (let d = -3; d <= 3; d++) {
      const v = ulps(x, d, dtype);
      if (Number.isFinite(v)) xs.push(v, -v);
    }
  };
  for (const hi of THRESHOLDS) {
    for (const d of [-1, 0, 1]) {
      for (const lo of [0, 1, 0x7fffffff, 0xffffffff]) {
        const x = fromWords(hi + d, lo);
        // tanh passes ±2|x| to expm1: x/2 puts expm1's thresholds on tanh's argument.
        for (const v of [x, x / 2]) around(dtype === 'float32' ? Math.fround(v) : v);
      }
    }
  }
  // trunc(x/ln2 ± ½) changes at (n + ½)·ln2: exp's and expm1's k steps, and expm1's k = −1, 1, 2, 20,
  // 56, 57 returns; through tanh (x/2) and GELU (below) too.
  for (let n = -1030; n <= 1030; n++) {
    const x = (n + 0.5) * Math.LN2;
    around(x);
    if (Math.abs(n) <= 64) around(x / 2);
  }
  for (const x of [0, 0.25, 0.5, 1, 2, 709.78, 745.13, 5e-324, 1e-310, 2.2250738585072014e-308, 1.401298464324817e-45, 1.1754943508222875e-38]) around(x);
  // GELU: z whose tanh argument c·(z + 0.044715z³) is each threshold above (bisection in doubles).
  const c = Math.sqrt(2 / Math.PI);
  const u = (z: number) => c * (z + 0.044715 * z * z * z);
  const targets = [...THRESHOLDS.slice(0, 8).map((hi) => fromWords(hi, 0)), ...[0.5, 2, 20, 56].map((n) => ((n + 0.5) * Math.LN2) / 2)];
  for (const target of targets) {
    let lo = 0, hi = 30;
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (u(mid) < target) lo = mid;
      else hi = mid;
    }
    around(dtype === 'float32' ? Math.fround(lo) : lo);
  }
  xs.push(0, -0, Infinity, -Infinity, NaN, -NaN);
  return xs;
}

/** Random values over the ranges the branches cover, and random bit patterns. */
function randomInputs(rng: Rng, count: number): number[] {
  const xs: number[] = [];
  for (let i = 0; i < count; i++) {
    const r = rng.uniform();
    if (r < 0.25) xs.push((2 * rng.uniform() - 1) * 2);
    else if (r < 0.45) xs.push((2 * rng.uniform() - 1) * 50);
    else if (r < 0.6) xs.push((2 * rng.uniform() - 1) * 800);
    else if (r < 0.8) xs.push((rng.uniform() < 0.5 ? -1 : 1) * 2 ** (70 * rng.uniform() - 60));
    else if (r < 0.9) xs.push(3 * rng.normal());
    else xs.push(fromWords(Math.floor(rng.uniform() * 2 ** 32), Math.floor(rng.uniform() * 2 ** 32)));
  }
  return xs;
}

/** `special` spread over an array of `ordinary` values: each lands beside ordinary and special values, in either lane. */
function mix(rng: Rng, special: number[], ordinary: number[], dtype: DType): FloatArray {
  const all = [...special, ...special, ...ordinary];
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  // An odd length, so that the last element takes the one-element tail.
  const out = allocate(dtype, all.length | 1);
  out.set(all);
  return out;
}

const memory = new WebAssembly.Memory({ initial: 64 });
const raw = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(kernelsWasm, 'base64')), { env: { memory } }).exports as unknown as {
  heapBase: () => number;
  vectorExpF64: (size: number, px: number, py: number) => void;
  vectorExpm1F64: (size: number, px: number, py: number) => void;
};

type Unary = (size: number, z: FloatArray, a: FloatArray) => void;
type Binary = (size: number, x: FloatArray, da: FloatArray, dz: FloatArray) => void;

const GELU_C = Math.sqrt(2 / Math.PI);

/**
 * GELU's backward as it was before the forward kept its tanh: th computed again from z. The kernels
 * that read the stored th must give these bits.
 */
function geluBackwardRecomputed(size: number, z: FloatArray, da: FloatArray, dz: FloatArray): void {
  for (let t = 0; t < size; t++) {
    const v = z[t]!;
    const th = Math.tanh(GELU_C * (v + 0.044715 * v * v * v));
    const d = 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * GELU_C * (1 + 3 * 0.044715 * v * v);
    dz[t] = da[t]! * d;
  }
}

describe('wasm sigmoid, tanh and GELU kernels (two lanes at once)', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`equal the JavaScript reference bit for bit at every fdlibm branch threshold, ±0, subnormals, ±∞, NaN and random values (${dtype})`, () => {
      const special = thresholdInputs(dtype);
      expect(special.length).toBeGreaterThan(20_000);
      for (let seed = 1; seed <= 3; seed++) {
        const rng = new Rng(seed);
        const z = mix(rng, special, randomInputs(rng, 40_000), dtype);
        const size = z.length;
        const da = allocate(dtype, size);
        for (let t = 0; t < size; t++) da[t] = rng.normal();
        // The backward kernels' NaN-result fallback: NaN and ±∞ in da.
        for (let t = 0; t < size; t += 997) da[t] = [NaN, Infinity, -Infinity][t % 3]!;
        const unary: [string, Unary, Unary][] = [
          ['sigmoid', jsSigmoid, wasm.sigmoid!.bind(wasm)],
          ['tanh', jsTanh, wasm.tanh!.bind(wasm)],
          ['gelu', jsGelu, wasm.gelu!.bind(wasm)],
        ];
        for (const [name, js, kernel] of unary) {
          const expected = allocate(dtype, size), got = allocate(dtype, size);
          js(size, z, expected);
          kernel(size, z, got);
          expect(sameBits(got, expected), `${name} ${dtype} seed ${seed}`).toBe(true);
        }
        // GELU keeping its th: the same a, and the th of the reference (float64, unrounded).
        const a = allocate(dtype, size), aExpected = allocate(dtype, size);
        const th = new Float64Array(size), thExpected = new Float64Array(size);
        jsGelu(size, z, aExpected, thExpected);
        wasm.gelu!(size, z, a, th);
        expect(sameBits(a, aExpected), `gelu with th ${dtype} seed ${seed}`).toBe(true);
        expect(sameBits(th, thExpected), `gelu th ${dtype} seed ${seed}`).toBe(true);
        // sigmoidBackward and tanhBackward take the activation; geluBackward takes z and the forward's th.
        jsTanh(size, z, a);
        const binary: [string, Binary, Binary, FloatArray][] = [
          ['sigmoidBackward', jsSigmoidBackward, wasm.sigmoidBackward!.bind(wasm), a],
          ['tanhBackward', jsTanhBackward, wasm.tanhBackward!.bind(wasm), a],
          ['geluBackward', (n, x, y, o) => jsGeluBackward(n, x, y, o, thExpected), (n, x, y, o) => wasm.geluBackward!(n, x, y, o, th), z],
          // The bits of computing th again from z, as the backward did before reading the stored one.
          ['geluBackward (th computed again)', geluBackwardRecomputed, (n, x, y, o) => wasm.geluBackward!(n, x, y, o, th), z],
        ];
        for (const [name, js, kernel, x] of binary) {
          const expected = allocate(dtype, size), got = allocate(dtype, size);
          js(size, x, da, expected);
          kernel(size, x, da, got);
          expect(sameBits(got, expected), `${name} ${dtype} seed ${seed}`).toBe(true);
        }
      }
    });
  }

  it('the vector exp and expm1 equal the JavaScript fdlibm ports bit for bit on the same inputs', () => {
    const special = thresholdInputs('float64');
    for (let seed = 1; seed <= 3; seed++) {
      const rng = new Rng(seed);
      const xs = mix(rng, special, randomInputs(rng, 40_000), 'float64');
      const size = xs.length;
      const base = (raw.heapBase() + 15) & ~15;
      const x = new Float64Array(memory.buffer, base, size), y = new Float64Array(memory.buffer, base + 8 * size, size);
      x.set(xs);
      const expected = new Float64Array(size);
      for (const [name, kernel, port] of [['exp', raw.vectorExpF64, portableExp], ['expm1', raw.vectorExpm1F64, portableExpm1]] as const) {
        // exp's vector form takes x ≤ 0 only: the positive inputs negated too.
        if (name === 'exp') for (let t = 0; t < size; t++) x[t] = rng.uniform() < 0.5 ? -Math.abs(xs[t]!) : xs[t]!;
        else x.set(xs);
        kernel(size, x.byteOffset, y.byteOffset);
        for (let t = 0; t < size; t++) expected[t] = port(x[t]!);
        const wrong = [...x].filter((v, t) => !sameBits(y.subarray(t, t + 1), expected.subarray(t, t + 1)) && !(Number.isNaN(y[t]) && Number.isNaN(expected[t])));
        expect(wrong, `${name} seed ${seed}`).toEqual([]);
      }
    }
  });
});
