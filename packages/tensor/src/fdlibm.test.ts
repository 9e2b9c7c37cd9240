import { describe, expect, it } from 'vitest';
import { exp as portableExp } from './fdlibm-exp.js';
import { log as portableLog } from './fdlibm-log.js';
import { expm1 as portableExpm1, tanh as portableTanh } from './fdlibm-tanh.js';
import { Rng } from './rng.js';

// The JavaScript ports of fdlibm's exp, expm1 and tanh: the readable form of what the wasm kernels'
// exp64 and tanh64 compute, shown here to be exactly V8's Math.exp, Math.expm1 and Math.tanh (which
// the JavaScript kernels call). Beside the code, so that tensor's mutation runs (which leave src/wasm/
// out) measure the ports.

describe('fdlibm ports', () => {
  it('portableExp, portableExpm1 and portableTanh equal Math.exp, Math.expm1 and Math.tanh (V8, fdlibm) bit for bit', () => {
    const rng = new Rng(12);
    const bits = new Float64Array(1), words = new Uint32Array(bits.buffer);
    const xs: number[] = [0, -0, 1, -1, 2 ** -28, -(2 ** -28), 0.5 * Math.LN2, 1.5 * Math.LN2, 709.08, 709.78, 709.79, -708.4, -745.13, -745.14, Infinity, -Infinity];
    for (let i = 0; i < 100_000; i++) xs.push((2 * rng.uniform() - 1) * 750, (2 * rng.uniform() - 1) * 2, 5 * rng.normal());
    for (let i = 0; i < 20_000; i++) {
      words[0] = Math.floor(rng.uniform() * 2 ** 32);
      words[1] = Math.floor(rng.uniform() * 2 ** 32);
      xs.push(bits[0]!);
    }
    xs.push(22, -22, 21.99, 2 ** -55, -(2 ** -55), 0.25, -0.25, 1e-3, -1e-3, -40, -38.9, NaN);
    const same = (f: (x: number) => number, g: (x: number) => number) => (x: number) => Object.is(f(x), g(x)) || (Number.isNaN(f(x)) && Number.isNaN(g(x)));
    expect(xs.filter((x) => !same(portableExp, Math.exp)(x))).toEqual([]);
    expect(xs.filter((x) => !same(portableExpm1, Math.expm1)(x))).toEqual([]);
    expect(xs.filter((x) => !same(portableTanh, Math.tanh)(x))).toEqual([]);
  });

  // The doubles with a given high and low word (the words fdlibm's thresholds are written in).
  const view = new DataView(new ArrayBuffer(8));
  const fromWords = (hi: number, lo: number): number => {
    view.setUint32(0, hi >>> 0);
    view.setUint32(4, lo >>> 0);
    return view.getFloat64(0);
  };
  const wordsOf = (x: number): [number, number] => {
    view.setFloat64(0, x);
    return [view.getUint32(0), view.getUint32(4)];
  };
  // The inputs (as [high word, low word]) on which `f` and `g` give different numbers (NaN = NaN).
  const differ = (f: (x: number) => number, g: (x: number) => number, xs: readonly number[]) =>
    xs.filter((x) => !(Object.is(f(x), g(x)) || (Number.isNaN(f(x)) && Number.isNaN(g(x))))).map(wordsOf);

  it('portableExp, portableExpm1 and portableTanh equal Math.* bit for bit at, below and above every threshold on the high word', () => {
    // Each branch of the ports is chosen by comparing the high word with a constant. At the constant
    // itself and one high word either side (the extreme low words and 400 random ones, both signs),
    // the ports must give V8's bits whichever branch they take.
    const rng = new Rng(13);
    const thresholds = [
      0x7ff00000, // ∞/NaN (exp, expm1, tanh)
      0x40862e42, // |x| ≥ 709.78: overflow and underflow (exp, expm1)
      0x4043687a, // |x| ≥ 56·ln2: expm1 is −1 below it
      0x40360000, // |x| ≥ 22: tanh is ±1
      0x3ff0a2b2, // |x| < 1.5·ln2: k = ±1 without a multiplication (exp, expm1)
      0x3ff00000, // |x| ≥ 1: tanh through expm1(2|x|)
      0x3fd62e42, // |x| > 0.5·ln2: argument reduction (exp, expm1)
      0x3e300000, // |x| < 2⁻²⁸: exp is 1 + x, tanh is x
      0x3c900000, // |x| < 2⁻⁵⁴: expm1 is x
    ];
    const xs: number[] = [];
    for (const t of thresholds) {
      for (const hi of [t - 1, t, t + 1]) {
        for (const sign of [0, 0x80000000]) {
          const lows = [0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
          for (let i = 0; i < 400; i++) lows.push(Math.floor(rng.uniform() * 2 ** 32));
          for (const lo of lows) {
            const x = fromWords((sign | hi) >>> 0, lo);
            if (!Number.isNaN(x)) xs.push(x);
          }
        }
      }
    }
    // The overflow threshold of exp and expm1 (709.78…, the last x whose e^x is finite) and the
    // underflow threshold of exp (−745.13…, the last x whose e^x rounds to 2⁻¹⁰⁷⁴), with neighbours.
    const over = fromWords(0x40862e42, 0xfefa39ef), under = fromWords(0xc0874910, 0xd52d3051);
    for (const [hi, lo] of [wordsOf(over), wordsOf(under)]) {
      for (const d of [-2, -1, 0, 1, 2]) xs.push(fromWords(hi, lo + d));
    }
    expect([over, under]).toEqual([709.782712893384, -745.1332191019411]);
    expect([portableExp(over) < Infinity, portableExp(fromWords(0x40862e42, 0xfefa39f0))]).toEqual([true, Infinity]);
    expect([portableExpm1(over) < Infinity, portableExpm1(fromWords(0x40862e42, 0xfefa39f0))]).toEqual([true, Infinity]);
    expect([portableExp(under), portableExp(fromWords(0xc0874910, 0xd52d3052))]).toEqual([2 ** -1074, 0]);
    // x ≈ 20·ln2, where expm1's reduced argument has k = 20: the first k that takes the 1 of e^x − 1
    // as 2⁻ᵏ off x (below 20 it is 1 − 2⁻ᵏ, one double); the two roundings differ on about one input in
    // six million, these are three.
    xs.push(fromWords(0x402c2c13, 0xae4efb8e), fromWords(0x402c2c13, 0x9f19328f), fromWords(0x402b7575, 0xa2b71146));
    expect(differ(portableExp, Math.exp, xs)).toEqual([]);
    expect(differ(portableExpm1, Math.expm1, xs)).toEqual([]);
    expect(differ(portableTanh, Math.tanh, xs)).toEqual([]);
  });

  it('portableExp, portableExpm1 and portableTanh return NaN for every NaN, also one whose high word is that of ∞', () => {
    // 0x7ff00000 00000001 is a NaN (a signalling one) whose high word alone looks like +∞.
    for (const [hi, lo] of [[0x7ff00000, 1], [0xfff00000, 1], [0x7ff00000, 0x80000000], [0x7ff80000, 0], [0xfff80000, 0], [0x7fffffff, 0xffffffff]] as const) {
      const nan = fromWords(hi, lo);
      expect(wordsOf(nan)).toEqual([hi, lo]);
      expect([portableExp(nan), portableExpm1(nan), portableTanh(nan)]).toEqual([NaN, NaN, NaN]);
    }
    expect([portableExp(Infinity), portableExp(-Infinity), portableExpm1(Infinity), portableExpm1(-Infinity), portableTanh(Infinity), portableTanh(-Infinity)]).toEqual([Infinity, 0, Infinity, -1, 1, -1]);
  });

  it('portableLog equals Math.log bit for bit at its thresholds and near 1, where it switches to a short series', () => {
    const rng = new Rng(14);
    const xs: number[] = [];
    // High words 0x000fffff…0x00100001: the smallest normal numbers (2⁻¹⁰²² = 0x00100000 00000000)
    // and the largest subnormals, which log scales by 2⁵⁴ first.
    for (const hi of [0x000fffff, 0x00100000, 0x00100001]) {
      for (const lo of [0, 1, 0xfffffffe, 0xffffffff]) xs.push(fromWords(hi, lo));
      for (let i = 0; i < 200; i++) xs.push(fromWords(hi, Math.floor(rng.uniform() * 2 ** 32)));
    }
    // Every exponent, with the top 20 bits of the mantissa at fdlibm's branch points: near 0 (x just
    // above or below a power of two: the short series f − f²/2 + f³/3), at 0x6147a and 0x6b851 (the two
    // forms of the long series) and at 0x6a09e (√2, where x is halved).
    const mantissas = [0xffffd, 0xffffe, 0xfffff, 0, 1, 2, 3, 0x61479, 0x6147a, 0x6147b, 0x6b850, 0x6b851, 0x6b852, 0x6a09d, 0x6a09e, 0x6a09f];
    for (let e = 1; e < 0x7ff; e++) for (const m of mantissas) for (const lo of [0, 1, 0xffffffff]) xs.push(fromWords((e << 20) | m, lo));
    // In [1 − 2⁻¹⁹, 1 + 2⁻¹⁸] (k = 0, where the short series hands over to the long one; about one
    // input in 10⁴ there tells them apart), over [0.7, 1.42] (k = 0, both forms of the long series),
    // over [1.37, 1.43] (where the long series changes form) and over [2⁻²⁰, 2²⁰].
    for (let i = 0; i < 100_000; i++) xs.push(1 - 2 ** -19 + rng.uniform() * (2 ** -19 + 2 ** -18));
    for (let i = 0; i < 20_000; i++) xs.push(0.7 + rng.uniform() * 0.72, 1.37 + rng.uniform() * 0.06, 2 ** (rng.uniform() * 40 - 20));
    expect(differ(portableLog, Math.log, xs)).toEqual([]);
    expect([portableLog(0), portableLog(-0), portableLog(1), portableLog(Infinity)]).toEqual([-Infinity, -Infinity, 0, Infinity]);
  });
});
