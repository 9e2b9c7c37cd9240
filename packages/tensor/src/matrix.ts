import { DataFormatError, InvalidOptionError, ShapeError } from './errors.js';

/** Element type of a {@link Matrix}. */
export type DType = 'float64' | 'float32';

/** The typed array behind a {@link Matrix}. */
export type FloatArray = Float64Array | Float32Array;

/** Allocates a zeroed typed array of the given dtype. */
export function allocate(dtype: DType, length: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/** The dtype of a typed array. */
export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float32Array ? 'float32' : 'float64';
}

function checkDim(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new ShapeError(`${name} must be a non-negative integer, got ${n}`);
}

/**
 * A dense 2-D matrix stored row-major in a `Float64Array` or `Float32Array`:
 * element (i, j) is `data[i * cols + j]`.
 *
 * @example
 * ```ts
 * const A = Matrix.from([[1, 2], [3, 4]]);
 * A.get(1, 0); // 3
 * ```
 */
export class Matrix {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** Row-major storage of length `rows * cols`. */
  readonly data: FloatArray;

  /** Wraps `data` (not copied) as a `rows × cols` matrix; allocates zeros when `data` is a dtype or omitted. */
  constructor(rows: number, cols: number, data: FloatArray | DType = 'float64') {
    checkDim('rows', rows);
    checkDim('cols', cols);
    if (typeof data === 'string') {
      if (data !== 'float64' && data !== 'float32') {
        throw new InvalidOptionError(`dtype must be one of float64, float32; got ${JSON.stringify(data)}`);
      }
      data = allocate(data, rows * cols);
    } else if (data.length !== rows * cols) {
      throw new ShapeError(`Matrix ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`);
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  /** A zero matrix. */
  static zeros(rows: number, cols: number, dtype: DType = 'float64'): Matrix {
    return new Matrix(rows, cols, dtype);
  }

  /** A matrix filled with `value`. */
  static full(rows: number, cols: number, value: number, dtype: DType = 'float64'): Matrix {
    const m = new Matrix(rows, cols, dtype);
    m.data.fill(value);
    return m;
  }

  /** Copies a rectangular array of rows; every row must have the same length. */
  static from(values: readonly (readonly number[])[], dtype: DType = 'float64'): Matrix {
    const rows = values.length;
    const cols = rows === 0 ? 0 : (values[0]?.length ?? 0);
    const m = new Matrix(rows, cols, dtype);
    for (let i = 0; i < rows; i++) {
      const row = values[i]!;
      if (row.length !== cols) throw new ShapeError(`Matrix.from: row ${i} has ${row.length} values, expected ${cols}`);
      for (let j = 0; j < cols; j++) m.data[i * cols + j] = row[j]!;
    }
    return m;
  }

  /** Copies `values` (row-major) into a new `rows × cols` matrix. */
  static fromArray(rows: number, cols: number, values: ArrayLike<number>, dtype: DType = 'float64'): Matrix {
    if (values.length !== rows * cols) {
      throw new ShapeError(`Matrix.fromArray: ${rows}×${cols} needs ${rows * cols} values, got ${values.length}`);
    }
    const m = new Matrix(rows, cols, dtype);
    m.data.set(values);
    return m;
  }

  /** A column vector (n × 1) of `values`. */
  static column(values: ArrayLike<number>, dtype: DType = 'float64'): Matrix {
    return Matrix.fromArray(values.length, 1, values, dtype);
  }

  /** Element type. */
  get dtype(): DType {
    return dtypeOf(this.data);
  }

  /** `rows * cols`. */
  get size(): number {
    return this.data.length;
  }

  /** `[rows, cols]`. */
  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  /** Element (i, j), unchecked. */
  get(i: number, j: number): number {
    return this.data[i * this.cols + j]!;
  }

  /** Sets element (i, j), unchecked. */
  set(i: number, j: number, value: number): void {
    this.data[i * this.cols + j] = value;
  }

  /** A view (no copy) of row `i` as a typed array. */
  row(i: number): FloatArray {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }

  /** A deep copy, optionally converted to another dtype. */
  clone(dtype: DType = this.dtype): Matrix {
    const m = new Matrix(this.rows, this.cols, dtype);
    m.data.set(this.data);
    return m;
  }

  /** Whether `other` has the same shape. */
  sameShape(other: Matrix): boolean {
    return this.rows === other.rows && this.cols === other.cols;
  }

  /** Nested arrays of the values, row by row. */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.row(i)));
    return out;
  }

  /** `"rows×cols"`, for messages. */
  shapeString(): string {
    return `${this.rows}×${this.cols}`;
  }
}

/** Throws a {@link ShapeError} naming `what` unless `m` is `rows × cols`. */
export function assertShape(what: string, m: Matrix, rows: number, cols: number): void {
  if (m.rows !== rows || m.cols !== cols) {
    throw new ShapeError(`${what}: got ${m.rows}×${m.cols}, expected ${rows}×${cols}`);
  }
}

/** Throws a {@link ShapeError} unless `a` and `b` have the same shape. */
export function assertSameShape(what: string, a: Matrix, b: Matrix): void {
  if (!a.sameShape(b)) throw new ShapeError(`${what}: shapes ${a.shapeString()} and ${b.shapeString()} differ`);
}

/** Throws a {@link DataFormatError} naming the first NaN or infinite element of `m`. */
export function assertFinite(what: string, m: Matrix): void {
  const d = m.data;
  for (let k = 0; k < d.length; k++) {
    const v = d[k]!;
    if (!Number.isFinite(v)) {
      const i = Math.floor(k / m.cols);
      throw new DataFormatError(`${what}: element (${i}, ${k - i * m.cols}) is ${v}; all values must be finite`);
    }
  }
}
