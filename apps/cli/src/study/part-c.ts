import type { Matrix } from '@ffnn/tensor';
import { join } from 'node:path';
import type { Datum } from '../figures/charts.js';
import { renderFigure } from '../figures/render.js';
import { writeFileAtomic } from '../io.js';
import { fmt, studyTrial, writeTable } from './common.js';
import { settingsFor } from './profiles.js';
import reference from './reference/runge-reference.json' with { type: 'json' };
import type { PartResult, StudyContext } from './types.js';

interface ReferenceRun {
  library: string;
  init: string;
  trainLoss: number[];
  testMse: number[];
}

interface Reference {
  epochs: number;
  fingerprint: Fingerprint;
  pytorch: ReferenceRun;
  sklearn: ReferenceRun;
}

interface Fingerprint {
  xTrainSum: number;
  yTrainSum: number;
  w1Sum: number;
}

const rows2 = (m: Matrix): number[][] => Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
const sum = (m: Matrix): number => {
  let t = 0;
  for (let i = 0; i < m.data.length; i++) t += m.data[i]!;
  return t;
};
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Part (c): our 11→100→1 ReLU network (SGD η = 0.01, batch 64, no penalty) next to scikit-learn's
 * MLPRegressor and PyTorch (same initial weights and batch order) from the committed fixture.
 */
export async function partC(ctx: StudyContext): Promise<PartResult> {
  const started = performance.now();
  const s = settingsFor(ctx.profile);
  // The reference was made on the study's data (n = 1000); other sizes cannot be compared.
  const lr = 0.01;
  const epochs = s.c.epochs;
  const options = { data: 'runge', n: 1000, noise: 0.05, features: 'poly:10', seed: ctx.seed, splitSeed: ctx.seed, hidden: '100', activation: 'relu', optimizer: 'sgd', lr, epochs, batchSize: 64, testCurves: true };
  ctx.log(`[c] 1/1 ours: 11→100→1 ReLU, SGD η=${lr}, ${epochs} epochs`);
  let fingerprint: Fingerprint | undefined;
  const ours = await studyTrial(options, {
    // The setup the Python script reads (make_reference.py): the data and the initial weights, before training.
    onStart: ({ prepared, network }) => {
      const [Xtrain, Xtest, Ytrain, Ytest] = [prepared.Xtrain, prepared.Xtest, prepared.ytrain, prepared.ytest] as [Matrix, Matrix, Matrix, Matrix];
      const [W1, b1, W2, b2] = network.parameters() as [Matrix, Matrix, Matrix, Matrix];
      fingerprint = { xTrainSum: sum(Xtrain), yTrainSum: sum(Ytrain), w1Sum: sum(W1) };
      writeFileAtomic(
        join(ctx.outDir, 'c', 'setup.json'),
        JSON.stringify({ fingerprint, lr, batchSize: 64, fitSeed: ctx.seed, Xtrain: rows2(Xtrain), Ytrain: Array.from(Ytrain.data), Xtest: rows2(Xtest), Ytest: Array.from(Ytest.data), W1: rows2(W1), b1: Array.from(b1.data), W2: rows2(W2), b2: Array.from(b2.data) }),
      );
    },
  });
  const { history, timeMs } = ours;
  const ourTest = ours.test.mse!;

  const ref = reference as Reference;
  const matches = close(ref.fingerprint.xTrainSum, fingerprint!.xTrainSum) && close(ref.fingerprint.yTrainSum, fingerprint!.yTrainSum) && close(ref.fingerprint.w1Sum, fingerprint!.w1Sum);
  const n = Math.min(epochs, ref.epochs);
  const at = (r: ReferenceRun) => r.testMse[n - 1]!;
  let maxRel = 0;
  for (let e = 0; e < n; e++) {
    const a = history.loss[e]!, b = ref.pytorch.trainLoss[e]!;
    maxRel = Math.max(maxRel, Math.abs(a - b) / Math.abs(b));
  }
  const rows = [
    ['ffnn (this run)', 'He-normal, seed 1993; shuffled with seed 1993', n, history.loss[n - 1]!, ourTest],
    [ref.pytorch.library, ref.pytorch.init, n, ref.pytorch.trainLoss[n - 1]!, at(ref.pytorch)],
    [ref.sklearn.library, ref.sklearn.init, n, ref.sklearn.trainLoss[n - 1]!, at(ref.sklearn)],
    [ref.pytorch.library, `${ref.pytorch.init}, after all ${ref.epochs} epochs`, ref.epochs, ref.pytorch.trainLoss[ref.epochs - 1]!, ref.pytorch.testMse[ref.epochs - 1]!],
    [ref.sklearn.library, `${ref.sklearn.init}, after all ${ref.epochs} epochs`, ref.epochs, ref.sklearn.trainLoss[ref.epochs - 1]!, ref.sklearn.testMse[ref.epochs - 1]!],
  ];
  const table = writeTable(ctx, 'c', 'external-validation', `11→100→1 ReLU, SGD η = ${lr}, batch 64, on standardized degree-10 polynomial features: ours vs scikit-learn and PyTorch`, ['implementation', 'initialisation and batch order', 'epochs', 'train MSE (last epoch, mean over batches)', 'test MSE (noisy y)'], rows);
  const curveData: Datum[] = [];
  const push = (label: string, train: number[], test: number[]) => {
    for (let e = 0; e < n; e++) {
      curveData.push({ epoch: e + 1, mse: train[e] ?? null, implementation: label, data: 'train (epoch mean)' });
      curveData.push({ epoch: e + 1, mse: test[e] ?? null, implementation: label, data: 'test' });
    }
  };
  push('ffnn', history.loss, history.valLoss);
  push('PyTorch', ref.pytorch.trainLoss, ref.pytorch.testMse);
  push('scikit-learn', ref.sklearn.trainLoss, ref.sklearn.testMse);
  const fig = await renderFigure(
    ctx.outDir,
    'c',
    'learning-curves-vs-references',
    {
      title: { text: 'Learning curves: ffnn vs PyTorch (same init and batches) vs scikit-learn', subtitle: 'ffnn is drawn wide and pale underneath; where it is hidden, PyTorch coincides with it' },
      width: 460,
      height: 280,
      data: { values: curveData.filter((d) => typeof d.mse === 'number' && d.mse > 0) },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { format: 'd', tickMinStep: 1 } },
        y: { field: 'mse', type: 'quantitative', title: 'MSE (y units², log scale)', scale: { type: 'log' } },
        color: { field: 'implementation', type: 'nominal', title: 'implementation' },
        strokeDash: { field: 'data', type: 'nominal', title: 'data' },
      },
      layer: [
        { transform: [{ filter: "datum.implementation === 'ffnn'" }], mark: { type: 'line', strokeWidth: 7, opacity: 0.35 } },
        { transform: [{ filter: "datum.implementation !== 'ffnn'" }], mark: { type: 'line', strokeWidth: 1.5 } },
      ],
    },
    { png: ctx.png },
  );
  const commentary = [
    matches
      ? `The fixture was made from this exact setup (data and initial weights match its fingerprint). After ${n} epochs our test MSE is ${fmt(ourTest)} vs PyTorch ${fmt(at(ref.pytorch))} with the same initial weights and batch order, and scikit-learn ${fmt(at(ref.sklearn))} with its own initialisation; the largest relative difference between our and PyTorch's per-epoch training loss over these epochs is ${fmt(maxRel)}.`
      : `The committed fixture was made from a different setup (its data/initial-weight fingerprint does not match this run's seed or data), so only the scikit-learn/PyTorch numbers of the fixture and ours are shown side by side; rerun make_reference.py on this run's c/setup.json to compare trajectories.`,
    `Over the full ${ref.epochs} epochs the references reach test MSE ${fmt(ref.pytorch.testMse[ref.epochs - 1])} (PyTorch) and ${fmt(ref.sklearn.testMse[ref.epochs - 1])} (scikit-learn), against a noise floor of σ² = ${fmt(0.05 ** 2)}.`,
  ];
  return {
    part: 'c',
    title: '(c) External validation against scikit-learn and PyTorch',
    config: { architecture: '11→100→1 ReLU, linear output', optimizer: 'sgd', lr, batchSize: 64, epochs, referenceEpochs: ref.epochs, pytorch: ref.pytorch.library, sklearn: ref.sklearn.library, fixtureMatchesSetup: matches },
    tables: [table],
    figures: [fig],
    commentary,
    numbers: { ourTestMse: ourTest, pytorchTestMse: at(ref.pytorch), sklearnTestMse: at(ref.sklearn), maxRelTrainLossDiffVsPytorch: maxRel, fixtureMatches: String(matches), epochs: n },
    differences: [],
    methods: [{ task: 'Runge regression', part: 'c', method: 'FFNN poly10 1×100 sgd η=0.01 (part c)', metricName: 'test MSE (noisy y)', metric: ourTest, trainTimeMs: timeMs, epochs: history.loss.length }],
    nonFinite: history.divergence ? [`part c: ${history.divergence.message}`] : [],
    runs: 1,
    timeMs: performance.now() - started,
  };
}
