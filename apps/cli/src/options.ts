import { ACTIVATIONS } from '@ffnn/layers';
import { OPTIMIZER_NAMES } from '@ffnn/optim';
import { UsageError } from './errors.js';

/** Hidden activations offered by the CLI (softmax and linear are output-only). */
export const HIDDEN_ACTIVATIONS = ACTIVATIONS.filter((a) => a !== 'softmax' && a !== 'linear');
export { OPTIMIZER_NAMES };

/** Parses a number flag, failing with a usage error that names the flag. */
export function numberFlag(flag: string, ok: (v: number) => boolean, expected: string): (raw: string) => number {
  return (raw: string) => {
    const v = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(v) || !ok(v)) throw new UsageError(`${flag} must be ${expected}; got "${raw}"`);
    return v;
  };
}

export const positiveInt = (flag: string) => numberFlag(flag, (v) => Number.isInteger(v) && v >= 1, 'a positive integer');
export const nonNegInt = (flag: string) => numberFlag(flag, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
export const positive = (flag: string) => numberFlag(flag, (v) => v > 0, 'a positive number');
export const nonNegative = (flag: string) => numberFlag(flag, (v) => v >= 0, 'a number ≥ 0');
export const fraction = (flag: string) => numberFlag(flag, (v) => v > 0 && v < 1, 'a fraction in (0, 1)');

/** `--hidden 100,100` → [100, 100]; `--hidden ""` or `none` → no hidden layer. */
export function parseHidden(raw: string): number[] {
  if (raw.trim() === '' || raw === 'none') return [];
  const parts = raw.split(',').map((s) => s.trim());
  const widths = parts.map(Number);
  if (widths.some((w) => !Number.isInteger(w) || w < 1)) {
    throw new UsageError(`--hidden must be comma-separated positive layer widths such as 100,100; got "${raw}"`);
  }
  return widths;
}
