import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { cpus } from 'node:os';
import { CliFailure } from '../errors.js';
import { forkWorker } from '../worker-process.js';
import { type TrialRecord, appendRecord, metricOf, readRecords, recordKey, repairResults } from './results.js';
import type { SweepSpec, Trial } from './spec.js';
import { trialFlags } from '../train-options.js';

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

type WorkerMessage = { ok: true; record: TrialRecord } | { ok: false; trial: number; error: string };

/**
 * Runs jobs on `workers` child processes; each finished job's record is appended as it arrives.
 * A worker killed by a signal mid-trial (the OOM killer, a scheduler, a user) is replaced and its
 * trial runs once more; a second death records the trial as failed with the reason, and a rerun of
 * the sweep runs it again. A worker exiting with a code of its own (a broken install) stops the sweep.
 */
async function runJobs(jobs: Job[], options: RunOptions, label: string): Promise<{ records: TrialRecord[]; failures: string[] }> {
  const records: TrialRecord[] = [];
  const failures: string[] = [];
  if (jobs.length === 0) return { records, failures };
  const workers = Math.max(1, Math.min(options.workers ?? cpus().length, jobs.length));
  const queue = [...jobs];
  const rerun = new Set<Job>();
  const started = Date.now();
  let done = 0;
  const worker = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      // Each worker runs single-threaded kernels: the sweep's parallelism is across trials.
      const child = forkWorker(options.bin, 'sweep-worker');
      let stderr = '';
      let current: Job | undefined;
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const next = () => {
        current = queue.shift();
        if (!current) {
          child.disconnect();
          return;
        }
        child.send(current);
      };
      const handle = (msg: WorkerMessage) => {
        current = undefined;
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
      child.on('message', (msg: WorkerMessage) => {
        try {
          handle(msg);
        } catch (error) {
          child.kill();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      // Sending to a worker that has just been killed fails here; its 'exit' below deals with the trial.
      child.on('error', (error) => {
        if (child.pid === undefined) reject(error);
      });
      child.on('exit', (code, signal) => {
        const job = current;
        if (signal && job) {
          const trial = job.trial.index;
          if (!rerun.has(job)) {
            rerun.add(job);
            queue.unshift(job);
            options.log(`${label}trial ${trial}: its worker process (pid ${child.pid}) was killed by ${signal} mid-trial; running the trial again in a new worker`);
          } else {
            done++;
            failures.push(`trial ${trial}: its worker process was killed by ${signal} twice`);
            options.log(`${label}${done}/${jobs.length} done: trial ${trial} FAILED: its worker process was killed by ${signal} twice; a rerun of the sweep runs it again`);
          }
          resolve(queue.length > 0 ? worker() : undefined);
        } else if (code === 0 || code === null) resolve();
        else reject(new CliFailure(`a sweep worker exited with code ${code}${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`));
      });
      next();
    });
  await Promise.all(Array.from({ length: workers }, worker));
  return { records, failures };
}

/** What a sweep run did: trials run (finished, diverged or failed) and trials skipped as already finished. */
export interface SweepOutcome {
  ran: number;
  /** Trials that stopped on a NaN/Inf loss: results of the sweep (with their best weights), not failures. */
  diverged: number;
  skipped: number;
  failures: string[];
}

const divergedIn = (records: TrialRecord[]) => records.filter((r) => r.stopReason === 'diverged').length;

/**
 * Runs the given trials (all of a spec, or one shard): skips those already in the results file,
 * runs the rest in parallel worker processes, appending one line per finished trial. With
 * `halving`, runs successive halving rungs instead (not shardable: each rung needs the previous one).
 */
export async function runSweep(spec: SweepSpec, trials: Trial[], options: RunOptions): Promise<SweepOutcome> {
  for (const t of trials) trialFlags(t.config); // every trial's options are valid before any work starts
  mkdirSync(dirname(options.out) || '.', { recursive: true });
  if (repairResults(options.out)) options.log(`removed a torn last line from ${options.out} (an interrupted write)`);
  const existing = new Map<string, TrialRecord>();
  try {
    for (const r of readRecords(options.out)) existing.set(recordKey(r), r);
  } catch (error) {
    if (!(error instanceof CliFailure) || !/cannot read/.test(error.message)) throw error;
  }
  if (!spec.halving) {
    const epochsOf = (t: Trial) => trialFlags(t.config).epochs;
    const pending = trials.filter((t) => !existing.has(recordKey({ id: t.id, epochs: epochsOf(t) })));
    options.log(`sweep: ${trials.length} trials, ${trials.length - pending.length} already finished, ${pending.length} to run`);
    const { records, failures } = await runJobs(pending.map((trial) => ({ trial, rung: 0 })), options, '');
    return { ran: records.length + failures.length, diverged: divergedIn(records), skipped: trials.length - pending.length, failures };
  }
  const h = spec.halving;
  const eta = h.eta ?? 3;
  let survivors = trials;
  let ran = 0;
  let diverged = 0;
  let skipped = 0;
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
    ran += out.records.length + out.failures.length;
    diverged += divergedIn(out.records);
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
  return { ran, diverged, skipped, failures };
}
