import { InvalidOptionError, Rng } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { runge, rungeFunction } from './runge.js';

describe('runge', () => {
  it('returns n×1 x, y, f with x inside the interval', () => {
    const { x, y, f } = runge({ n: 257, interval: [-2, 3] });
    for (const m of [x, y, f]) expect(m.shape).toEqual([257, 1]);
    for (const v of x.data) {
      expect(v).toBeGreaterThanOrEqual(-2);
      expect(v).toBeLessThan(3);
    }
    expect(runge().x.rows).toBe(1000);
  });

  it('f is exactly 1/(1+25x²)', () => {
    const { x, f } = runge({ n: 500 });
    for (let i = 0; i < 500; i++) expect(f.data[i]).toBe(1 / (1 + 25 * x.data[i]! * x.data[i]!));
    expect(rungeFunction(0)).toBe(1);
    expect(rungeFunction(0.2)).toBe(0.5);
  });

  it('follows the documented draw order: n uniforms for x, then n normals', () => {
    const n = 50;
    const sigma = 0.1;
    const { x, y, f } = runge({ n, sigma, seed: 7 });
    const rng = new Rng(7);
    const xs = Array.from({ length: n }, () => rng.uniformIn(-1, 1));
    const eps = Array.from({ length: n }, () => rng.normal());
    expect(Array.from(x.data)).toEqual(xs);
    for (let i = 0; i < n; i++) expect(y.data[i]).toBe(f.data[i]! + sigma * eps[i]!);
  });

  it('is bit-identical for the same seed and differs for another seed', () => {
    const a = runge({ seed: 11 });
    const b = runge({ seed: 11 });
    const c = runge({ seed: 12 });
    expect(a.x.data).toEqual(b.x.data);
    expect(a.y.data).toEqual(b.y.data);
    expect(a.x.data).not.toEqual(c.x.data);
    expect(a.y.data).not.toEqual(c.y.data);
  });

  it('noise has standard deviation ≈ σ and mean ≈ 0', () => {
    const n = 20000;
    const sigma = 0.05;
    const { y, f } = runge({ n, sigma });
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const e = y.data[i]! - f.data[i]!;
      s += e;
      s2 += e * e;
    }
    const mean = s / n;
    const std = Math.sqrt(s2 / n - mean * mean);
    // Standard error of the std estimate is σ/√(2n) ≈ 2.5e-4; allow ~4 standard errors.
    expect(Math.abs(std - sigma)).toBeLessThan(1e-3);
    expect(Math.abs(mean)).toBeLessThan(4 * (sigma / Math.sqrt(n)));
  });

  it('linspace gives evenly spaced points ending exactly at high; same noise stream as uniform skips x draws', () => {
    const { x, y, f } = runge({ n: 5, sampling: 'linspace', sigma: 0, interval: [-1, 1] });
    expect(Array.from(x.data)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(y.data).toEqual(f.data);
    expect(Array.from(runge({ n: 1, sampling: 'linspace' }).x.data)).toEqual([-1]);
    const noisy = runge({ n: 3, sampling: 'linspace', sigma: 1, seed: 3 });
    const rng = new Rng(3);
    for (let i = 0; i < 3; i++) expect(noisy.y.data[i]).toBe(noisy.f.data[i]! + rng.normal());
  });

  it('stores float32 when asked', () => {
    const { x, y, f } = runge({ n: 10, dtype: 'float32' });
    expect(x.dtype).toBe('float32');
    expect(y.data).toBeInstanceOf(Float32Array);
    expect(f.data).toBeInstanceOf(Float32Array);
    expect(x.data[0]).toBe(Math.fround(runge({ n: 10 }).x.data[0]!));
  });

  it('rejects bad options with InvalidOptionError naming the option', () => {
    expect(() => runge({ n: 0 })).toThrow(/n must be an integer ≥ 1, got 0/);
    expect(() => runge({ n: 2.5 })).toThrow(InvalidOptionError);
    expect(() => runge({ sigma: -1 })).toThrow(/sigma/);
    expect(() => runge({ interval: [1, 1] })).toThrow(/interval\[1\]/);
    expect(() => runge({ interval: [0, NaN] })).toThrow(InvalidOptionError);
    expect(() => runge({ sampling: 'grid' as 'uniform' })).toThrow(/sampling must be one of uniform, linspace/);
    expect(() => runge({ seed: 0.5 })).toThrow(InvalidOptionError);
  });
});

describe('runge: options and the linspace end point', () => {
  it('linspace ends exactly on the interval end even where low + (n − 1)·step rounds past it', () => {
    expect(0.3 + 6 * ((0.9 - 0.3) / 6)).not.toBe(0.9);
    const { x } = runge({ n: 7, interval: [0.3, 0.9], sampling: 'linspace', sigma: 0 });
    expect(x.data[0]).toBe(0.3);
    expect(x.data[6]).toBe(0.9);
    expect(x.data[5]).toBeCloseTo(0.8, 15);
  });

  it('messages name the option and the value', () => {
    expect(() => runge({ sigma: -1 })).toThrow('runge: sigma must be a finite number ≥ 0, got -1');
    expect(() => runge({ interval: [0] as never })).toThrow('runge: interval must be [low, high], got [0]');
    expect(() => runge({ interval: 'ab' as never })).toThrow('runge: interval must be [low, high], got "ab"');
    expect(() => runge({ interval: [NaN, 1] })).toThrow('runge: interval[0] must be a finite number, got NaN');
    expect(() => runge({ interval: [1, 0] })).toThrow('runge: interval[1] must be a finite number > interval[0] = 1, got 0');
    expect(() => runge({ dtype: 'int8' as never })).toThrow('runge: dtype must be one of float64, float32; got "int8"');
  });
});
