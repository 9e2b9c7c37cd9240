import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeTrainingState, encodeTrainingState } from '@ffnn/layers';
import type { Matrix} from '@ffnn/tensor';
import { NumericError, getBackend, jsBackend, setBackend } from '@ffnn/tensor';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CliFailure, UsageError } from '../errors.js';
import { loadModel } from '../model-file.js';
import type { OptionValue } from '../sweep/spec.js';
import { runCli, tempDir, writeLines } from '../testing.js';
import { trialConfigOf, trialFlags } from '../train-options.js';
import { VERSION } from '../version.js';
import { type PreparedData, buildNetwork as buildTrial, prepareData as prepareTrial } from '../trial.js';
import { type TrainFlags, backendLabel, reproducingFlags, selectBackend, train } from './train.js';

/** The data and network of `ffnn train` with these flags (as the command builds them). */
const prepareData = (f: TrainFlags) => prepareTrial(trialConfigOf(f));
const buildNetwork = (f: TrainFlags, prepared: PreparedData) => buildTrial(trialConfigOf(f), prepared);

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (name: string) => join(dir, name);
const flags = (config: Record<string, OptionValue>): TrainFlags => trialFlags(config);
afterAll(() => setBackend(jsBackend));

const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
const std = (a: ArrayLike<number>) => Math.sqrt(mean(Array.from(a, (v) => (v - mean(a)) ** 2)));

/** 20 rows: a = i, b = 100 + 3i (far from standardized), y = 2a − b/10 + small wiggle. */
const regression = writeLines(dir, 'reg.csv', ['a,b,y', ...Array.from({ length: 20 }, (_, i) => `${i},${100 + 3 * i},${2 * i - (100 + 3 * i) / 10 + ((i * 7) % 3) / 10}`)]);
/** 24 rows, classes by name: 16 "no", 8 "yes". */
const classes = writeLines(dir, 'cls.csv', ['x,answer', ...Array.from({ length: 24 }, (_, i) => `${i / 10},${i % 3 === 0 ? 'yes' : 'no'}`)]);

describe('prepareData', () => {
  it('fits the feature scaler and the target scale on the training rows only', () => {
    const p = prepareData(flags({ data: regression, target: 'y', testSize: 0.25, seed: 3 }));
    expect(p.task).toBe('regression');
    expect(p.encoded).toBeNull();
    expect(p.trainRows).toHaveLength(15);
    expect(p.testRows).toHaveLength(5);
    const a = Array.from(p.trainRows, (i) => i);
    const b = Array.from(p.trainRows, (i) => 100 + 3 * i);
    if (p.pre.kind !== 'standard') throw new Error('expected a standard scaler');
    expect(p.pre.scaler.mean[0]).toBeCloseTo(mean(a), 12);
    expect(p.pre.scaler.mean[1]).toBeCloseTo(mean(b), 12);
    expect(p.pre.scaler.scale[0]).toBeCloseTo(std(a), 12);
    // Not the mean of all rows (9.5): the test rows are left out.
    expect(p.pre.scaler.mean[0]).not.toBeCloseTo(9.5, 6);
    const Xtest = p.Xtest as Matrix;
    Array.from(p.testRows).forEach((i, r) => expect(Xtest.get(r, 0)).toBeCloseTo((i - mean(a)) / std(a), 12));
    const y = (i: number) => 2 * i - (100 + 3 * i) / 10 + ((i * 7) % 3) / 10;
    expect(Array.from((p.ytrain as Matrix).data)).toEqual(Array.from(p.trainRows, y));
    expect(Array.from((p.ytest as Matrix).data)).toEqual(Array.from(p.testRows, y));
    expect(p.targetScale!.mean).toBeCloseTo(mean(Array.from(p.trainRows, y)), 12);
    expect(p.targetScale!.std).toBeCloseTo(std(Array.from(p.trainRows, y)), 12);
    expect(prepareData(flags({ data: regression, target: 'y', standardizeTarget: false })).targetScale).toBeNull();
  });

  it('--no-standardize keeps raw features and warns once about far ones on stderr', () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const p = prepareData(flags({ data: regression, target: 'y', standardize: false, seed: 3 }));
      expect(p.pre).toEqual({ kind: 'none' });
      expect((p.Xtrain as Matrix).get(0, 1)).toBe(100 + 3 * p.trainRows[0]!);
      expect(err).toHaveBeenCalledTimes(1);
      expect(String(err.mock.calls[0]![0])).toMatch(/^warning: inputs are far from standardized: a \(mean .*\), b \(mean 1\d\d, std .*\); training may be slow or unstable \(drop --no-standardize\)\n$/);
      err.mockClear();
      prepareData(flags({ data: regression, target: 'y', seed: 3 }));
      expect(err).not.toHaveBeenCalled();
    } finally {
      err.mockRestore();
    }
  });

  it('classification: classes in code-point order, labels of each part, stratified split', () => {
    const p = prepareData(flags({ data: classes, target: 'answer', testSize: 0.25, seed: 9 }));
    expect(p.task).toBe('classification');
    expect(p.encoded!.classes).toEqual(['no', 'yes']);
    expect(p.targetScale).toBeNull();
    const label = (i: number) => (i % 3 === 0 ? 1 : 0);
    expect(Array.from(p.ytrain as Int32Array)).toEqual(Array.from(p.trainRows, label));
    expect(Array.from(p.ytest as Int32Array)).toEqual(Array.from(p.testRows, label));
    expect(Array.from(p.ytest as Int32Array).filter((k) => k === 1)).toHaveLength(2);
    // A different seed chooses other test rows.
    expect(Array.from(prepareData(flags({ data: classes, target: 'answer', testSize: 0.25, seed: 10 })).testRows)).not.toEqual(Array.from(p.testRows));
  });

  it('--task decides over the inferred task; names cannot be regression targets; one class is not a classification', () => {
    expect(prepareData(flags({ data: regression, target: 'y', task: 'classification' })).task).toBe('classification');
    expect(() => prepareData(flags({ data: classes, target: 'answer', task: 'regression' }))).toThrow(UsageError);
    expect(() => prepareData(flags({ data: classes, target: 'answer', task: 'regression' }))).toThrow(
      '--task regression needs numbers in answer, but it holds names such as "yes"; drop --task to train a classifier',
    );
    const one = writeLines(dir, 'one.csv', ['x,c', '1,a', '2,a', '3,a', '4,a']);
    expect(() => prepareData(flags({ data: one, target: 'c' }))).toThrow(UsageError);
    expect(() => prepareData(flags({ data: one, target: 'c' }))).toThrow('--task classification needs at least 2 classes in c');
    const two = writeLines(dir, 'two.csv', ['x,c', '1,a', '2,b', '3,a', '4,b', '5,a', '6,b']);
    expect(prepareData(flags({ data: two, target: 'c', testSize: 0.34 })).encoded!.classes).toEqual(['a', 'b']);
  });

  it('--subset shrinks the data before the split (re-encoding the classes); --train-rows and --test-rows shrink a part after it', () => {
    const sub = prepareData(flags({ data: classes, target: 'answer', subset: 12, testSize: 0.25, seed: 9 }));
    expect(sub.data.n).toBe(12);
    expect(sub.trainRows.length + sub.testRows.length).toBe(12);
    expect(sub.encoded!.labels).toHaveLength(12);
    expect(sub.data.targetLabels!.filter((c) => c === 'yes')).toHaveLength(4);
    expect(prepareData(flags({ data: classes, target: 'answer', subset: 24, seed: 9 })).data.n).toBe(24);
    const full = prepareData(flags({ data: regression, target: 'y', testSize: 0.25, seed: 3 }));
    const parts = prepareData(flags({ data: regression, target: 'y', testSize: 0.25, seed: 3, trainRows: 6, testRows: 3 }));
    expect(parts.trainRows).toHaveLength(6);
    expect(parts.testRows).toHaveLength(3);
    expect(Array.from(parts.trainRows).every((i) => full.trainRows.includes(i))).toBe(true);
    expect(Array.from(parts.testRows).every((i) => full.testRows.includes(i))).toBe(true);
    // The scaler is fitted on the rows that train.
    if (parts.pre.kind !== 'standard') throw new Error('expected a standard scaler');
    expect(parts.pre.scaler.mean[0]).toBeCloseTo(mean(Array.from(parts.trainRows)), 12);
  });

  it('too few rows in a part: exit 1 for the data, exit 2 when flags shrank it, with the numbers', () => {
    const tiny = writeLines(dir, 'tiny.csv', ['x,y', '1,1', '2,2', '3,3']);
    const fewer = () => prepareData(flags({ data: tiny, target: 'y', testSize: 0.5 }));
    expect(fewer).toThrow(CliFailure);
    expect(fewer).toThrow(`${tiny}: 3 rows leave 1 training row and 2 test rows (--test-size 0.5); training and scoring need at least 2 rows in each part: the data needs more rows`);
    const four = writeLines(dir, 'four.csv', ['x,y', '1,1', '2,2', '3,3', '4,4']);
    expect(() => prepareData(flags({ data: four, target: 'y', testSize: 0.5 }))).not.toThrow();
    const subset = () => prepareData(flags({ data: regression, target: 'y', subset: 3, testSize: 0.5 }));
    expect(subset).toThrow(UsageError);
    expect(subset).toThrow(`${regression}: 3 rows (--subset 3) leave 1 training row and 2 test rows (--test-size 0.5); training and scoring need at least 2 rows in each part: ask for more rows`);
    const rows = () => prepareData(flags({ data: regression, target: 'y', trainRows: 1, testRows: 1 }));
    expect(rows).toThrow(UsageError);
    expect(rows).toThrow(`${regression}: 20 rows leave 1 training row and 1 test row (--test-size 0.2, --train-rows 1, --test-rows 1); training and scoring need at least 2 rows in each part: ask for more rows`);
    expect(() => prepareData(flags({ data: regression, target: 'y', testRows: 1 }))).toThrow(`${regression}: 20 rows leave 16 training rows and 1 test row (--test-size 0.2, --test-rows 1)`);
    expect(() => prepareData(flags({ data: regression, target: 'y', trainRows: 1 }))).toThrow(UsageError);
  });

  it('--features poly:<d> expands the loaded column; the run uses the expansion', () => {
    const p = prepareData(flags({ data: 'runge', n: 30, features: 'poly:3', seed: 2 }));
    expect(p.loaded.cols).toBe(1);
    expect(p.features).toEqual({ kind: 'poly', degree: 3 });
    expect(p.data.cols).toBe(4);
    expect((p.Xtrain as Matrix).cols).toBe(4);
  });
});

describe('buildNetwork', () => {
  it('one output for regression, one per class (two for two classes), the task\'s loss, the flags\' layers', () => {
    const reg = buildNetwork(flags({ data: regression, target: 'y', hidden: '5,3', activation: 'tanh', l2: 0.1, dtype: 'float32' }), prepareData(flags({ data: regression, target: 'y' })));
    expect([reg.inputSize, ...reg.layers.map((l) => l.units)]).toEqual([2, 5, 3, 1]);
    expect(reg.loss.name).toBe('mse');
    expect(reg.lambda2).toBe(0.1);
    expect(reg.dtype).toBe('float32');
    expect(reg.layers[0]!.activation.name).toBe('tanh');
    const cls = buildNetwork(flags({ data: classes, target: 'answer', hidden: 'none', l1: 0.01, dropout: 0 }), prepareData(flags({ data: classes, target: 'answer' })));
    expect(cls.outputSize).toBe(2);
    expect(cls.loss.name).toBe('cross-entropy');
    expect(cls.lambda1).toBe(0.01);
    const three = writeLines(dir, 'three.csv', ['x,c', ...Array.from({ length: 12 }, (_, i) => `${i},${'abc'[i % 3]}`)]);
    expect(buildNetwork(flags({ data: three, target: 'c', hidden: '4', dropout: 0.25 }), prepareData(flags({ data: three, target: 'c' }))).layers.map((l) => [l.units, l.dropout])).toEqual([[4, 0.25], [3, 0]]);
    // The seed decides the initial weights.
    const w = (seed: number) => Array.from(buildNetwork(flags({ data: regression, target: 'y', seed }), prepareData(flags({ data: regression, target: 'y', seed }))).layers[0]!.W.data);
    expect(w(1)).toEqual(w(1));
    expect(w(1)).not.toEqual(w(2));
  });
});

describe('train', () => {
  const small = { data: 'runge', n: 50, hidden: '4', epochs: 3, batchSize: 16, seed: 5 } as const;

  it('reports train and test metrics that match the saved model on the prepared rows', async () => {
    const save = path('runge.json');
    const f = flags({ ...small, save });
    const result = await train(f, undefined, { silent: true });
    expect(result).toMatchObject({ data: 'runge', task: 'regression', rows: { train: 40, test: 10 }, architecture: '1-4-1', savedTo: save });
    expect(result.history.loss).toHaveLength(3);
    expect(result.backend).toEqual({ name: getBackend().name, threads: getBackend().threads });
    const { network, model } = loadModel(save);
    const p = prepareData(f);
    const yhat = network.predict(p.Xtest).data;
    const y = (p.ytest as Matrix).data;
    const mse = Array.from(y).reduce((s, v, i) => s + (v - yhat[i]!) ** 2, 0) / y.length;
    expect(result.test.mse).toBeCloseTo(mse, 12);
    const clean = Array.from(p.testRows, (i) => p.data.clean![i]!);
    expect(result.test.mse_clean).toBeCloseTo(clean.reduce((s, v, i) => s + (v - yhat[i]!) ** 2, 0) / y.length, 12);
    const ytr = (p.ytrain as Matrix).data;
    const yhtr = network.predict(p.Xtrain).data;
    expect(result.train.mae).toBeCloseTo(Array.from(ytr).reduce((s, v, i) => s + Math.abs(v - yhtr[i]!), 0) / ytr.length, 12);
    // The model file: what predict needs, and the flags that reproduce it.
    expect(model).toMatchObject({ format: 'ffnn.model', version: 1, task: 'regression', featureNames: ['x'], targetName: 'y', classes: null });
    expect(model.features).toBeUndefined();
    expect(model.preprocessing).toEqual(p.pre);
    expect(model.training).toMatchObject({ data: 'runge', n: 50, epochs: 3, hidden: [4], ffnn: VERSION, backend: getBackend().name });
    expect(model.training.save).toBeUndefined();
    // The same flags give the same bits.
    expect((await train(f, undefined, { silent: true })).test).toEqual(result.test);
  });

  it('classification: accuracy and loss of the test rows, classes in the saved model, features recorded', async () => {
    const save = path('cls.json');
    const f = flags({ data: classes, target: 'answer', hidden: '3', epochs: 2, batchSize: 8, save });
    const result = await train(f, undefined, { silent: true });
    expect(result.task).toBe('classification');
    expect(result.architecture).toBe('1-3-2');
    const { network, model } = loadModel(save);
    const p = prepareData(f);
    const predicted = network.predictClasses(p.Xtest);
    const y = p.ytest as Int32Array;
    expect(result.test.accuracy).toBe(Array.from(y).filter((k, i) => k === predicted[i]).length / y.length);
    expect(result.test.loss).toBeCloseTo(network.evaluate(p.Xtest, y).loss, 12);
    expect(model.classes).toEqual(['no', 'yes']);
    expect(model.training.data).toBe('cls.csv');
    const poly = await train(flags({ ...small, features: 'poly:2', save: path('poly.json') }), undefined, { silent: true });
    expect(poly.architecture).toBe('3-4-1');
    expect(loadModel(path('poly.json')).model).toMatchObject({ features: 'poly:2', featureNames: ['x'] });
  });

  it('logs the set-up, the curve and the metrics; --quiet keeps only the metrics', async () => {
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    try {
      const result = await train(flags({ ...small, save: path('log.json') }));
      expect(out).toContain(`ffnn ${VERSION} · runge: 40 train / 10 test rows · regression\n`);
      expect(out).toMatch(/target y standardized on the training part \(mean -?\d\.\d{4}, std \d\.\d{4}\); metrics and predictions are in its own units\n/);
      expect(out).toContain(`optimizer adam (lr 0.001) · batch 16 · 3 epochs · backend ${backendLabel(getBackend())}\n`);
      expect(out).toContain('training loss (MSE) per epoch');
      expect(out).toMatch(new RegExp(`\ntrain mse ${result.train.mse!.toFixed(4)} · mae ${result.train.mae!.toFixed(4)} · r2 `));
      expect(out).toContain(`\ntest  mse ${result.test.mse!.toFixed(4)} · `);
      expect(out).toContain(`saved the model to ${path('log.json')}\n`);
      out = '';
      await train(flags({ ...small, quiet: true }));
      expect(out.split('\n').filter((l) => l !== '').map((l) => l.slice(0, 5))).toEqual(['train', 'test ']);
      out = '';
      await train(flags({ ...small, quiet: true }), undefined, { silent: true });
      expect(out).toBe('');
      await train(flags({ data: classes, target: 'answer', hidden: '3', epochs: 2, lr: 0.05 }));
      expect(out).toContain('classes of answer (network output order): no, yes\n');
      expect(out).toContain('training loss (cross-entropy) per epoch');
      expect(out).toContain('optimizer adam (lr 0.05)');
      out = '';
      await train(flags({ ...small, epochs: 1 }));
      expect(out).not.toContain('training loss');
      expect(out).toContain('· 1 epoch ·');
    } finally {
      spy.mockRestore();
    }
  });

  it('--json sends the log to stderr; --quiet --json prints nothing there', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let err = '';
    const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err += String(chunk);
      return true;
    });
    try {
      await train(flags({ ...small, json: true }));
      expect(out).not.toHaveBeenCalled();
      expect(err).toContain('· runge: 40 train / 10 test rows');
      expect(err).toContain('\ntest  mse ');
      err = '';
      await train(flags({ ...small, json: true, quiet: true }));
      expect(err).toBe('');
    } finally {
      out.mockRestore();
      errSpy.mockRestore();
    }
  });

  it('--test-curves records the test loss of every epoch; --spectral records σ_max per epoch', async () => {
    const curves = await train(flags({ ...small, testCurves: true }), undefined, { silent: true });
    expect(curves.history.valLoss).toHaveLength(3);
    expect(curves.spectral).toBeUndefined();
    const spectral = await train(flags({ ...small, spectral: true }), undefined, { silent: true });
    // Two weight matrices, epochs 0 (the initial weights) to 3.
    expect(spectral.spectral).toHaveLength(8);
    expect(spectral.history.valLoss).toHaveLength(0);
    const early = await train(flags({ ...small, epochs: 30, earlyStopping: 1, lr: 0.3 }), undefined, { silent: true });
    expect(early.history.stopReason).toBe('early-stopping');
  });

  it('refuses combinations it cannot honour, before training', async () => {
    await expect(train(flags({ ...small, testCurves: true, earlyStopping: 3 }))).rejects.toThrow(
      new UsageError('--test-curves and --early-stopping cannot be combined: early stopping monitors a validation split of the training rows, never the test rows; drop one of them'),
    );
    await expect(train(flags({ ...small, save: path('m.onnx') }))).rejects.toThrow(UsageError);
    const resume = { epoch: 0 } as never;
    await expect(train(flags({ ...small, spectral: true }), resume)).rejects.toThrow(/^--spectral cannot continue from a checkpoint/);
  });

  it('divergence stops with a NumericError keeping the best weights, or returns when allowed', async () => {
    const f = flags({ ...small, optimizer: 'sgd', lr: 1e6, standardizeTarget: false, save: path('div.json') });
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await expect(train(f)).rejects.toThrow(NumericError);
      await expect(train(f)).rejects.toThrow(/; (the best weights so far \(epoch \d+\) were kept|no epoch finished, so the initial weights were kept)$/);
      expect(out.mock.calls.some((c) => String(c[0]).includes(`saved the model to ${path('div.json')} (the best weights before the divergence)`))).toBe(true);
      const allowed = await train(f, undefined, { allowDivergence: true, silent: true });
      expect(allowed.history.stopReason).toBe('diverged');
    } finally {
      out.mockRestore();
    }
  });
});

describe('ffnn train on the command line', () => {
  const args = ['train', '--data', 'runge', '--n', '40', '--hidden', '3', '--epochs', '2', '--batch-size', '8', '--backend', 'js'];

  it('--json prints the result; a checkpoint resumes to the same result; settings cannot change on --resume', async () => {
    const ckpt = path('run.ckpt');
    const r = await runCli(...args, '--json', '--quiet', '--checkpoint', ckpt, '--checkpoint-every', '1');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['data', 'task', 'rows', 'architecture', 'backend', 'history', 'train', 'test', 'diagnostics', 'seconds']);
    expect(result.backend).toEqual({ name: 'js', threads: 1 });
    const resumed = await runCli('train', '--resume', ckpt, '--json', '--quiet');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).test).toEqual(result.test);
    const changed = await runCli('train', '--resume', ckpt, '--epochs', '5', '--batch-size', '4', '--json');
    expect(changed.code).toBe(2);
    expect(changed.stderr).toBe("ffnn: --resume continues with the checkpoint's settings; these flags cannot change: --epochs, --batch-size\n");
  });

  it('a file that is not a checkpoint of ffnn train fails with exit 1 naming it', async () => {
    const bogus = writeLines(dir, 'bogus.ckpt', ['hello']);
    const r = await runCli('train', '--resume', bogus);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^ffnn: ${bogus.replace(/[.]/g, '\\.')}`));
    // A real training state, written without the settings of ffnn train.
    const ckpt = path('for-plain.ckpt');
    expect((await runCli(...args, '--quiet', '--checkpoint', ckpt, '--checkpoint-every', '1')).code).toBe(0);
    const { state } = decodeTrainingState(new Uint8Array(readFileSync(ckpt)), ckpt);
    writeFileSync(path('plain.ckpt'), encodeTrainingState(state, {}));
    const plain = await runCli('train', '--resume', path('plain.ckpt'));
    expect(plain.code).toBe(1);
    expect(plain.stderr).toBe(`ffnn: ${path('plain.ckpt')}: a checkpoint without the ffnn train settings; it was not written by \`ffnn train\`\n`);
  });
});

describe('backends', () => {
  it('labels a backend with its thread count', () => {
    expect(backendLabel({ name: 'js', threads: 1 })).toBe('js (1 thread)');
    expect(backendLabel({ name: 'wasm-simd', threads: 2 })).toBe('wasm-simd (2 threads)');
  });

  it('selects js or wasm by name; any other name is a usage error', async () => {
    await selectBackend('js');
    expect(getBackend()).toBe(jsBackend);
    await selectBackend('wasm', 1);
    expect(getBackend().name).not.toBe('js');
    expect(getBackend().threads).toBe(1);
    await expect(selectBackend('gpu')).rejects.toThrow(new UsageError('backend must be one of wasm, js (from --backend or FFNN_BACKEND); got "gpu"'));
    const saved = { backend: process.env.FFNN_BACKEND, threads: process.env.FFNN_THREADS };
    try {
      process.env.FFNN_BACKEND = 'js';
      await selectBackend();
      expect(getBackend()).toBe(jsBackend);
      process.env.FFNN_THREADS = '0';
      await expect(selectBackend()).rejects.toThrow('FFNN_THREADS must be a positive integer; got "0"');
      process.env.FFNN_THREADS = '';
      delete process.env.FFNN_BACKEND;
      await selectBackend(undefined, 1);
      expect(getBackend().name).not.toBe('js');
    } finally {
      for (const [k, v] of [['FFNN_BACKEND', saved.backend], ['FFNN_THREADS', saved.threads]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      setBackend(jsBackend);
    }
  });
});

describe('reproducingFlags', () => {
  it('drops output settings and undefined values, keeps a data file by its name', () => {
    const f = { ...flags({ data: '/home/me/data/houses.csv', target: 'price' }), save: 'm.json', json: true, quiet: true, checkpoint: 'c', checkpointEvery: 2, resume: 'r', threads: 2 };
    const kept = reproducingFlags(f);
    expect(kept.data).toBe('houses.csv');
    for (const k of ['save', 'json', 'quiet', 'checkpoint', 'checkpointEvery', 'resume', 'threads', 'lr']) expect(kept).not.toHaveProperty(k);
    expect(kept).toMatchObject({ target: 'price', epochs: 100, hidden: [50, 50] });
    expect(reproducingFlags(flags({ data: 'mnist' })).data).toBe('mnist');
  });
});

