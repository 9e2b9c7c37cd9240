import { takeRows } from '@ffnn/datasets';
import { type ActivationName, type BatchInfo, type EpochInfo, type History, type RowSource, Sequential, type TrainingState, unitDiagnostics } from '@ffnn/layers';
import { type Optimizer, type OptimizerName, createOptimizer, parseSchedule } from '@ffnn/optim';
import { type DType, Matrix } from '@ffnn/tensor';
import {
  type ClassValue,
  type Dataset,
  type Features,
  type Preprocessing,
  type TargetScale,
  type Task,
  classValues,
  encodeLabels,
  fitPreprocessing,
  fitTargetScale,
  inputsFor,
  loadDataset,
  parseFeatures,
  restoreTargetUnits,
  split,
  standardizationWarning,
  standardizeTargets,
  subsetIndices,
  subsetOfPart,
  takeImageRows,
  targetColumn,
  withFeatures,
} from './data.js';
import { CliFailure, UsageError } from './errors.js';
import { plural } from './progress.js';
import { classificationSummary, regressionSummary } from './report.js';
import { type SpectralRow, spectralTracker } from './spectral.js';

/**
 * One training run, as data: where the rows come from, how they are split and preprocessed, the
 * network, and how it is fitted. Each field means what the `ffnn train` flag of the same name means
 * (`--batch-size` is `batchSize`); `trialConfigOf` builds one from the command's flags.
 */
export interface TrialConfig {
  /** `runge`, `mnist`, or the path of a CSV file with a header. */
  data: string;
  /** Target column of a CSV file. */
  target?: string;
  /** Inferred from the target when omitted. */
  task?: Task;
  /** Runge: number of points and noise standard deviation. */
  n?: number;
  noise?: number;
  /** A seeded (stratified) subset of this many rows, taken before the split. */
  subset?: number;
  /** `raw` (default) or `poly:<degree>` (see {@link parseFeatures}). */
  features?: string;
  /** Held-out test fraction (stratified for classification). */
  testSize: number;
  /** Seeded (stratified) subsets of the training and test parts, taken after the split. */
  trainRows?: number;
  testRows?: number;
  /** Standardize the features on the training part. */
  standardize: boolean;
  /** Regression: learn the target standardized on the training part (absent: no). */
  standardizeTarget?: boolean;
  hidden: number[];
  activation: ActivationName;
  dtype: DType;
  /** Penalties λ1·Σ|w| and (λ2/2)·Σw² on weights, and the dropout rate of hidden layers. */
  l1: number;
  l2: number;
  dropout: number;
  optimizer: OptimizerName;
  /** Learning rate (absent: the optimizer's default). */
  lr?: number;
  /** Learning-rate schedule (`step:<every>:<gamma>`, … see `parseSchedule`). */
  schedule?: string;
  epochs: number;
  batchSize: number;
  /** Patience of early stopping on a 10% validation split of the training rows. */
  earlyStopping?: number;
  /** A batch loss above this many times the larger of the initial weights' and the mean predictor's loss is a divergence; 0 or absent: no limit. */
  lossLimit?: number;
  /** Seed of the initial weights, the batch order and dropout. */
  seed: number;
  /** Seed of the data (generated Runge points), the subsets and the train/test split: trials with the same split seed see the same rows. */
  splitSeed: number;
  /** Evaluate the test part after every epoch (recorded, never used to steer training). */
  testCurves?: boolean;
  /** Record σ_max of every weight matrix and of its change after every epoch. */
  spectral?: boolean;
}

/** The data of a trial, split and preprocessed: what the network trains and is scored on. */
export interface PreparedData {
  /** The data as loaded (its feature names go into a saved model). */
  loaded: Dataset;
  features: Features;
  /** The data the trial uses: with its input features, and its subset. */
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

/**
 * What the caller of {@link runTrial} hears and controls: progress, stopping, checkpoints. The
 * trial itself prints nothing and touches no file; the CLI puts its progress, Ctrl-C and checkpoint
 * files here.
 */
export interface TrialHooks {
  /** After the data is prepared and the network built, before training. */
  onStart?(start: { prepared: PreparedData; network: Sequential; optimizer: Optimizer }): void;
  onBatchEnd?(info: BatchInfo): void;
  /** After every epoch; losses and metrics of a standardized target are in the target's units. */
  onEpochEnd?(info: EpochInfo): void;
  /** When aborted, training stops at the next batch boundary (history.stopReason `interrupted`). */
  signal?: AbortSignal;
  /** Receives a training state every `everyEpochs` epochs and when stopped by `signal`. */
  checkpoint?: { everyEpochs: number; save(state: TrainingState): void };
  /** Continue from a saved training state (bit-identical to an uninterrupted run). */
  resume?: TrainingState;
}

/** What a trial produced: its scores, its history and the trained network. */
export interface TrialResult {
  config: TrialConfig;
  /** The seeds it ran with (also in `config`). */
  seed: number;
  splitSeed: number;
  /** Name of the data set, task, and rows in each part. */
  data: string;
  task: Task;
  rows: { train: number; test: number };
  /** Layer widths, input to output, e.g. `1-50-50-1`. */
  architecture: string;
  /** Loss and metric per epoch (in the target's units), stop reason, per-epoch times. */
  history: History;
  /** Metrics of the trained network on the training and test parts. */
  train: Record<string, number>;
  test: Record<string, number>;
  /** Dead and saturated units of each hidden layer on (at most 2000) training rows. */
  diagnostics: ReturnType<typeof unitDiagnostics>;
  /** With `spectral`: σ_max of every weight matrix and of its change, per epoch (epoch 0: initial weights). */
  spectral?: SpectralRow[];
  /** The trained network (predicting in the target's units). */
  network: Sequential;
  /** The rows it was trained and scored on. */
  prepared: PreparedData;
}

/**
 * Runs one trial: loads the data, splits and preprocesses it, builds the network, fits it and scores
 * it. A divergence (NaN/Inf, or a loss beyond `lossLimit`) is a result (`history.stopReason`
 * `diverged`, the best weights kept), not an error. Same config → bit-identical result.
 *
 * @throws UsageError or CliFailure naming the setting or data that cannot work.
 */
export async function runTrial(config: TrialConfig, hooks: TrialHooks = {}): Promise<TrialResult> {
  const schedule = config.schedule ? parseSchedule(config.schedule) : undefined;
  if (config.testCurves && config.earlyStopping) {
    throw new UsageError('--test-curves and --early-stopping cannot be combined: early stopping monitors a validation split of the training rows, never the test rows; drop one of them');
  }
  const prepared = prepareData(config);
  const { Xtrain, Xtest, ytrain, ytest, targetScale } = prepared;
  const fitTargets = (y: typeof ytrain) => (targetScale ? standardizeTargets(y as Matrix, targetScale) : y);
  const network = buildNetwork(config, prepared);
  const optimizer = createOptimizer(config.optimizer, config.lr === undefined ? {} : { lr: config.lr });
  hooks.onStart?.({ prepared, network, optimizer });
  const lossLimit = config.lossLimit ? absoluteLossLimit(config.lossLimit, network, Xtrain, fitTargets(ytrain), config.dtype) : undefined;
  const tracker = config.spectral ? spectralTracker() : null;
  tracker?.onStart(network);
  let history = await network.fitAsync(Xtrain, fitTargets(ytrain), {
    optimizer,
    epochs: config.epochs,
    batchSize: config.batchSize,
    seed: config.seed,
    ...(schedule ? { schedule } : {}),
    ...(config.earlyStopping ? { validationSplit: 0.1, earlyStopping: { patience: config.earlyStopping } } : {}),
    ...(config.testCurves ? { validationData: { X: Xtest, y: fitTargets(ytest) } } : {}),
    callbacks: {
      onBatchEnd: (info) => hooks.onBatchEnd?.(info),
      onEpochEnd: (info) => {
        tracker?.onEpochEnd(network, info.epoch);
        hooks.onEpochEnd?.(targetScale ? inTargetUnits(info, targetScale) : info);
      },
    },
    onNonFinite: 'stop',
    ...(lossLimit === undefined ? {} : { lossLimit }),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(hooks.checkpoint ? { checkpoint: hooks.checkpoint } : {}),
    ...(hooks.resume ? { resume: hooks.resume } : {}),
  });
  if (targetScale) {
    restoreTargetUnits(network, targetScale);
    history = historyInTargetUnits(history, targetScale);
  }
  const { train, test, diagnostics } = scoreNetwork(network, prepared, config.dtype);
  return {
    config,
    seed: config.seed,
    splitSeed: config.splitSeed,
    data: prepared.data.name,
    task: prepared.task,
    rows: { train: prepared.trainRows.length, test: prepared.testRows.length },
    architecture: [prepared.data.cols, ...config.hidden, network.outputSize].join('-'),
    history,
    train,
    test,
    diagnostics,
    ...(tracker ? { spectral: tracker.rows } : {}),
    network,
    prepared,
  };
}

/** Loads the data of a trial, takes its subset, splits it (all with `splitSeed`) and fits the preprocessing on the training part. */
export function prepareData(config: TrialConfig): PreparedData {
  const seed = config.splitSeed;
  const features = parseFeatures(config.features ?? 'raw');
  const loaded = loadDataset({ data: config.data, ...(config.target ? { target: config.target } : {}), ...(config.n ? { n: config.n } : {}), ...(config.noise !== undefined ? { noise: config.noise } : {}), seed });
  let data: Dataset = withFeatures(loaded, features);
  const task = config.task ?? data.inferredTask;
  if (task === 'regression' && data.targetLabels) {
    throw new UsageError(`--task regression needs numbers in ${data.targetName}, but it holds names such as ${JSON.stringify(data.targetLabels.find((v) => Number.isNaN(Number(v))))}; drop --task to train a classifier`);
  }
  let encoded = task === 'classification' ? encodeLabels(classValues(data)) : null;
  if (task === 'classification' && encoded!.classes.length < 2) throw new UsageError(`--task classification needs at least 2 classes in ${data.targetName}`);
  if (config.subset !== undefined && config.subset < data.n) {
    data = restrict(data, subsetIndices(data.n, config.subset, seed, encoded?.labels));
    encoded = task === 'classification' ? encodeLabels(classValues(data)) : null;
  }
  checkRows(data, config, Math.ceil(config.testSize * data.n), data.n - Math.ceil(config.testSize * data.n));
  let { train: trainRows, test: testRows } = split(data.n, config.testSize, seed, encoded?.labels);
  if (config.trainRows !== undefined) trainRows = subsetOfPart(trainRows, config.trainRows, seed, encoded?.labels);
  if (config.testRows !== undefined) testRows = subsetOfPart(testRows, config.testRows, seed, encoded?.labels);
  checkRows(data, config, testRows.length, trainRows.length);
  const pre = fitPreprocessing(data, trainRows, config.standardize);
  const Xtrain = inputsFor(data, trainRows, pre, config.dtype);
  const Xtest = inputsFor(data, testRows, pre, config.dtype);
  if (Xtrain instanceof Matrix && pre.kind === 'none') {
    const warning = standardizationWarning(Xtrain, data.featureNames);
    if (warning) process.stderr.write(`${warning}\n`);
  }
  const ytrain = encoded ? Int32Array.from(trainRows, (i) => encoded.labels[i]!) : targetColumn(data.target, trainRows);
  const ytest = encoded ? Int32Array.from(testRows, (i) => encoded.labels[i]!) : targetColumn(data.target, testRows);
  // The network learns (y − mean)/std of the training targets; its output layer is rescaled after training.
  const targetScale = !encoded && config.standardizeTarget === true ? fitTargetScale(ytrain as Matrix) : null;
  return { loaded, features, data, task, encoded, trainRows, testRows, pre, Xtrain, Xtest, ytrain, ytest, targetScale };
}

/** The network of a trial: an MLP with its widths, activation, penalties, dropout and seed, and the task's output layer and loss. */
export function buildNetwork(config: TrialConfig, prepared: PreparedData): Sequential {
  const { data, task, encoded } = prepared;
  const outputs = encoded ? encoded.classes.length : 1;
  return Sequential.mlp({
    inputSize: data.cols,
    hidden: config.hidden,
    activation: config.activation,
    outputSize: encoded && outputs === 2 ? 2 : outputs,
    loss: task === 'classification' ? 'cross-entropy' : 'mse',
    lambda1: config.l1,
    lambda2: config.l2,
    dropout: config.dropout,
    dtype: config.dtype,
    seed: config.seed,
  });
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

/** `lossLimit` factor as a loss: factor × the larger of the initial weights' and the mean predictor's loss (undefined when that scale is 0 or not finite). */
function absoluteLossLimit(factor: number, net: Sequential, X: Matrix | RowSource, y: Matrix | Int32Array, dtype: DType): number | undefined {
  const scale = Math.max(initialLoss(net, X, y, dtype), meanPredictorLoss(y, net.outputSize));
  return scale > 0 && Number.isFinite(scale) ? factor * scale : undefined;
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

/** Metrics need two rows in each part (R² of one row is undefined): say so in the user's terms. */
function checkRows(data: Dataset, config: TrialConfig, test: number, train: number): void {
  if (test >= 2 && train >= 2) return;
  const shrunk = config.subset !== undefined || config.trainRows !== undefined || config.testRows !== undefined;
  const message = `${data.name}: ${plural(data.n, 'row')}${config.subset !== undefined ? ` (--subset ${config.subset})` : ''} leave ${plural(train, 'training row')} and ${plural(test, 'test row')} (--test-size ${config.testSize}${config.trainRows !== undefined ? `, --train-rows ${config.trainRows}` : ''}${config.testRows !== undefined ? `, --test-rows ${config.testRows}` : ''}); training and scoring need at least 2 rows in each part`;
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
