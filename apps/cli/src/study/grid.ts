import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { finalRecords } from '../sweep/report.js';
import { type TrialRecord, appendRecord, readRecords } from '../sweep/results.js';
import { runSweep } from '../sweep/run.js';
import { type SweepSpec, type Trial, expandTrials } from '../sweep/spec.js';
import { runSweepTrial } from '../sweep/worker.js';
import type { PartId, StudyContext } from './types.js';

/**
 * Runs a grid of the study through the sweep machinery (`ffnn sweep`): the same trial expansion,
 * the same `runTrial` per trial (given its config object) and the same JSON-lines records,
 * kept in `<out>/<part>/<file>` (`sweep.jsonl` unless a part runs several grids). The trials run in
 * worker processes of `ctx.workerBin` when the caller names the CLI's entry script (`ffnn
 * reproduce` does), else one after another in this process (a library call, a test). Records come
 * back in the spec's trial order. `ffnn sweep run` with the same spec on many machines (--shard)
 * produces the identical numbers.
 */
export async function runGrid(ctx: StudyContext, part: PartId, spec: SweepSpec, file = 'sweep.jsonl'): Promise<TrialRecord[]> {
  const trials = expandTrials(spec);
  const out = join(ctx.outDir, part, file);
  mkdirSync(join(ctx.outDir, part), { recursive: true });
  if (existsSync(out)) rmSync(out); // a fresh run of the part: never mix in a previous run's records
  // A trial an earlier grid of this invocation ran (same id: the same configuration and seed) is
  // taken from it: the sweep then counts it as already finished. (Not under successive halving,
  // whose records of one id differ by rung.)
  const known = (t: Trial) => spec.halving === undefined && ctx.trialRecords?.has(t.id) === true;
  const reused = trials.filter(known);
  for (const t of reused) appendRecord(out, { ...ctx.trialRecords!.get(t.id)!, trial: t.index });
  if (reused.length > 0) ctx.log(`[${part}] ${reused.length} of ${trials.length} trials already ran in this invocation (same configuration and seed); their records are reused`);
  if (ctx.workerBin !== undefined) {
    const { failures } = await runSweep(spec, trials, { out, bin: ctx.workerBin, log: (line) => ctx.log(`[${part}] ${line}`) });
    if (failures.length) throw new Error(`part ${part}: ${failures.length} grid trial(s) failed: ${failures.join('; ')}`);
  } else {
    for (const t of trials.filter((t) => !known(t))) {
      ctx.log(`[${part}] trial ${t.index + 1}/${trials.length} (in process)`);
      appendRecord(out, await runSweepTrial(t, undefined, 0));
    }
  }
  const byIndex = new Map(finalRecords(readRecords(out)).map((r) => [r.trial, r]));
  return trials.map((t) => {
    const r = byIndex.get(t.index);
    if (!r) throw new Error(`part ${part}: trial ${t.index} has no record in ${out}`);
    ctx.trialRecords?.set(t.id, r);
    return r;
  });
}

/**
 * Training time of a trial in ms as `studyTrial` measures it: the sum of its epochs (training and the
 * per-epoch test evaluation), without loading data; the whole trial's wall time for records without
 * per-epoch times.
 */
export function trainingMs(r: TrialRecord): number {
  return r.timing.epochMs ? r.timing.epochMs.reduce((a, v) => a + v, 0) : 1000 * r.timing.seconds;
}

/** {@link trainingMs} of a trial and its mean per finished epoch. */
export function trainingTimes(r: TrialRecord): { timeMs: number; msPerEpoch: number } {
  const timeMs = trainingMs(r);
  return { timeMs, msPerEpoch: timeMs / Math.max(1, r.loss.length) };
}

/** The NaN/Inf message of a diverged trial (as `studyTrial` reports it), or null. */
export function nonFiniteOf(r: TrialRecord): string | null {
  return r.stopReason === 'diverged' ? (r.divergence ?? 'diverged') : null;
}
