import { runge, trainTestSplit } from '@ffnn/datasets';
import type { Matrix } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { csvText, rungeSetup } from './common.js';
import { settingsFor } from './profiles.js';

/** Column mean and population standard deviation (ddof = 0) of `values`, by hand. */
function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

function column(M: Matrix, j: number): number[] {
  return Array.from({ length: M.rows }, (_, i) => M.get(i, j));
}

/** Largest |got − (raw − mean)/std| over a column (a constant column maps to raw − mean). */
function worstDeviation(got: number[], raw: number[], mean: number, std: number): number {
  return Math.max(...got.map((g, i) => Math.abs(g - (raw[i]! - mean) / (std === 0 ? 1 : std))));
}

describe('the study fits its scalers on the training part only', () => {
  const s = settingsFor('test');
  const seed = 1993;
  const setup = rungeSetup(s, seed);
  // The same data and split, rebuilt here: test rows are the ones the split holds out.
  const all = runge({ n: s.runge.n, sigma: s.runge.sigma, seed });
  const { train, test } = trainTestSplit(s.runge.n, { testFraction: 0.2, seed });
  const x = (rows: Int32Array) => Array.from(rows, (i) => all.x.get(i, 0));

  it('x: both parts are standardized with the mean and std of the training rows (not of all rows)', () => {
    expect(column(setup.xTrainRaw, 0)).toEqual(x(train));
    expect(column(setup.xTestRaw, 0)).toEqual(x(test));
    const fitted = meanStd(x(train));
    const leaked = meanStd(x(new Int32Array([...train, ...test])));
    expect(worstDeviation(column(setup.xTrain, 0), x(train), fitted.mean, fitted.std)).toBeLessThan(1e-12);
    expect(worstDeviation(column(setup.xTest, 0), x(test), fitted.mean, fitted.std)).toBeLessThan(1e-12);
    // The check can see a leak: a scaler fitted on all rows moves the test values far beyond 1e-12.
    expect(worstDeviation(column(setup.xTest, 0), x(test), leaked.mean, leaked.std)).toBeGreaterThan(1e-6);
  });

  it(`[1, x, …, x^${s.runge.degree}]: every column standardized with its training mean and std`, () => {
    for (let k = 0; k <= s.runge.degree; k++) {
      const powerTrain = x(train).map((v) => v ** k);
      const powerTest = x(test).map((v) => v ** k);
      const fitted = meanStd(powerTrain);
      const leaked = meanStd([...powerTrain, ...powerTest]);
      const tol = 1e-9 * Math.max(1, ...powerTest.map((v) => Math.abs(v) / (fitted.std || 1)));
      expect(worstDeviation(column(setup.polyTrain, k), powerTrain, fitted.mean, fitted.std), `train column x^${k}`).toBeLessThan(tol);
      expect(worstDeviation(column(setup.polyTest, k), powerTest, fitted.mean, fitted.std), `test column x^${k}`).toBeLessThan(tol);
      if (k > 0) expect(worstDeviation(column(setup.polyTest, k), powerTest, leaked.mean, leaked.std), `x^${k} fitted on all rows`).toBeGreaterThan(tol);
    }
  });
});

describe('CSV of a table with results over seeds', () => {
  it('one seed per cell: the plain table with the measured numbers', () => {
    expect(csvText(['cell', 'mse'], [['a', { mean: 0.1 + 0.2, sd: null, n: 1 }]])).toBe('cell,mse\na,0.30000000000000004\n');
  });
  it('several seeds: mean, sd and n columns', () => {
    expect(csvText(['cell', 'mse'], [['a', { mean: 2, sd: 1, n: 3 }], ['b', 5]])).toBe('cell,mse,mse sd,mse n\na,2,1,3\nb,5,,\n');
  });
});
