import { fmt } from './common.js';
import { type SeedSpread, type SpreadComparison, compareSpread } from './stats.js';

/** `1 training run`, `2 training runs`, `0 training runs` (irregular plurals passed explicitly). */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count(n)} ${n === 1 ? singular : pluralForm}`;
}

/** A count with thousands separators: `79,510`. */
export function count(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : String(n);
}

/** The sentence with its first letter in upper case. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `a`, `a and b`, `a, b and c`. */
export function listJoin(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * A fraction as a percentage with `digits` decimals; a value that would print as zero without
 * being zero reads "less than 0.01%", and exact 0 and 1 read "0%" and "100%".
 */
export function percent(fraction: number, digits = 2): string {
  if (!Number.isFinite(fraction)) return String(fraction);
  if (fraction === 0) return '0%';
  if (fraction === 1) return '100%';
  const smallest = 10 ** -digits;
  const p = 100 * fraction;
  if (Math.abs(p) < smallest / 2) return `${p < 0 ? 'more than −' : 'less than '}${smallest.toFixed(digits)}%`;
  return `${p.toFixed(digits)}%`;
}

/** A difference of two fractions in percentage points, with the unit: `0.08 percentage points`. */
export function percentagePoints(difference: number, digits = 2): string {
  const v = Math.abs(100 * difference);
  if (v === 0) return '0 percentage points';
  if (v < 10 ** -digits / 2) return `less than ${(10 ** -digits).toFixed(digits)} percentage points`;
  return `${v.toFixed(digits)} percentage points`;
}

/**
 * `0.002312 ± 0.0001204 (n = 3)`; one seed: `0.002312 (n = 1)`; an exact result: `0.002312`.
 * `inParentheses` gives the form that reads inside brackets: `0.002312 ± 0.0001204, n = 3`.
 */
export function meanSdText(s: SeedSpread, format: (v: number) => string = (v) => fmt(v), inParentheses = false): string {
  const n = inParentheses ? `, n = ${s.n}` : ` (n = ${s.n})`;
  if (s.exact) return format(s.mean);
  if (s.n < 2 || s.sd === null) return `${format(s.mean)}${n}`;
  return `${format(s.mean)} ± ${format(s.sd)}${n}`;
}

/** What a difference does against the seed-to-seed spread, as a predicate: `exceeds the seed-to-seed spread (sd sum 2)`. */
export function spreadClause(c: SpreadComparison, format: (v: number) => string = (v) => fmt(v)): string {
  if (c.verdict === 'unknown') return 'cannot be judged against the seed-to-seed spread, which one seed per setting does not measure';
  if (c.verdict === 'beyond') return c.spread === 0 ? 'is real: neither result varies with the seed' : `exceeds the seed-to-seed spread (sd sum ${format(c.spread!)})`;
  return `is within the seed-to-seed spread (sd sum ${format(c.spread!)}), so the two cannot be told apart`;
}

/** One setting of a comparison: its name and its results over seeds. */
export interface Compared {
  label: string;
  spread: SeedSpread;
}

/**
 * A sentence comparing two settings: which is better, by how much (in the metric's unit), and
 * whether the difference exceeds the seed-to-seed spread. `lowerIsBetter` for losses and MSE;
 * `difference` formats the gap with its unit (e.g. {@link percentagePoints}).
 */
export function compareSentence(
  a: Compared,
  b: Compared,
  options: { lowerIsBetter: boolean; metric: string; value?: (v: number) => string; difference?: (d: number) => string },
): string {
  const value = options.value ?? ((v: number) => fmt(v));
  const difference = options.difference ?? ((d: number) => fmt(Math.abs(d)));
  const c = compareSpread(a.spread, b.spread);
  const show = (x: Compared) => `${x.label} (${meanSdText(x.spread, value, true)})`;
  if (c.difference === 0) {
    return capitalize(`${show(a)} and ${show(b)} reach the same ${options.metric}${c.verdict === 'unknown' ? ' (one seed each)' : ''}.`);
  }
  const aBetter = options.lowerIsBetter ? c.difference < 0 : c.difference > 0;
  const [better, worse] = aBetter ? [a, b] : [b, a];
  return capitalize(`${show(better)} has a better ${options.metric} than ${show(worse)}; the difference, ${difference(c.difference)}, ${spreadClause(c, value)}.`);
}
