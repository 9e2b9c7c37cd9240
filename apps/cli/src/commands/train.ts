import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { takeRows } from '@ffnn/datasets';
import { type ActivationName, type EpochInfo, type History, type RowSource, Sequential, type TrainingState, decodeTrainingState, encodeTrainingState, unitDiagnostics } from '@ffnn/layers';
import { type OptimizerName, createOptimizer, parseSchedule } from '@ffnn/optim';
import { type DType, FfnnError, Matrix, NumericError, getBackend, jsBackend, setBackend, useFastestBackend } from '@ffnn/tensor';
import {
  type ClassValue,
  type Dataset,
  type Features,
  type Preprocessing,
  type TargetScale,
  type Task,
  classValues,
  className,
  encodeLabels,
  featuresLabel,
  fitPreprocessing,
  fitTargetScale,
  restoreTargetUnits,
  standardizeTargets,
  inputsFor,
  loadDataset,
  parseFeatures,
  split,
  standardizationWarning,
  subsetIndices,
  subsetOfPart,
  takeImageRows,
  targetColumn,
  withFeatures,
} from '../data.js';
import { CliFailure, Interrupted, UsageError } from '../errors.js';
import { writeFileAtomic } from '../io.js';
import { modelFormatFor, saveModel, type ModelFile } from '../model-file.js';
import { positiveInt } from '../options.js';
import { Progress, asciiCurve, formatNumber, plural } from '../progress.js';
import { classificationSummary, regressionSummary } from '../report.js';
import { type SpectralRow, spectralTracker } from '../spectral.js';
import { BACKEND_NAMES, commanderOptions } from '../train-options.js';
import { VERSION } from '../version.js';

export interface TrainFlags {
  data: string;
  target?: string;
  task?: Task;
  hidden: number[];
  activation: ActivationName;
  optimizer: OptimizerName;
  lr?: number;
  schedule?: string;
  epochs: number;
  batchSize: number;
  l1: number;
  l2: number;
  dropout: number;
  earlyStopping?: number;
  seed: number;
  dtype: DType;
  save?: string;
  json?: boolean;
  standardize: boolean;
  /** Regression: standardize the target on the training part (`--no-standardize-target` sets false; absent in checkpoints made before the flag, which did not). */
  standardizeTarget?: boolean;
  testSize: number;
  n?: number;
  noise?: number;
  subset?: number;
  /** `raw` (default) or `poly:<degree>` (see {@link parseFeatures}). */
  features?: string;
  trainRows?: number;
  testRows?: number;
  testCurves?: boolean;
  spectral?: boolean;
  quiet?: boolean;
  /** A batch loss above this many times the larger of the initial weights' and the mean predictor's loss is a divergence; 0: no limit (absent in older checkpoints: no limit). */
  lossLimit?: number;
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

/** Runs `ffnn train` (optionally continuing from a checkpoint). */
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
  const hidden = flags.hidden;
  const schedule = flags.schedule ? parseSchedule(flags.schedule) : undefined;
  if (flags.testCurves && flags.earlyStopping) {
    throw new UsageError('--test-curves and --early-stopping cannot be combined: early stopping monitors a validation split of the training rows, never the test rows; drop one of them');
  }
  if (flags.spectral && resume) throw new UsageError('--spectral cannot continue from a checkpoint (the singular values of the epochs before it are not in it); rerun without --resume');
  const prepared = prepareData(flags);
  const { data, task, encoded, trainRows, testRows, Xtrain, Xtest, ytrain, ytest, targetScale } = prepared;
  const fitTargets = (y: typeof ytrain) => (targetScale ? standardizeTargets(y as Matrix, targetScale) : y);
  const net = buildNetwork(flags, prepared);
  const optimizer = createOptimizer(flags.optimizer, flags.lr === undefined ? {} : { lr: flags.lr });
  const backend = getBackend();
  log(`ffnn ${VERSION} · ${data.name}: ${trainRows.length} train / ${testRows.length} test rows · ${task}`);
  if (encoded) log(`classes of ${data.targetName} (network output order): ${encoded.classes.map(className).join(', ')}`);
  if (targetScale) log(`target ${data.targetName} standardized on the training part (mean ${formatNumber(targetScale.mean)}, std ${formatNumber(targetScale.std)}); metrics and predictions are in its own units`);
  log(`${net.summary()}`);
  log(`optimizer ${flags.optimizer} (lr ${optimizer.lr}) · batch ${flags.batchSize} · ${plural(flags.epochs, 'epoch')} · backend ${backendLabel(backend)}`);
  const progress = new Progress(stream, 'train', flags.quiet || options.silent);
  const lossLimit = flags.lossLimit ? absoluteLossLimit(flags.lossLimit, net, Xtrain, fitTargets(ytrain), flags.dtype) : undefined;
  const checkpointPath = flags.checkpoint ?? `${flags.save ?? 'ffnn-train'}.ckpt`;
  const storedFlags: Record<string, unknown> = { ...flags };
  delete storedFlags.resume;
  if (resume) log(`resuming from ${flags.resume ?? checkpointPath} at epoch ${resume.epoch + 1}${resume.batch ? `, batch ${resume.batch + 1}` : ''}`);
  const tracker = flags.spectral ? spectralTracker() : null;
  tracker?.onStart(net);
  let history = await stoppableByCtrlC((signal) =>
    net.fitAsync(Xtrain, fitTargets(ytrain), {
      optimizer,
      epochs: flags.epochs,
      batchSize: flags.batchSize,
      seed: flags.seed,
      ...(schedule ? { schedule } : {}),
      ...(flags.earlyStopping ? { validationSplit: 0.1, earlyStopping: { patience: flags.earlyStopping } } : {}),
      ...(flags.testCurves ? { validationData: { X: Xtest, y: fitTargets(ytest) } } : {}),
      callbacks: {
        onBatchEnd: (info) => progress.batch(info, flags.epochs),
        onEpochEnd: (info) => {
          tracker?.onEpochEnd(net, info.epoch);
          progress.epoch(targetScale ? inTargetUnits(info, targetScale) : info, history0(net));
        },
      },
      onNonFinite: 'stop',
      ...(lossLimit === undefined ? {} : { lossLimit }),
      signal,
      checkpoint: {
        everyEpochs: flags.checkpointEvery ?? Number.MAX_SAFE_INTEGER,
        save: (state) => writeFileAtomic(checkpointPath, encodeTrainingState(state, { 'ffnn.cli-flags': JSON.stringify(storedFlags) })),
      },
      ...(resume ? { resume } : {}),
    }),
  );
  if (history.stopReason === 'interrupted') {
    progress.end();
    throw new Interrupted(`interrupted; wrote the checkpoint ${checkpointPath} — continue with: ffnn train --resume ${checkpointPath}`);
  }
  if (history.stopReason !== 'completed') progress.end();
  if (history.stopReason === 'early-stopping') log(`early stopping after epoch ${history.loss.length}; restored the weights of epoch ${history.bestEpoch + 1}`);
  if (targetScale) {
    restoreTargetUnits(net, targetScale);
    history = historyInTargetUnits(history, targetScale);
  }
  if (history.loss.length > 1) log(`\n${asciiCurve(history.loss, { title: `training loss (${task === 'classification' ? 'cross-entropy' : 'MSE'}) per epoch` })}\n`);

  const { train: trainMetrics, test: testMetrics, diagnostics } = scoreNetwork(net, prepared, flags.dtype);
  for (const [name, m] of [['train', trainMetrics], ['test', testMetrics]] as const) {
    report(`${name.padEnd(5)} ${Object.entries(m).map(([k, v]) => `${k} ${formatMetric(v)}`).join(' · ')}`);
  }
  for (const d of diagnostics) {
    if (d.deadFraction !== null) log(`layer ${d.layer} (${d.activation}): ${(100 * d.deadFraction).toFixed(1)}% dead units`);
    if (d.saturatedFraction !== null) log(`layer ${d.layer} (${d.activation}): ${(100 * d.saturatedFraction).toFixed(1)}% saturated units`);
  }
  const result: TrainResult = {
    data: data.name,
    task,
    rows: { train: trainRows.length, test: testRows.length },
    architecture: [data.cols, ...hidden, net.outputSize].join('-'),
    backend: { name: backend.name, threads: backend.threads },
    history,
    train: trainMetrics,
    test: testMetrics,
    diagnostics,
    ...(tracker ? { spectral: tracker.rows } : {}),
    seconds: (Date.now() - started) / 1000,
  };
  if (flags.save) {
    saveTrainedModel(flags.save, net, prepared, flags, backend.name);
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

/** The data of a run, split and preprocessed: what the network trains and is scored on. */
export interface PreparedData {
  /** The data as loaded (its feature names go into a saved model). */
  loaded: Dataset;
  features: Features;
  /** The data the run uses: with its input features, and its --subset. */
  data: Dataset;
  task: Task;
  /** Classification: labels as class indices, and the classes in network output order. */
  encoded: { labels: Int32Array; classes: ClassValue[] } | null;
  trainRows: Int32Array;
  testRows: Int32Array;
  pre: Preprocessing;
  Xtrain: Matrix | RowSource;
  Xtest: Matrix | RowSource;
  ytrain: Matrix | Int32Array;
  ytest: Matrix | Int32Array;
  /** Regression with a standardized target: its training mean and std. */
  targetScale: TargetScale | null;
}

/** Loads the data of `flags`, takes its subset, splits it and fits the preprocessing on the training part. */
export function prepareData(flags: TrainFlags): PreparedData {
  const features = parseFeatures(flags.features ?? 'raw');
  const loaded = loadDataset({ data: flags.data, ...(flags.target ? { target: flags.target } : {}), ...(flags.n ? { n: flags.n } : {}), ...(flags.noise !== undefined ? { noise: flags.noise } : {}), seed: flags.seed });
  let data: Dataset = withFeatures(loaded, features);
  const task = flags.task ?? data.inferredTask;
  if (task === 'regression' && data.targetLabels) {
    throw new UsageError(`--task regression needs numbers in ${data.targetName}, but it holds names such as ${JSON.stringify(data.targetLabels.find((v) => Number.isNaN(Number(v))))}; drop --task to train a classifier`);
  }
  let encoded = task === 'classification' ? encodeLabels(classValues(data)) : null;
  if (task === 'classification' && encoded!.classes.length < 2) throw new UsageError(`--task classification needs at least 2 classes in ${data.targetName}`);
  if (flags.subset !== undefined && flags.subset < data.n) {
    data = restrict(data, subsetIndices(data.n, flags.subset, flags.seed, encoded?.labels));
    encoded = task === 'classification' ? encodeLabels(classValues(data)) : null;
  }
  checkRows(data, flags, Math.ceil(flags.testSize * data.n), data.n - Math.ceil(flags.testSize * data.n));
  let { train: trainRows, test: testRows } = split(data.n, flags.testSize, flags.seed, encoded?.labels);
  if (flags.trainRows !== undefined) trainRows = subsetOfPart(trainRows, flags.trainRows, flags.seed, encoded?.labels);
  if (flags.testRows !== undefined) testRows = subsetOfPart(testRows, flags.testRows, flags.seed, encoded?.labels);
  checkRows(data, flags, testRows.length, trainRows.length);
  const pre = fitPreprocessing(data, trainRows, flags.standardize);
  const Xtrain = inputsFor(data, trainRows, pre, flags.dtype);
  const Xtest = inputsFor(data, testRows, pre, flags.dtype);
  if (Xtrain instanceof Matrix && pre.kind === 'none') {
    const warning = standardizationWarning(Xtrain, data.featureNames);
    if (warning) process.stderr.write(`${warning}\n`);
  }
  const ytrain = encoded ? Int32Array.from(trainRows, (i) => encoded.labels[i]!) : targetColumn(data.target, trainRows);
  const ytest = encoded ? Int32Array.from(testRows, (i) => encoded.labels[i]!) : targetColumn(data.target, testRows);
  // The network learns (y − mean)/std of the training targets; its output layer is rescaled after training.
  const targetScale = !encoded && flags.standardizeTarget === true ? fitTargetScale(ytrain as Matrix) : null;
  return { loaded, features, data, task, encoded, trainRows, testRows, pre, Xtrain, Xtest, ytrain, ytest, targetScale };
}

/** The network of a run: an MLP with the flags' widths, activation, penalties, dropout and seed, and the task's output layer and loss. */
export function buildNetwork(flags: TrainFlags, prepared: PreparedData): Sequential {
  const { data, task, encoded } = prepared;
  const outputs = encoded ? encoded.classes.length : 1;
  return Sequential.mlp({
    inputSize: data.cols,
    hidden: flags.hidden,
    activation: flags.activation,
    outputSize: encoded && outputs === 2 ? 2 : outputs,
    loss: task === 'classification' ? 'cross-entropy' : 'mse',
    lambda1: flags.l1,
    lambda2: flags.l2,
    dropout: flags.dropout,
    dtype: flags.dtype,
    seed: flags.seed,
  });
}

/** `--loss-limit factor` as a loss: factor × the larger of the initial weights' and the mean predictor's loss (undefined when that scale is 0 or not finite). */
function absoluteLossLimit(factor: number, net: Sequential, X: Matrix | RowSource, y: Matrix | Int32Array, dtype: DType): number | undefined {
  const scale = Math.max(initialLoss(net, X, y, dtype), meanPredictorLoss(y, net.outputSize));
  return scale > 0 && Number.isFinite(scale) ? factor * scale : undefined;
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

/** Train and test metrics of a trained network, and its units' diagnostics on (at most 2000) training rows. */
export function scoreNetwork(net: Sequential, prepared: PreparedData, dtype: DType): { train: Record<string, number>; test: Record<string, number>; diagnostics: ReturnType<typeof unitDiagnostics> } {
  const { data, encoded, Xtrain, Xtest, trainRows, testRows, ytrain, ytest } = prepared;
  const summarize = (X: typeof Xtrain, rows: Int32Array, y: typeof ytrain) =>
    encoded ? classificationSummary(net, X, y as Int32Array) : regressionSummary(net, X, y as Matrix, data.clean ? targetColumn(data.clean, rows) : null);
  const train = summarize(Xtrain, trainRows, ytrain);
  const test = summarize(Xtest, testRows, ytest);
  const probe = Xtrain instanceof Matrix ? firstRows(Xtrain, 2000) : gatherFirst(Xtrain, 2000, dtype);
  return { train, test, diagnostics: unitDiagnostics(net, probe) };
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

/** An epoch's MSE numbers (loss and metric), computed on the standardized target, in the target's units: × std². */
function inTargetUnits(info: EpochInfo, scale: TargetScale): EpochInfo {
  const v = scale.std ** 2;
  return { ...info, loss: info.loss * v, metric: info.metric * v, ...(info.valLoss === undefined ? {} : { valLoss: info.valLoss * v, valMetric: info.valMetric! * v }) };
}

/** The history's MSE curves in the target's units (see {@link inTargetUnits}). */
function historyInTargetUnits(history: History, scale: TargetScale): History {
  const times = (a: number[]) => a.map((x) => x * scale.std ** 2);
  return { ...history, loss: times(history.loss), metric: times(history.metric), valLoss: times(history.valLoss), valMetric: times(history.valMetric) };
}

/** The data loss of the initial weights on (at most 2000 of) the training rows. */
function initialLoss(net: Sequential, X: Matrix | RowSource, y: Matrix | Int32Array, dtype: DType): number {
  const k = Math.min(2000, X.rows);
  const Xk = X instanceof Matrix ? firstRows(X, k) : gatherFirst(X, k, dtype);
  const yk = y instanceof Matrix ? firstRows(y, k) : y.subarray(0, k);
  return net.evaluate(Xk, yk).loss;
}

/** The loss of predicting without the inputs: the targets' variance (MSE), or the entropy of the class frequencies (cross-entropy). */
function meanPredictorLoss(y: Matrix | Int32Array, classes: number): number {
  if (y instanceof Matrix) {
    let s = 0, s2 = 0;
    for (const v of y.data) {
      s += v;
      s2 += v * v;
    }
    return Math.max(0, s2 / y.size - (s / y.size) ** 2);
  }
  const counts = new Array<number>(classes).fill(0);
  for (const c of y) counts[c]!++;
  return counts.reduce((h, c) => (c === 0 ? h : h - (c / y.length) * Math.log(c / y.length)), 0);
}

function history0(net: Sequential): string {
  return net.isClassifier ? 'acc' : 'mse';
}

const formatMetric = formatNumber;

/** Metrics need two rows in each part (R² of one row is undefined): say so in the user's terms. */
function checkRows(data: Dataset, flags: TrainFlags, test: number, train: number): void {
  if (test >= 2 && train >= 2) return;
  const shrunk = flags.subset !== undefined || flags.trainRows !== undefined || flags.testRows !== undefined;
  const message = `${data.name}: ${plural(data.n, 'row')}${flags.subset !== undefined ? ` (--subset ${flags.subset})` : ''} leave ${plural(train, 'training row')} and ${plural(test, 'test row')} (--test-size ${flags.testSize}${flags.trainRows !== undefined ? `, --train-rows ${flags.trainRows}` : ''}${flags.testRows !== undefined ? `, --test-rows ${flags.testRows}` : ''}); training and scoring need at least 2 rows in each part`;
  if (shrunk) throw new UsageError(`${message}: ask for more rows`);
  throw new CliFailure(`${message}: the data needs more rows`);
}

function firstRows(X: Matrix, k: number): Matrix {
  const rows = Math.min(k, X.rows);
  return new Matrix(rows, X.cols, X.data.slice(0, rows * X.cols));
}

function gatherFirst(source: { rows: number; cols: number; gather(index: ArrayLike<number>, start: number, out: Matrix): void }, k: number, dtype: DType): Matrix {
  const rows = Math.min(k, source.rows);
  const out = Matrix.zeros(rows, source.cols, dtype);
  source.gather(Int32Array.from({ length: rows }, (_, i) => i), 0, out);
  return out;
}

function restrict(data: Dataset, rows: Int32Array): Dataset {
  return {
    ...data,
    n: rows.length,
    X: data.X ? takeRows(data.X, rows) : null,
    images: data.images ? takeImageRows(data.images, rows) : null,
    target: Float64Array.from(rows, (i) => data.target[i]!),
    targetLabels: data.targetLabels ? Array.from(rows, (i) => data.targetLabels![i]!) : null,
    clean: data.clean ? Float64Array.from(rows, (i) => data.clean![i]!) : null,
  };
}
