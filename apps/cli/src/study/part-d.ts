import { type Datum, barChart, heatmap, lineChart } from '../figures/charts.js';
import { type FigureFile, renderFigure } from '../figures/render.js';
import { STUDY_TRAIN_PROTOCOL, argmin, fmt, writeTable } from './common.js';
import { nonFiniteOf, runGrid, trainingMs } from './grid.js';
import { compareSentence, listJoin, percent, plural } from './prose.js';
import { type SeedSpread, bandOf, bandSubtitle, curveSpread, groupBySeed, spreadOf } from './stats.js';
import { furtherSeeds, settingsFor } from './profiles.js';
import type { PartResult, StudyContext } from './types.js';
import type { TrialRecord } from '../sweep/results.js';

/** One cell of the activation study. */
interface Cell {
  activation: 'sigmoid' | 'relu' | 'leaky-relu';
  depth: number;
  width: number;
  trainMse: number;
  testMse: number;
  testMseClean: number;
  gap: number;
  /** Mean over hidden layers of the dead (ReLU family) or saturated (sigmoid) fraction. */
  inactive: number;
  /** The same numbers over seeds (n = 1: one seed). */
  spread: Record<'train' | 'test' | 'clean' | 'gap' | 'inactive', SeedSpread>;
  timeMs: number;
  /** Learning curves: mean ± sd over the cell's seeds, per epoch. */
  curves: { train: SeedSpread[]; test: SeedSpread[] };
  nonFinite: string | null;
}

/** Part (d): activation × depth × width on the Runge data. */
export async function partD(ctx: StudyContext): Promise<PartResult> {
  const started = performance.now();
  const s = settingsFor(ctx.profile);
  const { activations, depths, widths, optimizer, lr, epochs } = s.d;
  // The grid runs through the sweep machinery (each cell an `ffnn train` trial in a worker process),
  // with the test MSE recorded per epoch for the learning curves.
  const shapes = depths.flatMap((depth) => widths.map((width) => ({ depth, width, hidden: Array.from({ length: depth }, () => width).join(',') })));
  const records = await runGrid(ctx, 'd', {
    name: 'study-d',
    base: { ...STUDY_TRAIN_PROTOCOL, data: 'runge', n: s.runge.n, noise: s.runge.sigma, seed: ctx.seed, optimizer, lr, epochs, batchSize: 64, testCurves: true },
    grid: { activation: activations, hidden: shapes.map((h) => h.hidden) },
    ...furtherSeeds(ctx.seed, s.seeds.runge),
  });
  const cells = cellsOf(records, shapes);
  const table = writeTable(
    ctx,
    'd',
    'activation-study',
    `Activation × depth × width on Runge (input x, ${optimizer} η = ${lr}, ${epochs} epochs, batch 64)`,
    ['activation', 'depth', 'width', 'train MSE', 'test MSE (noisy y)', 'test MSE (clean f)', 'test − train', 'dead (ReLU family) / saturated (sigmoid) fraction', 'time (s)'],
    cells.map((c) => [c.activation, c.depth, c.width, c.spread.train, c.spread.test, c.spread.clean, c.spread.gap, c.spread.inactive, c.timeMs / 1000]),
  );
  const figures = await partDFigures(ctx, cells);
  const { best, maxDead, commentary } = partDText(ctx, cells);
  return {
    part: 'd',
    title: '(d) Activation study',
    config: { ...s.d, seed: ctx.seed, inputs: 'x (standardized)', batchSize: 64 },
    tables: [table],
    figures,
    commentary,
    numbers: { bestActivation: best.activation, bestDepth: best.depth, bestWidth: best.width, bestTestMse: best.testMse, maxDeadReluFraction: maxDead?.inactive ?? 0 },
    differences: [],
    methods: [{ task: 'Runge regression', part: 'd', method: `FFNN x ${best.depth}×${best.width} ${best.activation} (part d)`, metricName: 'test MSE (noisy y)', metric: best.testMse, extraName: 'test MSE (clean f)', extra: best.testMseClean, trainTimeMs: best.timeMs, epochs }],
    nonFinite: cells.filter((c) => c.nonFinite).map((c) => `${c.activation} ${c.depth}×${c.width}: ${c.nonFinite}`),
    runs: records.length,
    timeMs: performance.now() - started,
  };
}

/** The grid's cells: a cell's seeds, if it has several, are averaged (mean ± sd); one seed keeps its numbers as they are. */
function cellsOf(records: TrialRecord[], shapes: { depth: number; width: number; hidden: string }[]): Cell[] {
  const inactiveOf = (r: TrialRecord) => {
    const fr = (r.diagnostics ?? []).map((d) => d.deadFraction ?? d.saturatedFraction ?? 0);
    return fr.reduce((a, v) => a + v, 0) / Math.max(1, fr.length);
  };
  return groupBySeed(records).map((g) => {
    const activation = g.config.activation as Cell['activation'];
    const shape = shapes.find((h) => h.hidden === g.config.hidden)!;
    const spread = { train: spreadOf(g, (x) => x.train.mse!), test: spreadOf(g, (x) => x.test.mse!), clean: spreadOf(g, (x) => x.test.mse_clean!), gap: spreadOf(g, (x) => x.test.mse! - x.train.mse!), inactive: spreadOf(g, inactiveOf) };
    return {
      activation,
      depth: shape.depth,
      width: shape.width,
      trainMse: spread.train.mean,
      testMse: spread.test.mean,
      testMseClean: spread.clean.mean,
      gap: spread.gap.mean,
      inactive: spread.inactive.mean,
      spread,
      timeMs: spreadOf(g, trainingMs).mean,
      curves: { train: curveSpread(g, (x) => x.loss), test: curveSpread(g, (x) => x.testLoss) },
      nonFinite: g.records.map(nonFiniteOf).find((m) => m !== null) ?? null,
    };
  });
}

/** Part (d)'s figures: test MSE against width and depth, the generalisation gap, learning curves and inactive units. */
async function partDFigures(ctx: StudyContext, cells: Cell[]): Promise<FigureFile[]> {
  const s = settingsFor(ctx.profile);
  const { activations, depths, widths } = s.d;
  const figures: FigureFile[] = [];
  const pts: Datum[] = cells.map((c) => ({ activation: c.activation, depth: `depth ${c.depth}`, depthN: c.depth, width: c.width, widthL: `width ${c.width}`, mse: c.testMse, gap: c.gap, inactive: c.inactive, ...bandOf(c.spread.test) }));
  figures.push(
    await renderFigure(ctx.outDir, 'd', 'test-mse-vs-width', lineChart(pts, { title: 'Test MSE vs width, per depth', x: 'width', y: 'mse', series: 'activation', seriesTitle: 'activation', facet: 'depth', facetTitle: 'hidden layers', xTitle: 'units per hidden layer', yTitle: 'test MSE (y units², log scale)', logY: true, logX: true, points: true, yLow: 'low', yHigh: 'high' }), { png: ctx.png }),
  );
  figures.push(
    await renderFigure(ctx.outDir, 'd', 'test-mse-vs-depth', lineChart(pts, { title: 'Test MSE vs depth, per width', x: 'depthN', y: 'mse', series: 'activation', seriesTitle: 'activation', facet: 'widthL', facetTitle: 'units per layer', xTitle: 'hidden layers', yTitle: 'test MSE (y units², log scale)', logY: true, points: true, xType: 'ordinal', yLow: 'low', yHigh: 'high' }), { png: ctx.png }),
  );
  figures.push(
    await renderFigure(ctx.outDir, 'd', 'train-test-gap', heatmap(pts.map((p) => ({ ...p, width: String(p.width), depthN: String(p.depthN) })), { title: 'Generalisation gap: test MSE − train MSE', x: 'width', y: 'depthN', value: 'gap', valueTitle: 'test − train MSE', xTitle: 'units per hidden layer', yTitle: 'hidden layers', facet: 'activation', format: '.1e', scheme: 'redblue', reverse: true, domainMid: 0, sortX: widths.map(String), sortY: depths.map(String) }), { png: ctx.png }),
  );
  const curveData: Datum[] = [];
  for (const c of cells.filter((c) => c.depth === 2 && c.width === 100)) {
    c.curves.train.forEach((v, e) => {
      const test = c.curves.test[e];
      curveData.push({ epoch: e + 1, mse: v.mean, activation: c.activation, data: 'train', ...bandOf(v) });
      curveData.push({ epoch: e + 1, mse: test?.mean ?? null, activation: c.activation, data: 'test', ...(test ? bandOf(test) : {}) });
    });
  }
  if (curveData.length > 0) {
    figures.push(
      await renderFigure(ctx.outDir, 'd', 'learning-curves', lineChart(curveData, { title: 'Learning curves, 2 hidden layers × 100 units', subtitle: bandSubtitle(s.seeds.runge), x: 'epoch', y: 'mse', yLow: 'low', yHigh: 'high', series: 'activation', seriesTitle: 'activation', dash: 'data', xTitle: 'epoch', yTitle: 'MSE (y units², log scale)', logY: true }), { png: ctx.png }),
    );
  }
  // A panel whose bars are all 0 (no unit dead or saturated anywhere) says so rather than looking empty.
  const nonePanels = activations.filter((a) => cells.filter((c) => c.activation === a).every((c) => c.inactive === 0));
  figures.push(
    await renderFigure(
      ctx.outDir,
      'd',
      'dead-units',
      barChart(
        pts.map((p) => ({ ...p, inactivePct: 100 * (p.inactive as number) })),
        {
          title: 'Dead ReLU units (ReLU, leaky ReLU) and saturated units (sigmoid) after training',
          ...(nonePanels.length > 0 ? { subtitle: `${listJoin(nonePanels)}: no ${nonePanels.length === 1 && nonePanels[0] === 'sigmoid' ? 'saturated' : 'dead or saturated'} unit in any cell (every bar is 0)` } : {}),
          x: 'width',
          y: 'inactivePct',
          series: 'depth',
          seriesTitle: 'hidden layers',
          facet: 'activation',
          facetTitle: 'activation',
          xSort: widths,
          format: '.1f',
          xTitle: 'units per hidden layer',
          yTitle: 'inactive units (% of hidden units)',
        },
      ),
      { png: ctx.png },
    ),
  );
  return figures;
}

/** Part (d)'s commentary: the best cells per activation against the seed spread, the generalisation gap and inactive units. */
function partDText(ctx: StudyContext, cells: Cell[]): { best: Cell; maxDead: Cell | null; commentary: string[] } {
  const s = settingsFor(ctx.profile);
  const { activations } = s.d;
  const best = cells[argmin(cells, (c) => c.testMse)]!;
  const bestPerAct = activations.map((a) => {
    const cs = cells.filter((c) => c.activation === a);
    return cs[argmin(cs, (c) => c.testMse)]!;
  });
  const byAct = bestPerAct.map((b) => `${b.activation} ${fmt(b.testMse)} (depth ${b.depth}, width ${b.width})`);
  // The best activation against the runner-up, each at its best cell, judged against the seed spread.
  const runnerUp = bestPerAct.filter((b) => b !== best).sort((x, y) => x.testMse - y.testMse)[0];
  const actName = (a: Cell['activation']) => ({ sigmoid: 'sigmoid', relu: 'ReLU', 'leaky-relu': 'leaky ReLU' })[a];
  const shapeOf = (c: Cell) => `${plural(c.depth, 'hidden layer')} of ${c.width} units`;
  const relu = cells.filter((c) => c.activation === 'relu');
  const maxDead = relu.length ? relu.reduce((m, c) => (c.inactive > m.inactive ? c : m), relu[0]!) : null;
  const maxGap = cells.reduce((m, c) => (c.gap > m.gap ? c : m), cells[0]!);
  const commentary = [
    `Best test MSE per activation: ${byAct.join('; ')}. The overall best cell is ${best.activation} with ${plural(best.depth, 'hidden layer')} of ${best.width} units (test MSE ${fmt(best.testMse)}, clean-f MSE ${fmt(best.testMseClean)}).` +
      (runnerUp ? ` ${compareSentence({ label: `the best ${actName(best.activation)} network with ${shapeOf(best)}`, spread: best.spread.test }, { label: `the best ${actName(runnerUp.activation)} network with ${shapeOf(runnerUp)}`, spread: runnerUp.spread.test }, { lowerIsBetter: true, metric: 'test MSE' })}` : ''),
    `The largest train−test gap is ${fmt(maxGap.gap)} (${maxGap.activation}, depth ${maxGap.depth}, width ${maxGap.width}), ${fmt(maxGap.gap / (s.runge.sigma ** 2))} times the noise variance σ² = ${fmt(s.runge.sigma ** 2)}; ` +
      `${cells.filter((c) => c.gap < 0).length} of ${cells.length} cells have a test MSE below their train MSE (the last-epoch train MSE is measured after training, on all training rows).`,
    maxDead
      ? `Dead ReLU units (z ≤ 0 on every training input, so no gradient reaches their weights): ${maxDead.inactive === 0 ? 'none in any cell' : `at most ${percent(maxDead.inactive)} of the hidden units (depth ${maxDead.depth}, width ${maxDead.width})`}. ` +
        `For leaky ReLU the figure counts units with z ≤ 0 on every input too, but these still pass a gradient of slope 0.01 and can recover. ` +
        (() => {
          const saturated = Math.max(0, ...cells.filter((c) => c.activation === 'sigmoid').map((c) => c.inactive));
          return `Sigmoid units saturated (σ′ < 1% of its maximum on ≥ 95% of inputs): ${saturated === 0 ? 'none in any cell' : `at most ${percent(saturated)} of the hidden units`}.`;
        })()
      : '',
  ].filter(Boolean);
  return { best, maxDead, commentary };
}
