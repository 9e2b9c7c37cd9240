import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataFormatError, InvalidOptionError, ShapeError } from './errors.js';
import { Matrix, allocate, assertFinite, assertSameShape, assertShape, dtypeOf } from './matrix.js';

describe('Matrix construction and validation', () => {
  it('allocates zeros of the requested dtype, float64 by default', () => {
    const a = new Matrix(2, 3);
    expect([a.rows, a.cols, a.size, a.dtype]).toEqual([2, 3, 6, 'float64']);
    expect(a.data).toBeInstanceOf(Float64Array);
    expect(Array.from(a.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(new Matrix(2, 3, 'float32').data).toBeInstanceOf(Float32Array);
    expect(allocate('float32', 4)).toBeInstanceOf(Float32Array);
    expect(allocate('float64', 4)).toBeInstanceOf(Float64Array);
    expect(dtypeOf(new Float32Array(1))).toBe('float32');
    expect(dtypeOf(new Float64Array(1))).toBe('float64');
  });

  it('names the bad dimension, the bad dtype and the wrong data length', () => {
    expect(() => new Matrix(-1, 2)).toThrow(new ShapeError('rows must be a non-negative integer, got -1'));
    expect(() => new Matrix(2, 1.5)).toThrow(new ShapeError('cols must be a non-negative integer, got 1.5'));
    expect(() => new Matrix(2, NaN)).toThrow(new ShapeError('cols must be a non-negative integer, got NaN'));
    expect(() => new Matrix(2, 2, 'int8' as 'float64')).toThrow(
      new InvalidOptionError('dtype must be one of float64, float32; got "int8"'),
    );
    expect(() => new Matrix(2, 3, new Float64Array(5))).toThrow(new ShapeError('Matrix 2×3 needs 6 values, got 5'));
  });

  it('wraps typed-array data without copying', () => {
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    const m = new Matrix(3, 2, data);
    expect(m.data).toBe(data);
    expect(m.dtype).toBe('float32');
    expect(m.get(2, 1)).toBe(6);
  });

  it('Matrix.from copies rows, and rejects a ragged row by its index', () => {
    const m = Matrix.from([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(m.shape).toEqual([2, 3]);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Matrix.from([]).shape).toEqual([0, 0]);
    expect(Matrix.from([[0.1]], 'float32').data).toEqual(new Float32Array([0.1]));
    expect(() => Matrix.from([[1, 2], [3]])).toThrow(new ShapeError('Matrix.from: row 1 has 1 values, expected 2'));
  });

  it('Matrix.fromArray copies row-major values into a float64 matrix unless told otherwise', () => {
    const values = [1, 2, 3, 4, 5, 6];
    const m = Matrix.fromArray(2, 3, values);
    expect(m.shape).toEqual([2, 3]);
    expect(m.dtype).toBe('float64');
    expect(m.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    values[0] = 99;
    expect(m.get(0, 0)).toBe(1);
    const f = Matrix.fromArray(3, 2, new Float64Array([0.1, 0, 0, 0, 0, 0]), 'float32');
    expect(f.dtype).toBe('float32');
    expect(f.get(0, 0)).toBe(Math.fround(0.1));
  });

  it('Matrix.fromArray names both dimensions, the needed and the given count', () => {
    expect(() => Matrix.fromArray(2, 3, [1, 2, 3, 4, 5])).toThrow(
      new ShapeError('Matrix.fromArray: 2×3 needs 6 values, got 5'),
    );
    expect(() => Matrix.fromArray(2, 3, [1, 2, 3, 4, 5, 6, 7])).toThrow(
      new ShapeError('Matrix.fromArray: 2×3 needs 6 values, got 7'),
    );
    expect(() => Matrix.fromArray(4, 1, [1])).toThrow(new ShapeError('Matrix.fromArray: 4×1 needs 4 values, got 1'));
  });

  it('Matrix.column is an n×1 float64 matrix unless told otherwise', () => {
    const c = Matrix.column([7, 8, 9]);
    expect(c.shape).toEqual([3, 1]);
    expect(c.dtype).toBe('float64');
    expect(Array.from(c.data)).toEqual([7, 8, 9]);
    expect(Matrix.column(new Float64Array([1, 2]), 'float32').dtype).toBe('float32');
  });

  it('zeros, full and clone keep shape and convert dtype', () => {
    expect(Matrix.full(2, 2, 1.5, 'float32').toArray()).toEqual([
      [1.5, 1.5],
      [1.5, 1.5],
    ]);
    const a = Matrix.from([[0.1, 0.2]]);
    const b = a.clone('float32');
    expect(b.dtype).toBe('float32');
    expect(Array.from(b.data)).toEqual([Math.fround(0.1), Math.fround(0.2)]);
    expect(a.clone().data).not.toBe(a.data);
    expect(Matrix.zeros(0, 4).shapeString()).toBe('0×4');
  });
});

describe('Matrix element access', () => {
  it('set(i, j) writes data[i·cols + j] and get reads it back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), (rows, cols) => {
        const m = Matrix.zeros(rows, cols);
        for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.set(i, j, 10 * i + j + 1);
        const expected = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => 10 * i + j + 1));
        expect(m.toArray()).toEqual(expected);
        expect(Array.from(m.data)).toEqual(expected.flat());
      }),
    );
    const m = Matrix.zeros(2, 3);
    m.set(1, 2, 5);
    expect(Array.from(m.data)).toEqual([0, 0, 0, 0, 0, 5]);
    m.set(1, 0, 4);
    expect(Array.from(m.data)).toEqual([0, 0, 0, 4, 0, 5]);
    expect(Array.from(m.row(1))).toEqual([4, 0, 5]);
  });
});

describe('shape and finiteness assertions', () => {
  it('assertShape passes the right shape and names what, got and expected otherwise', () => {
    const m = Matrix.zeros(2, 3);
    expect(() => assertShape('weights', m, 2, 3)).not.toThrow();
    expect(() => assertShape('weights', m, 3, 3)).toThrow(new ShapeError('weights: got 2×3, expected 3×3'));
    expect(() => assertShape('weights', m, 2, 4)).toThrow(new ShapeError('weights: got 2×3, expected 2×4'));
  });

  it('assertSameShape names both shapes', () => {
    expect(() => assertSameShape('add', Matrix.zeros(2, 3), Matrix.zeros(2, 3))).not.toThrow();
    expect(() => assertSameShape('add', Matrix.zeros(2, 3), Matrix.zeros(3, 2))).toThrow(
      new ShapeError('add: shapes 2×3 and 3×2 differ'),
    );
  });

  it('assertFinite passes finite matrices, including empty and float32 ones', () => {
    expect(() => assertFinite('X', Matrix.from([[1, -2, 3], [4, 5, Number.MAX_VALUE]]))).not.toThrow();
    expect(() => assertFinite('X', Matrix.zeros(0, 3))).not.toThrow();
    expect(() => assertFinite('X', Matrix.full(2, 2, -1e30, 'float32'))).not.toThrow();
  });

  it('assertFinite names the first bad element by (row, column) and its value', () => {
    const m = Matrix.from([
      [1, 2, 3],
      [4, 5, NaN],
      [Infinity, 8, 9],
    ]);
    expect(() => assertFinite('X', m)).toThrow(
      new DataFormatError('X: element (1, 2) is NaN; all values must be finite'),
    );
    m.set(0, 1, -Infinity);
    expect(() => assertFinite('inputs', m)).toThrow(
      new DataFormatError('inputs: element (0, 1) is -Infinity; all values must be finite'),
    );
    const last = Matrix.zeros(4, 2);
    last.set(3, 1, Infinity);
    expect(() => assertFinite('y', last)).toThrow(new DataFormatError('y: element (3, 1) is Infinity; all values must be finite'));
  });
});
