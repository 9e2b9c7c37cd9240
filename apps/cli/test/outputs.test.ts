/**
 * The numbers `ffnn train`, `evaluate` and `predict` report, recomputed here from the files they read
 * and write: the CSV, the saved model (scaler and weights) and the predictions file. The forward
 * pass, the split's training rows, the confusion matrix and every metric are computed in this file
 * (plain loops), never by the CLI's own helpers, so a bug shared by the CLI and the study shows here.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainTestSplit } from '@ffnn/datasets';
import { Rng } from '@ffnn/tensor';
import { afterAll, describe, expect, it } from 'vitest';

const bin = new URL('../dist/bin.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ffnn-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ffnn(...args: string[]): string {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir, timeout: 120_000 });
  expect(r.status, `ffnn ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** A CSV file as a header and numeric rows (what the tests wrote, read back independently). */
function readTable(path: string): { header: string[]; rows: string[][] } {
  const [head, ...lines] = readFileSync(join(dir, path), 'utf8').trim().split('\n');
  return { header: head!.split(','), rows: lines.map((l) => l.split(',')) };
}

function col(table: { header: string[]; rows: string[][] }, name: string): number[] {
  const j = table.header.indexOf(name);
  expect(j, `column ${name} in ${table.header.join(',')}`).toBeGreaterThanOrEqual(0);
  return table.rows.map((r) => Number(r[j]));
}

interface SavedModel {
  classes: number[] | null;
  preprocessing: { kind: string; scaler: { mean: number[]; scale: number[] } };
  network: { inputSize: number; layers: { units: number; activation: string; alpha?: number; W: number[]; b: number[] }[] };
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const std = (v: number[]) => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));

/** The saved network applied to raw feature rows: standardize with the saved scaler, then dense layers. */
function forward(model: SavedModel, X: number[][]): number[][] {
  const { mean: mu, scale } = model.preprocessing.scaler;
  return X.map((raw) => {
    let a = raw.map((v, j) => (v - mu[j]!) / scale[j]!);
    for (const layer of model.network.layers) {
      const z = Array.from({ length: layer.units }, (_, k) => layer.b[k]! + a.reduce((s, x, i) => s + x * layer.W[i * layer.units + k]!, 0));
      if (layer.activation === 'relu') a = z.map((v) => Math.max(v, 0));
      else if (layer.activation === 'linear') a = z;
      else if (layer.activation === 'softmax') {
        const m = Math.max(...z);
        const e = z.map((v) => Math.exp(v - m));
        a = e.map((v) => v / e.reduce((s, x) => s + x, 0));
      } else throw new Error(`this test's forward pass knows relu, linear and softmax, not ${layer.activation}`);
    }
    return a;
  });
}

function expectClose(got: number, want: number, rel: number, what: string): void {
  expect(Math.abs(got - want), `${what}: got ${got}, expected ${want}`).toBeLessThanOrEqual(rel * Math.max(Math.abs(want), 1e-300) + 1e-15);
}

/** The scaler in the model is the training rows' own mean and std, and a fit on all rows would differ. */
function expectFittedOnTrainingRows(model: SavedModel, X: number[][], train: Int32Array): void {
  X[0]!.forEach((_, j) => {
    const trainCol = Array.from(train, (i) => X[i]![j]!);
    const allCol = X.map((r) => r[j]!);
    expectClose(model.preprocessing.scaler.mean[j]!, mean(trainCol), 1e-12, `scaler mean of column ${j}`);
    expectClose(model.preprocessing.scaler.scale[j]!, std(trainCol), 1e-12, `scaler std of column ${j}`);
    // The data make a leak visible: the mean of all rows is far from the training rows' mean.
    expect(Math.abs(mean(allCol) - mean(trainCol)) / std(trainCol)).toBeGreaterThan(1e-6);
  });
}

describe('classification: the confusion matrix, metrics and predictions file against an independent computation', () => {
  // Three overlapping classes (so the network makes errors, and unevenly) on features of very
  // different scales; class labels 0, 10, 20 so a label/code mix-up shows too.
  const rng = new Rng(42);
  const n = 240;
  const X: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3 === 0 ? 0 : i % 3 === 1 ? 1 : i % 5 === 0 ? 1 : 2;
    X.push([1000 + 150 * c + 120 * rng.normal(), -5 + 2 * c * c + 1.5 * rng.normal()]);
    labels.push(10 * c);
  }
  writeFileSync(join(dir, 'cls.csv'), `x1,x2,label\n${X.map((r, i) => `${r.join(',')},${labels[i]}`).join('\n')}\n`);
  const seed = 5;
  const trained = JSON.parse(
    ffnn('train', '--data', 'cls.csv', '--target', 'label', '--hidden', '6', '--epochs', '4', '--lr', '0.01', '--batch-size', '16', '--seed', String(seed), '--save', 'cls.json', '--json', '--quiet'),
  ) as { task: string; train: { accuracy: number; loss: number }; test: { accuracy: number; loss: number } };
  const model = JSON.parse(readFileSync(join(dir, 'cls.json'), 'utf8')) as SavedModel;
  const classes = [0, 10, 20];
  const truth = labels.map((v) => classes.indexOf(v));
  const proba = forward(model, X);
  const predicted = proba.map((p) => p.indexOf(Math.max(...p)));
  // The training rows as the documented split chooses them (stratified by class, seeded).
  const { train, test } = trainTestSplit(n, { testFraction: 0.2, seed, stratify: truth });

  it('train: the scaler is fitted on the training rows only', () => {
    expect(trained.task).toBe('classification');
    expect(model.classes).toEqual(classes);
    expect(model.preprocessing.kind).toBe('standard');
    expectFittedOnTrainingRows(model, X, train);
  });

  it("train: accuracy and cross-entropy of both parts equal this file's from the saved weights", () => {
    for (const [name, rows] of [['train', train], ['test', test]] as const) {
      const acc = mean(Array.from(rows, (i) => (predicted[i] === truth[i] ? 1 : 0)));
      const ce = mean(Array.from(rows, (i) => -Math.log(proba[i]![truth[i]!]!)));
      expect(trained[name].accuracy, `${name} accuracy`).toBe(acc);
      expectClose(trained[name].loss, ce, 1e-9, `${name} loss`);
    }
  });

  it('evaluate: the confusion matrix has a row per true class and a column per predicted class', () => {
    const evaluated = JSON.parse(ffnn('evaluate', 'cls.json', '--data', 'cls.csv', '--json')) as { accuracy: number; loss: number; confusionMatrix: number[][] };
    const cm = classes.map(() => classes.map(() => 0));
    truth.forEach((t, i) => cm[t]![predicted[i]!]!++);
    // Not symmetric, so the transposed matrix would not pass.
    expect(cm.some((row, a) => row.some((v, b) => v !== cm[b]![a]))).toBe(true);
    expect(evaluated.confusionMatrix).toEqual(cm);
    expect(evaluated.accuracy).toBe(mean(truth.map((t, i) => (t === predicted[i] ? 1 : 0))));
    expect(evaluated.accuracy).toBeLessThan(1);
    expectClose(evaluated.loss, mean(truth.map((t, i) => -Math.log(proba[i]![t]!))), 1e-9, 'loss');
  });

  it('predict: each row has the predicted class and the class probabilities of the saved network', () => {
    ffnn('predict', 'cls.json', '--data', 'cls.csv', '--out', 'cls-pred.csv');
    const out = readTable('cls-pred.csv');
    expect(out.rows).toHaveLength(n);
    expect(col(out, 'prediction')).toEqual(predicted.map((k) => classes[k]));
    classes.forEach((c, k) => {
      const p = col(out, `p_${c}`);
      // Written with 6 significant digits.
      p.forEach((v, i) => expectClose(v, proba[i]![k]!, 5e-6, `row ${i + 1} p_${c}`));
    });
  });
});

describe('regression: R², MSE, MAE and the predictions file against an independent computation', () => {
  const rng = new Rng(7);
  const n = 200;
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rng.uniformIn(-2, 2);
    const b = rng.uniformIn(50, 150);
    X.push([a, b]);
    y.push(Math.sin(2 * a) + 0.02 * (b - 100) + 0.1 * rng.normal());
  }
  writeFileSync(join(dir, 'reg.csv'), `a,b,y\n${X.map((r, i) => `${r.join(',')},${y[i]}`).join('\n')}\n`);
  const seed = 11;
  const trained = JSON.parse(
    ffnn('train', '--data', 'reg.csv', '--target', 'y', '--hidden', '8', '--epochs', '5', '--lr', '0.01', '--batch-size', '16', '--seed', String(seed), '--save', 'reg.json', '--json', '--quiet'),
  ) as { task: string; train: Record<string, number>; test: Record<string, number> };
  const model = JSON.parse(readFileSync(join(dir, 'reg.json'), 'utf8')) as SavedModel;
  const { train, test } = trainTestSplit(n, { testFraction: 0.2, seed });

  /** MSE, MAE and R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)², written out. */
  function metrics(truth: number[], pred: number[]): { mse: number; mae: number; r2: number } {
    const ybar = mean(truth);
    const ssRes = truth.reduce((s, t, i) => s + (t - pred[i]!) ** 2, 0);
    const ssTot = truth.reduce((s, t) => s + (t - ybar) ** 2, 0);
    return { mse: ssRes / truth.length, mae: mean(truth.map((t, i) => Math.abs(t - pred[i]!))), r2: 1 - ssRes / ssTot };
  }

  it('train: the scaler is fitted on the training rows only, and both parts report the metrics of the saved network', () => {
    expect(trained.task).toBe('regression');
    expectFittedOnTrainingRows(model, X, train);
    const yhat = forward(model, X).map((r) => r[0]!);
    for (const [name, rows] of [['train', train], ['test', test]] as const) {
      const want = metrics(Array.from(rows, (i) => y[i]!), Array.from(rows, (i) => yhat[i]!));
      for (const key of ['mse', 'mae', 'r2'] as const) expectClose(trained[name][key]!, want[key], 1e-9, `${name} ${key}`);
    }
  });

  it('predict writes the saved network\'s ŷ for every row; evaluate reports its MSE, MAE and R² (not R² with ŷ and y swapped)', () => {
    ffnn('predict', 'reg.json', '--data', 'reg.csv', '--out', 'reg-pred.csv');
    const written = col(readTable('reg-pred.csv'), 'y_predicted');
    const yhat = forward(model, X).map((r) => r[0]!);
    expect(written).toHaveLength(n);
    written.forEach((v, i) => expectClose(v, yhat[i]!, 1e-12, `row ${i + 1} prediction`));
    const evaluated = JSON.parse(ffnn('evaluate', 'reg.json', '--data', 'reg.csv', '--json')) as { mse: number; mae: number; r2: number };
    const want = metrics(y, written);
    // R² is not symmetric in (y, ŷ) here, so swapped arguments would not pass.
    expect(Math.abs(metrics(written, y).r2 - want.r2)).toBeGreaterThan(1e-3);
    for (const key of ['mse', 'mae', 'r2'] as const) expectClose(evaluated[key], want[key], 1e-9, `evaluate ${key}`);
  });
});
