import type { OptimizerName } from '@ffnn/optim';
import { type Datum, heatmap, lineChart } from '../figures/charts.js';
import { type FigureFile, renderFigure } from '../figures/render.js';
import type { SpectralRow } from '../spectral.js';
import { type SweepSpec, expandTrials } from '../sweep/spec.js';
import { STUDY_TRAIN_PROTOCOL, argmin, fmt, seconds, writeTable } from './common.js';
import { evaluate } from './evaluation.js';
import { nonFiniteOf, runGrid, trainingTimes } from './grid.js';
import { mnistStudyData, subset } from './mnist.js';
import { type StudySettings, furtherSeeds, settingsFor } from './profiles.js';
import { compareSentence, listJoin, meanSdText, percent, percentagePoints, plural } from './prose.js';
import { type SeedSpread, groupBySeed, meanSd, spreadOf } from './stats.js';
import type { TrialRecord } from '../sweep/results.js';
import type { MethodResult, PartResult, StudyContext, Table } from './types.js';

/** How the report names an optimizer. */
const OPTIMIZER_NAMES: Partial<Record<OptimizerName, string>> = { sgd: 'SGD', rmsprop: 'RMSprop', adam: 'Adam' };

/** The optimizers of the comparison, each at its usual learning rate. */
export const STUDY_G_OPTIMIZERS: readonly { name: OptimizerName; lr: number }[] = [
  { name: 'sgd', lr: 1e-2 },
  { name: 'rmsprop', lr: 1e-3 },
  { name: 'adam', lr: 1e-3 },
];

/**
 * Part (g)'s runs as one sweep spec, every one an `ffnn train` trial on MNIST with the study's split,
 * 784→100→10 ReLU: the η × λ2 grid (Adam; test loss and accuracy after the last epoch, so at the
 * full profile its trials are part (f)'s 784→100→10 cells), then the optimizer comparison as a list
 * (each optimizer with its own η, on `optimizerRows` images for `optimizerEpochs` epochs, test loss
 * and accuracy per epoch, σ_max of the weights and of their per-epoch change tracked by `--spectral`). `sweeps/study-g-full.yaml` is this spec at the full profile (a test checks the trial
 * ids agree).
 */
export function studyGSpec(s: StudySettings, seed: number): SweepSpec {
  const g = s.g;
  return {
    name: 'study-g',
    base: { ...STUDY_TRAIN_PROTOCOL, data: 'mnist', seed, dtype: s.mnistDtype, hidden: '100', activation: 'relu', optimizer: 'adam', epochs: g.epochs, batchSize: 64, ...(g.testRows > 0 ? { testRows: g.testRows } : {}) },
    // The grid's subset is a one-value grid key, not a base option, so the list's runs can use all rows.
    grid: { lr: g.lrs, l2: g.lambda2s, ...(g.rows > 0 ? { trainRows: [g.rows] } : {}) },
    ...furtherSeeds(seed, s.seeds.mnist),
    list: STUDY_G_OPTIMIZERS.map((o) => ({ optimizer: o.name, lr: o.lr, epochs: g.optimizerEpochs, ...(g.optimizerRows > 0 ? { trainRows: g.optimizerRows } : {}), testCurves: true, spectral: true })),
  };
}

/** A cell of the η × λ2 grid over its seeds. */
interface HeatCell {
  lr: number;
  lambda2: number;
  testAcc: number;
  acc: SeedSpread;
  timeMs: number;
  msPerEpoch: number;
  nonFinite: string | null;
}

/** The grid's cells: a cell's seeds, if it has several, are averaged (mean ± sd); one seed keeps its numbers as they are. */
function heatCells(gridRecords: TrialRecord[]): HeatCell[] {
  return groupBySeed(gridRecords).map((g) => {
    const acc = spreadOf(g, (r) => r.test.accuracy!);
    const times = g.records.map(trainingTimes);
    return {
      lr: g.config.lr as number,
      lambda2: g.config.l2 as number,
      testAcc: acc.mean,
      acc,
      timeMs: meanSd(times.map((t) => t.timeMs)).mean,
      msPerEpoch: meanSd(times.map((t) => t.msPerEpoch)).mean,
      nonFinite: g.records.map(nonFiniteOf).find((m) => m !== null) ?? null,
    };
  });
}

/** A run of the optimizer comparison: its curves, times and singular values. */
interface OptimizerRun {
  name: string;
  lr: number;
  loss: number[];
  testLoss: number[];
  testAcc: number[];
  fastestEpochMs: number;
  timeMs: number;
  msPerEpoch: number;
  spectral: SpectralRow[];
  nonFinite: string | null;
}

function optimizerRun(r: TrialRecord): OptimizerRun {
  return {
    name: String(r.config.optimizer),
    lr: r.config.lr as number,
    loss: r.loss,
    testLoss: r.testLoss!,
    testAcc: r.testMetric!,
    fastestEpochMs: Math.min(...(r.timing.epochMs ?? [trainingTimes(r).msPerEpoch])),
    ...trainingTimes(r),
    spectral: r.spectral ?? [],
    nonFinite: nonFiniteOf(r),
  };
}

/** How the report names an optimizer run, e.g. "Adam at η = 0.001". */
const optimizerLabel = (o: OptimizerRun) => `${OPTIMIZER_NAMES[o.name as OptimizerName] ?? o.name} at η = ${o.lr}`;

/** Image counts of the part's titles (the trials take the same subsets of the same split). */
interface GImages {
  train: number;
  optimizer: number;
  test: number;
}

/** Part (g): η × λ2 heatmap, optimizer comparison, cost, stability and the summary of all methods. */
export async function partG(ctx: StudyContext): Promise<PartResult> {
  const started = performance.now();
  const s = settingsFor(ctx.profile).g;
  const data = mnistStudyData(ctx.seed);
  const images: GImages = { train: subset(data.train, s.rows, ctx.seed).n, optimizer: subset(data.train, s.optimizerRows, ctx.seed).n, test: subset(data.test, s.testRows, ctx.seed).n };
  // Every run of the part is an `ffnn train` trial (worker processes, records in g/sweep.jsonl):
  // the grid cells first, then the optimizer comparison, whose singular values `--spectral` tracks.
  ctx.log(`[g] η × λ2 grid (784→100→10 Adam, ${images.train} rows × ${s.epochs} epochs) and ${STUDY_G_OPTIMIZERS.length} optimizers (${images.optimizer} rows × ${s.optimizerEpochs} epochs, σ_max per epoch)`);
  const gridStarted = performance.now();
  const gridSpec = studyGSpec(settingsFor(ctx.profile), ctx.seed);
  // Trials part (f) already trained in this invocation are reused, not counted again as runs.
  const reused = expandTrials(gridSpec).filter((t) => ctx.trialRecords?.has(t.id)).length;
  const records = await runGrid(ctx, 'g', gridSpec);
  const gridMs = performance.now() - gridStarted;
  // Grid cells are the runs without `spectral` (the optimizer comparison tracks σ_max).
  const gridRecords = records.filter((r) => r.config.spectral !== true);
  const heat = heatCells(gridRecords);
  const seedsPerCell = Math.min(...groupBySeed(gridRecords).map((g) => g.records.length));
  const opt = records.filter((r) => r.config.spectral === true).map(optimizerRun);
  const mine: MethodResult[] = opt.map((o) => ({
    task: 'MNIST classification' as const,
    part: 'g' as const,
    method: `FFNN 784→100→10 ${o.name} η=${o.lr} (part g)`,
    metricName: 'test accuracy',
    metric: o.testAcc.at(-1)!,
    extraName: 'test cross-entropy',
    extra: o.testLoss.at(-1)!,
    trainTimeMs: o.timeMs,
    epochs: o.loss.length,
  }));
  // Cost and summary over every method of this run (parts already run + this part).
  const all = [...Object.values(ctx.previous).flatMap((r) => r?.methods ?? []), ...mine];
  const tables = partGTables(ctx, images, heat, opt, all);
  const figures = await partGFigures(ctx, heat, opt);

  const bestHeat = heat[argmin(heat, (h) => -h.testAcc)]!;
  const bestOpt = opt[argmin(opt, (o) => -(o.testAcc.at(-1) ?? 0))]!;
  const nonFinite = [...heat.filter((h) => h.nonFinite).map((h) => `η=${h.lr} λ2=${h.lambda2}: ${h.nonFinite}`), ...opt.filter((o) => o.nonFinite).map((o) => `${o.name}: ${o.nonFinite}`)];
  const allNonFinite = [...Object.values(ctx.previous).flatMap((r) => r?.nonFinite ?? []), ...nonFinite];
  const earlierRuns = Object.values(ctx.previous).reduce((a, r) => a + (r?.runs ?? 0), 0);
  const evaluation = evaluate({
    ...(ctx.previous.b?.evaluation?.runge ? { runge: ctx.previous.b.evaluation.runge } : {}),
    ...(ctx.previous.f?.evaluation?.mnist ? { mnist: ctx.previous.f.evaluation.mnist } : {}),
    etaLambda: { cells: heat.map((h) => ({ lr: h.lr, lambda2: h.lambda2, acc: h.acc })), epochs: s.epochs },
    seedsPerCell,
    // Each trained network once: part (f)'s trials this grid reused are among the earlier runs.
    runs: earlierRuns + gridRecords.length + opt.length - reused,
    nonFinite: allNonFinite,
  });
  const commentary = [
    ...partGObservations(s, heat, opt),
    ...evaluation,
    `The summary table lists every method of this run on both tasks (parts run: ${listJoin([...Object.keys(ctx.previous), 'g'])}); the cost table gives wall time per epoch and per experiment, linear models included.`,
  ];
  return {
    part: 'g',
    title: '(g) Critical evaluation',
    config: { ...s, seed: ctx.seed, architecture: '784→100→10 ReLU, softmax', batchSize: 64, optimizers: STUDY_G_OPTIMIZERS, trainImages: images.train, optimizerImages: images.optimizer, testImages: images.test },
    tables,
    figures,
    commentary,
    numbers: { bestEta: bestHeat.lr, bestLambda2: bestHeat.lambda2, bestHeatAccuracy: bestHeat.testAcc, bestOptimizer: bestOpt.name, nonFiniteRuns: allNonFinite.length },
    differences: [],
    methods: mine,
    nonFinite,
    runs: gridRecords.length + opt.length - reused,
    timeMs: performance.now() - started,
    phasesMs: { 'grid and optimizers': Math.round(gridMs) },
  };
}

/** Part (g)'s tables: the η × λ2 grid, the optimizers, their singular values, and cost and summary of every method of the run. */
function partGTables(ctx: StudyContext, images: GImages, heat: HeatCell[], opt: OptimizerRun[], all: MethodResult[]): Table[] {
  const s = settingsFor(ctx.profile).g;
  return [
    writeTable(ctx, 'g', 'eta-lambda2', `Test accuracy over η × λ2 (784→100→10, Adam, ${settingsFor(ctx.profile).mnistDtype}, ${images.train} images, ${plural(s.epochs, 'epoch')})`, ['η', 'λ2', 'test accuracy', 'time (s)', 'time per epoch (s)'], heat.map((h) => [h.lr, h.lambda2, h.acc, h.timeMs / 1000, h.msPerEpoch / 1000])),
    writeTable(
      ctx,
      'g',
      'optimizers',
      `Optimizer comparison (784→100→10, ${images.optimizer} images, ${plural(s.optimizerEpochs, 'epoch')})`,
      ['optimizer', 'η', 'final train loss', 'final test loss', 'final test accuracy', 'mean time per epoch (s)', 'fastest epoch (s)', 'total time (s)'],
      opt.map((o) => [o.name, o.lr, o.loss.at(-1)!, o.testLoss.at(-1)!, o.testAcc.at(-1)!, o.msPerEpoch / 1000, o.fastestEpochMs / 1000, o.timeMs / 1000]),
    ),
    writeTable(
      ctx,
      'g',
      'spectral',
      'Largest singular value of each weight matrix and of its change over the epoch (epoch 0: initial weights)',
      ['optimizer', 'epoch', 'layer', 'σ_max(W)', 'σ_max(ΔW)'],
      opt.flatMap((o) => o.spectral.map((r) => [o.name, r.epoch, r.layer, r.sigmaW, r.sigmaUpdate])),
    ),
    writeTable(
      ctx,
      'g',
      'cost',
      'Cost of every method of this run: wall time per experiment and per epoch (linear models: one closed-form or iterative fit)',
      ['task', 'part', 'method', 'epochs', 'time per epoch (s)', 'time per experiment (s)'],
      all.map((m) => [m.task, m.part, m.method, m.epochs, m.epochs ? m.trainTimeMs / m.epochs / 1000 : null, m.trainTimeMs / 1000]),
    ),
    writeTable(
      ctx,
      'g',
      'summary',
      'Summary of all methods on both tasks (test set)',
      ['task', 'part', 'method', 'metric', 'value', 'second metric', 'value ', 'training time (s)'],
      all.map((m) => [m.task, m.part, m.method, m.metricName, m.metric, m.extraName ?? null, m.extra ?? null, m.trainTimeMs / 1000]),
    ),
  ];
}

/** Part (g)'s figures: the η × λ2 heatmap, the optimizers' curves and their singular values. */
async function partGFigures(ctx: StudyContext, heat: HeatCell[], opt: OptimizerRun[]): Promise<FigureFile[]> {
  const s = settingsFor(ctx.profile).g;
  const figures: FigureFile[] = [];
  const lrOrder = s.lrs.map(String);
  const l2Order = s.lambda2s.map(String);
  figures.push(
    await renderFigure(ctx.outDir, 'g', 'eta-lambda2-heatmap', heatmap(heat.map((h) => ({ eta: String(h.lr), l2: String(h.lambda2), acc: h.testAcc })), { title: `Test accuracy over η × λ2 (784→100→10, Adam, ${plural(s.epochs, 'epoch')})`, x: 'eta', y: 'l2', value: 'acc', valueTitle: 'test accuracy (fraction)', xTitle: 'learning rate η', yTitle: 'λ2 (L2 penalty weight)', format: '.4f', sortX: lrOrder, sortY: l2Order }), { png: ctx.png }),
  );
  const optCurves: Datum[] = [];
  for (const o of opt) {
    o.loss.forEach((v, e) => {
      optCurves.push({ epoch: e + 1, value: o.testAcc[e] ?? null, metric: 'test accuracy (fraction)', optimizer: `${o.name} η=${o.lr}` });
      optCurves.push({ epoch: e + 1, value: v, metric: 'train cross-entropy (nats)', optimizer: `${o.name} η=${o.lr}` });
    });
  }
  figures.push(
    await renderFigure(ctx.outDir, 'g', 'optimizers', lineChart(optCurves, { title: 'Optimizer comparison: test accuracy and training loss per epoch', x: 'epoch', y: 'value', series: 'optimizer', seriesTitle: 'optimizer', facet: 'metric', facetTitle: 'quantity', independentY: true, xTitle: 'epoch', yTitle: 'value (unit in panel title)', points: true }), { png: ctx.png }),
  );
  // Wall time per epoch is not drawn: epoch to epoch it varies with the machine's load, not with the
  // optimizer; the table and the text give each optimizer's fastest epoch (the minimum over its epochs).
  // Facets share the y scale, which squashes accuracy; draw accuracy on its own too.
  figures.push(
    await renderFigure(ctx.outDir, 'g', 'optimizers-accuracy', lineChart(optCurves.filter((d) => d.metric === 'test accuracy (fraction)'), { title: 'Optimizer comparison: test accuracy per epoch', x: 'epoch', y: 'value', series: 'optimizer', seriesTitle: 'optimizer', xTitle: 'epoch', yTitle: 'test accuracy (fraction)', points: true }), { png: ctx.png }),
  );
  const spec: Datum[] = opt.flatMap((o) =>
    o.spectral.flatMap((r) => [
      { epoch: r.epoch, sigma: r.sigmaW, series: `${o.name} ${r.layer}`, quantity: 'σ_max(W)' },
      { epoch: r.epoch, sigma: r.sigmaUpdate, series: `${o.name} ${r.layer}`, quantity: 'σ_max(ΔW over the epoch)' },
    ]),
  );
  figures.push(
    await renderFigure(ctx.outDir, 'g', 'singular-values', lineChart(spec, { title: 'Largest singular value of each weight matrix and of its per-epoch update', x: 'epoch', y: 'sigma', series: 'series', seriesTitle: 'optimizer and layer', facet: 'quantity', facetTitle: 'quantity', xTitle: 'epoch', yTitle: 'largest singular value (log scale)', logY: true, points: true }), { png: ctx.png }),
  );
  return figures;
}

/** What part (g)'s own runs show: the η × λ2 grid's extremes, the optimizers' accuracy and speed, and how the weights grew. */
function partGObservations(s: StudySettings['g'], heat: HeatCell[], opt: OptimizerRun[]): string[] {
  const bestHeat = heat[argmin(heat, (h) => -h.testAcc)]!;
  const worstHeat = heat[argmin(heat, (h) => h.testAcc)]!;
  const track = opt.map((o) => {
    const w1 = o.spectral.filter((r) => r.layer === 'W1');
    return `${OPTIMIZER_NAMES[o.name as OptimizerName] ?? o.name}: σ_max(W1) ${fmt(w1[0]?.sigmaW)} → ${fmt(w1.at(-1)?.sigmaW)}, last epoch's σ_max(ΔW1) ${fmt(w1.at(-1)?.sigmaUpdate)}`;
  });
  let worstRatio = { ratio: 0, label: '–' };
  for (const o of opt) {
    for (const r of o.spectral) {
      const ratio = r.sigmaUpdate === null ? NaN : r.sigmaUpdate / r.sigmaW;
      if (Number.isFinite(ratio) && ratio > worstRatio.ratio) worstRatio = { ratio, label: `${o.name}, ${r.layer}, epoch ${r.epoch}` };
    }
  }
  const epochTimes = opt.map((o) => o.fastestEpochMs);
  const timeSpread = Math.max(...epochTimes) / Math.min(...epochTimes) - 1;
  const ranked = [...opt].sort((x, y) => (y.testAcc.at(-1) ?? 0) - (x.testAcc.at(-1) ?? 0));
  return [
    `On the η × λ2 grid the best cell is η = ${bestHeat.lr}, λ2 = ${bestHeat.lambda2} (${meanSdText(bestHeat.acc, percent, true)}) and the worst η = ${worstHeat.lr}, λ2 = ${worstHeat.lambda2} (${meanSdText(worstHeat.acc, percent, true)}).`,
    `Test accuracy of the optimizers after ${plural(s.optimizerEpochs, 'epoch')}: ${listJoin(opt.map((o) => `${percent(o.testAcc.at(-1)!)} for ${optimizerLabel(o)}`))}` +
      (ranked.length > 1
        ? `. ${compareSentence({ label: optimizerLabel(ranked[0]!), spread: meanSd([ranked[0]!.testAcc.at(-1)!]) }, { label: optimizerLabel(ranked[1]!), spread: meanSd([ranked[1]!.testAcc.at(-1)!]) }, { lowerIsBetter: false, metric: 'test accuracy', value: (v) => percent(v), difference: (d) => percentagePoints(d) })}`
        : '.') +
      ` Compared by their fastest epoch (the minimum over the epochs, which drops most of the noise of a shared machine; training and the per-epoch test evaluation, not the power iterations), ${listJoin(opt.map((o) => `${OPTIMIZER_NAMES[o.name as OptimizerName] ?? o.name} ${seconds(o.fastestEpochMs)}`))}: the slowest optimizer's epoch takes ${timeSpread >= 1 ? `${Number((timeSpread + 1).toPrecision(2))}× as long as` : `${percent(timeSpread, 0)} longer than`} the fastest's${s.optimizerEpochs === 1 ? ' (with one epoch, its only epoch: no repeat removes the noise)' : ''}.`,
    `Weights over training: ${track.join('; ')}. The largest ratio σ_max(ΔW)/σ_max(W) of an epoch's update to the weights is ${fmt(worstRatio.ratio)} (${worstRatio.label}); the gradient checks of part (a) cover the derivatives.`,
  ];
}
