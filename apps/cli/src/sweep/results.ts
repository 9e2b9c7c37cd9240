import { closeSync, existsSync, fsyncSync, openSync, readFileSync, statSync, truncateSync, writeSync } from 'node:fs';
import { CliFailure } from '../errors.js';
import type { SpectralRow } from '../spectral.js';
import type { OptionValue } from './spec.js';

/** One finished trial: one line of a results file (JSON Lines). */
export interface TrialRecord {
  /** Index of the trial in the spec's expanded list. */
  trial: number;
  /** Stable id of its configuration. */
  id: string;
  /** Successive-halving rung (0 without halving). */
  rung: number;
  /** Epochs trained. */
  epochs: number;
  config: Record<string, OptionValue>;
  train: Record<string, number>;
  test: Record<string, number>;
  /** Training loss per epoch. */
  loss: number[];
  /** Training metric per epoch (accuracy or MSE, from the batch outputs as seen during the epoch). Optional: absent in older files. */
  metric?: number[];
  /** Test loss and metric after every epoch (trials with `testCurves`). */
  testLoss?: number[];
  testMetric?: number[];
  stopReason: string;
  /** Why a diverged trial stopped (the NaN/Inf message). */
  divergence?: string;
  /** Dead (ReLU family) and saturated (sigmoid/tanh) unit fractions of each hidden layer after training. */
  diagnostics?: { layer: number; activation: string; deadFraction: number | null; saturatedFraction: number | null }[];
  /** σ_max of every weight matrix and of its change, per epoch (trials with `spectral`). */
  spectral?: SpectralRow[];
  /** Wall time (the whole trial, and each epoch's training and test evaluation); the only field that differs between runs. */
  timing: { seconds: number; epochMs?: number[] };
}

/** The key that identifies a record: the same configuration trained for the same epochs. */
export const recordKey = (r: { id: string; epochs: number }): string => `${r.id}@${r.epochs}`;

/**
 * Removes a torn last line (a run killed mid-write) so the next append starts on a fresh line.
 * Returns whether anything was cut.
 */
export function repairResults(path: string): boolean {
  if (!existsSync(path) || statSync(path).size === 0) return false;
  const bytes = readFileSync(path);
  if (bytes[bytes.length - 1] === 0x0a) return false;
  const cut = bytes.lastIndexOf(0x0a) + 1;
  truncateSync(path, cut);
  return true;
}

/** Appends one record as one line: a single write of the whole line, then fsync. */
export function appendRecord(path: string, record: TrialRecord): void {
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, `${JSON.stringify(record)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads a results file; a torn last line is ignored, any other bad line is an error naming it. */
export function readRecords(path: string): TrialRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new CliFailure(`${path}: cannot read the results file (no such file?)`);
  }
  const lines = text.split('\n');
  const torn = !text.endsWith('\n');
  const out: TrialRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const last = i === lines.length - 1;
    try {
      const r = JSON.parse(line) as TrialRecord;
      if (typeof r !== 'object' || r === null || typeof r.id !== 'string' || !Number.isInteger(r.trial) || !Number.isInteger(r.epochs)) throw new Error('not a trial record');
      out.push(r);
    } catch (error) {
      if (last && torn) return;
      throw new CliFailure(`${path}: line ${i + 1} is not a trial record (${(error as Error).message})`);
    }
  });
  return out;
}

/** A record without its timing, for comparing runs. */
export function withoutTiming(r: TrialRecord): Omit<TrialRecord, 'timing'> {
  const { timing: _t, ...rest } = r;
  return rest;
}

/** Looks up `test.mse`-style paths in a record. */
export function metricOf(r: TrialRecord, path: string): number {
  const [part, name] = path.split('.') as ['train' | 'test', string];
  const v = r[part]?.[name];
  if (typeof v !== 'number') throw new CliFailure(`metric ${path} is not in the results (available: ${Object.keys(r.test).map((k) => `test.${k}`).join(', ')})`);
  return v;
}
