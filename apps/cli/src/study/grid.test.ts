import { mse, r2 } from '@ffnn/datasets';
import { type ActivationName, type RowSource, Sequential, type Targets, fit } from '@ffnn/layers';
import type { OptimizerName } from '@ffnn/optim';
import type { Matrix } from '@ffnn/tensor';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spectralTracker } from '../spectral.js';
import { runSweepTrial as runTrial } from '../sweep/worker.js';
import { expandTrials } from '../sweep/spec.js';
import { STUDY_TRAIN_PROTOCOL, rungeSetup } from './common.js';
import { mnistStudyData, pixelSource, subset } from './mnist.js';
import { studyBSpec } from './part-b.js';
import { studyFSpec } from './part-f.js';
import { studyGSpec } from './part-g.js';
import { settingsFor } from './profiles.js';
import { runGrid } from './grid.js';
import type { SweepSpec } from '../sweep/spec.js';
import type { TrialRecord } from '../sweep/results.js';
import type { StudyContext } from './types.js';

/**
 * The reference every trial must equal: the network built and fitted directly (Sequential.mlp and
 * fit, without runTrial) on the study's own preparation of the data (rungeSetup, mnistStudyData).
 */
function trainNet(
  config: { inputSize: number; hidden: number[]; activation?: ActivationName; outputSize?: number; loss?: 'mse' | 'cross-entropy'; optimizer: OptimizerName; lr: number; epochs: number; lambda1?: number; lambda2?: number; seed: number; dtype?: 'float32' | 'float64' },
  X: Matrix | RowSource,
  y: Targets,
  test: { X: Matrix | RowSource; y: Targets },
  hooks: { onStart?: (net: Sequential) => void; onEpochEnd?: (net: Sequential, epoch: number) => void } = {},
) {
  const net = Sequential.mlp({
    inputSize: config.inputSize,
    hidden: config.hidden,
    activation: config.activation ?? 'relu',
    outputSize: config.outputSize ?? 1,
    loss: config.loss ?? 'mse',
    lambda1: config.lambda1 ?? 0,
    lambda2: config.lambda2 ?? 0,
    seed: config.seed,
    dtype: config.dtype ?? 'float64',
  });
  hooks.onStart?.(net);
  const history = fit(net, X, y, {
    epochs: config.epochs,
    batchSize: 64,
    optimizer: config.optimizer,
    lr: config.lr,
    seed: config.seed,
    onNonFinite: 'stop',
    validationData: test,
    ...(hooks.onEpochEnd ? { callbacks: { onEpochEnd: (info) => hooks.onEpochEnd!(net, info.epoch) } } : {}),
  });
  return { net, history };
}

/** {@link trainNet} on the Runge data of rungeSetup (input x or the degree-10 features), with its train and test MSE. */
function rungeNet(setup: ReturnType<typeof rungeSetup>, inputs: 'x' | 'poly10', hidden: number[], optimizer: OptimizerName, lr: number, epochs: number, seed: number, extra: { lambda1?: number; lambda2?: number } = {}) {
  const Xtr = inputs === 'x' ? setup.xTrain : setup.polyTrain;
  const Xte = inputs === 'x' ? setup.xTest : setup.polyTest;
  const { net, history } = trainNet({ inputSize: Xtr.cols, hidden, optimizer, lr, epochs, seed, ...extra }, Xtr, setup.yTrain, { X: Xte, y: setup.yTest });
  const predTest = net.predict(Xte);
  return {
    trainMse: mse(setup.yTrain, net.predict(Xtr)),
    testMse: mse(setup.yTest, predTest),
    testMseClean: mse(setup.fTest, predTest),
    testR2: r2(setup.yTest, predTest),
    curves: { train: history.loss, test: history.valLoss },
  };
}

describe('the study grids and ffnn sweep are one machinery', () => {
  it('a sweep trial (an ffnn train run) equals the study cell it replaces, bit for bit', async () => {
    const s = settingsFor('quick');
    const seed = 1993;
    const cell = rungeNet(rungeSetup(s, seed), 'x', [8, 8], 'adam', 0.01, 3, seed, { lambda1: 1e-4, lambda2: 1e-3 });
    const record = await runTrial(
      {
        index: 0,
        id: 'cell',
        config: { ...STUDY_TRAIN_PROTOCOL, data: 'runge', n: s.runge.n, noise: s.runge.sigma, seed, hidden: '8,8', activation: 'relu', optimizer: 'adam', epochs: 3, batchSize: 64, l1: 1e-4, l2: 1e-3, lr: 0.01 },
      },
      undefined,
      0,
    );
    expect(record.train.mse).toBe(cell.trainMse);
    expect(record.test.mse).toBe(cell.testMse);
    expect(record.test.mse_clean).toBe(cell.testMseClean);
    expect(record.loss).toEqual(cell.curves.train);
  });

  it('part (b): a --features poly:10 trial equals the cell on rungeSetup\'s standardized degree-10 features, learning curves included', async () => {
    const s = settingsFor('test');
    const seed = 1993;
    const trials = expandTrials(studyBSpec(s, seed));
    // The test profile trains each cell with two seeds: the grid, then the grid again with seed + 1.
    expect(trials.map((t) => [t.config.features, t.config.seed])).toEqual([['raw', seed], ['poly:10', seed], ['raw', seed + 1], ['poly:10', seed + 1]]);
    const setup = rungeSetup(s, seed);
    for (const [trial, inputs] of [[trials[0]!, 'x'], [trials[1]!, 'poly10']] as const) {
      const cell = rungeNet(setup, inputs, s.b.hidden[0]!, s.b.optimizers[0]!, s.b.lrs[0]!, s.b.epochs, seed);
      const record = await runTrial(trial, undefined, 0);
      expect(record.train.mse).toBe(cell.trainMse);
      expect(record.test.mse).toBe(cell.testMse);
      expect(record.test.mse_clean).toBe(cell.testMseClean);
      expect(record.test.r2).toBe(cell.testR2);
      expect(record.loss).toEqual(cell.curves.train);
      expect(record.testLoss).toEqual(cell.curves.test);
      expect(record.metric).toHaveLength(s.b.epochs);
      expect(record.timing.epochMs).toHaveLength(s.b.epochs);
    }
  });

  it('part (f): an MNIST trial (--train-rows/--test-rows of the 80/20 split) equals the in-process cell on subset() of mnistStudyData', async () => {
    const s = settingsFor('test');
    const seed = 1993;
    const [trial] = expandTrials(studyFSpec(s, seed));
    expect(trial!.config).toMatchObject({ data: 'mnist', dtype: s.mnistDtype, trainRows: s.f.gridRows, testRows: s.f.testRows });
    // A cell's test numbers are measured after its last epoch only (no per-epoch curves).
    expect(trial!.config.testCurves).toBeUndefined();
    const epochs = 2;
    const data = mnistStudyData(seed);
    const train = subset(data.train, s.f.gridRows, seed);
    const test = subset(data.test, s.f.testRows, seed);
    const cell = trainNet(
      { inputSize: 784, hidden: s.f.hidden, outputSize: 10, loss: 'cross-entropy', optimizer: 'adam', lr: s.f.lrs[0]!, lambda2: s.f.lambda2s[0]!, epochs, seed, dtype: s.mnistDtype },
      pixelSource(train),
      Array.from(train.labels),
      { X: pixelSource(test), y: Array.from(test.labels) },
    );
    const record = await runTrial(trial!, epochs, 0);
    expect(record.loss).toEqual(cell.history.loss);
    expect(record.metric).toEqual(cell.history.metric);
    expect(record.testLoss).toBeUndefined();
    expect(record.test.loss).toBe(cell.history.valLoss.at(-1));
    expect(record.test.accuracy).toBe(cell.history.valMetric.at(-1));
  });

  it('part (g): an optimizer trial (--spectral) equals the in-process run with its σ_max tracker, and the grid cells come first', async () => {
    const s = settingsFor('test');
    const seed = 1993;
    const trials = expandTrials(studyGSpec(s, seed));
    expect(trials.map((t) => t.config.optimizer)).toEqual([...s.g.lrs.flatMap(() => s.g.lambda2s.map(() => 'adam')), 'sgd', 'rmsprop', 'adam']);
    const sgd = trials.find((t) => t.config.spectral === true)!;
    expect(sgd.config).toMatchObject({ optimizer: 'sgd', lr: 0.01, dtype: s.mnistDtype, trainRows: s.g.optimizerRows, testRows: s.g.testRows, testCurves: true });
    const epochs = 2;
    const data = mnistStudyData(seed);
    const train = subset(data.train, s.g.optimizerRows, seed);
    const test = subset(data.test, s.g.testRows, seed);
    const tracker = spectralTracker();
    const cell = trainNet(
      { inputSize: 784, hidden: [100], outputSize: 10, loss: 'cross-entropy', optimizer: 'sgd', lr: 0.01, epochs, seed, dtype: s.mnistDtype },
      pixelSource(train),
      Array.from(train.labels),
      { X: pixelSource(test), y: Array.from(test.labels) },
      { onStart: tracker.onStart, onEpochEnd: tracker.onEpochEnd },
    );
    const record = await runTrial(sgd, epochs, 0);
    expect(record.loss).toEqual(cell.history.loss);
    expect(record.testLoss).toEqual(cell.history.valLoss);
    expect(record.testMetric).toEqual(cell.history.valMetric);
    expect(record.spectral).toEqual(tracker.rows);
    expect(record.spectral).toHaveLength(3 * 2);
  });
});

describe('a grid reuses the trials an earlier grid of the same invocation ran', () => {
  it('at the full profile, every cell of the part (g) grid is a part (f) trial (same id), and the optimizer runs are not', () => {
    const s = settingsFor('full');
    const f = new Set(expandTrials(studyFSpec(s, 1993)).map((t) => t.id));
    const g = expandTrials(studyGSpec(s, 1993));
    expect(g.filter((t) => f.has(t.id))).toHaveLength(s.g.lrs.length * s.g.lambda2s.length * s.seeds.mnist);
    expect(g.filter((t) => t.config.spectral === true).every((t) => !f.has(t.id))).toBe(true);
  });

  it('trains only the new trials of the second grid and returns the first grid\'s records for the shared ones, under the second grid\'s trial indices', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'ffnn-grid-reuse-'));
    try {
      const lines: string[] = [];
      const ctx: StudyContext = { profile: 'test', seed: 7, outDir, log: (m) => lines.push(m), png: false, previous: {}, trialRecords: new Map<string, TrialRecord>() };
      const base = { ...STUDY_TRAIN_PROTOCOL, data: 'runge', n: 100, seed: 7, hidden: '4', optimizer: 'adam', epochs: 2, batchSize: 32 };
      const first: SweepSpec = { name: 'first', base, grid: { lr: [0.01, 0.02] } };
      const second: SweepSpec = { name: 'second', base, grid: { lr: [0.03, 0.02] } };
      const a = await runGrid(ctx, 'b', first);
      const trained = lines.filter((l) => l.includes('(in process)')).length;
      expect(trained).toBe(2);
      const b = await runGrid(ctx, 'e', second);
      expect(lines.filter((l) => l.includes('(in process)')).length - trained).toBe(1);
      expect(lines).toContain('[e] 1 of 2 trials already ran in this invocation (same configuration and seed); their records are reused');
      expect(b[1]).toEqual({ ...a[1]!, trial: 1 });
      expect(b[0]!.config.lr).toBe(0.03);
      // Without the map (a part run on its own) the shared trial is trained again, to the same numbers.
      const alone = await runGrid({ ...ctx, trialRecords: undefined }, 'e', second);
      expect(alone[1]!.loss).toEqual(a[1]!.loss);
      expect(alone[1]!.test).toEqual(a[1]!.test);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
