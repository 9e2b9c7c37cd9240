/**
 * The one error hierarchy of ffnn. Every error a user can cause is an `FfnnError` with a stable
 * `code`, thrown at the boundary with the offending value and what was expected.
 */

/** Stable machine-readable error codes. */
export type FfnnErrorCode =
  | 'E_SHAPE'
  | 'E_OPTION'
  | 'E_DATA'
  | 'E_NUMERIC'
  | 'E_STATE'
  | 'E_IO';

/** Base class of every error thrown on purpose by an ffnn package. */
export class FfnnError extends Error {
  /** Stable code, e.g. `E_SHAPE`; safe to switch on. */
  readonly code: FfnnErrorCode;

  constructor(code: FfnnErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Two operands whose shapes do not fit, e.g. `Dense(784→300): input has 783 columns, expected 784`. */
export class ShapeError extends FfnnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_SHAPE', message, options);
  }
}

/** An option or argument outside its allowed values; the message names it and what is allowed. */
export class InvalidOptionError extends FfnnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_OPTION', message, options);
  }
}

/** Input data that cannot be parsed or used (a bad file, a ragged row, a NaN). */
export class DataFormatError extends FfnnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_DATA', message, options);
  }
}

/** A computation that produced NaN or ±Infinity where a finite number was required. */
export class NumericError extends FfnnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_NUMERIC', message, options);
  }
}

/** An object used in a state that does not allow it (e.g. `predict` before `fit`). */
export class StateError extends FfnnError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_STATE', message, options);
  }
}

/** Fails with an {@link InvalidOptionError} unless `value` is a finite number satisfying `ok`. */
export function checkNumber(name: string, value: unknown, ok: (v: number) => boolean, expected: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new InvalidOptionError(`${name} must be ${expected}, got ${formatValue(value)}`);
  }
  return value;
}

/** Fails with an {@link InvalidOptionError} unless `value` is one of `choices`. */
export function checkChoice<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new InvalidOptionError(`${name} must be one of ${choices.join(', ')}; got ${formatValue(value)}`);
  }
  return value as T;
}

/** A short printable form of any value for error messages. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  try {
    const s = JSON.stringify(value);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
