import { describe, expect, it } from 'vitest';
import { exp as portableExp } from './fdlibm-exp.js';
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
});
