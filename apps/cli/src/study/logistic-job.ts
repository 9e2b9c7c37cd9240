import { LogisticRegression, type LogisticRegressionJSON } from '@ffnn/linear-models';
import { createWasmBackend, getBackend, setBackend } from '@ffnn/tensor';
import { CliFailure } from '../errors.js';
import { forkWorker } from '../worker-process.js';
import { mnistStudyData, pixelMatrix, subset } from './mnist.js';

/** Part (f)'s multinomial logistic regression: which images it is fitted on and how. */
export interface LogisticJob {
  /** Seed of the study's split and of the subset. */
  seed: number;
  /** Training images (a stratified subset of the split's training part; 0: all). */
  rows: number;
  C: number;
  maxIter: number;
}

/** A fitted {@link LogisticJob}: the model and the time its fit took. */
export interface LogisticOutcome {
  model: LogisticRegressionJSON;
  fitMs: number;
}

/**
 * Fits the job's model here: the study's split, its stratified subset, pixels / 255 in float64,
 * L-BFGS. The same job gives the same bits in any process (and on any number of threads).
 */
export function fitLogistic(job: LogisticJob): LogisticOutcome {
  const train = subset(mnistStudyData(job.seed).train, job.rows, job.seed);
  const X = pixelMatrix(train, 'float64');
  const started = performance.now();
  const model = new LogisticRegression({ C: job.C, maxIter: job.maxIter }).fit(X, Array.from(train.labels));
  return { model: model.toJSON(), fitMs: performance.now() - started };
}

/**
 * Fits the job's model beside the caller's own work: in a child process of the `ffnn` entry script
 * `bin` (single-threaded kernels, a core of its own), so that it overlaps with what the caller does
 * meanwhile; without `bin` (a library call, a test) here, once the caller awaits the result.
 */
export function fitLogisticAside(job: LogisticJob, bin: string | undefined): Promise<LogisticOutcome> {
  if (bin === undefined) return Promise.resolve().then(() => fitLogistic(job));
  return new Promise((resolve, reject) => {
    const child = forkWorker(bin, 'study-worker');
    let stderr = '';
    let outcome: LogisticOutcome | undefined;
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('message', (msg: { ok: true; outcome: LogisticOutcome } | { ok: false; error: string }) => {
      if (msg.ok) outcome = msg.outcome;
      else reject(new CliFailure(`logistic regression failed in its worker process: ${msg.error}`));
      child.disconnect();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (outcome) resolve(outcome);
      else reject(new CliFailure(`the logistic regression's worker process ended (${signal ?? `code ${code}`}) without a result${stderr ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`));
    });
    child.send(job);
  });
}

/** Body of the worker process of {@link fitLogisticAside}: fits the job the parent sends and replies. */
export function logisticWorkerMain(): void {
  process.on('disconnect', () => process.exit(0));
  process.on('message', (job: LogisticJob) => {
    try {
      process.send!({ ok: true, outcome: fitLogistic(job) });
    } catch (error) {
      process.send!({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });
}

/**
 * Runs `work` on single-threaded kernels when `when` holds and the installed backend has more
 * threads (a job aside holds the other core: two kernel threads would contend with it), then
 * reinstates the backend. Results do not depend on the thread count; what `work` returns must not
 * hold matrices of the single-threaded backend (it is disposed).
 */
export async function onOneThread<T>(when: boolean, work: () => Promise<T>): Promise<T> {
  const installed = getBackend();
  if (!when || installed.threads <= 1) return work();
  const single = await createWasmBackend({ threads: 1 });
  setBackend(single);
  try {
    return await work();
  } finally {
    setBackend(installed);
    single.dispose?.();
  }
}
