import { StandardScaler, polynomialFeatures, runge, takeRows, trainTestSplit } from '@ffnn/datasets';
import { Matrix } from '@ffnn/tensor';
import { join } from 'node:path';
import { writeFileAtomic } from '../io.js';
import type { OptionValue } from '../sweep/spec.js';
import { trialConfigOf, trialFlags } from '../train-options.js';
import { type TrialHooks, type TrialResult, runTrial } from '../trial.js';
import type { StudySettings } from './profiles.js';
import type { SeedSpread } from './stats.js';
import type { PartId, StudyContext, Table, TableCell } from './types.js';

/**
 * `ffnn train` options every grid of the study passes, so its protocol stays the report's whatever
 * the command's defaults: the target as it is (the report does not standardize y) and no loss limit
 * (a run that blows up is one of the grid's results, recorded as it ran).
 */
export const STUDY_TRAIN_PROTOCOL = { standardizeTarget: false, lossLimit: 0 } as const;

/** The Runge data of parts b–e: split, scaled inputs, polynomial features, noisy and clean targets. */
export interface RungeSetup {
  /** Raw x of the training and test rows (n × 1). */
  xTrainRaw: Matrix;
  xTestRaw: Matrix;
  /** x standardized with the training mean/std. */
  xTrain: Matrix;
  xTest: Matrix;
  /** [1, x, …, x^degree] standardized with the training statistics (the constant column maps to 0). */
  polyTrain: Matrix;
  polyTest: Matrix;
  yTrain: Matrix;
  yTest: Matrix;
  /** Clean f(x) of the test rows. */
  fTest: Matrix;
  fTrain: Matrix;
  /** All rows, for the data-set figure. */
  all: { x: Matrix; y: Matrix; f: Matrix };
}

/** Generates Runge data (seeded), splits 80/20 and fits the scalers on the training part only. */
export function rungeSetup(settings: StudySettings, seed: number): RungeSetup {
  const { n, sigma, degree } = settings.runge;
  const all = runge({ n, sigma, seed });
  const { train, test } = trainTestSplit(n, { testFraction: 0.2, seed });
  const xTrainRaw = takeRows(all.x, train);
  const xTestRaw = takeRows(all.x, test);
  const xScaler = new StandardScaler().fit(xTrainRaw);
  const polyAll = polynomialFeatures(all.x, degree);
  const pTrain = takeRows(polyAll, train);
  const pScaler = new StandardScaler().fit(pTrain);
  return {
    xTrainRaw,
    xTestRaw,
    xTrain: xScaler.transform(xTrainRaw),
    xTest: xScaler.transform(xTestRaw),
    polyTrain: pScaler.transform(pTrain),
    polyTest: pScaler.transform(takeRows(polyAll, test)),
    yTrain: takeRows(all.y, train),
    yTest: takeRows(all.y, test),
    fTrain: takeRows(all.f, train),
    fTest: takeRows(all.f, test),
    all,
  };
}

/** A trial the study runs in this process, with its training time as a grid cell's is measured (see `trainingMs`). */
export interface StudyTrial extends TrialResult {
  /** Sum of the epochs' wall times (training and the per-epoch test evaluation), without loading data. */
  timeMs: number;
  msPerEpoch: number;
  /** NaN/Inf or a loss beyond the limit during training, as a message, or null. */
  nonFinite: string | null;
}

/**
 * Runs one trial in this process: `options` are `ffnn train` settings, as in a grid's spec (the
 * study's protocol is added), so an in-process run and a grid cell with the same options are the
 * same {@link runTrial}, bit for bit.
 */
export async function studyTrial(options: Record<string, OptionValue>, hooks: TrialHooks = {}): Promise<StudyTrial> {
  const result = await runTrial(trialConfigOf(trialFlags({ ...STUDY_TRAIN_PROTOCOL, ...options })), hooks);
  const timeMs = result.history.timeMs.reduce((a, v) => a + v, 0);
  return { ...result, timeMs, msPerEpoch: timeMs / Math.max(1, result.history.loss.length), nonFinite: result.history.divergence ? result.history.divergence.message : null };
}

/** A column matrix from numbers. */
export function column(values: ArrayLike<number>): Matrix {
  return Matrix.column(Array.from(values));
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

const isSpread = (v: TableCell): v is SeedSpread => typeof v === 'object' && v !== null;

/**
 * The CSV layout of a table: a column holding results over seeds is written as its mean, followed
 * by `<column> sd` and `<column> n` columns when any of its cells has several seeds (with one seed
 * per cell the CSV is the plain table, the numbers exactly as measured).
 */
export function csvText(columns: readonly string[], rows: readonly TableCell[][]): string {
  const expand = columns.map((_, j) => rows.some((r) => { const v = r[j] ?? null; return isSpread(v) && v.n > 1; }));
  const head = columns.flatMap((c, j) => (expand[j] ? [c, `${c} sd`, `${c} n`] : [c]));
  const body = rows.map((r) =>
    columns.flatMap((_, j) => {
      const v = r[j] ?? null;
      if (!isSpread(v)) return expand[j] ? [v, null, null] : [v];
      return expand[j] ? [v.mean, v.sd, v.n] : [v.mean];
    }),
  );
  return [head.map(csvCell).join(','), ...body.map((r) => r.map(csvCell).join(','))].join('\n') + '\n';
}

/** Writes a table as CSV into `<out>/<part>/<name>.csv` and returns it for the report. */
export function writeTable(ctx: StudyContext, part: PartId, name: string, title: string, columns: string[], rows: TableCell[][]): Table {
  const file = join(part, `${name}.csv`);
  writeFileAtomic(join(ctx.outDir, file), csvText(columns, rows));
  return { name, title, file, columns, rows };
}

/** A number for prose and tables: 4 significant digits, exponent form when small or huge. */
export function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return '–';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return Number(v.toPrecision(digits)).toString();
  return v.toExponential(digits - 1);
}

/** Milliseconds as seconds with one decimal (or ms below a second). */
export function seconds(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Label of hidden layers, e.g. `2×50` or `50-100`. */
export function hiddenLabel(hidden: readonly number[]): string {
  if (hidden.length === 0) return 'none';
  return hidden.every((h) => h === hidden[0]) ? `${hidden.length}×${hidden[0]}` : hidden.join('-');
}

/** Index of the smallest value (first on ties). */
export function argmin<T>(items: readonly T[], key: (t: T) => number): number {
  let best = -1;
  let bestV = Infinity;
  items.forEach((t, i) => {
    const v = key(t);
    if (Number.isFinite(v) && v < bestV) {
      bestV = v;
      best = i;
    }
  });
  return best;
}

/** Logs progress of config i of N within a part. */
export function stepLogger(ctx: StudyContext, part: PartId, total: number): (what: string) => void {
  let i = 0;
  const started = Date.now();
  return (what) => {
    i++;
    ctx.log(`[${part}] ${i}/${total} ${what} (part elapsed ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  };
}
