import type { TrialRecord } from '../sweep/results.js';

/**
 * A setting's results over seeds: the mean, the sample standard deviation (divisor n − 1) and n.
 * `sd` is null when it cannot be measured (n = 1 of a seeded run); a deterministic result (a
 * closed-form fit, the same for every seed) is `exact` with sd 0.
 */
export interface SeedSpread {
  mean: number;
  sd: number | null;
  n: number;
  exact?: boolean;
}

/** Mean and sample standard deviation (n − 1) of the results of one setting over its seeds. */
export function meanSd(values: readonly number[]): SeedSpread {
  const n = values.length;
  if (n === 0) throw new RangeError('meanSd: no values (a setting needs at least one seed result)');
  // n = 1 keeps the value itself (v / 1 = v): one seed's table reads exactly what that run measured.
  const mean = values.reduce((a, v) => a + v, 0) / n;
  if (n === 1) return { mean, sd: null, n };
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (n - 1)), n };
}

/** A result that does not depend on the seed (closed-form linear models on a fixed split). */
export function exactly(value: number): SeedSpread {
  return { mean: value, sd: 0, n: 1, exact: true };
}

/** Whether the spread of `s` is known: measured over ≥ 2 seeds, or exact. */
export function spreadKnown(s: SeedSpread): boolean {
  return s.exact === true || (s.n >= 2 && s.sd !== null);
}

/** Outcome of comparing two settings against their seed-to-seed spread. */
export interface SpreadComparison {
  /** mean(a) − mean(b). */
  difference: number;
  /** sd(a) + sd(b): the difference must exceed it for the two mean ± sd intervals to be apart; null when unknown. */
  spread: number | null;
  /** 'beyond': |difference| > spread; 'within': not; 'unknown': a side has one seed (its spread is not measured). */
  verdict: 'beyond' | 'within' | 'unknown';
}

/**
 * A vs B: does the difference of the means exceed the seed-to-seed spread? It does when the
 * intervals mean ± sd of the two settings do not overlap, |mean(a) − mean(b)| > sd(a) + sd(b).
 * A single run (n = 1) compared with a setting of several seeds is taken to vary as much as that
 * setting does (one draw of the same kind of run); with no spread measured on either side the
 * verdict is 'unknown'.
 */
export function compareSpread(a: SeedSpread, b: SeedSpread): SpreadComparison {
  const difference = a.mean - b.mean;
  const ka = spreadKnown(a);
  const kb = spreadKnown(b);
  if (!ka && !kb) return { difference, spread: null, verdict: 'unknown' };
  const sdA = ka ? (a.sd ?? 0) : (b.sd ?? 0);
  const sdB = kb ? (b.sd ?? 0) : (a.sd ?? 0);
  // A single run against an exact result: nothing measured says how much the run varies.
  if ((!ka && b.exact) || (!kb && a.exact)) return { difference, spread: null, verdict: 'unknown' };
  const spread = sdA + sdB;
  return { difference, spread, verdict: Math.abs(difference) > spread ? 'beyond' : 'within' };
}

/** Trials of one grid cell: every record whose configuration equals the cell's apart from `seed`. */
export interface SeedGroup {
  /** The configuration without its seed. */
  config: TrialRecord['config'];
  records: TrialRecord[];
  seeds: number[];
}

/**
 * Groups a grid's records by their configuration without `seed`, in the order cells first appear.
 * The data split is part of a cell: a record's split seed is its `splitSeed`, else its `seed` (the
 * first seed of a cell has no `splitSeed`; its further seeds name the first seed's), so records on
 * different splits never share a group.
 */
export function groupBySeed(records: readonly TrialRecord[]): SeedGroup[] {
  const groups = new Map<string, SeedGroup>();
  for (const r of records) {
    const { seed, splitSeed, ...rest } = r.config;
    const split = splitSeed ?? seed;
    const keyed = split === undefined ? rest : { ...rest, splitSeed: split };
    const key = JSON.stringify(Object.keys(keyed).sort().map((k) => [k, keyed[k]]));
    let g = groups.get(key);
    if (!g) {
      g = { config: rest, records: [], seeds: [] };
      groups.set(key, g);
    }
    g.records.push(r);
    if (typeof seed === 'number') g.seeds.push(seed);
  }
  return [...groups.values()];
}

/** The spread of one number of a cell's records (e.g. `(r) => r.test.mse!`). */
export function spreadOf(group: SeedGroup, value: (r: TrialRecord) => number): SeedSpread {
  return meanSd(group.records.map(value));
}

/**
 * A per-epoch curve of a cell's records (e.g. `(r) => r.loss`) as mean ± sd over its seeds, epoch by
 * epoch, over the epochs every seed reached (a seed that diverged stops early).
 */
export function curveSpread(group: SeedGroup, curve: (r: TrialRecord) => readonly number[] | undefined): SeedSpread[] {
  const curves = group.records.map((r) => curve(r) ?? []);
  const epochs = Math.min(...curves.map((c) => c.length));
  return Array.from({ length: epochs }, (_, e) => meanSd(curves.map((c) => c[e]!)));
}

/** A figure's subtitle saying what its lines and bands are, for curves over `n` seeds. */
export function bandSubtitle(n: number): string {
  return n >= 2 ? `lines: mean over ${n} seeds; bands: ± 1 standard deviation` : 'one seed: no spread measured';
}

/** The ends of mean ± sd for a figure's band or error bar; empty when the spread is not measured. */
export function bandOf(s: SeedSpread): { low?: number; high?: number } {
  return s.n >= 2 && s.sd !== null ? { low: s.mean - s.sd, high: s.mean + s.sd } : {};
}
