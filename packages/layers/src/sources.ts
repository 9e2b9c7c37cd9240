import { InvalidOptionError, Matrix, ShapeError, gatherRows } from '@ffnn/tensor';

/**
 * Rows of inputs that can be gathered into a batch without holding the whole set as floats
 * (e.g. MNIST pixels kept as bytes and scaled per batch).
 */
export interface RowSource {
  /** Number of rows (samples). */
  readonly rows: number;
  /** Number of columns (features) of every row. */
  readonly cols: number;
  /** Writes rows `index[start] … index[start + out.rows − 1]` into `out`. */
  gather(index: ArrayLike<number>, start: number, out: Matrix): void;
}

/** The indices 0, 1, …, n − 1: the row order of a whole data set. */
export function identityIndex(n: number): Int32Array {
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  return index;
}

/** A {@link RowSource} view of a matrix (or the source itself). */
export function asRowSource(X: Matrix | RowSource): RowSource {
  if (X instanceof Matrix) {
    return { rows: X.rows, cols: X.cols, gather: (index, start, out) => gatherRows(X, index, out, start) };
  }
  if (typeof X !== 'object' || X === null || typeof X.gather !== 'function') {
    throw new InvalidOptionError('inputs must be a Matrix or a RowSource { rows, cols, gather }');
  }
  return X;
}

/** Targets: a matrix with one column per output, or class labels (one-hot encoded per batch for softmax outputs). */
export type Targets = Matrix | ArrayLike<number>;

/** Gathers target rows into batch matrices, one-hot encoding class labels when the network has several outputs. */
export interface TargetSource {
  readonly rows: number;
  gather(index: ArrayLike<number>, start: number, out: Matrix): void;
  /** Class label of row i (for accuracy); undefined for non-label targets with several columns. */
  label(i: number): number;
}

/** Wraps targets for a network with `outputs` outputs; checks labels are integers in range. */
export function asTargetSource(y: Targets, outputs: number, what = 'targets'): TargetSource {
  if (y instanceof Matrix) {
    if (y.cols !== outputs) throw new ShapeError(`${what}: got ${y.rows}×${y.cols}, expected ${y.rows}×${outputs} (one column per output)`);
    return {
      rows: y.rows,
      gather: (index, start, out) => gatherRows(y, index, out, start),
      label: (i) => {
        if (outputs === 1) return y.data[i]! >= 0.5 ? 1 : 0;
        let best = 0;
        for (let j = 1; j < outputs; j++) if (y.data[i * outputs + j]! > y.data[i * outputs + best]!) best = j;
        return best;
      },
    };
  }
  if (typeof y !== 'object' || y === null || typeof y.length !== 'number') {
    throw new InvalidOptionError(`${what} must be a Matrix or an array of class labels`);
  }
  const classes = outputs === 1 ? 2 : outputs;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      throw new InvalidOptionError(`${what}: label ${String(v)} at row ${i} is not an integer class in 0..${classes - 1}`);
    }
  }
  return {
    rows: y.length,
    gather(index, start, out) {
      if (out.cols !== outputs) throw new ShapeError(`${what}: batch has ${out.cols} columns, expected ${outputs}`);
      const d = out.data;
      if (outputs === 1) {
        for (let r = 0; r < out.rows; r++) d[r] = y[index[start + r]!]!;
        return;
      }
      d.fill(0);
      for (let r = 0; r < out.rows; r++) d[r * outputs + y[index[start + r]!]!] = 1;
    },
    label: (i) => y[i]!,
  };
}
