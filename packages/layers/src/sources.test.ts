import { InvalidOptionError, Matrix, ShapeError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { type RowSource, asRowSource, asTargetSource, identityIndex } from './sources.js';

describe('row sources', () => {
  it('identityIndex is 0 … n − 1', () => {
    expect(Array.from(identityIndex(4))).toEqual([0, 1, 2, 3]);
    expect(identityIndex(0)).toHaveLength(0);
  });

  it('a matrix gathers the indexed rows from `start`; a source is used as it is; anything else is refused by name', () => {
    const X = Matrix.from([[1, 2], [3, 4], [5, 6]]);
    const out = new Matrix(2, 2);
    const s = asRowSource(X);
    expect([s.rows, s.cols]).toEqual([3, 2]);
    s.gather([2, 0, 1], 1, out);
    expect(Array.from(out.data)).toEqual([1, 2, 3, 4]);
    const own: RowSource = { rows: 1, cols: 1, gather: () => undefined };
    expect(asRowSource(own)).toBe(own);
    const message = 'inputs must be a Matrix or a RowSource { rows, cols, gather }';
    for (const bad of [null, 3, 'X', { rows: 1, cols: 1 }, { rows: 1, cols: 1, gather: 1 }]) {
      expect(() => asRowSource(bad as never)).toThrow(new InvalidOptionError(message));
    }
  });
});

describe('target sources', () => {
  it('a target matrix needs one column per output', () => {
    expect(() => asTargetSource(new Matrix(3, 2), 3)).toThrow(new ShapeError('targets: got 3×2, expected 3×3 (one column per output)'));
    expect(() => asTargetSource(new Matrix(3, 2), 1, 'validation targets')).toThrow('validation targets: got 3×2, expected 3×1');
  });

  it('labels of a target matrix: ≥ 0.5 is class 1 for one output, the first largest column for several', () => {
    const one = asTargetSource(Matrix.column([0.2, 0.5, 0.7, 0.4999]), 1);
    expect([0, 1, 2, 3].map((i) => one.label(i))).toEqual([0, 1, 1, 0]);
    const three = asTargetSource(Matrix.from([[0.1, 0.7, 0.2], [0.5, 0.2, 0.5], [0, 0, 1], [0.3, 0.3, 0.2], [0, 0.2, 0.6]]), 3);
    expect([0, 1, 2, 3, 4].map((i) => three.label(i))).toEqual([1, 0, 2, 0, 2]);
    // The search stays inside the row: the next row's first column (0.9) is larger than this row's best.
    const pair = asTargetSource(Matrix.from([[0.1, 0.2, 0.7], [0.9, 0, 0.1]]), 3);
    expect([pair.label(0), pair.label(1)]).toEqual([2, 0]);
    // Once the best column has moved to 1, column 2 is still compared with this row's column 1 (0.5, 0.1),
    // not with a cell before the row (before the first row; row 1's last column, 0.4, for row 2).
    const moved = asTargetSource(Matrix.from([[0, 0.5, 0.9], [0, 0.5, 0.4], [0, 0.1, 0.3]]), 3);
    expect([0, 1, 2].map((i) => moved.label(i))).toEqual([2, 1, 2]);
  });

  it('class labels are checked against the number of classes (2 for one output)', () => {
    expect(() => asTargetSource([0, 1, 2], 1)).toThrow(new InvalidOptionError('targets: label 2 at row 2 is not an integer class in 0..1'));
    expect(() => asTargetSource([0.5], 2)).toThrow('targets: label 0.5 at row 0 is not an integer class in 0..1');
    expect(() => asTargetSource([1, -1], 3)).toThrow('targets: label -1 at row 1 is not an integer class in 0..2');
    expect(() => asTargetSource([3], 3, 'y')).toThrow('y: label 3 at row 0 is not an integer class in 0..2');
    expect(asTargetSource([2, 0], 3).rows).toBe(2);
    for (const bad of [null, 'abc', 7, { length: '2' }]) {
      expect(() => asTargetSource(bad as never, 2, 'labels')).toThrow(new InvalidOptionError('labels must be a Matrix or an array of class labels'));
    }
  });

  it('gathers labels as a column for one output and one-hot rows for several', () => {
    const one = asTargetSource([1, 0, 1], 1);
    const col = new Matrix(2, 1);
    one.gather([2, 0, 1], 1, col);
    expect(Array.from(col.data)).toEqual([1, 0]);
    expect(one.label(2)).toBe(1);
    const three = asTargetSource([2, 0, 1], 3);
    const hot = new Matrix(3, 3);
    hot.data.fill(7);
    three.gather([1, 2, 0], 0, hot);
    expect(Array.from(hot.data)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(() => three.gather([0], 0, new Matrix(1, 2))).toThrow(new ShapeError('targets: batch has 2 columns, expected 3'));
  });
});
