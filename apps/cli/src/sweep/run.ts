import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { cpus } from 'node:os';
import { CliFailure } from '../errors.js';
import { type TrialRecord, appendRecord, metricOf, readRecords, recordKey, repairResults } from './results.js';
import type { SweepSpec, Trial } from './spec.js';
import { trainFlags } from './worker.js';

/** Options of {@link runSweep}. */
export interface RunOptions {
  /** Results file (JSON Lines); finished trials in it are skipped. */
  out: string;
  /** Worker processes (default: one per core). */
  workers?: number;
  /** Path of the `ffnn` entry script the workers run. */
  bin: string;
  log: (line: string) => void;
}

interface Job {
  trial: Trial;
  epochs?: number;
  rung: number;
}

/** Runs jobs on `workers` child processes; each finished job's record is appended as it arrives. */
async function runJobs(jobs: Job[], options: RunOptions, label: string): Promise<{ records: TrialRecord[]; failures: string[] }> {
  const records: TrialRecord[] = [];
  const failures: string[] = [];
  if (jobs.length === 0) return { records, failures };
  const workers = Math.max(1, Math.min(options.workers ?? cpus().length, jobs.length));
  const queue = [...jobs];
  const started = Date.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: workers }, () =>
      new Promise<void>((resolve, reject) => {
        // Each worker runs single-threaded kernels: the sweep's parallelism is across trials.
        const child = fork(options.bin, ['sweep-worker'], { env: { ...process.env, FFNN_THREADS: '1' }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
        let stderr = '';
        child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
        const next = () => {
          const job = queue.shift();
          if (!job) {
            child.disconnect();
            return;
          }
          child.send(job);
        };
        child.on('message', (msg: { ok: true; record: TrialRecord } | { ok: false; trial: number; error: string }) => {
          try {
            handle(msg);
          } catch (error) {
            child.kill();
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
        const handle = (msg: { ok: true; record: TrialRecord } | { ok: false; trial: number; error: string }) => {
          done++;
          if (msg.ok) {
            appendRecord(options.out, msg.record);
            records.push(msg.record);
            const eta = ((Date.now() - started) / done) * (jobs.length - done);
            const diverged = msg.record.stopReason === 'diverged' ? ' · DIVERGED (best weights kept)' : '';
            options.log(`${label}${done}/${jobs.length} done: trial ${msg.record.trial} (${msg.record.id}, ${msg.record.epochs} epoch${msg.record.epochs === 1 ? '' : 's'}) in ${msg.record.timing.seconds.toFixed(1)}s${diverged} · ETA ${Math.round(eta / 1000)}s`);
          } else {
            failures.push(`trial ${msg.trial}: ${msg.error}`);
            options.log(`${label}${done}/${jobs.length} done: trial ${msg.trial} FAILED: ${msg.error}`);
          }
          next();
        };
        child.on('exit', (code) => {
          if (code === 0 || code === null) resolve();
          else reject(new CliFailure(`a sweep worker exited with code ${code}${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`));
        });
        next();
      }),
    ),
  );
  return { records, failures };
}

/**
 * Runs the given trials (all of a spec, or one shard): skips those already in the results file,
 * runs the rest in parallel worker processes, appending one line per finished trial. With
 * `halving`, runs successive halving rungs instead (not shardable: each rung needs the previous one).
 */
export async function runSweep(spec: SweepSpec, trials: Trial[], options: RunOptions): Promise<{ ran: number; skipped: number; failures: string[]; diverged: number }> {
  for (const t of trials) trainFlags(t.config); // every trial's options are valid before any work starts
  mkdirSync(dirname(options.out) || '.', { recursive: true });
  if (repairResults(options.out)) options.log(`removed a torn last line from ${options.out} (an interrupted write)`);
  const existing = new Map<string, TrialRecord>();
  try {
    for (const r of readRecords(options.out)) existing.set(recordKey(r), r);
  } catch (error) {
    if (!(error instanceof CliFailure) || !/cannot read/.test(error.message)) throw error;
  }
  if (!spec.halving) {
    const epochsOf = (t: Trial) => trainFlags(t.config).epochs;
    const pending = trials.filter((t) => !existing.has(recordKey({ id: t.id, epochs: epochsOf(t) })));
    options.log(`sweep: ${trials.length} trials, ${trials.length - pending.length} already finished, ${pending.length} to run`);
    const { records, failures } = await runJobs(pending.map((trial) => ({ trial, rung: 0 })), options, '');
    return { ran: records.length, skipped: trials.length - pending.length, failures, diverged: divergedOf(records) };
  }
  const h = spec.halving;
  const eta = h.eta ?? 3;
  let survivors = trials;
  let ran = 0;
  let skipped = 0;
  let diverged = 0;
  const failures: string[] = [];
  for (let rung = 0, epochs = h.minEpochs; survivors.length > 0; rung++, epochs = Math.min(h.maxEpochs, epochs * eta)) {
    const results = new Map<number, TrialRecord>();
    const pending: Job[] = [];
    for (const t of survivors) {
      const r = existing.get(recordKey({ id: t.id, epochs }));
      if (r) results.set(t.index, r);
      else pending.push({ trial: t, epochs, rung });
    }
    skipped += results.size;
    options.log(`halving rung ${rung}: ${survivors.length} trials × ${epochs} epochs (${pending.length} to run)`);
    const out = await runJobs(pending, options, `rung ${rung}: `);
    ran += out.records.length;
    diverged += divergedOf(out.records);
    failures.push(...out.failures);
    for (const r of out.records) results.set(r.trial, r);
    if (epochs >= h.maxEpochs || survivors.length === 1) break;
    const ranked = survivors
      .filter((t) => results.has(t.index))
      .sort((a, b) => {
        const d = metricOf(results.get(a.index)!, h.metric) - metricOf(results.get(b.index)!, h.metric);
        return (h.mode === 'min' ? d : -d) || a.index - b.index;
      });
    survivors = ranked.slice(0, Math.max(1, Math.ceil(ranked.length / eta)));
  }
  return { ran, skipped, failures, diverged };
}

/** Trials that diverged (stopped on NaN/Inf or the loss limit, best weights kept): results, but worth saying. */
function divergedOf(records: readonly TrialRecord[]): number {
  return records.filter((r) => r.stopReason === 'diverged').length;
}
