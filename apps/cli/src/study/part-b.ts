import { mse, r2 } from '@ffnn/datasets';
import { Lasso, LinearRegression, Ridge } from '@ffnn/linear-models';
import type { Matrix } from '@ffnn/tensor';
import { type Datum, lineChart, pointsAndLines } from '../figures/charts.js';
import { type FigureFile, renderFigure } from '../figures/render.js';
import type { TrialRecord } from '../sweep/results.js';
import type { OptionValue, SweepSpec } from '../sweep/spec.js';
import { type RungeSetup, STUDY_TRAIN_PROTOCOL, argmin, fmt, hiddenLabel, rungeSetup, studyTrial, writeTable } from './common.js';
import { mlpParameters } from './evaluation.js';
import { nonFiniteOf, runGrid, trainingMs } from './grid.js';
import { type StudySettings, furtherSeeds, settingsFor } from './profiles.js';
import { type SeedGroup, type SeedSpread, bandOf, bandSubtitle, curveSpread, exactly, groupBySeed, spreadOf } from './stats.js';
import type { Difference, MethodResult, PartResult, StudyContext, Table, TableCell } from './types.js';

/** One fitted Runge model, evaluated on the test rows. */
export interface RungeFitRow {
  method: string;
  inputs: 'x' | 'poly10';
  hidden: string;
  optimizer: string;
  lr: number | null;
  alpha: number | null;
  trainMse: number;
  testMse: number;
  testMseClean: number;
  testR2: number;
  timeMs: number;
  epochs: number | null;
  nonFinite: string | null;
  /** Learning curves (FFNN only): mean ± sd over the cell's seeds, per epoch. */
  curves?: { train: SeedSpread[]; test: SeedSpread[] };
  /** Test predictions (linear models; for the figure). */
  predictions?: Matrix;
}

/** Fits OLS, Ridge and Lasso (α grids) on the polynomial features; returns every fit. */
export function linearBaselines(setup: ReturnType<typeof rungeSetup>, ridgeAlphas: number[], lassoAlphas: number[]): RungeFitRow[] {
  const out: RungeFitRow[] = [];
  const evalRow = (method: string, alpha: number | null, model: { predict(X: Matrix): Matrix }, timeMs: number): RungeFitRow => {
    const predTrain = model.predict(setup.polyTrain);
    const predTest = model.predict(setup.polyTest);
    return {
      method,
      inputs: 'poly10',
      hidden: '–',
      optimizer: method === 'Lasso' ? 'coordinate descent' : 'closed form',
      lr: null,
      alpha,
      trainMse: mse(setup.yTrain, predTrain),
      testMse: mse(setup.yTest, predTest),
      testMseClean: mse(setup.fTest, predTest),
      testR2: r2(setup.yTest, predTest),
      timeMs,
      epochs: null,
      nonFinite: null,
      predictions: predTest,
    };
  };
  let t = performance.now();
  const ols = new LinearRegression().fit(setup.polyTrain, setup.yTrain);
  out.push(evalRow('OLS', null, ols, performance.now() - t));
  for (const alpha of ridgeAlphas) {
    t = performance.now();
    const m = new Ridge({ alpha }).fit(setup.polyTrain, setup.yTrain);
    out.push(evalRow('Ridge', alpha, m, performance.now() - t));
  }
  for (const alpha of lassoAlphas) {
    t = performance.now();
    const m = new Lasso({ alpha, maxIter: 10_000 }).fit(setup.polyTrain, setup.yTrain);
    out.push(evalRow('Lasso', alpha, m, performance.now() - t));
  }
  return out;
}

/**
 * The part (b) network grid as a sweep spec: inputs (x, and the degree-10 features when the profile
 * trains on them) × hidden layers × optimizer × η, each cell an `ffnn train` run with the test MSE
 * recorded per epoch (the learning curves). `sweeps/study-b-full.yaml` is this spec at the full profile.
 */
export function studyBSpec(s: StudySettings, seed: number): SweepSpec {
  const { hidden, optimizers, lrs, epochs, polyInputs } = s.b;
  return {
    name: 'study-b',
    base: { ...STUDY_TRAIN_PROTOCOL, data: 'runge', n: s.runge.n, noise: s.runge.sigma, seed, activation: 'relu', epochs, batchSize: 64, testCurves: true },
    grid: { features: polyInputs ? ['raw', `poly:${s.runge.degree}`] : ['raw'], hidden: hidden.map((h) => h.join(',')), optimizer: optimizers, lr: lrs },
    ...furtherSeeds(seed, s.seeds.runge),
  };
}

/** The width sweep of part (b): two hidden layers of each width, at the optimizer and η of the best x-input cell. */
export function studyBWidthSpec(s: StudySettings, seed: number, optimizer: string, lr: number): SweepSpec {
  return {
    name: 'study-b-width',
    base: { ...STUDY_TRAIN_PROTOCOL, data: 'runge', n: s.runge.n, noise: s.runge.sigma, seed, activation: 'relu', optimizer, lr, epochs: s.b.epochs, batchSize: 64, testCurves: true },
    grid: { hidden: s.b.widths.map((w) => `${w},${w}`) },
    ...furtherSeeds(seed, s.seeds.runge),
  };
}

/**
 * A grid cell's row from its trial records: with several seeds the means, with their spreads in
 * `spread`; with one seed exactly that run's numbers. `options` are the first seed's trial options
 * (to run it again).
 */
/** A network's row of part (b): its numbers over seeds, and the first seed's record and options. */
type NetRow = RungeFitRow & {
  widths: number[];
  spread: { train: SeedSpread; test: SeedSpread; clean: SeedSpread; r2: SeedSpread };
  first: TrialRecord;
  options: Record<string, OptionValue>;
};

function rowOf(g: SeedGroup): NetRow {
  const r = g.records[0]!;
  const widths = String(g.config.hidden).split(',').map(Number);
  const spread = { train: spreadOf(g, (x) => x.train.mse!), test: spreadOf(g, (x) => x.test.mse!), clean: spreadOf(g, (x) => x.test.mse_clean!), r2: spreadOf(g, (x) => x.test.r2!) };
  return {
    method: 'FFNN',
    inputs: g.config.features === undefined || g.config.features === 'raw' ? 'x' : 'poly10',
    hidden: hiddenLabel(widths),
    widths,
    optimizer: String(g.config.optimizer),
    lr: g.config.lr as number,
    alpha: null,
    trainMse: spread.train.mean,
    testMse: spread.test.mean,
    testMseClean: spread.clean.mean,
    testR2: spread.r2.mean,
    timeMs: spreadOf(g, trainingMs).mean,
    epochs: r.loss.length,
    nonFinite: g.records.map(nonFiniteOf).find((m) => m !== null) ?? null,
    curves: { train: curveSpread(g, (x) => x.loss), test: curveSpread(g, (x) => x.testLoss) },
    spread,
    first: r,
    options: r.config,
  };
}

const COLUMNS = ['method', 'inputs', 'hidden', 'optimizer', 'η', 'α', 'train MSE', 'test MSE (noisy y)', 'test MSE (clean f)', 'test R²', 'time (s)'];
const toRow = (r: RungeFitRow & { spread?: Record<'train' | 'test' | 'clean' | 'r2', SeedSpread> }): TableCell[] => [r.method, r.inputs, r.hidden, r.optimizer, r.lr, r.alpha, r.spread?.train ?? r.trainMse, r.spread?.test ?? r.testMse, r.spread?.clean ?? r.testMseClean, r.spread?.r2 ?? r.testR2, r.timeMs / 1000];

/** Part (b): OLS/Ridge/Lasso vs FFNNs on the Runge function. */
export async function partB(ctx: StudyContext): Promise<PartResult> {
  const started = performance.now();
  const s = settingsFor(ctx.profile);
  const setup = rungeSetup(s, ctx.seed);
  const noiseFloor = s.runge.sigma ** 2;

  ctx.log('[b] OLS, Ridge and Lasso on degree-10 polynomial features');
  const linear = linearBaselines(setup, s.b.ridgeAlphas, s.b.lassoAlphas);
  const ols = linear[0]!;
  const ridges = linear.filter((r) => r.method === 'Ridge');
  const lassos = linear.filter((r) => r.method === 'Lasso');
  const bestRidge = ridges[argmin(ridges, (r) => r.testMse)]!;
  const bestLasso = lassos[argmin(lassos, (r) => r.testMse)]!;

  // The grid and the width sweep run through the sweep machinery: every cell is a trial (the data
  // and split of rungeSetup, its features and scaler) in a worker process, with its test MSE per
  // epoch for the learning curves.
  ctx.log(`[b] FFNN grid, ${s.b.epochs} epochs per cell`);
  const nets = groupBySeed(await runGrid(ctx, 'b', studyBSpec(s, ctx.seed))).map(rowOf);
  const xNets = nets.filter((r) => r.inputs === 'x');
  const bestX = xNets[argmin(xNets, (r) => r.testMse)]!;
  const polyNets = nets.filter((r) => r.inputs === 'poly10');
  const bestPoly = polyNets.length > 0 ? polyNets[argmin(polyNets, (r) => r.testMse)]! : null;

  // Width sweep: two hidden layers, the optimizer and η of the best x-input grid cell.
  ctx.log(`[b] width sweep 2×{${s.b.widths.join(', ')}}, ${bestX.optimizer} η=${bestX.lr}`);
  const sweep = groupBySeed(await runGrid(ctx, 'b', studyBWidthSpec(s, ctx.seed, bestX.optimizer, bestX.lr!), 'width-sweep.jsonl')).map(rowOf);
  const allNets = [...nets, ...sweep];
  const best = allNets[argmin(allNets, (r) => r.testMse)]!;
  // Only the best network is trained again here, in process, for its test predictions (the figure).
  const again = await studyTrial(best.options);
  if (again.test.mse !== best.first.test.mse) throw new Error(`part b: the in-process rerun of the best network (${best.inputs} ${best.hidden} ${best.optimizer} η=${best.lr}) differs from its sweep trial`);
  const bestPredictions = again.network.predict(again.prepared.Xtest);

  const tables: Table[] = [
    writeTable(ctx, 'b', 'linear-baselines', 'OLS, Ridge and Lasso on standardized degree-10 polynomial features (α grid)', COLUMNS, linear.map(toRow)),
    writeTable(ctx, 'b', 'ffnn-grid', `FFNN grid (${s.b.epochs} epochs, batch 64, ReLU hidden layers, linear output)`, COLUMNS, nets.map(toRow)),
    writeTable(ctx, 'b', 'width-sweep', `Width sweep, 2 hidden layers, ${bestX.optimizer} η = ${bestX.lr}, input x`, COLUMNS, sweep.map(toRow)),
  ];

  const figures = await partBFigures(ctx, s, setup, { best, bestX, bestPoly, bestPredictions, ols, sweep });
  const { commentary, differences } = partBText(s, setup, { best, bestX, bestPoly, ols, bestRidge, bestLasso, nets, lassos, sweep });
  const methods: MethodResult[] = [
    { task: 'Runge regression', part: 'b', method: 'OLS (degree 10)', metricName: 'test MSE (noisy y)', metric: ols.testMse, extraName: 'test MSE (clean f)', extra: ols.testMseClean, trainTimeMs: ols.timeMs, epochs: null },
    { task: 'Runge regression', part: 'b', method: `Ridge (degree 10, α = ${fmt(bestRidge.alpha)})`, metricName: 'test MSE (noisy y)', metric: bestRidge.testMse, extraName: 'test MSE (clean f)', extra: bestRidge.testMseClean, trainTimeMs: bestRidge.timeMs, epochs: null },
    { task: 'Runge regression', part: 'b', method: `Lasso (degree 10, α = ${fmt(bestLasso.alpha)})`, metricName: 'test MSE (noisy y)', metric: bestLasso.testMse, extraName: 'test MSE (clean f)', extra: bestLasso.testMseClean, trainTimeMs: bestLasso.timeMs, epochs: null },
    { task: 'Runge regression', part: 'b', method: `FFNN ${best.inputs} ${best.hidden} ${best.optimizer} η=${best.lr}`, metricName: 'test MSE (noisy y)', metric: best.testMse, extraName: 'test MSE (clean f)', extra: best.testMseClean, trainTimeMs: best.timeMs, epochs: best.epochs },
  ];
  return {
    part: 'b',
    title: '(b) Regression on the Runge function',
    config: { ...s.runge, ...s.b, seed: ctx.seed, batchSize: 64, split: '80/20', scaler: 'StandardScaler on the training part' },
    tables,
    figures,
    commentary,
    numbers: {
      noiseFloor,
      bestFfnnTestMse: best.testMse,
      bestFfnnTestMseClean: best.testMseClean,
      bestFfnnR2: best.testR2,
      bestFfnn: `${best.inputs} ${best.hidden} ${best.optimizer} η=${best.lr}`,
      olsTestMse: ols.testMse,
      olsTestMseClean: ols.testMseClean,
      olsR2: ols.testR2,
      ridgeTestMse: bestRidge.testMse,
      ridgeTestMseClean: bestRidge.testMseClean,
      ridgeAlpha: bestRidge.alpha!,
      lassoTestMse: bestLasso.testMse,
      lassoTestMseClean: bestLasso.testMseClean,
      lassoAlpha: bestLasso.alpha!,
      bestOptimizer: bestX.optimizer,
      bestLr: bestX.lr!,
    },
    differences,
    methods,
    nonFinite: allNets.filter((r) => r.nonFinite).map((r) => `${r.inputs} ${r.hidden} ${r.optimizer} η=${r.lr}: ${r.nonFinite}`),
    runs: allNets.reduce((a, r) => a + r.spread.test.n, 0),
    evaluation: {
      runge: {
        noiseFloor,
        ffnn: { label: `${best.inputs} ${best.hidden} ${best.optimizer} η=${best.lr}`, metric: best.spread.test, parameters: mlpParameters([best.inputs === 'x' ? 1 : setup.polyTrain.cols, ...best.widths, 1]), trainMs: best.timeMs },
        // Closed-form and coordinate-descent fits on a fixed split: no seed enters them.
        linear: [ols, bestRidge, bestLasso].map((r) => ({ label: r.method === 'OLS' ? 'OLS' : `${r.method} with α = ${fmt(r.alpha)}`, metric: exactly(r.testMse), parameters: setup.polyTrain.cols + 1, trainMs: r.timeMs })),
        grid: allNets.map((r) => r.spread.test),
        gridMs: allNets.reduce((a, r) => a + r.timeMs, 0),
      },
    },
    timeMs: performance.now() - started,
  };
}

/** The models part (b)'s figures and text are about. */
interface PartBModels {
  best: NetRow;
  bestX: NetRow;
  bestPoly: NetRow | null;
  ols: RungeFitRow;
  sweep: NetRow[];
}

/** Part (b)'s figures: the data, the best network's and OLS's predictions, learning curves, the width sweep. */
async function partBFigures(ctx: StudyContext, s: StudySettings, setup: RungeSetup, m: PartBModels & { bestPredictions: Matrix }): Promise<FigureFile[]> {
  const { best, bestX, bestPoly, bestPredictions, ols, sweep } = m;
  const figures: FigureFile[] = [];
  const dataPoints: Datum[] = [];
  for (let i = 0; i < setup.all.x.rows; i++) dataPoints.push({ x: setup.all.x.data[i]!, y: setup.all.y.data[i]!, series: 'noisy samples y', kind: 'points' });
  const fLine: Datum[] = [];
  for (let i = 0; i <= 400; i++) {
    const x = -1 + i / 200;
    fLine.push({ x, y: 1 / (1 + 25 * x * x), series: 'f(x) = 1/(1+25x²)', kind: 'line' });
  }
  figures.push(
    await renderFigure(
      ctx.outDir,
      'b',
      'runge-data',
      pointsAndLines(dataPoints, fLine, { title: `Runge data: n = ${s.runge.n}, σ = ${s.runge.sigma}`, x: 'x', y: 'y', series: 'series', seriesTitle: 'data', xTitle: 'x (input, dimensionless)', yTitle: 'y (target, dimensionless)' }),
      { png: ctx.png },
    ),
  );
  const order = Array.from({ length: setup.xTestRaw.rows }, (_, i) => i).sort((a, b) => setup.xTestRaw.data[a]! - setup.xTestRaw.data[b]!);
  const testPoints: Datum[] = order.map((i) => ({ x: setup.xTestRaw.data[i]!, y: setup.yTest.data[i]!, series: 'test targets y', kind: 'points' }));
  const predLines: Datum[] = [...fLine];
  const bestLabel = `best FFNN (${best.inputs}, ${best.hidden}, ${best.optimizer} η=${best.lr})`;
  for (const i of order) {
    predLines.push({ x: setup.xTestRaw.data[i]!, y: bestPredictions.data[i]!, series: bestLabel, kind: 'line' });
    predLines.push({ x: setup.xTestRaw.data[i]!, y: ols.predictions!.data[i]!, series: 'OLS degree 10', kind: 'line' });
  }
  figures.push(
    await renderFigure(
      ctx.outDir,
      'b',
      'runge-predictions',
      pointsAndLines(testPoints, predLines, { title: 'Predictions on the test x: best FFNN vs OLS', x: 'x', y: 'y', series: 'series', seriesTitle: 'curve', xTitle: 'x (input, dimensionless)', yTitle: 'y or ŷ (dimensionless)' }),
      { png: ctx.png },
    ),
  );
  const curveData: Datum[] = [];
  const curveOf = (r: RungeFitRow, label: string) =>
    r.curves?.train.forEach((v, e) => {
      const test = r.curves!.test[e];
      curveData.push({ epoch: e + 1, mse: v.mean, model: label, data: 'train', ...bandOf(v) });
      curveData.push({ epoch: e + 1, mse: test?.mean ?? null, model: label, data: 'test', ...(test ? bandOf(test) : {}) });
    });
  curveOf(bestX, `x ${bestX.hidden} ${bestX.optimizer} η=${bestX.lr}`);
  if (bestPoly) curveOf(bestPoly, `poly ${bestPoly.hidden} ${bestPoly.optimizer} η=${bestPoly.lr}`);
  figures.push(
    await renderFigure(
      ctx.outDir,
      'b',
      'learning-curves',
      lineChart(curveData, { title: 'Learning curves of the best FFNNs (MSE per epoch)', subtitle: bandSubtitle(bestX.spread.test.n), x: 'epoch', y: 'mse', yLow: 'low', yHigh: 'high', series: 'model', seriesTitle: 'model', dash: 'data', xTitle: 'epoch', yTitle: 'MSE (y units², log scale)', logY: true }),
      { png: ctx.png },
    ),
  );
  // Points are the means over seeds; with several seeds each carries an error bar of ± one sd.
  const widthData: Datum[] = sweep.flatMap((r, i) => [
    { width: s.b.widths[i]!, mse: r.testMse, target: 'test MSE vs noisy y', ...bandOf(r.spread.test) },
    { width: s.b.widths[i]!, mse: r.testMseClean, target: 'test MSE vs clean f', ...bandOf(r.spread.clean) },
    { width: s.b.widths[i]!, mse: r.trainMse, target: 'train MSE', ...bandOf(r.spread.train) },
  ]);
  figures.push(
    await renderFigure(
      ctx.outDir,
      'b',
      'width-sweep',
      lineChart(widthData, { title: `Width sweep: two hidden layers, ${bestX.optimizer} η = ${bestX.lr}`, x: 'width', y: 'mse', yLow: 'low', yHigh: 'high', series: 'target', seriesTitle: 'metric', xTitle: 'units per hidden layer', yTitle: 'MSE (y units², log scale)', logY: true, logX: true, points: true }),
      { png: ctx.png },
    ),
  );

  return figures;
}

/** Part (b)'s commentary and its differences from the original report. */
function partBText(
  s: StudySettings,
  setup: RungeSetup,
  m: PartBModels & { bestRidge: RungeFitRow; bestLasso: RungeFitRow; nets: NetRow[]; lassos: RungeFitRow[] },
): { commentary: string[]; differences: Difference[] } {
  const { best, bestX, bestPoly, ols, bestRidge, bestLasso, nets, lassos, sweep } = m;
  const noiseFloor = s.runge.sigma ** 2;
  const xNets = nets.filter((r) => r.inputs === 'x');
  const sgd = nets.filter((r) => r.optimizer === 'sgd' && r.inputs === 'x');
  const adam = nets.filter((r) => r.optimizer === 'adam' && r.inputs === 'x');
  const meanOf = (rs: RungeFitRow[]) => rs.reduce((a, r) => a + r.testMse, 0) / Math.max(1, rs.length);
  const commentary = [
    `The noise floor of the noisy test targets is σ² = ${fmt(noiseFloor)}: no model can have an expected test MSE below it against y. ` +
      `The best FFNN (${best.inputs} input, ${best.hidden}, ${best.optimizer} η = ${best.lr}) reaches test MSE ${fmt(best.testMse)} against the noisy y and ${fmt(best.testMseClean)} against the clean f (R² = ${fmt(best.testR2)}), ` +
      `vs OLS ${fmt(ols.testMse)} / ${fmt(ols.testMseClean)} (R² = ${fmt(ols.testR2)}), the best Ridge (α = ${fmt(bestRidge.alpha)}) ${fmt(bestRidge.testMse)} / ${fmt(bestRidge.testMseClean)} and the best Lasso (α = ${fmt(bestLasso.alpha)}) ${fmt(bestLasso.testMse)} / ${fmt(bestLasso.testMseClean)}.`,
    `With x itself as input the best grid cell reaches ${fmt(bestX.testMse)}${bestPoly ? `; with the degree-10 polynomial features ${fmt(bestPoly.testMse)}` : ''}. ` +
      (sgd.length && adam.length
        ? `Averaged over the grid, SGD cells end at test MSE ${fmt(meanOf(sgd))} and Adam cells at ${fmt(meanOf(adam))} after ${s.b.epochs} epochs: ${meanOf(adam) < meanOf(sgd) ? 'Adam converges faster at equal η' : 'SGD is not behind Adam here'}.`
        : ''),
    `Width sweep (two hidden layers): test MSE ${sweep.map((r, i) => `${fmt(r.testMse)} at width ${s.b.widths[i]}`).join(', ')}; ` +
      `the best width is ${s.b.widths[argmin(sweep, (r) => r.testMse)]}. ` +
      (() => {
        const bestSweep = Math.min(...sweep.map((r) => r.testMse));
        const bad = sweep.filter((r) => r.testMse > 2 * bestSweep);
        if (bad.length === 0) return '';
        const underfit = bad.filter((r) => r.trainMse > 2 * bestSweep);
        return `Widths ${bad.map((r) => r.hidden).join(', ')} end with more than twice the best test MSE; ${underfit.length === bad.length ? 'their training MSE is just as high, so after ' + s.b.epochs + ' epochs they are under-trained (an optimisation effect at this η), not overfitted' : 'some of them have a low training MSE, i.e. they overfit'}. `;
      })() +
      'The best grid cell was chosen on the test set, as in the original report, which makes its number slightly optimistic.',
  ];
  const sgd2x50 = xNets.filter((r) => r.optimizer === 'sgd' && r.hidden === '2×50' && (r.lr === 0.003 || r.lr === 0.01));
  const lasso1e5 = lassos.find((r) => r.alpha === 1e-5);
  const differences: Difference[] = [
    {
      claim: 'FFNN (2×50, SGD, η = 0.003 and η = 0.01): test MSE 0.000554, "−98.6% vs. OLS".',
      ours:
        (sgd2x50.length ? `2×50 SGD: ${sgd2x50.map((r) => `η = ${r.lr} → ${fmt(r.testMse)}`).join(', ')} (${s.b.epochs} epochs, input x); ` : '') +
        `best FFNN overall ${fmt(best.testMse)} against the noisy y, ${fmt(best.testMseClean)} against the clean f; OLS ${fmt(ols.testMse)}.`,
      reason: `Against noisy targets the expected test MSE cannot fall below σ² = ${fmt(noiseFloor)}; 0.000554 is below that floor, so it was not measured against the noisy test targets (it is the size of an error against the clean f). Two different learning rates giving the identical MSE also suggests a copied number.`,
    },
    {
      claim: 'OLS degree 10: "MSE = 0.0400, R² = −0.042" (summary table: OLS 0.0337); Ridge and Lasso with λ = 1e-5 "give nearly identical MSEs (~0.0400), confirming overfitting".',
      ours:
        `OLS test MSE ${fmt(ols.testMse)} (noisy y), ${fmt(ols.testMseClean)} (clean f), R² = ${fmt(ols.testR2)}; train MSE ${fmt(ols.trainMse)}` +
        (lasso1e5 ? `; Lasso α = 1e-5: ${fmt(lasso1e5.testMse)}.` : '.'),
      reason: 'An R² below 0 means worse than predicting the mean of y; a degree-10 least-squares fit of the Runge function explains most of its variance, and its train and test MSE are close (no sign of overfitting). The report\'s two OLS numbers also disagree with each other.',
    },
  ];
  return { commentary, differences };
}
