import { InvalidOptionError, Matrix, ShapeError, assertFinite, checkNumber } from '@ffnn/tensor';

/**
 * Checks at the boundary of every estimator: messages name the model, the argument, the shape
 * found and the shape expected.
 */

/** Fails unless `X` is a finite `Matrix` with at least one row and one column. */
export function checkDesign(where: string, X: unknown): Matrix {
  if (!(X instanceof Matrix)) throw new ShapeError(`${where}: X must be a Matrix, got ${describe(X)}`);
  if (X.rows === 0 || X.cols === 0) throw new ShapeError(`${where}: X is ${X.shapeString()}; it needs at least one row and one column`);
  assertFinite(`${where}: X`, X);
  return X;
}

/** Fails unless `y` is a finite `n × 1` Matrix with one target per row of `X`. */
export function checkTarget(where: string, X: Matrix, y: unknown): Matrix {
  if (!(y instanceof Matrix)) throw new ShapeError(`${where}: y must be a Matrix of shape ${X.rows}×1, got ${describe(y)}`);
  if (y.rows !== X.rows || y.cols !== 1) {
    throw new ShapeError(`${where}: y is ${y.shapeString()}, expected ${X.rows}×1 (one target per row of X, which is ${X.shapeString()})`);
  }
  assertFinite(`${where}: y`, y);
  return y;
}

/** Fails unless `X` has the `p` columns seen at fit time. */
export function checkColumns(where: string, X: Matrix, p: number): void {
  if (X.cols !== p) throw new ShapeError(`${where}: X has ${X.cols} columns, expected ${p} (as in fit)`);
}

/** A boolean option such as `fitIntercept`. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidOptionError(`${name} must be true or false, got ${String(value)}`);
  }
  return value;
}

/** A non-negative finite number (penalties). */
export function checkNonNegative(name: string, value: unknown): number {
  return checkNumber(name, value, (v) => v >= 0, 'a finite number ≥ 0');
}

/** A strictly positive finite number. */
export function checkPositive(name: string, value: unknown): number {
  return checkNumber(name, value, (v) => v > 0, 'a finite number > 0');
}

/** A positive integer (iteration counts, batch sizes). */
export function checkPositiveInteger(name: string, value: unknown): number {
  return checkNumber(name, value, (v) => Number.isInteger(v) && v >= 1, 'an integer ≥ 1');
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object') return v.constructor?.name ?? 'an object';
  return typeof v;
}
