import { InvalidOptionError, Matrix, ShapeError, checkChoice, checkNumber, type DType } from '@ffnn/tensor';
import * as fc from 'fast-check';

/** Bounds of {@link arbShape}; all inclusive. */
export interface ShapeOptions {
  /** Default 1. */
  minRows?: number;
  /** Default 5. */
  maxRows?: number;
  /** Default 1. */
  minCols?: number;
  /** Default 5. */
  maxCols?: number;
}

/** Value options of {@link arbMatrix}. */
export interface MatrixValueOptions {
  /** Smallest value, inclusive. Default −1. */
  min?: number;
  /** Largest value, inclusive. Default 1. */
  max?: number;
  /** Element type. Default `'float64'`. */
  dtype?: DType;
  /** Keep |x| ≥ this (e.g. away from the ReLU kink at 0). Default 0 (no constraint). */
  awayFromZero?: number;
}

function checkCount(name: string, value: unknown): number {
  return checkNumber(name, value, (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer');
}

/**
 * Random matrix shapes `[rows, cols]` with each side in its inclusive range; shrinks towards the
 * smallest shape.
 *
 * @throws InvalidOptionError if a bound is not a non-negative integer or a minimum exceeds its maximum.
 */
export function arbShape(opts: ShapeOptions = {}): fc.Arbitrary<[number, number]> {
  const minRows = checkCount('arbShape minRows', opts.minRows ?? 1);
  const maxRows = checkCount('arbShape maxRows', opts.maxRows ?? Math.max(5, minRows));
  const minCols = checkCount('arbShape minCols', opts.minCols ?? 1);
  const maxCols = checkCount('arbShape maxCols', opts.maxCols ?? Math.max(5, minCols));
  if (minRows > maxRows) throw new InvalidOptionError(`arbShape: minRows ${minRows} exceeds maxRows ${maxRows}`);
  if (minCols > maxCols) throw new InvalidOptionError(`arbShape: minCols ${minCols} exceeds maxCols ${maxCols}`);
  return fc.tuple(fc.integer({ min: minRows, max: maxRows }), fc.integer({ min: minCols, max: maxCols }));
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** The float32 value next to the finite float32 `x` in the direction of `up`. */
function nextFloat32(x: number, up: boolean): number {
  if (x === 0) return up ? 1.401298464324817e-45 : -1.401298464324817e-45;
  F32[0] = x;
  // For IEEE-754 floats, moving the bit pattern by one moves the magnitude by one ulp.
  U32[0] = U32[0]! + ((x > 0) === up ? 1 : -1);
  return F32[0];
}

/** The smallest float32 ≥ x (`ceil`) or largest float32 ≤ x (`floor`). */
function roundFloat32(x: number, direction: 'ceil' | 'floor'): number {
  const f = Math.fround(x);
  if (direction === 'ceil' && f < x) return nextFloat32(f, true);
  if (direction === 'floor' && f > x) return nextFloat32(f, false);
  return f;
}

/** One element arbitrary over [lo, hi] in the given dtype, or undefined when no value fits. */
function elementIn(lo: number, hi: number, dtype: DType): fc.Arbitrary<number> | undefined {
  if (dtype === 'float32') {
    const lo32 = roundFloat32(lo, 'ceil');
    const hi32 = roundFloat32(hi, 'floor');
    if (lo32 > hi32 || !Number.isFinite(lo32) || !Number.isFinite(hi32)) return undefined;
    return fc.float({ min: lo32, max: hi32, noNaN: true, noDefaultInfinity: true });
  }
  if (lo > hi) return undefined;
  return fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
}

/**
 * Random `rows × cols` matrices with every element in [min, max] (and |x| ≥ `awayFromZero` when
 * set), exactly representable in `dtype`. Elements shrink independently towards the value nearest 0.
 *
 * @throws ShapeError if `rows` or `cols` is not a non-negative integer.
 * @throws InvalidOptionError for non-finite bounds, `min > max`, a bad dtype, or an
 *   `awayFromZero` that leaves no admissible value in [min, max].
 */
export function arbMatrix(rows: number, cols: number, opts: MatrixValueOptions = {}): fc.Arbitrary<Matrix> {
  for (const [name, n] of [
    ['rows', rows],
    ['cols', cols],
  ] as const) {
    if (!Number.isInteger(n) || n < 0) throw new ShapeError(`arbMatrix: ${name} must be a non-negative integer, got ${n}`);
  }
  const min = checkNumber('arbMatrix min', opts.min ?? -1, () => true, 'a finite number');
  const max = checkNumber('arbMatrix max', opts.max ?? 1, () => true, 'a finite number');
  if (min > max) throw new InvalidOptionError(`arbMatrix: min ${min} exceeds max ${max}`);
  const dtype = checkChoice('arbMatrix dtype', opts.dtype ?? 'float64', ['float64', 'float32'] as const);
  const away = checkNumber('arbMatrix awayFromZero', opts.awayFromZero ?? 0, (v) => v >= 0, 'a non-negative finite number');

  const pieces = (
    away === 0
      ? [elementIn(min, max, dtype)]
      : [elementIn(Math.max(min, away), max, dtype), elementIn(min, Math.min(max, -away), dtype)]
  ).filter((a): a is fc.Arbitrary<number> => a !== undefined);
  const [first, ...rest] = pieces;
  if (first === undefined) {
    throw new InvalidOptionError(`arbMatrix: no ${dtype} value in [${min}, ${max}] has |x| ≥ awayFromZero = ${away}`);
  }
  const element = rest.length === 0 ? first : fc.oneof({ withCrossShrink: true }, first, ...rest);
  const n = rows * cols;
  return fc.array(element, { minLength: n, maxLength: n }).map((values) => Matrix.fromArray(rows, cols, values, dtype));
}

/**
 * Random matrices of a random shape: {@link arbShape} then {@link arbMatrix} with the same options.
 * Shrinks the shape first, then the values.
 */
export function arbMatrixOfShape(opts: ShapeOptions & MatrixValueOptions = {}): fc.Arbitrary<Matrix> {
  const { minRows, maxRows, minCols, maxCols, ...values } = opts;
  // Validate the value options eagerly, so a bad option fails at the call and not inside a run.
  arbMatrix(0, 0, values);
  return arbShape({ minRows, maxRows, minCols, maxCols }).chain(([rows, cols]) => arbMatrix(rows, cols, values));
}
