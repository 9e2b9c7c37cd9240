import { fmt, seconds } from './common.js';
import { compareSentence, count, listJoin, meanSdText, percent, percentagePoints, plural, spreadClause } from './prose.js';
import { type SeedSpread, compareSpread, spreadKnown } from './stats.js';

/** One method's headline result for the evaluation: its metric over seeds and what it cost. */
export interface MethodFacts {
  label: string;
  metric: SeedSpread;
  /** Trainable parameters (weights and biases, or coefficients and intercepts). */
  parameters: number;
  trainMs: number;
}

/** What part (b) measured, for the evaluation: the best FFNN, the linear baselines and the grid. */
export interface RungeFacts {
  /** σ², the expected test MSE of a perfect model against the noisy targets. */
  noiseFloor: number;
  ffnn: MethodFacts;
  /** OLS, the best Ridge, the best Lasso (test MSE, exact: no seed enters a closed-form fit). */
  linear: MethodFacts[];
  /** Test MSE of every cell of the network grid (tuning effort). */
  grid: SeedSpread[];
  gridMs: number;
}

/** What part (f) measured: the retrained network, logistic regression, its grid cell and the grid. */
export interface MnistFacts {
  ffnn: MethodFacts;
  logistic: MethodFacts;
  /** The best grid cell, which the final network retrains for longer (and maybe on more images). */
  gridCell: { acc: SeedSpread; epochs: number; rows: number };
  /** The retraining: its length, images and per-epoch curves (test cross-entropy and accuracy, train loss). */
  final: { epochs: number; rows: number; testLoss: number[]; testAcc: number[]; trainLoss: number[] };
  grid: SeedSpread[];
  gridMs: number;
}

/** The η × λ2 grid of part (g) (test accuracy per cell). */
export interface EtaLambdaFacts {
  cells: { lr: number; lambda2: number; acc: SeedSpread }[];
  epochs: number;
}

/** Everything the evaluation is written from; parts that did not run are absent. */
export interface EvaluationInput {
  runge?: RungeFacts;
  mnist?: MnistFacts;
  etaLambda?: EtaLambdaFacts;
  /** Seeds per grid cell in this run, and the training runs and NaN/Inf messages of every part. */
  seedsPerCell: number;
  runs: number;
  nonFinite: string[];
}

/** Parameters of a fully connected network with these layer sizes (input, hidden…, output). */
export function mlpParameters(sizes: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < sizes.length; i++) n += sizes[i - 1]! * sizes[i]! + sizes[i]!;
  return n;
}

/** `2.6× as long` or `7.1× less`: a ratio that reads the right way round. */
const relative = (a: number, b: number, more: string, less: string) => (a >= b ? `${times(a, b)} ${more}` : `${times(b, a)} ${less}`);
const times = (a: number, b: number) => (b > 0 ? `${count(Number((a / b).toPrecision(2)))}×` : '–');
const aboveFloor = (v: number) => (v >= 0 ? `is ${fmt(v)} above it` : `is ${fmt(-v)} below it (the test noise of this sample is smaller than σ²)`);
const ppNumber = (d: number) => (100 * Math.abs(d)).toFixed(2);
const mseMetric = { lowerIsBetter: true, metric: 'test MSE against the noisy y' };
const accMetric = { lowerIsBetter: false, metric: 'test accuracy', value: (v: number) => percent(v), difference: (d: number) => percentagePoints(d) };

/** How many cells of a grid are within the seed spread of its best one (null when no spread is measured). */
export function withinNoiseOfBest(grid: readonly SeedSpread[], lowerIsBetter: boolean): { best: SeedSpread; within: number | null } {
  const best = grid.reduce((b, c) => ((lowerIsBetter ? c.mean < b.mean : c.mean > b.mean) ? c : b), grid[0]!);
  if (!grid.some(spreadKnown)) return { best, within: null };
  return { best, within: grid.filter((c) => c === best || compareSpread(c, best).verdict === 'within').length };
}

function tuningSentence(task: string, grid: readonly SeedSpread[], gridMs: number, lowerIsBetter: boolean, show: (v: number) => string): string {
  const { best, within } = withinNoiseOfBest(grid, lowerIsBetter);
  const worst = grid.reduce((w, c) => ((lowerIsBetter ? c.mean > w.mean : c.mean < w.mean) ? c : w), grid[0]!);
  const head = `Tuning the ${task} network took a grid of ${plural(grid.length, 'cell')} (${seconds(gridMs)} of training), from ${show(best.mean)} for the best cell to ${show(worst.mean)} for the worst`;
  if (grid.length === 1) return `Tuning the ${task} network took one cell (${seconds(gridMs)} of training): this profile does not tune it.`;
  if (within === null) return `${head}; with one seed per cell this run cannot say how many of them are within noise of the best.`;
  if (within === 1) return `${head}; no other cell comes within the seed spread of the best, so the grid singles out one setting.`;
  return `${head}; ${within === grid.length ? `all ${grid.length} cells are` : `${within} of the ${grid.length} cells are`} within the seed spread of the best, so the data do not decide among them.`;
}

/** The paragraphs of part (g)'s evaluation, written from the measured numbers of the run. */
export function evaluate(input: EvaluationInput): string[] {
  return [
    ...againstBaselines(input),
    ...costParagraph(input),
    ...sensitivityParagraph(input),
    stabilityParagraph(input),
    ...whichMethodParagraph(input),
    ...trainingLengthParagraph(input),
  ];
}

/** Where the FFNN beats the baselines, and by how much against the spread. */
function againstBaselines({ runge, mnist }: EvaluationInput): string[] {
  const out: string[] = [];
  if (runge) {
    const bestLinear = runge.linear.reduce((b, m) => (m.metric.mean < b.metric.mean ? m : b), runge.linear[0]!);
    const excess = (m: MethodFacts) => m.metric.mean - runge.noiseFloor;
    out.push(
      `**Runge regression.** ${compareSentence({ label: `the FFNN ${runge.ffnn.label}`, spread: runge.ffnn.metric }, { label: `the best linear model ${bestLinear.label}`, spread: bestLinear.metric }, mseMetric)} ` +
        `Measured from the noise floor σ² = ${fmt(runge.noiseFloor)}, which no model can beat on noisy targets in expectation, the FFNN's test MSE ${aboveFloor(excess(runge.ffnn))} and that of ${bestLinear.label} ${aboveFloor(excess(bestLinear))}.`,
    );
  }
  if (mnist) {
    const err = (m: MethodFacts) => 1 - m.metric.mean;
    out.push(
      `**MNIST classification.** ${compareSentence({ label: `the FFNN ${mnist.ffnn.label}`, spread: mnist.ffnn.metric }, { label: mnist.logistic.label, spread: mnist.logistic.metric }, accMetric)} ` +
        (err(mnist.logistic) > 0 ? `The FFNN misclassifies ${percent(err(mnist.ffnn))} of the test images, ${percent(err(mnist.ffnn) / err(mnist.logistic), 0)} of logistic regression's error rate (${percent(err(mnist.logistic))}).` : ''),
    );
  }
  return out;
}

/** What the FFNN costs: parameters, training time and tuning effort (none without a baseline). */
function costParagraph({ runge, mnist }: EvaluationInput): string[] {
  const cost: string[] = [];
  if (runge) {
    const bestLinear = runge.linear.reduce((b, m) => (m.metric.mean < b.metric.mean ? m : b), runge.linear[0]!);
    cost.push(
      `On the Runge data the FFNN has ${plural(runge.ffnn.parameters, 'parameter')} against ${count(bestLinear.parameters)} for ${bestLinear.label} (${relative(runge.ffnn.parameters, bestLinear.parameters, 'as many', 'fewer')}) and trains in ${seconds(runge.ffnn.trainMs)} against ${seconds(bestLinear.trainMs)} (${relative(runge.ffnn.trainMs, bestLinear.trainMs, 'as long', 'faster')}).`,
      tuningSentence('Runge', runge.grid, runge.gridMs, true, (v) => fmt(v)),
    );
  }
  if (mnist) {
    cost.push(
      `On MNIST the FFNN has ${plural(mnist.ffnn.parameters, 'parameter')} against ${count(mnist.logistic.parameters)} for logistic regression (${relative(mnist.ffnn.parameters, mnist.logistic.parameters, 'as many', 'fewer')}) and trains in ${seconds(mnist.ffnn.trainMs)} against ${seconds(mnist.logistic.trainMs)} (${relative(mnist.ffnn.trainMs, mnist.logistic.trainMs, 'as long', 'faster')}).`,
      tuningSentence('MNIST', mnist.grid, mnist.gridMs, false, (v) => percent(v)),
    );
  }
  return cost.length > 0 ? [`**What it costs.** ${cost.join(' ')}`] : [];
}

/** Sensitivity to η and λ2 on part (g)'s grid (none with a single cell). */
function sensitivityParagraph({ etaLambda }: EvaluationInput): string[] {
  const out: string[] = [];
  if (etaLambda && etaLambda.cells.length > 1) {
    const cells = etaLambda.cells;
    const lrs = [...new Set(cells.map((c) => c.lr))];
    const l2s = [...new Set(cells.map((c) => c.lambda2))];
    const range = (group: typeof cells) => (group.length < 2 ? 0 : Math.max(...group.map((c) => c.acc.mean)) - Math.min(...group.map((c) => c.acc.mean)));
    const etaEffect = Math.max(0, ...l2s.map((l2) => range(cells.filter((c) => c.lambda2 === l2))));
    const l2Effect = Math.max(0, ...lrs.map((lr) => range(cells.filter((c) => c.lr === lr))));
    const sds = cells.filter((c) => spreadKnown(c.acc)).map((c) => c.acc.sd ?? 0);
    const noise = sds.length > 0 ? 2 * Math.max(...sds) : null;
    const against = (effect: number) => (noise === null ? '' : effect > noise ? ' (beyond the seed spread)' : ' (within the seed spread)');
    const parts = [
      lrs.length > 1 ? `changing η at a fixed λ2 moves the test accuracy by up to ${percentagePoints(etaEffect)}${against(etaEffect)}` : null,
      l2s.length > 1 ? `changing λ2 at a fixed η ${lrs.length > 1 ? '' : 'moves the test accuracy '}by up to ${percentagePoints(l2Effect)}${against(l2Effect)}` : null,
    ].filter((p): p is string => p !== null);
    const verdict =
      lrs.length > 1 && l2s.length > 1
        ? etaEffect > l2Effect
          ? 'the learning rate matters more than the penalty'
          : etaEffect < l2Effect
            ? 'the penalty matters more than the learning rate'
            : 'the learning rate and the penalty matter equally'
        : null;
    out.push(
      `**Sensitivity to η and λ2.** On the η × λ2 grid (784→100→10, ${plural(etaLambda.epochs, 'epoch')}) ${listJoin(parts)}${verdict ? `: after ${plural(etaLambda.epochs, 'epoch')} ${verdict}` : ''}.` +
        (noise === null ? ' With one seed per cell the run does not measure how much of this is seed-to-seed noise.' : ` The largest seed-to-seed standard deviation of a cell is ${percentagePoints(noise / 2)}.`),
    );
  }
  return out;
}

/** Stability across seeds, and numerically. */
function stabilityParagraph(input: EvaluationInput): string {
  const { runge, mnist, etaLambda } = input;
  // The Runge and MNIST grids may have different seed
  // counts (quick: 3 per Runge cell, 1 per MNIST cell); each is described by its own count.
  const mnistCells = [...(mnist?.grid ?? []), ...(etaLambda?.cells.map((c) => c.acc) ?? [])].filter((c) => !c.exact);
  const rungeCells = (runge?.grid ?? []).filter((c) => !c.exact);
  // Every cell of a data set's grids has the same number of seeds in a study run.
  const seedsOf = (cells: SeedSpread[]) => (cells.length ? Math.max(...cells.map((c) => c.n)) : 0);
  const mnistSeeds = seedsOf(mnistCells);
  const rungeSeeds = seedsOf(rungeCells);
  const accSds = mnistCells.filter(spreadKnown).map((c) => c.sd ?? 0);
  const mseRel = rungeCells.filter(spreadKnown).map((c) => (c.sd ?? 0) / c.mean);
  const accText = accSds.length ? `the test accuracy of an MNIST cell varies between seeds by a standard deviation between ${ppNumber(Math.min(...accSds))} and ${percentagePoints(Math.max(...accSds))}` : null;
  const mseText = mseRel.length ? `the test MSE of a Runge cell by between ${percent(Math.min(...mseRel))} and ${percent(Math.max(...mseRel))} of its mean` : null;
  let seedText: string;
  if (input.seedsPerCell < 2 && mnistSeeds < 2 && rungeSeeds < 2) {
    seedText = 'Every setting was trained with one seed, so this run does not measure how much the results move from seed to seed; the comparisons above say so where it matters.';
  } else if (mnistSeeds === rungeSeeds || mnistSeeds === 0 || rungeSeeds === 0) {
    const parts = [accText, mseText].filter((p): p is string => p !== null);
    seedText = `Over ${plural(Math.max(mnistSeeds, rungeSeeds) || input.seedsPerCell, 'seed')} per cell, ${parts.length ? listJoin(parts) : 'no grid of this run has a spread to report'}.`;
  } else {
    // The Runge and MNIST cells have different seed counts (one of them perhaps a single seed).
    const side = (name: string, seeds: number, text: string | null, measure: string) =>
      seeds >= 2
        ? `over ${plural(seeds, 'seed')} per ${name} cell, ${text ?? `no ${name} cell has a spread to report`}`
        : `every ${name} cell was trained with one seed, so this run does not measure how much its ${measure} moves from seed to seed`;
    const sentence = `${side('Runge', rungeSeeds, mseText?.replace('the test MSE of a Runge cell by', 'the test MSE of a cell varies by') ?? null, 'test MSE')}; ${side('MNIST', mnistSeeds, accText?.replace('the test accuracy of an MNIST cell varies', 'the test accuracy of a cell varies') ?? null, 'test accuracy')}.`;
    seedText = sentence.charAt(0).toUpperCase() + sentence.slice(1);
  }
  const numeric =
    input.nonFinite.length === 0
      ? input.runs === 1
        ? 'No NaN or ±Inf occurred in the one training run of this invocation.'
        : `No NaN or ±Inf occurred in any of the ${plural(input.runs, 'training run')} of this invocation.`
      : `NaN or ±Inf occurred in ${input.nonFinite.length} of the ${plural(input.runs, 'training run')}: ${input.nonFinite.join('; ')}.`;
  return `**Stability.** ${seedText} ${numeric}`;

}

/** When to pick which method. */
function whichMethodParagraph({ runge, mnist }: EvaluationInput): string[] {
  const out: string[] = [];
  const pick: string[] = [];
  if (runge) {
    const bestLinear = runge.linear.reduce((b, m) => (m.metric.mean < b.metric.mean ? m : b), runge.linear[0]!);
    const c = compareSpread(runge.ffnn.metric, bestLinear.metric);
    const ffnnBetter = c.difference < 0;
    pick.push(
      ffnnBetter && c.verdict !== 'within'
        ? `For a smooth one-dimensional target like the Runge function pick the FFNN when its lower error (${fmt(-c.difference)} in test MSE${c.verdict === 'unknown' ? ', from one seed' : ''}) is worth ${times(runge.ffnn.parameters, bestLinear.parameters)} the parameters and ${times(runge.ffnn.trainMs, bestLinear.trainMs)} the training time; ${bestLinear.label} is the cheap, deterministic alternative.`
        : ffnnBetter
          ? `For the Runge function ${bestLinear.label} is the sensible default: the FFNN's advantage (${fmt(-c.difference)} in test MSE) is within the seed spread, and the linear fit is deterministic, has ${times(runge.ffnn.parameters, bestLinear.parameters)} fewer parameters and fits ${times(runge.ffnn.trainMs, bestLinear.trainMs)} faster.`
          : `For the Runge function pick ${bestLinear.label}: it is at least as accurate as the FFNN here, deterministic and cheaper to fit.`,
    );
  }
  if (mnist) {
    const c = compareSpread(mnist.ffnn.metric, mnist.logistic.metric);
    pick.push(
      c.difference > 0 && c.verdict !== 'within'
        ? mnist.ffnn.trainMs <= mnist.logistic.trainMs
          ? `For MNIST pick the FFNN: it is ${percentagePoints(c.difference)} more accurate${c.verdict === 'unknown' ? ' (from one seed)' : ''} and here even trained in less time than logistic regression, which remains the baseline that needs no tuning.`
          : `For MNIST pick the FFNN whenever ${percentagePoints(c.difference)} of accuracy${c.verdict === 'unknown' ? ' (from one seed)' : ''} matter more than ${times(mnist.ffnn.trainMs, mnist.logistic.trainMs)} the training time; logistic regression remains the quick baseline that needs no tuning.`
        : c.difference > 0
          ? `For MNIST logistic regression is as good as the FFNN within the seed spread in this run and needs no tuning: pick it.`
          : `For MNIST pick logistic regression in a setting like this run's: it is more accurate than the FFNN here and needs no tuning.`,
    );
  }
  if (pick.length > 0) out.push(`**Which method when.** ${pick.join(' ')}`);
  return out;
}

/** Training length: the retraining against its grid cell. */
function trainingLengthParagraph({ mnist }: EvaluationInput): string[] {
  const out: string[] = [];
  if (mnist) {
    const { final, gridCell } = mnist;
    const c = compareSpread(mnist.ffnn.metric, gridCell.acc);
    const direction = c.difference === 0 ? 'the same accuracy as' : c.difference > 0 ? `${percentagePoints(c.difference)} more than` : `${percentagePoints(c.difference)} less than`;
    const minLossEpoch = final.testLoss.length ? final.testLoss.indexOf(Math.min(...final.testLoss)) + 1 : null;
    const moreRows = final.rows !== gridCell.rows ? ` on ${count(final.rows)} images instead of ${count(gridCell.rows)}` : '';
    let why = '';
    if (minLossEpoch !== null && final.testLoss.length > 0) {
      const last = final.testLoss.at(-1)!;
      const lowest = final.testLoss[minLossEpoch - 1]!;
      why =
        minLossEpoch < final.testLoss.length && last > lowest
          ? ` The test cross-entropy of the retraining is lowest at epoch ${minLossEpoch} (${fmt(lowest)}) and ends at ${fmt(last)} while the training loss keeps falling (to ${fmt(final.trainLoss.at(-1))}): the longer run fits the training images ever more closely and stops improving on unseen ones.`
          : ` The test cross-entropy of the retraining is still at its lowest in the last epoch (${fmt(last)}), so training longer has not yet started to overfit.`;
      const atGrid = final.testAcc[gridCell.epochs - 1];
      if (atGrid !== undefined && final.epochs > gridCell.epochs && final.rows === gridCell.rows) {
        why += ` At epoch ${gridCell.epochs} the retraining had ${percent(atGrid)}.`;
      }
    }
    out.push(
      `**Training length.** Retrained for ${plural(final.epochs, 'epoch')}${moreRows}, the best grid cell reaches ${meanSdText(mnist.ffnn.metric, percent)}, ${direction} its grid result after ${plural(gridCell.epochs, 'epoch')} (${meanSdText(gridCell.acc, percent, true)})` +
        (c.difference === 0 ? '.' : `; the difference ${spreadClause(c, (v) => percentagePoints(v))}.`) +
        why,
    );
  }
  return out;
}
