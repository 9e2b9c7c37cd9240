import { mse, runge, rungeFunction, takeRows, trainTestSplit } from '@ffnn/datasets';
import { type ActivationName, Sequential } from '@ffnn/layers';
import { type Optimizer, type OptimizerName, createOptimizer } from '@ffnn/optim';
import { Matrix } from '@ffnn/tensor';

/** What the Runge playground lets a reader choose. */
export interface RungeSettings {
  /** Hidden layer widths, e.g. `[50, 50]`. */
  hidden: number[];
  activation: ActivationName;
  optimizer: OptimizerName;
  lr: number;
  epochs: number;
  /** Mini-batch size; default 64 (the study's). */
  batchSize?: number;
  /** Number of points; default 1000 (the study's), 80/20 split. */
  n?: number;
  /** Noise σ; default 0.05. */
  sigma?: number;
  /** Seed of data, split, weights and shuffling; default 1993. */
  seed?: number;
}

/** Parses "50, 50" into [50, 50]; empty or "none" means no hidden layer. Throws on anything else. */
export function parseHidden(text: string): number[] {
  const t = text.trim();
  if (t === '' || t.toLowerCase() === 'none') return [];
  const widths = t.split(/[\s,]+/).filter(Boolean).map(Number);
  if (widths.some((w) => !Number.isInteger(w) || w < 1 || w > 1000)) {
    throw new Error(`hidden layers must be widths from 1 to 1000 separated by commas, e.g. "50, 50"; got "${text}"`);
  }
  return widths;
}

/**
 * The study's part (b) set-up, trained a few epochs at a time so a page can redraw between steps:
 * y = f(x) + N(0, σ²), f(x) = 1/(1+25x²), x ~ U[−1, 1], 80/20 split, input x itself.
 */
export class RungeTrainer {
  readonly settings: Required<RungeSettings>;
  readonly net: Sequential;
  readonly optimizer: Optimizer;
  readonly Xtrain: Matrix;
  readonly ytrain: Matrix;
  readonly Xtest: Matrix;
  readonly ytest: Matrix;
  readonly ftest: Matrix;
  /** Mean training MSE of each epoch (as `fit` reports it). */
  readonly trainLoss: number[] = [];
  /** Test MSE against the noisy targets after each epoch. */
  readonly testMse: number[] = [];
  /** Test MSE against the clean function after each epoch. */
  readonly testMseClean: number[] = [];

  constructor(settings: RungeSettings) {
    this.settings = { batchSize: 64, n: 1000, sigma: 0.05, seed: 1993, ...settings };
    const { n, sigma, seed } = this.settings;
    const { x, y, f } = runge({ n, sigma, seed });
    const { train, test } = trainTestSplit(n, { testFraction: 0.2, seed });
    this.Xtrain = takeRows(x, train);
    this.ytrain = takeRows(y, train);
    this.Xtest = takeRows(x, test);
    this.ytest = takeRows(y, test);
    this.ftest = takeRows(f, test);
    this.net = Sequential.mlp({
      inputSize: 1,
      hidden: this.settings.hidden,
      activation: this.settings.activation,
      outputSize: 1,
      loss: 'mse',
      seed,
    });
    this.optimizer = createOptimizer(this.settings.optimizer, { lr: this.settings.lr });
  }

  /** Epochs trained so far. */
  get epoch(): number {
    return this.trainLoss.length;
  }

  get done(): boolean {
    return this.epoch >= this.settings.epochs;
  }

  /** Trains up to `k` more epochs (never past `settings.epochs`); returns how many ran. */
  step(k: number): number {
    const run = Math.min(k, this.settings.epochs - this.epoch);
    if (run <= 0) return 0;
    for (let e = 0; e < run; e++) {
      // One epoch per call, with its own shuffle seed, so k does not change the trajectory.
      const history = this.net.fit(this.Xtrain, this.ytrain, {
        optimizer: this.optimizer,
        epochs: 1,
        batchSize: this.settings.batchSize,
        seed: this.settings.seed + this.epoch,
      });
      this.trainLoss.push(history.loss[0]!);
      const yhat = this.net.predict(this.Xtest);
      this.testMse.push(mse(this.ytest, yhat));
      this.testMseClean.push(mse(this.ftest, yhat));
    }
    return run;
  }

  /** Predictions on `points` evenly spaced x in [−1, 1], with the clean f(x). */
  curve(points = 201): { x: number[]; yhat: number[]; f: number[] } {
    const x = Array.from({ length: points }, (_, i) => -1 + (2 * i) / (points - 1));
    const yhat = Array.from(this.net.predict(Matrix.column(x)).data);
    return { x, yhat, f: x.map(rungeFunction) };
  }
}
