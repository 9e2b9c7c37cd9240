import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { type History, type Sequential, type TrainingState, decodeTrainingState, encodeTrainingState, type unitDiagnostics } from '@ffnn/layers';
import { FfnnError, NumericError, getBackend, jsBackend, setBackend, useFastestBackend } from '@ffnn/tensor';
import { type Task, className, featuresLabel } from '../data.js';
import { CliFailure, Interrupted, UsageError } from '../errors.js';
import { writeFileAtomic } from '../io.js';
import { modelFormatFor, saveModel, type ModelFile } from '../model-file.js';
import { positiveInt } from '../options.js';
import { Progress, asciiCurve, formatNumber, plural } from '../progress.js';
import type { SpectralRow } from '../spectral.js';
import { BACKEND_NAMES, commanderOptions, trialConfigOf } from '../train-options.js';
import { type PreparedData, type TrialConfig, runTrial } from '../trial.js';
import { VERSION } from '../version.js';

export interface TrainFlags extends Omit<TrialConfig, 'splitSeed'> {
  /** Seed of the data and the split; absent: `seed` (and in checkpoints and models made before the flag). */
  splitSeed?: number;
  save?: string;
  json?: boolean;
  quiet?: boolean;
  checkpoint?: string;
  checkpointEvery?: number;
  resume?: string;
  backend?: string;
  threads?: number;
}

/** `FFNN_THREADS` from the environment (sweep workers set it to 1: their parallelism is across trials). */
function envThreads(): number | undefined {
  const raw = process.env.FFNN_THREADS;
  return raw === undefined || raw === '' ? undefined : positiveInt('FFNN_THREADS')(raw);
}

/** The backend when --backend does not name one: `FFNN_BACKEND` from the environment, else `wasm`. */
function defaultBackend(): string {
  return process.env.FFNN_BACKEND ?? 'wasm';
}

export { BACKEND_NAMES };

/** How a backend is shown to users, e.g. `wasm-simd (2 threads)` or `js (1 thread)`. */
export function backendLabel(backend: { name: string; threads: number }): string {
  return `${backend.name} (${backend.threads} thread${backend.threads === 1 ? '' : 's'})`;
}

/**
 * Installs the kernels ffnn computes with: WebAssembly SIMD on `threads` threads (default: all
 * cores; results do not depend on it) where the runtime has SIMD, or plain JavaScript for `js`.
 * The default is `FFNN_BACKEND` from the environment, else `wasm`.
 */
export async function selectBackend(name: string = defaultBackend(), threads: number | undefined = envThreads()): Promise<void> {
  if (name === 'js') {
    setBackend(jsBackend);
    return;
  }
  if (name !== 'wasm') throw new UsageError(`backend must be one of ${BACKEND_NAMES.join(', ')} (from --backend or FFNN_BACKEND); got ${JSON.stringify(name)}`);
  await useFastestBackend(threads === undefined ? {} : { threads });
}

/** Flags that may differ between a checkpointed run and its resumption (output only). */
const RESUMABLE_OVERRIDES = new Set(['save', 'json', 'quiet', 'checkpoint', 'checkpointEvery', 'resume', 'threads']);

/** Result of `ffnn train --json`. */
export interface TrainResult {
  data: string;
  task: Task;
  rows: { train: number; test: number };
  architecture: string;
  backend: { name: string; threads: number };
  history: History;
  train: Record<string, number>;
  test: Record<string, number>;
  diagnostics: ReturnType<typeof unitDiagnostics>;
  /** With --spectral: σ_max of every weight matrix and of its change, per epoch (epoch 0: initial weights). */
  spectral?: SpectralRow[];
  seconds: number;
  savedTo?: string;
}

export function registerTrain(program: Command): void {
  const cmd = program.command('train').description('train a network on runge, mnist or a CSV file and report train and test metrics');
  for (const option of commanderOptions()) cmd.addOption(option);
  cmd
    .addHelpText(
      'after',
      `
Examples:
  $ ffnn train --data runge --hidden 50,50 --optimizer adam --lr 0.01 --epochs 500
  $ ffnn train --data mnist --hidden 100 --lr 0.001 --epochs 5 --subset 10000 --save mnist.json
  $ ffnn train --data runge --features poly:10 --hidden 50,50 --lr 0.01 --epochs 500 --test-curves
  $ ffnn train --data mnist --hidden 100 --epochs 4 --train-rows 8000 --test-rows 5000 --test-curves --spectral --json
  $ ffnn train --data houses.csv --target price --hidden 32,32 --early-stopping 10 --json
  $ ffnn train --data mnist --hidden 300 --epochs 50 --checkpoint run.ckpt --checkpoint-every 5 --save mnist.ffnn
  $ ffnn train --resume run.ckpt --save mnist.ffnn

--subset shrinks the data before the split; --train-rows/--test-rows shrink one part after it, so the
test rows of --train-rows 8000 are the same as without it (the study's MNIST subsets, exactly).
Model files: *.json is plain JSON; any other name (e.g. model.ffnn) is the binary safetensors layout.
Ctrl-C stops at the next batch boundary, writes a checkpoint and exits 130; training that diverges
(NaN/Inf) stops, keeps the best weights and exits 3.`,
    )
    .action(async (given: TrainFlags, command: Command) => {
      let flags = given;
      let resume: TrainingState | undefined;
      if (given.resume) {
        const loaded = readCheckpoint(given.resume);
        const changed = Object.keys(given).filter((k) => command.getOptionValueSource(k) === 'cli' && !RESUMABLE_OVERRIDES.has(k));
        if (changed.length) {
          throw new UsageError(`--resume continues with the checkpoint's settings; these flags cannot change: ${changed.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`);
        }
        const overrides = Object.fromEntries(Object.entries(given).filter(([k]) => RESUMABLE_OVERRIDES.has(k) && command.getOptionValueSource(k) === 'cli'));
        flags = { ...loaded.flags, ...overrides, checkpoint: given.checkpoint ?? loaded.flags.checkpoint ?? given.resume };
        resume = loaded.state;
      }
      // Recorded in checkpoints, so a resumed run computes with the same kernels.
      flags = { ...flags, backend: flags.backend ?? defaultBackend() };
      await selectBackend(flags.backend, flags.threads);
      const result = await train(flags, resume);
      if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    });
}

function readCheckpoint(path: string): { state: TrainingState; flags: TrainFlags } {
  let decoded: ReturnType<typeof decodeTrainingState>;
  try {
    decoded = decodeTrainingState(new Uint8Array(readFileSync(path)), path);
  } catch (error) {
    if (error instanceof FfnnError) throw new CliFailure(error.message);
    throw error;
  }
  const text = decoded.metadata.get('ffnn.cli-flags');
  if (!text) throw new CliFailure(`${path}: a checkpoint without the ffnn train settings; it was not written by \`ffnn train\``);
  return { state: decoded.state, flags: JSON.parse(text) as TrainFlags };
}

/**
 * Runs `ffnn train` (optionally continuing from a checkpoint): {@link runTrial} with progress, Ctrl-C,
 * checkpoints and saving around it. `silent` prints nothing; `allowDivergence` returns a diverged
 * run's result (best weights kept) instead of throwing the NumericError that exits 3.
 */
export async function train(flags: TrainFlags, resume?: TrainingState, options: { allowDivergence?: boolean; silent?: boolean } = {}): Promise<TrainResult> {
  const started = Date.now();
  const stream = flags.json ? process.stderr : process.stdout;
  // Progress and set-up lines go with --quiet; results stay (unless --json says where they go).
  const log = (s: string) => {
    if (!flags.quiet && !options.silent) stream.write(`${s}\n`);
  };
  const report = (s: string) => {
    if (!options.silent && !(flags.quiet && flags.json)) stream.write(`${s}\n`);
  };
  if (flags.save) modelFormatFor(flags.save);
  if (flags.spectral && resume) throw new UsageError('--spectral cannot continue from a checkpoint (the singular values of the epochs before it are not in it); rerun without --resume');
  const backend = getBackend();
  const progress = new Progress(stream, 'train', flags.quiet || options.silent);
  const checkpointPath = flags.checkpoint ?? `${flags.save ?? 'ffnn-train'}.ckpt`;
  const storedFlags: Record<string, unknown> = { ...flags };
  delete storedFlags.resume;
  let network: Sequential | undefined;
  const trial = await stoppableByCtrlC((signal) =>
    runTrial(trialConfigOf(flags), {
      onStart: ({ prepared: { data, task, encoded, trainRows, testRows, targetScale }, network: net, optimizer }) => {
        network = net;
        log(`ffnn ${VERSION} · ${data.name}: ${trainRows.length} train / ${testRows.length} test rows · ${task}`);
        if (encoded) log(`classes of ${data.targetName} (network output order): ${encoded.classes.map(className).join(', ')}`);
        if (targetScale) log(`target ${data.targetName} standardized on the training part (mean ${formatNumber(targetScale.mean)}, std ${formatNumber(targetScale.std)}); metrics and predictions are in its own units`);
        log(`${net.summary()}`);
        log(`optimizer ${flags.optimizer} (lr ${optimizer.lr}) · batch ${flags.batchSize} · ${plural(flags.epochs, 'epoch')} · backend ${backendLabel(backend)}`);
        if (resume) log(`resuming from ${flags.resume ?? checkpointPath} at epoch ${resume.epoch + 1}${resume.batch ? `, batch ${resume.batch + 1}` : ''}`);
      },
      onBatchEnd: (info) => progress.batch(info, flags.epochs),
      onEpochEnd: (info) => progress.epoch(info, network!.isClassifier ? 'acc' : 'mse'),
      signal,
      checkpoint: {
        everyEpochs: flags.checkpointEvery ?? Number.MAX_SAFE_INTEGER,
        save: (state) => writeFileAtomic(checkpointPath, encodeTrainingState(state, { 'ffnn.cli-flags': JSON.stringify(storedFlags) })),
      },
      ...(resume ? { resume } : {}),
    }),
  );
  const { history, task } = trial;
  if (history.stopReason === 'interrupted') {
    progress.end();
    throw new Interrupted(`interrupted; wrote the checkpoint ${checkpointPath} — continue with: ffnn train --resume ${checkpointPath}`);
  }
  if (history.stopReason !== 'completed') progress.end();
  if (history.stopReason === 'early-stopping') log(`early stopping after epoch ${history.loss.length}; restored the weights of epoch ${history.bestEpoch + 1}`);
  if (history.loss.length > 1) log(`\n${asciiCurve(history.loss, { title: `training loss (${task === 'classification' ? 'cross-entropy' : 'MSE'}) per epoch` })}\n`);
  for (const [name, m] of [['train', trial.train], ['test', trial.test]] as const) {
    report(`${name.padEnd(5)} ${Object.entries(m).map(([k, v]) => `${k} ${formatNumber(v)}`).join(' · ')}`);
  }
  for (const d of trial.diagnostics) {
    if (d.deadFraction !== null) log(`layer ${d.layer} (${d.activation}): ${(100 * d.deadFraction).toFixed(1)}% dead units`);
    if (d.saturatedFraction !== null) log(`layer ${d.layer} (${d.activation}): ${(100 * d.saturatedFraction).toFixed(1)}% saturated units`);
  }
  const result: TrainResult = {
    data: trial.data,
    task,
    rows: trial.rows,
    architecture: trial.architecture,
    backend: { name: backend.name, threads: backend.threads },
    history,
    train: trial.train,
    test: trial.test,
    diagnostics: trial.diagnostics,
    ...(trial.spectral ? { spectral: trial.spectral } : {}),
    seconds: (Date.now() - started) / 1000,
  };
  if (flags.save) {
    saveTrainedModel(flags.save, trial.network, trial.prepared, flags, backend.name);
    result.savedTo = flags.save;
    report(`saved the model to ${flags.save}${history.stopReason === 'diverged' ? ' (the best weights before the divergence)' : ''}`);
  }
  if (history.stopReason === 'diverged' && !options.allowDivergence) {
    if (flags.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    const kept = history.bestEpoch >= 0 ? `the best weights so far (epoch ${history.bestEpoch + 1}) were kept` : 'no epoch finished, so the initial weights were kept';
    throw new NumericError(`${history.divergence!.message}; ${kept}`);
  }
  return result;
}

/** Runs `work` with Ctrl-C aborting its signal (training stops at the next batch boundary); a second Ctrl-C quits at once. */
async function stoppableByCtrlC<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping at the next batch boundary (Ctrl-C again to quit at once)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Writes a trained network with its preprocessing and the flags that reproduce it (see {@link saveModel}). */
export function saveTrainedModel(path: string, net: Sequential, prepared: PreparedData, flags: TrainFlags, backendName: string): void {
  const { loaded, features, data, task, encoded, pre } = prepared;
  const model: ModelFile = {
    format: 'ffnn.model',
    version: 1,
    task,
    featureNames: loaded.featureNames,
    ...(features.kind === 'raw' ? {} : { features: featuresLabel(features) }),
    targetName: data.targetName,
    classes: encoded ? encoded.classes : null,
    preprocessing: pre,
    network: net.toJSON(),
    training: { ...reproducingFlags(flags), ffnn: VERSION, backend: backendName },
  };
  saveModel(path, model, net);
}

/**
 * The flags that reproduce a model, for its `training` record: no output paths or switches
 * (--save, --checkpoint, --json…), and a data file by its name, not where it sat on this machine.
 */
export function reproducingFlags(flags: TrainFlags): Record<string, unknown> {
  const kept: Record<string, unknown> = Object.fromEntries(Object.entries(flags).filter(([k, v]) => v !== undefined && !RESUMABLE_OVERRIDES.has(k)));
  if (kept.data !== 'runge' && kept.data !== 'mnist') kept.data = basename(String(flags.data));
  return kept;
}
