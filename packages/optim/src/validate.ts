import { InvalidOptionError, checkNumber, formatValue } from '@ffnn/tensor';

/**
 * Option validation shared by the optimizers and schedules. Every check throws an
 * `InvalidOptionError` whose message names the owner, the option and the allowed range,
 * e.g. `Adam: beta1 must be in [0, 1), got 1`.
 */

/** Rejects anything but a plain object, and keys outside `allowed` (catches typos such as `betas`). */
export function checkKeys(owner: string, what: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(`${owner}: ${what} must be an object, got ${formatValue(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      const known = allowed.length === 0 ? 'none' : allowed.join(', ');
      throw new InvalidOptionError(`${owner}: unknown ${what === 'options' ? 'option' : `${what} key`} ${JSON.stringify(key)}; known: ${known}`);
    }
  }
  return value as Record<string, unknown>;
}

/** A finite number `> 0`. */
export function positive(owner: string, name: string, value: unknown): number {
  return checkNumber(`${owner}: ${name}`, value, (v) => v > 0, 'a finite number > 0');
}

/** A finite number `≥ 0`. */
export function nonNegative(owner: string, name: string, value: unknown): number {
  return checkNumber(`${owner}: ${name}`, value, (v) => v >= 0, 'a finite number ≥ 0');
}

/** A number in `[0, 1)`, the range of an exponential-average coefficient. */
export function unitInterval(owner: string, name: string, value: unknown): number {
  return checkNumber(`${owner}: ${name}`, value, (v) => v >= 0 && v < 1, 'in [0, 1)');
}

/** A number in `[0, 1]`. */
export function closedUnitInterval(owner: string, name: string, value: unknown): number {
  return checkNumber(`${owner}: ${name}`, value, (v) => v >= 0 && v <= 1, 'in [0, 1]');
}

/** An integer `≥ min`. */
export function integerAtLeast(owner: string, name: string, value: unknown, min: number): number {
  return checkNumber(`${owner}: ${name}`, value, (v) => Number.isInteger(v) && v >= min, `an integer ≥ ${min}`);
}

/** A boolean. */
export function bool(owner: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new InvalidOptionError(`${owner}: ${name} must be true or false, got ${formatValue(value)}`);
  }
  return value;
}
