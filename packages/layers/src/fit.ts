import { type Optimizer, type OptimizerName, type Schedule, createOptimizer } from '@ffnn/optim';
import { InvalidOptionError, Matrix, NumericError, Rng, argmaxRows, checkNumber, isFinite } from '@ffnn/tensor';
import type { Sequential } from './network.js';
import { type RowSource, type TargetSource, type Targets, asRowSource, asTargetSource } from './sources.js';

/** What one batch reports to {@link FitCallbacks.onBatchEnd}. */
export interface BatchInfo {
  epoch: number;
  batch: number;
  batches: number;
  /** Data loss of this batch. */
  loss: number;
}

/** What one epoch reports to {@link FitCallbacks.onEpochEnd}. */
export interface EpochInfo {
  epoch: number;
  epochs: number;
  loss: number;
  metric: number;
  valLoss?: number;
  valMetric?: number;
  lr: number;
  timeMs: number;
}

/** Progress hooks (e.g. for progress bars). Returning `false` from `onEpochEnd` stops training. */
export interface FitCallbacks {
  onBatchEnd?(info: BatchInfo): void;
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
  validationData?: { X: Matrix | RowSource; y: Targets };
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
  /** Progress hooks. */
  callbacks?: FitCallbacks;
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
  stopReason: 'completed' | 'early-stopping' | 'callback' | 'diverged';
  /** Whether the best epoch's weights were restored at the end. */
  restoredBest: boolean;
  /** Set when training stopped on a non-finite loss or gradient. */
  divergence?: { epoch: number; batch: number; message: string };
}

/** Evaluation of a network on a data set. */
export interface Evaluation {
  /** Mean data loss (without the penalty). */
  loss: number;
  /** Accuracy for classifiers, MSE for regression. */
  metric: number;
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
  const n = source.rows;
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  return evaluateRows(net, source, targets, index);
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
    lossSum += net.lastLoss(Yb) * rows;
    metricSum += batchMetric(net, yhat, Yb, targets, index, start) * rows;
  }
  return { loss: lossSum / n, metric: metricSum / n, metricName: net.isClassifier ? 'accuracy' : 'mse' };
}

/** Accuracy (classifiers) or MSE (regression) of a batch output ŷ against its targets. */
function batchMetric(net: Sequential, yhat: Matrix, Yb: Matrix, targets: TargetSource, index: ArrayLike<number>, start: number): number {
  if (!net.isClassifier) {
    let s = 0;
    for (let t = 0; t < yhat.data.length; t++) {
      const d = yhat.data[t]! - Yb.data[t]!;
      s += d * d;
    }
    return s / yhat.data.length;
  }
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
 */
export function fit(net: Sequential, X: Matrix | RowSource, y: Targets, options: FitOptions = {}): History {
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
  const baseLr = optimizer.lr;
  const rng = new Rng(options.seed ?? net.seed);
  const onNonFinite = options.onNonFinite ?? 'throw';
  if (onNonFinite !== 'throw' && onNonFinite !== 'stop') {
    throw new InvalidOptionError(`onNonFinite must be one of throw, stop; got ${JSON.stringify(onNonFinite)}`);
  }

  // Training / validation rows. The split is taken after a seeded shuffle, never "the last rows".
  let trainRows: Int32Array;
  let validation: { source: RowSource; targets: TargetSource; index: Int32Array } | null = null;
  if (options.validationSplit !== undefined) {
    if (options.validationData) throw new InvalidOptionError('give validationData or validationSplit, not both');
    const f = checkNumber('validationSplit', options.validationSplit, (v) => v > 0 && v < 1, 'a fraction in (0, 1)');
    const perm = rng.permutation(source.rows);
    const nVal = Math.round(f * source.rows);
    if (nVal < 1 || nVal >= source.rows) throw new InvalidOptionError(`validationSplit ${f} leaves no rows on one side of ${source.rows}`);
    validation = { source, targets, index: perm.slice(0, nVal) };
    trainRows = perm.slice(nVal);
  } else {
    trainRows = new Int32Array(source.rows);
    for (let i = 0; i < source.rows; i++) trainRows[i] = i;
    if (options.validationData) {
      const vs = asRowSource(options.validationData.X);
      const vt = asTargetSource(options.validationData.y, net.outputSize, 'validation targets');
      if (vs.rows !== vt.rows) throw new InvalidOptionError(`validationData: ${vs.rows} input rows but ${vt.rows} targets`);
      if (vs.cols !== net.inputSize) throw new InvalidOptionError(`validationData: inputs have ${vs.cols} columns, expected ${net.inputSize}`);
      const index = new Int32Array(vs.rows);
      for (let i = 0; i < vs.rows; i++) index[i] = i;
      validation = { source: vs, targets: vt, index };
    }
  }
  const n = trainRows.length;
  if (n === 0) throw new InvalidOptionError('fit: no training rows');
  const batchSize = Math.min(batchSizeOpt, n);
  const batches = Math.ceil(n / batchSize);

  const early = options.earlyStopping;
  if (early) checkNumber('earlyStopping.patience', early.patience, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
  const minDelta = early?.minDelta ?? 0;
  const restoreBest = options.restoreBestWeights ?? early !== undefined;
  const params = net.parameters();
  const grads = net.gradients();
  const names = net.parameterNames();
  const best = restoreBest || onNonFinite === 'stop' ? params.map((p) => p.clone()) : null;

  const history: History = {
    metricName: net.isClassifier ? 'accuracy' : 'mse',
    loss: [],
    metric: [],
    valLoss: [],
    valMetric: [],
    lr: [],
    timeMs: [],
    bestEpoch: -1,
    stopReason: 'completed',
    restoredBest: false,
  };
  let bestValue = Infinity;
  let sinceBest = 0;
  const fullX = Matrix.zeros(batchSize, net.inputSize, net.dtype);
  const fullY = Matrix.zeros(batchSize, net.outputSize, net.dtype);
  const tail = n % batchSize;
  const tailX = tail ? Matrix.zeros(tail, net.inputSize, net.dtype) : null;
  const tailY = tail ? Matrix.zeros(tail, net.outputSize, net.dtype) : null;
  const order = new Int32Array(n);
  const shuffle = options.shuffle ?? true;
  const callbacks = options.callbacks ?? {};
  let lastMonitored: number | undefined;

  training: for (let epoch = 0; epoch < epochs; epoch++) {
    const started = performance.now();
    if (options.schedule) optimizer.lr = options.schedule.lrAt(epoch, baseLr, lastMonitored);
    if (shuffle) {
      const perm = rng.permutation(n);
      for (let i = 0; i < n; i++) order[i] = trainRows[perm[i]!]!;
    } else {
      order.set(trainRows);
    }
    let lossSum = 0;
    let metricSum = 0;
    for (let b = 0; b < batches; b++) {
      const start = b * batchSize;
      const rows = Math.min(batchSize, n - start);
      const Xb = rows === batchSize ? fullX : tailX!;
      const Yb = rows === batchSize ? fullY : tailY!;
      source.gather(order, start, Xb);
      targets.gather(order, start, Yb);
      const loss = net.computeGradients(Xb, Yb, { training: true, rng });
      const bad = !Number.isFinite(loss) ? 'the loss' : firstNonFinite(grads, names.map((s) => `the gradient of ${s}`));
      if (bad) {
        const message =
          `training diverged: ${bad} became ${Number.isFinite(loss) ? 'non-finite' : String(loss)} in epoch ${epoch + 1}, batch ${b + 1} of ${batches}` +
          ` (learning rate ${optimizer.lr}); try a lower learning rate`;
        if (onNonFinite === 'throw') throw new NumericError(message);
        history.divergence = { epoch, batch: b, message };
        history.stopReason = 'diverged';
        break training;
      }
      lossSum += loss * rows;
      metricSum += batchMetric(net, net.lastOutput(rows), Yb, targets, order, start) * rows;
      optimizer.step(params, grads);
      callbacks.onBatchEnd?.({ epoch, batch: b, batches, loss });
    }
    history.loss.push(lossSum / n);
    history.metric.push(metricSum / n);
    history.lr.push(optimizer.lr);
    let monitored = lossSum / n;
    let valLoss: number | undefined;
    let valMetric: number | undefined;
    if (validation) {
      const e = evaluateRows(net, validation.source, validation.targets, validation.index);
      valLoss = e.loss;
      valMetric = e.metric;
      history.valLoss.push(valLoss);
      history.valMetric.push(valMetric);
      monitored = valLoss;
    }
    lastMonitored = monitored;
    if (monitored < bestValue - minDelta || history.bestEpoch < 0) {
      if (Number.isFinite(monitored)) {
        bestValue = monitored;
        history.bestEpoch = epoch;
        sinceBest = 0;
        if (best) params.forEach((p, i) => best[i]!.data.set(p.data));
      }
    } else {
      sinceBest++;
    }
    const timeMs = performance.now() - started;
    history.timeMs.push(timeMs);
    const info: EpochInfo = {
      epoch,
      epochs,
      loss: lossSum / n,
      metric: metricSum / n,
      lr: optimizer.lr,
      timeMs,
      ...(valLoss === undefined ? {} : { valLoss, valMetric: valMetric! }),
    };
    if (callbacks.onEpochEnd?.(info) === false) {
      history.stopReason = 'callback';
      break;
    }
    if (early && sinceBest >= early.patience) {
      history.stopReason = 'early-stopping';
      break;
    }
  }
  if (best && history.bestEpoch >= 0 && (restoreBest || history.stopReason === 'diverged')) {
    params.forEach((p, i) => p.data.set(best[i]!.data));
    history.restoredBest = true;
  }
  return history;
}
