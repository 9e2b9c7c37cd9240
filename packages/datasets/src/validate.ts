import { DataFormatError, InvalidOptionError } from '@ffnn/tensor';

/** Throws an InvalidOptionError unless `value` is an integer in [min, max]. */
export function checkInt(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw new InvalidOptionError(`${name} must be ${range}, got ${String(value)}`);
  }
  return value;
}

/** Throws a DataFormatError unless every element of `labels` is an integer in [0, numClasses). */
export function checkLabels(what: string, labels: ArrayLike<number>, numClasses: number): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new DataFormatError(`${what}: element ${i} is ${v}; labels must be integers in 0..${numClasses - 1}`);
    }
  }
}
