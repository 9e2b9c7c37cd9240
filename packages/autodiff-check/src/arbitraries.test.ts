import { InvalidOptionError, Matrix, ShapeError } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbMatrix, arbMatrixOfShape, arbShape } from './arbitraries.js';

describe('arbShape', () => {
  it('stays within the default bounds 1..5 and reaches both ends', () => {
    const shapes = fc.sample(arbShape(), { numRuns: 500, seed: 1 });
    for (const [r, c] of shapes) {
      expect(Number.isInteger(r) && Number.isInteger(c)).toBe(true);
      expect(r).toBeGreaterThanOrEqual(1);
      expect(r).toBeLessThanOrEqual(5);
      expect(c).toBeGreaterThanOrEqual(1);
      expect(c).toBeLessThanOrEqual(5);
    }
    expect(new Set(shapes.map(([r]) => r))).toEqual(new Set([1, 2, 3, 4, 5]));
  });

  it('respects custom bounds', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 5 }),
        fc.nat({ max: 5 }),
        fc.nat({ max: 5 }),
        fc.nat({ max: 5 }),
        fc.integer(),
        (minRows, dr, minCols, dc, seed) => {
          const opts = { minRows, maxRows: minRows + dr, minCols, maxCols: minCols + dc };
          for (const [r, c] of fc.sample(arbShape(opts), { numRuns: 20, seed })) {
            expect(r).toBeGreaterThanOrEqual(opts.minRows);
            expect(r).toBeLessThanOrEqual(opts.maxRows);
            expect(c).toBeGreaterThanOrEqual(opts.minCols);
            expect(c).toBeLessThanOrEqual(opts.maxCols);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('shrinks towards the smallest shape', () => {
    const result = fc.check(fc.property(arbShape({ maxRows: 8, maxCols: 8 }), ([r, c]) => r * c < 6), { seed: 7 });
    expect(result.failed).toBe(true);
    const [[r, c]] = result.counterexample!;
    expect(r * c).toBeGreaterThanOrEqual(6);
    expect(Math.min(r, c)).toBe(1);
    expect(Math.max(r, c)).toBe(6);
  });

  it('rejects bad bounds with InvalidOptionError', () => {
    expect(() => arbShape({ minRows: 3, maxRows: 2 })).toThrow(InvalidOptionError);
    expect(() => arbShape({ minCols: 4, maxCols: 1 })).toThrow(InvalidOptionError);
    expect(() => arbShape({ maxRows: 1.5 })).toThrow(InvalidOptionError);
    expect(() => arbShape({ minCols: -1 })).toThrow(InvalidOptionError);
  });
});

describe('arbMatrix', () => {
  it('produces matrices of the requested shape, dtype and range', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 4 }),
        fc.nat({ max: 4 }),
        fc.double({ min: -100, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.constantFrom('float64' as const, 'float32' as const),
        fc.integer(),
        (rows, cols, min, width, dtype, seed) => {
          const max = min + width;
          fc.pre(dtype === 'float64' || roundUp32(min) <= max); // some float32 must lie in [min, max]
          for (const m of fc.sample(arbMatrix(rows, cols, { min, max, dtype }), { numRuns: 10, seed })) {
            expect(m).toBeInstanceOf(Matrix);
            expect(m.shape).toEqual([rows, cols]);
            expect(m.dtype).toBe(dtype);
            for (const x of m.data) {
              expect(Number.isFinite(x)).toBe(true);
              expect(x).toBeGreaterThanOrEqual(min);
              expect(x).toBeLessThanOrEqual(max);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps |x| ≥ awayFromZero, in both dtypes, and still covers both signs', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      for (const away of [0.1, 0.3, 1 / 3, 0.999]) {
        const values = fc.sample(arbMatrix(3, 3, { min: -1, max: 1, awayFromZero: away, dtype }), { numRuns: 200, seed: 3 }).flatMap((m) =>
          Array.from(m.data),
        );
        for (const x of values) {
          expect(Math.abs(x)).toBeGreaterThanOrEqual(away);
          expect(Math.abs(x)).toBeLessThanOrEqual(1);
        }
        expect(values.some((x) => x > 0)).toBe(true);
        expect(values.some((x) => x < 0)).toBe(true);
      }
    }
  });

  it('awayFromZero with a one-sided range only draws from that side', () => {
    for (const x of fc.sample(arbMatrix(2, 2, { min: -0.5, max: 3, awayFromZero: 1 }), { numRuns: 200, seed: 5 }).flatMap((m) => Array.from(m.data))) {
      expect(x).toBeGreaterThanOrEqual(1);
      expect(x).toBeLessThanOrEqual(3);
    }
  });

  it('rounds bounds inwards to float32, so stored float32 values never leave [min, max]', () => {
    // [lo, hi] contains exactly one float32, f + ulp; rounding the bounds to nearest would admit f < lo.
    const f = Math.fround(0.1);
    const ulp = roundUp32(f + 1e-12) - f;
    const lo = f + ulp / 4;
    const hi = f + 1.25 * ulp;
    for (const m of fc.sample(arbMatrix(2, 2, { min: lo, max: hi, dtype: 'float32' }), { numRuns: 50, seed: 9 })) {
      for (const x of m.data) expect(x).toBe(f + ulp);
    }
  });

  it('is deterministic given the seed', () => {
    const a = fc.sample(arbMatrix(3, 2), { numRuns: 20, seed: 42 }).map((m) => Array.from(m.data));
    const b = fc.sample(arbMatrix(3, 2), { numRuns: 20, seed: 42 }).map((m) => Array.from(m.data));
    const c = fc.sample(arbMatrix(3, 2), { numRuns: 20, seed: 43 }).map((m) => Array.from(m.data));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('shrinks elements independently towards zero', () => {
    const result = fc.check(
      fc.property(arbMatrix(3, 3), (m) => m.data.every((x) => Math.abs(x) < 0.5)),
      { seed: 11 },
    );
    expect(result.failed).toBe(true);
    const [m] = result.counterexample!;
    const big = Array.from(m.data).filter((x) => Math.abs(x) >= 0.5);
    expect(big).toHaveLength(1);
    expect(Math.abs(big[0]!)).toBe(0.5);
    expect(Array.from(m.data).filter((x) => x === 0)).toHaveLength(8);
  });

  it('rejects bad input with typed errors', () => {
    expect(() => arbMatrix(-1, 2)).toThrow(ShapeError);
    expect(() => arbMatrix(2, 1.5)).toThrow(ShapeError);
    expect(() => arbMatrix(2, 2, { min: 1, max: 0 })).toThrow(InvalidOptionError);
    expect(() => arbMatrix(2, 2, { min: NaN })).toThrow(InvalidOptionError);
    expect(() => arbMatrix(2, 2, { max: Infinity })).toThrow(InvalidOptionError);
    expect(() => arbMatrix(2, 2, { dtype: 'int8' as never })).toThrow(InvalidOptionError);
    expect(() => arbMatrix(2, 2, { awayFromZero: -0.1 })).toThrow(InvalidOptionError);
    expect(() => arbMatrix(2, 2, { min: -1, max: 1, awayFromZero: 2 })).toThrow(/no float64 value/);
    // No float32 lies in [0.1, 0.1 + 1e-12].
    expect(() => arbMatrix(2, 2, { min: 0.1, max: 0.1 + 1e-12, dtype: 'float32' })).toThrow(/no float32 value/);
  });
});

describe('arbMatrixOfShape', () => {
  it('combines shape bounds and value options', () => {
    const opts = { minRows: 2, maxRows: 3, minCols: 1, maxCols: 4, min: -2, max: 2, awayFromZero: 0.5 };
    const samples = fc.sample(arbMatrixOfShape(opts), { numRuns: 300, seed: 2 });
    for (const m of samples) {
      expect(m.rows).toBeGreaterThanOrEqual(2);
      expect(m.rows).toBeLessThanOrEqual(3);
      expect(m.cols).toBeGreaterThanOrEqual(1);
      expect(m.cols).toBeLessThanOrEqual(4);
      for (const x of m.data) {
        expect(Math.abs(x)).toBeGreaterThanOrEqual(0.5);
        expect(Math.abs(x)).toBeLessThanOrEqual(2);
      }
    }
    expect(new Set(samples.map((m) => m.shapeString())).size).toBe(8);
  });

  it('validates options at the call', () => {
    expect(() => arbMatrixOfShape({ min: 3, max: 1 })).toThrow(InvalidOptionError);
    expect(() => arbMatrixOfShape({ minRows: 4, maxRows: 1 })).toThrow(InvalidOptionError);
  });
});

function roundUp32(x: number): number {
  const f = Math.fround(x);
  if (f >= x) return f;
  const a = new Float32Array([f]);
  const u = new Uint32Array(a.buffer);
  u[0] = f > 0 ? u[0]! + 1 : f < 0 ? u[0]! - 1 : 1;
  return a[0]!;
}

describe('arbitraries: messages and bounds', () => {
  it('name the option and the value', () => {
    expect(() => arbShape({ minRows: -1 })).toThrow('arbShape minRows must be a non-negative integer, got -1');
    expect(() => arbShape({ maxRows: 1.5 })).toThrow('arbShape maxRows must be a non-negative integer, got 1.5');
    expect(() => arbShape({ minCols: -1 })).toThrow('arbShape minCols must be a non-negative integer, got -1');
    expect(() => arbShape({ maxCols: -1 })).toThrow('arbShape maxCols must be a non-negative integer, got -1');
    expect(() => arbShape({ minRows: 3, maxRows: 2 })).toThrow('arbShape: minRows 3 exceeds maxRows 2');
    expect(() => arbShape({ minCols: 3, maxCols: 2 })).toThrow('arbShape: minCols 3 exceeds maxCols 2');
    expect(() => arbMatrix(-1, 1)).toThrow('arbMatrix: rows must be a non-negative integer, got -1');
    expect(() => arbMatrix(1, 1, { min: NaN })).toThrow('arbMatrix min must be a finite number, got NaN');
    expect(() => arbMatrix(1, 1, { max: Infinity })).toThrow('arbMatrix max must be a finite number, got Infinity');
    expect(() => arbMatrix(1, 1, { min: 2, max: 1 })).toThrow('arbMatrix: min 2 exceeds max 1');
    expect(() => arbMatrix(1, 1, { dtype: 'int8' as never })).toThrow('arbMatrix dtype must be one of float64, float32; got "int8"');
    expect(() => arbMatrix(1, 1, { awayFromZero: -1 })).toThrow('arbMatrix awayFromZero must be a non-negative finite number, got -1');
  });

  it('a large minCols raises the default maxCols to it', () => {
    const shapes = fc.sample(arbShape({ minCols: 9 }), { numRuns: 50, seed: 2 });
    expect(shapes.every(([, c]) => c === 9)).toBe(true);
  });

  it('never draws NaN or ±Infinity, also over the widest finite range', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const max = dtype === 'float32' ? 3.4028234663852886e38 : Number.MAX_VALUE;
      const values = fc.sample(arbMatrix(4, 4, { min: -max, max, dtype }), { numRuns: 300, seed: 3 }).flatMap((m) => Array.from(m.data));
      expect(values.every(Number.isFinite)).toBe(true);
    }
  });

  it('float32 bounds between float32 values round inwards, from either side of zero', () => {
    for (const [min, max] of [[0.1, 0.2], [-0.2, -0.1], [-0.3, 0.3]] as const) {
      const values = fc.sample(arbMatrix(3, 3, { min, max, dtype: 'float32' }), { numRuns: 200, seed: 4 }).flatMap((m) => Array.from(m.data));
      expect(values.every((v) => v >= min && v <= max && Math.fround(v) === v)).toBe(true);
    }
  });
});

describe('arbMatrix: a float32 bound that is a float32 value is kept', () => {
  it('min = max = 0.5 draws 0.5', () => {
    const values = fc.sample(arbMatrix(1, 2, { min: 0.5, max: 0.5, dtype: 'float32' }), { numRuns: 5, seed: 1 }).flatMap((m) => Array.from(m.data));
    expect(values).toEqual(new Array<number>(10).fill(0.5));
  });
});
