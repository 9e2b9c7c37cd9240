import { CliFailure } from '../errors.js';
import { type TrialRecord, metricOf, recordKey, withoutTiming } from './results.js';
import type { OptionValue, Trial } from './spec.js';

/** The last (largest-epoch) record of each trial: what a report ranks. */
export function finalRecords(records: TrialRecord[]): TrialRecord[] {
  const byTrial = new Map<string, TrialRecord>();
  for (const r of records) {
    const prev = byTrial.get(r.id);
    if (!prev || r.epochs > prev.epochs) byTrial.set(r.id, r);
  }
  return [...byTrial.values()].sort((a, b) => a.trial - b.trial);
}

/** Options that vary between the trials (the columns worth showing). */
export function varyingKeys(records: TrialRecord[]): string[] {
  const keys = new Set<string>();
  for (const r of records) for (const k of Object.keys(r.config)) keys.add(k);
  return [...keys].filter((k) => new Set(records.map((r) => JSON.stringify(r.config[k] ?? null))).size > 1);
}

const fmt = (v: number) => (Math.abs(v) >= 0.01 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3));

/** A markdown table of trials ranked by `metric`. */
export function rankingTable(records: TrialRecord[], metric: string, mode: 'min' | 'max', limit = 20): string {
  const keys = varyingKeys(records);
  const ranked = [...records].sort((a, b) => (mode === 'min' ? 1 : -1) * (metricOf(a, metric) - metricOf(b, metric)) || a.trial - b.trial);
  const head = `| rank | trial | ${keys.join(' | ')} | epochs | ${metric} | seconds |`;
  const sep = `|${' --- |'.repeat(keys.length + 5)}`;
  const rows = ranked.slice(0, limit).map((r, i) => `| ${i + 1} | ${r.trial} | ${keys.map((k) => String(r.config[k] ?? '')).join(' | ')} | ${r.epochs} | ${fmt(metricOf(r, metric))} | ${r.timing.seconds.toFixed(1)} |`);
  return [head, sep, ...rows].join('\n');
}

/** Best `metric` per (x, y) cell over all other options, as data for a heatmap and a markdown grid. */
export function heatmapCells(records: TrialRecord[], metric: string, mode: 'min' | 'max', x: string, y: string) {
  for (const k of [x, y]) if (!records.some((r) => k in r.config)) throw new CliFailure(`option "${k}" does not appear in the results (options: ${varyingKeys(records).join(', ')})`);
  const cells = new Map<string, { x: OptionValue; y: OptionValue; value: number }>();
  for (const r of records) {
    const xv = r.config[x]!, yv = r.config[y]!;
    const key = JSON.stringify([xv, yv]);
    const v = metricOf(r, metric);
    const prev = cells.get(key);
    if (!prev || (mode === 'min' ? v < prev.value : v > prev.value)) cells.set(key, { x: xv, y: yv, value: v });
  }
  const xs = [...new Set([...cells.values()].map((c) => c.x))].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
  const ys = [...new Set([...cells.values()].map((c) => c.y))].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
  const grid = [`| ${y} \\ ${x} | ${xs.join(' | ')} |`, `|${' --- |'.repeat(xs.length + 1)}`];
  for (const yv of ys) grid.push(`| ${String(yv)} | ${xs.map((xv) => { const c = cells.get(JSON.stringify([xv, yv])); return c ? fmt(c.value) : '—'; }).join(' | ')} |`);
  return { cells: [...cells.values()], markdown: grid.join('\n') };
}

/** Result of {@link mergeRecords}. */
export interface MergeReport {
  records: TrialRecord[];
  duplicates: number;
  conflicts: string[];
  missing: Trial[];
}

/**
 * Combines shard outputs: one record per (trial, epochs), sorted by trial index; identical repeats
 * are counted as duplicates, differing repeats are conflicts; trials of `expected` with no record are missing.
 */
export function mergeRecords(files: TrialRecord[][], expected: Trial[] | null): MergeReport {
  const byKey = new Map<string, TrialRecord>();
  let duplicates = 0;
  const conflicts: string[] = [];
  for (const records of files) {
    for (const r of records) {
      const key = recordKey(r);
      const prev = byKey.get(key);
      if (!prev) byKey.set(key, r);
      else if (JSON.stringify(withoutTiming(prev)) === JSON.stringify(withoutTiming(r))) duplicates++;
      else conflicts.push(`trial ${r.trial} (${r.id}, ${r.epochs} epochs) has two different results`);
    }
  }
  const records = [...byKey.values()].sort((a, b) => a.trial - b.trial || a.epochs - b.epochs);
  const have = new Set(records.map((r) => r.id));
  const missing = expected ? expected.filter((t) => !have.has(t.id)) : [];
  return { records, duplicates, conflicts, missing };
}
