import { describe, expect, it } from 'vitest';
import { type EvaluationInput, type MnistFacts, type RungeFacts, evaluate, mlpParameters, withinNoiseOfBest } from './evaluation.js';
import { exactly, meanSd } from './stats.js';

function runge(ffnn: number[], ols = 0.0038, grid: number[][] = [ffnn, [0.003, 0.0031]]): RungeFacts {
  return {
    noiseFloor: 0.0025,
    ffnn: { label: 'x 2×100 adam η=0.01', metric: meanSd(ffnn), parameters: mlpParameters([1, 100, 100, 1]), trainMs: 12_000 },
    linear: [
      { label: 'OLS', metric: exactly(ols), parameters: 12, trainMs: 3 },
      { label: 'Ridge (α = 1e-4)', metric: exactly(ols + 0.0001), parameters: 12, trainMs: 2 },
    ],
    grid: grid.map((g) => meanSd(g)),
    gridMs: 60_000,
  };
}

function mnist(ffnn: number[], cell: number[], testLoss = [0.3, 0.2, 0.1, 0.12, 0.15]): MnistFacts {
  return {
    ffnn: { label: '784→100→10 (5 epochs)', metric: meanSd(ffnn), parameters: mlpParameters([784, 100, 10]), trainMs: 50_000 },
    logistic: { label: 'multinomial logistic regression', metric: exactly(0.9222), parameters: mlpParameters([784, 10]), trainMs: 5_000 },
    gridCell: { acc: meanSd(cell), epochs: 2, rows: 1000 },
    final: { epochs: testLoss.length, rows: 1000, testLoss, testAcc: testLoss.map((_, i) => 0.9 + i / 100), trainLoss: testLoss.map((_, i) => 0.3 / (i + 1)) },
    grid: [meanSd(cell), meanSd(cell.map((v) => v - 0.01))],
    gridMs: 100_000,
  };
}

const base: EvaluationInput = { seedsPerCell: 1, runs: 1, nonFinite: [] };

describe('mlpParameters', () => {
  it('counts weights and biases of each layer', () => {
    expect(mlpParameters([784, 100, 10])).toBe(784 * 100 + 100 + 100 * 10 + 10);
    expect(mlpParameters([784, 10])).toBe(7850);
  });
});

describe('the evaluation of part (g), on synthetic outcomes', () => {
  it('one seed per cell: says the spread is not measured, in singular where the count is 1', () => {
    // Every grid cell has one seed too (the default Runge grid has a cell of two).
    const text = evaluate({ ...base, runge: runge([0.0026], 0.0038, [[0.0026], [0.003]]), mnist: mnist([0.98], [0.979]) }).join('\n\n');
    expect(text).toContain('cannot be judged against the seed-to-seed spread, which one seed per setting does not measure');
    expect(text).toContain('No NaN or ±Inf occurred in the one training run of this invocation.');
    expect(text).toContain('Every setting was trained with one seed');
    expect(text).toContain('this run cannot say how many of them are within noise of the best');
    expect(text).not.toMatch(/\(s\)|\b1 (?:runs|cells|epochs|seeds)\b|\b0\.00%/);
    expect(text).toContain('For MNIST pick the FFNN whenever 5.78 percentage points of accuracy (from one seed) matter more');
  });

  it('several seeds per Runge cell and one per MNIST cell (quick): each data set is described by its own count', () => {
    const text = evaluate({ ...base, runge: runge([0.0026, 0.00262, 0.00258], 0.0038, [[0.0026, 0.00262, 0.00258], [0.003, 0.0031, 0.0032]]), mnist: mnist([0.98], [0.979]) }).join('\n\n');
    expect(text).toContain('**Stability.** Over 3 seeds per Runge cell, the test MSE of a cell varies by between 0.77% and 3.23% of its mean; every MNIST cell was trained with one seed, so this run does not measure how much its test accuracy moves from seed to seed.');
    expect(text).not.toContain('Every setting was trained with one seed');
    // 5 Runge seeds and 3 MNIST seeds (full): both spreads, each with its count.
    const full = evaluate({ ...base, seedsPerCell: 3, runge: runge([1, 2, 3, 4, 5].map((i) => 0.0026 + i * 1e-5), 0.0038, [[1, 2, 3, 4, 5].map((i) => 0.0026 + i * 1e-5)]), mnist: mnist([0.981, 0.982, 0.98], [0.979, 0.978, 0.98]) }).join('\n\n');
    expect(full).toMatch(/\*\*Stability\.\*\* Over 5 seeds per Runge cell, the test MSE of a cell varies by between [0-9.]+% and [0-9.]+% of its mean; over 3 seeds per MNIST cell, the test accuracy of a cell varies between seeds by a standard deviation between 0\.10 and 0\.10 percentage points\./);
  });

  it('several seeds: the FFNN beats OLS beyond the spread and the text says by how much, with the unit', () => {
    const text = evaluate({ ...base, seedsPerCell: 3, runs: 30, runge: runge([0.0026, 0.00262, 0.00258]), mnist: mnist([0.981, 0.982, 0.98], [0.979, 0.978, 0.98]) }).join('\n\n');
    expect(text).toContain('**Runge regression.** The FFNN x 2×100 adam η=0.01 (0.0026 ± 2.000e-5, n = 3) has a better test MSE against the noisy y than the best linear model OLS (0.0038); the difference, 0.0012, exceeds the seed-to-seed spread (sd sum 2.000e-5).');
    expect(text).toContain('has a better test accuracy than multinomial logistic regression (92.22%); the difference, 5.88 percentage points, exceeds');
    expect(text).toContain('pick the FFNN when its lower error (0.0012 in test MSE) is worth');
    expect(text).toContain('the FFNN has 10,401 parameters against 12 for OLS (870× as many)');
    expect(text).toContain('Over 3 seeds per cell, the test accuracy of an MNIST cell varies between seeds by a standard deviation between 0.10 and 0.10 percentage points');
    expect(text).toContain('No NaN or ±Inf occurred in any of the 30 training runs');
  });

  it('a reversal: when the linear model is better, the text picks it', () => {
    const text = evaluate({ ...base, runge: runge([0.0045], 0.0038) }).join('\n\n');
    expect(text).toContain('The best linear model OLS (0.0038) has a better test MSE against the noisy y than the FFNN');
    expect(text).toContain('For the Runge function pick OLS: it is at least as accurate as the FFNN here, deterministic and cheaper to fit.');
  });

  it('a reversal on MNIST: logistic regression more accurate and faster, ratios read the right way round', () => {
    const m = mnist([0.37], [0.37]);
    const text = evaluate({ ...base, mnist: { ...m, ffnn: { ...m.ffnn, trainMs: 250 }, logistic: { ...m.logistic, trainMs: 1700 } } }).join('\n\n');
    expect(text).toContain('Multinomial logistic regression (92.22%) has a better test accuracy than the FFNN');
    expect(text).toContain('trains in 250 ms against 1.7 s (6.8× faster)');
    expect(text).toContain('For MNIST pick logistic regression in a setting like this run');
  });

  it('a tie within the spread: neither is called better, the cheap model is the default', () => {
    const text = evaluate({ ...base, seedsPerCell: 3, runge: runge([0.0037, 0.0030, 0.0044]) }).join('\n\n');
    expect(text).toContain('within the seed-to-seed spread');
    expect(text).toContain('For the Runge function OLS is the sensible default');
  });

  it('zero spread: identical seeds make every other cell distinguishable from the best', () => {
    const grid = [meanSd([0.97, 0.97]), meanSd([0.96, 0.96]), meanSd([0.97, 0.97])];
    expect(withinNoiseOfBest(grid, false).within).toBe(2);
    expect(withinNoiseOfBest([meanSd([0.97])], false).within).toBeNull();
  });

  it('training length: a longer run that ends below its grid cell is explained by the rising test loss', () => {
    const text = evaluate({ ...base, seedsPerCell: 3, mnist: mnist([0.9815], [0.9824, 0.9822, 0.9826]) }).join('\n\n');
    expect(text).toContain('Retrained for 5 epochs, the best grid cell reaches 98.15% (n = 1), 0.09 percentage points less than its grid result after 2 epochs (98.24% ± 0.02%, n = 3); the difference exceeds the seed-to-seed spread (sd sum 0.04 percentage points).');
    expect(text).toContain('The test cross-entropy of the retraining is lowest at epoch 3 (0.1) and ends at 0.15 while the training loss keeps falling');
    expect(text).toContain('At epoch 2 the retraining had 91.00%.');
  });

  it('training length: still improving when the test loss falls to the last epoch', () => {
    const text = evaluate({ ...base, mnist: mnist([0.985], [0.98], [0.3, 0.2, 0.1]) }).join('\n\n');
    expect(text).toContain('still at its lowest in the last epoch');
    expect(text).toContain('0.50 percentage points more than');
  });

  it('sensitivity to η and λ2 names the larger effect, with its unit, and the seed spread', () => {
    const cells = [
      { lr: 1e-3, lambda2: 0, acc: meanSd([0.97, 0.971]) },
      { lr: 1e-4, lambda2: 0, acc: meanSd([0.93, 0.931]) },
      { lr: 1e-3, lambda2: 1e-4, acc: meanSd([0.968, 0.969]) },
      { lr: 1e-4, lambda2: 1e-4, acc: meanSd([0.929, 0.93]) },
    ];
    const text = evaluate({ ...base, seedsPerCell: 2, etaLambda: { cells, epochs: 1 } }).join('\n\n');
    expect(text).toContain('On the η × λ2 grid (784→100→10, 1 epoch) changing η at a fixed λ2 moves the test accuracy by up to 4.00 percentage points (beyond the seed spread) and changing λ2');
    expect(text).toContain('changing λ2 at a fixed η by up to 0.20 percentage points (beyond the seed spread): after 1 epoch the learning rate matters more than the penalty.');
  });

  it('reports NaN/Inf runs when there were any', () => {
    const text = evaluate({ ...base, runs: 2, nonFinite: ['sgd η=10: loss became NaN'] }).join('\n\n');
    expect(text).toContain('NaN or ±Inf occurred in 1 of the 2 training runs: sgd η=10: loss became NaN.');
  });

  it('an FFNN that is both more accurate and faster is picked without a trade-off', () => {
    const m = mnist([0.9736], [0.9371]);
    const text = evaluate({ ...base, mnist: { ...m, final: { ...m.final, rows: 56000 }, ffnn: { ...m.ffnn, trainMs: 81_900 }, logistic: { ...m.logistic, trainMs: 134_000 } } }).join('\n\n');
    expect(text).toContain('For MNIST pick the FFNN: it is 5.14 percentage points more accurate (from one seed) and here even trained in less time than logistic regression');
    expect(text).toContain('(1.6× faster)');
    expect(text).toContain('on 56,000 images instead of 1,000');
  });
});
