import { type Optimizer, type OptimizerName, type OptimizerState, type Schedule, createOptimizer } from '@ffnn/optim';
import { InvalidOptionError, Matrix, NumericError, allocateMatrix, Rng, type RngState, StateError, argmaxRows, checkNumber, isFinite } from '@ffnn/tensor';
import type { Sequential } from './network.js';
import { type RowSource, type TargetSource, type Targets, asRowSource, asTargetSource, identityIndex } from './sources.js';

/** What one batch reports to {@link FitCallbacks.onBatchEnd}. */
export interface BatchInfo {
  /** Epoch in progress, 0-based. */
  epoch: number;
  /** This batch's index within the epoch, 0-based. */
  batch: number;
  /** Number of batches per epoch. */
  batches: number;
  /** Data loss of this batch. */
  loss: number;
}

/** What one epoch reports to {@link FitCallbacks.onEpochEnd}. */
export interface EpochInfo {
  /** The epoch that just ended, 0-based. */
  epoch: number;
  /** Number of epochs the run was asked for. */
  epochs: number;
  /** Mean training data loss of the epoch (as {@link History.loss}). */
  loss: number;
  /** Training metric of the epoch: accuracy for classifiers, MSE for regression. */
  metric: number;
  /** Validation loss after the epoch, when there is validation data. */
  valLoss?: number;
  /** Validation metric after the epoch, when there is validation data. */
  valMetric?: number;
  /** Learning rate used in the epoch. */
  lr: number;
  /** Wall time of the epoch, ms (training and validation). */
  timeMs: number;
}

/** Progress hooks (e.g. for progress bars). Returning `false` from `onEpochEnd` stops training. */
export interface FitCallbacks {
  /** Called after every optimizer step. */
  onBatchEnd?(info: BatchInfo): void;
  /** Called after every epoch (after validation); returning `false` stops training (`stopReason` `callback`). */
  onEpochEnd?(info: EpochInfo): void | boolean;
}

/** Early stopping on the monitored loss (validation loss when there is validation data, else training loss). */
export interface EarlyStoppingOptions {
  /** Epochs without improvement before stopping. */
  patience: number;
  /** Smallest decrease that counts as an improvement. Default 0. */
  minDelta?: number;
}

/** Options of {@link fit}. */
export interface FitOptions {
  /** Number of passes over the training rows. Default 100. */
  epochs?: number;
  /** Mini-batch size; the last batch of an epoch may be smaller. Default 64. */
  batchSize?: number;
  /** An optimizer instance, or a name with `lr`. Default `adam`. */
  optimizer?: Optimizer | OptimizerName;
  /** Learning rate when `optimizer` is a name (the optimizer's default otherwise). */
  lr?: number;
  /** Learning-rate schedule, applied at the start of each epoch to the optimizer's initial rate. */
  schedule?: Schedule;
  /** Shuffle the training rows every epoch (a fresh seeded permutation). Default true. */
  shuffle?: boolean;
  /** Seed of shuffling, the validation split and dropout masks. Default: the network's seed. */
  seed?: number;
  /** Held-out data evaluated after every epoch. */
  validationData?: {
    /** Validation inputs, one row per sample. */
    X: Matrix | RowSource;
    /** Validation targets, in the form the training targets take. */
    y: Targets;
  };
  /** Fraction of the training rows held out for validation, taken after a seeded shuffle (not the last rows). */
  validationSplit?: number;
  /** Stop when the monitored loss has not improved for `patience` epochs. */
  earlyStopping?: EarlyStoppingOptions;
  /**
   * Restore the weights of the best epoch (lowest monitored loss) at the end, whether or not
   * early stopping fired. Default true when `earlyStopping` is set, false otherwise.
   */
  restoreBestWeights?: boolean;
  /** What to do when a loss or gradient becomes NaN/±Infinity: throw (default) or stop and keep the best weights. */
  onNonFinite?: 'throw' | 'stop';
  /**
   * A batch loss above this counts as a divergence, handled like a non-finite one (`onNonFinite`):
   * a finite blow-up (e.g. a learning rate far too large) stops training instead of running on
   * with useless weights. Default: no limit.
   */
  lossLimit?: number;
  /** Progress hooks. */
  callbacks?: FitCallbacks;
  /** Save a {@link TrainingState} every `everyEpochs` epochs (and when stopped by `signal`). */
  checkpoint?: {
    /** Save after every this many epochs (an integer ≥ 1). */
    everyEpochs: number;
    /** Receives each snapshot; it may write it to a file (for example with `encodeTrainingState`). */
    save(state: TrainingState): void;
  };
  /** Continue from a saved {@link TrainingState}: the result is bit-identical to an uninterrupted run. */
  resume?: TrainingState;
  /** When aborted, training stops at the next batch boundary (history.stopReason `interrupted`) and a checkpoint is saved. */
  signal?: AbortSignal;
}

/**
 * Everything needed to continue a {@link fit} exactly where it stopped: weights, optimizer state,
 * RNG state, position in the epoch, history and early-stopping bookkeeping.
 */
export interface TrainingState {
  /** Marks the object as a training state. */
  format: 'ffnn.training-state';
  /** Version of this layout. */
  version: 1;
  /** Epoch in progress (0-based). */
  epoch: number;
  /** Next batch of that epoch (0 at an epoch boundary). */
  batch: number;
  /** Row order of the epoch in progress (mid-epoch only). */
  order: number[] | null;
  /** Sum of batch loss × batch rows so far in the epoch in progress. */
  lossSum: number;
  /** Sum of batch metric × batch rows so far in the epoch in progress. */
  metricSum: number;
  /** State of the random generator of shuffling and dropout. */
  rng: RngState;
  /** The optimizer's state (learning rate, step count, slots). */
  optimizer: OptimizerState;
  /** The optimizer's initial learning rate, which the schedule scales. */
  baseLr: number;
  /** The schedule's state, or null without a schedule. */
  schedule: Record<string, number> | null;
  /** The history of the epochs completed so far. */
  history: History;
  /** Lowest monitored loss so far, or null before the first epoch. */
  bestValue: number | null;
  /** Epochs since the best one (early stopping's count). */
  sinceBest: number;
  /** Monitored loss of the last completed epoch, or null before the first. */
  lastMonitored: number | null;
  /** Current weights (order of `Sequential.parameters()`). */
  params: Matrix[];
  /** Best-so-far weights, when kept. */
  best: Matrix[] | null;
  /** Settings that must not change between a checkpoint and its resumption. */
  fingerprint: {
    /** Training rows. */
    rows: number;
    /** Mini-batch size. */
    batchSize: number;
    /** Epochs of the run. */
    epochs: number;
    /** Seed of shuffling and dropout. */
    seed: number;
    /** Number of trainable values of the network. */
    parameterCount: number;
    /** Validation rows (0 without validation). */
    validationRows: number;
  };
}

/** Per-epoch record of a {@link fit}. */
export interface History {
  /** `accuracy` for classifiers, `mse` for regression. */
  metricName: 'accuracy' | 'mse';
  /** Mean training data loss of each epoch (batch losses weighted by batch size, as seen during the epoch). */
  loss: number[];
  /** Training metric of each epoch, from the same batch outputs. */
  metric: number[];
  /** Validation loss after each epoch (empty without validation data). */
  valLoss: number[];
  /** Validation metric after each epoch. */
  valMetric: number[];
  /** Learning rate used in each epoch. */
  lr: number[];
  /** Wall time of each epoch, ms (training and validation). */
  timeMs: number[];
  /** 0-based epoch with the lowest monitored loss. */
  bestEpoch: number;
  /** Why training ended. */
  stopReason: 'completed' | 'early-stopping' | 'callback' | 'diverged' | 'interrupted';
  /** Whether the best epoch's weights were restored at the end. */
  restoredBest: boolean;
  /** Set when training stopped on a non-finite loss or gradient. */
  divergence?: {
    /** Epoch of the non-finite value, 0-based. */
    epoch: number;
    /** Batch of the non-finite value, 0-based. */
    batch: number;
    /** What became non-finite, and where. */
    message: string;
  };
}

/** Evaluation of a network on a data set. */
export interface Evaluation {
  /** Mean data loss (without the penalty). */
  loss: number;
  /** Accuracy for classifiers, MSE for regression. */
  metric: number;
  /** Which metric `metric` is. */
  metricName: 'accuracy' | 'mse';
}

const EVAL_CHUNK = 1024;

/** Mean loss and metric of `net` on (X, y), in chunks, in inference mode. */
export function evaluate(net: Sequential, X: Matrix | RowSource, y: Targets): Evaluation {
  const source = asRowSource(X);
  const targets = asTargetSource(y, net.outputSize);
  if (targets.rows !== source.rows) {
    throw new InvalidOptionError(`evaluate: ${source.rows} input rows but ${targets.rows} targets`);
  }
  return evaluateRows(net, source, targets, identityIndex(source.rows));
}

function evaluateRows(net: Sequential, source: RowSource, targets: TargetSource, index: Int32Array): Evaluation {
  const n = index.length;
  if (n === 0) throw new InvalidOptionError('evaluate: no rows');
  let lossSum = 0;
  let metricSum = 0;
  let Xb: Matrix | null = null;
  let Yb: Matrix | null = null;
  for (let start = 0; start < n; start += EVAL_CHUNK) {
    const rows = Math.min(EVAL_CHUNK, n - start);
    if (!Xb || !Yb || Xb.rows !== rows) {
      Xb = Matrix.zeros(rows, net.inputSize, net.dtype);
      Yb = Matrix.zeros(rows, net.outputSize, net.dtype);
    }
    source.gather(index, start, Xb);
    targets.gather(index, start, Yb);
    const yhat = net.forward(Xb);
    const loss = net.lastLoss(Yb);
    lossSum += loss * rows;
    metricSum += batchMetric(net, loss, yhat, targets, index, start) * rows;
  }
  return { loss: lossSum / n, metric: metricSum / n, metricName: net.isClassifier ? 'accuracy' : 'mse' };
}

/**
 * Accuracy (classifiers) or MSE (regression) of a batch output ŷ. A regression network's loss is
 * MSE, so its metric is the batch loss itself (`loss`), not computed a second time.
 */
function batchMetric(net: Sequential, loss: number, yhat: Matrix, targets: TargetSource, index: ArrayLike<number>, start: number): number {
  if (!net.isClassifier) return loss;
  let correct = 0;
  if (net.outputSize === 1) {
    for (let r = 0; r < yhat.rows; r++) if ((yhat.data[r]! >= 0.5 ? 1 : 0) === targets.label(index[start + r]!)) correct++;
  } else {
    const pred = argmaxRows(yhat);
    for (let r = 0; r < yhat.rows; r++) if (pred[r] === targets.label(index[start + r]!)) correct++;
  }
  return correct / yhat.rows;
}

function resolveOptimizer(options: FitOptions): Optimizer {
  const opt = options.optimizer ?? 'adam';
  if (typeof opt === 'string') return createOptimizer(opt, options.lr === undefined ? {} : { lr: options.lr });
  if (typeof opt !== 'object' || opt === null || typeof opt.step !== 'function') {
    throw new InvalidOptionError('optimizer must be an Optimizer or one of sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw');
  }
  if (options.lr !== undefined) opt.lr = checkNumber('lr', options.lr, (v) => v > 0, 'a positive number');
  return opt;
}

function firstNonFinite(mats: readonly Matrix[], names: readonly string[]): string | null {
  for (let i = 0; i < mats.length; i++) if (!isFinite(mats[i]!)) return names[i]!;
  return null;
}

/**
 * Trains `net` on (X, y) with mini-batches and returns the per-epoch {@link History}.
 * Deterministic: the same network seed and `seed` give bit-identical weights on every run.
 * Each epoch draws a fresh permutation of the training rows from `Rng(seed)` (after the
 * validation split, if any, which is drawn first); dropout masks come from the same stream.
 * With `checkpoint`/`resume`, an interrupted run continues bit-identically.
 */
export function fit(net: Sequential, X: Matrix | RowSource, y: Targets, options: FitOptions = {}): History {
  const steps = trainingSteps(net, X, y, options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * {@link fit} that yields to the event loop about every `sliceMs` milliseconds (at batch
 * boundaries), so signal handlers (Ctrl-C), timers and UI updates run during long training.
 * Results are bit-identical to {@link fit}.
 */
export async function fitAsync(net: Sequential, X: Matrix | RowSource, y: Targets, options: FitOptions = {}, sliceMs = 50): Promise<History> {
  const steps = trainingSteps(net, X, y, options);
  let last = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - last >= sliceMs) {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      last = performance.now();
    }
  }
}

/** The training loop as a generator that yields after every batch (drives {@link fit} and {@link fitAsync}). */
function* trainingSteps(net: Sequential, X: Matrix | RowSource, y: Targets, options: FitOptions): Generator<void, History, void> {
  const setup = fitSetup(net, X, y, options);
  const run = options.resume ? resumedRun(setup, options.resume, options) : freshRun(setup);
  const firstEpoch = run.epoch;
  for (let epoch = firstEpoch; epoch < setup.epochs; epoch++) {
    const started = performance.now();
    const firstBatch = epoch === firstEpoch ? run.batch : 0;
    if (firstBatch === 0 || !run.resumeOrder) beginEpoch(setup, run, epoch);
    else setup.order.set(run.resumeOrder);
    const halted = yield* epochBatches(setup, run, epoch, firstBatch);
    if (halted) break;
    const info = endEpoch(setup, run, epoch, started);
    const stop = stopAfter(setup, run, info);
    if (options.checkpoint && (stop === 'interrupted' || (epoch + 1) % options.checkpoint.everyEpochs === 0)) {
      options.checkpoint.save(snapshot(setup, run, epoch + 1, 0, false));
    }
    if (stop) {
      run.history.stopReason = stop;
      break;
    }
  }
  // After a divergence the best weights are restored even without restoreBestWeights (the
  // initial weights when no epoch finished): the last finite step is usually already useless.
  const { history } = run;
  const restore = history.stopReason === 'diverged' || (setup.restoreBest && history.bestEpoch >= 0 && history.stopReason !== 'interrupted');
  if (setup.best && restore) {
    setup.params.forEach((p, i) => p.data.set(setup.best![i]!.data));
    history.restoredBest = true;
  }
  return history;
}

/** What a fit works with, fixed for the whole run: checked options, rows, optimizer, random stream, buffers. */
interface FitSetup {
  net: Sequential;
  options: FitOptions;
  epochs: number;
  batchSize: number;
  source: RowSource;
  targets: TargetSource;
  /** Training rows (all rows, or those left after the validation split), their count and batches per epoch. */
  trainRows: Int32Array;
  n: number;
  batches: number;
  validation: { source: RowSource; targets: TargetSource; index: Int32Array } | null;
  optimizer: Optimizer;
  rng: Rng;
  onNonFinite: 'throw' | 'stop';
  lossLimit: number;
  early: EarlyStoppingOptions | undefined;
  minDelta: number;
  restoreBest: boolean;
  params: Matrix[];
  grads: Matrix[];
  gradientLabels: string[];
  /** Best-so-far weights, when kept (for restoreBestWeights, or to fall back to after a divergence). */
  best: Matrix[] | null;
  fingerprint: TrainingState['fingerprint'];
  /** Row order of the epoch in progress. */
  order: Int32Array;
  /** Batch buffers, allocated once per fit where the installed backend reads them without copies. */
  fullX: Matrix;
  fullY: Matrix;
  tailX: Matrix | null;
  tailY: Matrix | null;
}

/** Where a fit stands: its history, early-stopping bookkeeping and position (what a checkpoint saves). */
interface RunState {
  history: History;
  bestValue: number;
  sinceBest: number;
  lastMonitored: number | undefined;
  baseLr: number;
  /** Epoch and batch to start from (0, 0 unless resumed), and the row order of a resumed epoch. */
  epoch: number;
  batch: number;
  resumeOrder: number[] | null;
  /** Sums of batch loss × rows and metric × rows in the epoch in progress. */
  lossSum: number;
  metricSum: number;
}

/** Checks the options against the data and the network, draws the validation split, and allocates the batch buffers. */
function fitSetup(net: Sequential, X: Matrix | RowSource, y: Targets, options: FitOptions): FitSetup {
  const epochs = checkNumber('epochs', options.epochs ?? 100, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
  const batchSizeOpt = checkNumber('batchSize', options.batchSize ?? 64, (v) => Number.isInteger(v) && v >= 1, 'an integer ≥ 1');
  const source = asRowSource(X);
  const targets = asTargetSource(y, net.outputSize);
  if (source.cols !== net.inputSize) {
    throw new InvalidOptionError(`fit: inputs have ${source.cols} columns but the network expects ${net.inputSize}`);
  }
  if (targets.rows !== source.rows) {
    throw new InvalidOptionError(`fit: ${source.rows} input rows but ${targets.rows} targets`);
  }
  const optimizer = resolveOptimizer(options);
  const seed = options.seed ?? net.seed;
  const rng = new Rng(seed);
  const onNonFinite = options.onNonFinite ?? 'throw';
  if (onNonFinite !== 'throw' && onNonFinite !== 'stop') {
    throw new InvalidOptionError(`onNonFinite must be one of throw, stop; got ${JSON.stringify(onNonFinite)}`);
  }
  const lossLimit = options.lossLimit === undefined ? Infinity : checkNumber('lossLimit', options.lossLimit, (v) => v > 0, 'a positive number');
  if (options.checkpoint) {
    checkNumber('checkpoint.everyEpochs', options.checkpoint.everyEpochs, (v) => Number.isInteger(v) && v >= 1, 'an integer ≥ 1');
  }
  const { trainRows, validation } = trainingAndValidationRows(net, source, targets, options, rng);
  const n = trainRows.length;
  if (n === 0) throw new InvalidOptionError('fit: no training rows');
  const batchSize = Math.min(batchSizeOpt, n);

  const early = options.earlyStopping;
  if (early) checkNumber('earlyStopping.patience', early.patience, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
  const restoreBest = options.restoreBestWeights ?? early !== undefined;
  const params = net.parameters();
  const tail = n % batchSize;
  return {
    net,
    options,
    epochs,
    batchSize,
    source,
    targets,
    trainRows,
    n,
    batches: Math.ceil(n / batchSize),
    validation,
    optimizer,
    rng,
    onNonFinite,
    lossLimit,
    early,
    minDelta: early?.minDelta ?? 0,
    restoreBest,
    params,
    grads: net.gradients(),
    gradientLabels: net.parameterNames().map((s) => `the gradient of ${s}`),
    best: restoreBest || onNonFinite === 'stop' ? params.map((p) => p.clone()) : null,
    fingerprint: { rows: source.rows, batchSize, epochs, seed, parameterCount: net.parameterCount, validationRows: validation?.index.length ?? 0 },
    order: new Int32Array(n),
    fullX: allocateMatrix(batchSize, net.inputSize, net.dtype),
    fullY: allocateMatrix(batchSize, net.outputSize, net.dtype),
    tailX: tail ? allocateMatrix(tail, net.inputSize, net.dtype) : null,
    tailY: tail ? allocateMatrix(tail, net.outputSize, net.dtype) : null,
  };
}

/** Training and validation rows. A validation split is taken after a seeded shuffle, never "the last rows". */
function trainingAndValidationRows(net: Sequential, source: RowSource, targets: TargetSource, options: FitOptions, rng: Rng): Pick<FitSetup, 'trainRows' | 'validation'> {
  if (options.validationSplit !== undefined) {
    if (options.validationData) throw new InvalidOptionError('give validationData or validationSplit, not both');
    const f = checkNumber('validationSplit', options.validationSplit, (v) => v > 0 && v < 1, 'a fraction in (0, 1)');
    const perm = rng.permutation(source.rows);
    const nVal = Math.round(f * source.rows);
    if (nVal < 1 || nVal >= source.rows) throw new InvalidOptionError(`validationSplit ${f} leaves no rows on one side of ${source.rows}`);
    return { trainRows: perm.slice(nVal), validation: { source, targets, index: perm.slice(0, nVal) } };
  }
  if (!options.validationData) return { trainRows: identityIndex(source.rows), validation: null };
  const vs = asRowSource(options.validationData.X);
  const vt = asTargetSource(options.validationData.y, net.outputSize, 'validation targets');
  if (vs.rows !== vt.rows) throw new InvalidOptionError(`validationData: ${vs.rows} input rows but ${vt.rows} targets`);
  if (vs.cols !== net.inputSize) throw new InvalidOptionError(`validationData: inputs have ${vs.cols} columns, expected ${net.inputSize}`);
  return { trainRows: identityIndex(source.rows), validation: { source: vs, targets: vt, index: identityIndex(vs.rows) } };
}

/** The state of a run that starts at epoch 0. */
function freshRun(setup: FitSetup): RunState {
  return {
    history: {
      metricName: setup.net.isClassifier ? 'accuracy' : 'mse',
      loss: [],
      metric: [],
      valLoss: [],
      valMetric: [],
      lr: [],
      timeMs: [],
      bestEpoch: -1,
      stopReason: 'completed',
      restoredBest: false,
    },
    bestValue: Infinity,
    sinceBest: 0,
    lastMonitored: undefined,
    baseLr: setup.optimizer.lr,
    epoch: 0,
    batch: 0,
    resumeOrder: null,
    lossSum: 0,
    metricSum: 0,
  };
}

/** The state saved in a checkpoint, after checking it was made by the same settings; restores weights, optimizer, schedule and random stream. */
function resumedRun(setup: FitSetup, r: TrainingState, options: FitOptions): RunState {
  if (r.format !== 'ffnn.training-state' || r.version !== 1) throw new StateError('resume: not a version-1 ffnn training state');
  const { fingerprint } = setup;
  for (const key of Object.keys(fingerprint) as (keyof typeof fingerprint)[]) {
    if (r.fingerprint[key] !== fingerprint[key]) {
      throw new StateError(`resume: the checkpoint was made with ${key} = ${r.fingerprint[key]}, this run has ${fingerprint[key]}`);
    }
  }
  // Best weights can only be restored from a checkpoint that kept them; the network's own weights
  // at this point are not the best epoch's.
  if (setup.best && !r.best) {
    throw new StateError('resume: the checkpoint holds no best weights (it was made without restoreBestWeights or onNonFinite "stop"); resume with the settings it was made with');
  }
  setup.net.setParameters(r.params);
  if (setup.best && r.best) setup.best.forEach((b, i) => b.data.set(r.best![i]!.data));
  setup.optimizer.setState(r.optimizer);
  if (options.schedule && r.schedule) options.schedule.setState(r.schedule);
  setup.rng.setState(r.rng);
  const history = structuredClone(r.history);
  history.stopReason = 'completed';
  return {
    history,
    bestValue: r.bestValue ?? Infinity,
    sinceBest: r.sinceBest,
    lastMonitored: r.lastMonitored ?? undefined,
    baseLr: r.baseLr,
    epoch: r.epoch,
    batch: r.batch,
    resumeOrder: r.order,
    lossSum: r.lossSum,
    metricSum: r.metricSum,
  };
}

/** Everything needed to continue the run at (epoch, batch); the row order and sums only mid-epoch. */
function snapshot(setup: FitSetup, run: RunState, epoch: number, batch: number, midEpoch: boolean): TrainingState {
  const { options } = setup;
  return {
    format: 'ffnn.training-state',
    version: 1,
    epoch,
    batch,
    order: midEpoch ? Array.from(setup.order) : null,
    lossSum: midEpoch ? run.lossSum : 0,
    metricSum: midEpoch ? run.metricSum : 0,
    rng: setup.rng.getState(),
    optimizer: setup.optimizer.getState(),
    baseLr: run.baseLr,
    schedule: options.schedule ? options.schedule.getState() : null,
    history: structuredClone(run.history),
    bestValue: Number.isFinite(run.bestValue) ? run.bestValue : null,
    sinceBest: run.sinceBest,
    lastMonitored: run.lastMonitored ?? null,
    params: setup.params.map((p) => p.clone()),
    best: setup.best ? setup.best.map((b) => b.clone()) : null,
    fingerprint: setup.fingerprint,
  };
}

/** Start of an epoch: the scheduled learning rate, a fresh seeded row order, zero sums. */
function beginEpoch(setup: FitSetup, run: RunState, epoch: number): void {
  const { options, optimizer, order, trainRows, n } = setup;
  if (options.schedule) optimizer.lr = options.schedule.lrAt(epoch, run.baseLr, run.lastMonitored);
  if (options.shuffle ?? true) {
    const perm = setup.rng.permutation(n);
    for (let i = 0; i < n; i++) order[i] = trainRows[perm[i]!]!;
  } else {
    order.set(trainRows);
  }
  run.lossSum = 0;
  run.metricSum = 0;
}

/**
 * The optimizer steps of one epoch from `firstBatch`, yielding after each. Returns why the run
 * halted mid-epoch (a divergence, or the signal with batches left), or null when the epoch ended.
 */
function* epochBatches(setup: FitSetup, run: RunState, epoch: number, firstBatch: number): Generator<void, 'diverged' | 'interrupted' | null, void> {
  const { net, options, optimizer, source, targets, order, batchSize, batches, n, params, grads, lossLimit } = setup;
  for (let b = firstBatch; b < batches; b++) {
    const start = b * batchSize;
    const rows = Math.min(batchSize, n - start);
    const Xb = rows === batchSize ? setup.fullX : setup.tailX!;
    const Yb = rows === batchSize ? setup.fullY : setup.tailY!;
    source.gather(order, start, Xb);
    targets.gather(order, start, Yb);
    const loss = net.computeGradients(Xb, Yb, { training: true, rng: setup.rng });
    const bad = !Number.isFinite(loss) ? 'the loss' : loss > lossLimit ? 'the loss' : firstNonFinite(grads, setup.gradientLabels);
    if (bad) {
      const what = !Number.isFinite(loss) ? `became ${String(loss)}` : loss > lossLimit ? `reached ${loss.toExponential(3)}, above the limit ${lossLimit.toExponential(3)},` : 'became non-finite';
      const message =
        `training diverged: ${bad} ${what} in epoch ${epoch + 1}, batch ${b + 1} of ${batches}` +
        ` (learning rate ${optimizer.lr}); try a lower learning rate`;
      if (setup.onNonFinite === 'throw') throw new NumericError(message);
      run.history.divergence = { epoch, batch: b, message };
      run.history.stopReason = 'diverged';
      return 'diverged';
    }
    run.lossSum += loss * rows;
    run.metricSum += batchMetric(net, loss, net.lastOutput(rows), targets, order, start) * rows;
    optimizer.step(params, grads);
    options.callbacks?.onBatchEnd?.({ epoch, batch: b, batches, loss });
    yield;
    if (options.signal?.aborted && b + 1 < batches) {
      run.history.stopReason = 'interrupted';
      options.checkpoint?.save(snapshot(setup, run, epoch, b + 1, true));
      return 'interrupted';
    }
  }
  return null;
}

/** End of an epoch: its means and learning rate in the history, the validation evaluation, the best epoch so far (and its weights). */
function endEpoch(setup: FitSetup, run: RunState, epoch: number, started: number): EpochInfo {
  const { history } = run;
  const { n, optimizer, validation } = setup;
  history.loss.push(run.lossSum / n);
  history.metric.push(run.metricSum / n);
  history.lr.push(optimizer.lr);
  let monitored = run.lossSum / n;
  let valLoss: number | undefined;
  let valMetric: number | undefined;
  if (validation) {
    const e = evaluateRows(setup.net, validation.source, validation.targets, validation.index);
    valLoss = e.loss;
    valMetric = e.metric;
    history.valLoss.push(valLoss);
    history.valMetric.push(valMetric);
    monitored = valLoss;
  }
  run.lastMonitored = monitored;
  if (monitored < run.bestValue - setup.minDelta || history.bestEpoch < 0) {
    if (Number.isFinite(monitored)) {
      run.bestValue = monitored;
      history.bestEpoch = epoch;
      run.sinceBest = 0;
      if (setup.best) setup.params.forEach((p, i) => setup.best![i]!.data.set(p.data));
    }
  } else {
    run.sinceBest++;
  }
  const timeMs = performance.now() - started;
  history.timeMs.push(timeMs);
  return {
    epoch,
    epochs: setup.epochs,
    loss: run.lossSum / n,
    metric: run.metricSum / n,
    lr: optimizer.lr,
    timeMs,
    ...(valLoss === undefined ? {} : { valLoss, valMetric: valMetric! }),
  };
}

/** Whether to stop after this epoch: the callback's `false`, early stopping, or the signal. */
function stopAfter(setup: FitSetup, run: RunState, info: EpochInfo): History['stopReason'] | null {
  const { options, early } = setup;
  if (options.callbacks?.onEpochEnd?.(info) === false) return 'callback';
  if (early && run.sinceBest >= early.patience) return 'early-stopping';
  if (options.signal?.aborted) return 'interrupted';
  return null;
}
