import type { OptimizerName } from '@ffnn/optim';
import type { ProfileName } from './types.js';

/** Every knob of the study; `full` holds the report's settings. */
export interface StudySettings {
  runge: { n: number; sigma: number; degree: number };
  /**
   * Training seeds per grid cell of the Runge parts (b, d, e) and the MNIST parts (f, g): the run's
   * --seed, then --seed + 1, …. A seed varies the initial weights and the batch order only; every
   * seed keeps the data and split of the run's --seed.
   */
  seeds: { runge: number; mnist: number };
  /**
   * Float type of the MNIST networks (parts f and g). float32: `sweeps/mnist-dtype.yaml` trains the
   * part (f) cells in both types over 3 seeds, and the type moves test accuracy and loss by less than
   * the seed-to-seed spread (docs/results/mnist-dtype.md) at about half the time.
   */
  mnistDtype: 'float32' | 'float64';
  b: {
    epochs: number;
    hidden: number[][];
    lrs: number[];
    optimizers: OptimizerName[];
    widths: number[];
    /** Also train every grid cell on the polynomial features. */
    polyInputs: boolean;
    ridgeAlphas: number[];
    lassoAlphas: number[];
  };
  c: { epochs: number };
  d: { epochs: number; activations: ('sigmoid' | 'relu' | 'leaky-relu')[]; depths: number[]; widths: number[]; optimizer: OptimizerName; lr: number };
  e: { epochs: number; lambdas: number[]; lrs: number[]; hidden: number[]; optimizer: OptimizerName };
  f: {
    /** Training rows of the grid (stratified subset of the 56,000; 0 = all). */
    gridRows: number;
    epochs: number;
    hidden: number[];
    lrs: number[];
    lambda2s: number[];
    /** The best grid cell is retrained on this many rows (0 = all) for this many epochs. */
    finalRows: number;
    finalEpochs: number;
    logisticRows: number;
    logisticMaxIter: number;
    /** Test rows used (stratified subset of the 14,000; 0 = all). */
    testRows: number;
  };
  g: { rows: number; epochs: number; lrs: number[]; lambda2s: number[]; optimizerEpochs: number; optimizerRows: number; testRows: number };
}

const FULL: StudySettings = {
  runge: { n: 1000, sigma: 0.05, degree: 10 },
  seeds: { runge: 5, mnist: 3 },
  mnistDtype: 'float32',
  b: {
    epochs: 500,
    hidden: [[50, 50], [100, 100]],
    lrs: [1e-3, 3e-3, 1e-2],
    optimizers: ['sgd', 'adam'],
    widths: [20, 50, 100, 200, 300],
    polyInputs: true,
    ridgeAlphas: [1e-8, 1e-6, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10],
    lassoAlphas: [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1],
  },
  c: { epochs: 500 },
  d: { epochs: 500, activations: ['sigmoid', 'relu', 'leaky-relu'], depths: [1, 2, 3], widths: [50, 100, 200], optimizer: 'adam', lr: 1e-3 },
  e: { epochs: 500, lambdas: [0, 1e-5, 1e-4, 1e-3], lrs: [1e-4, 1e-3, 1e-2], hidden: [50, 50], optimizer: 'adam' },
  f: {
    gridRows: 0,
    epochs: 50,
    hidden: [100, 200, 300],
    lrs: [1e-4, 5e-4, 1e-3],
    lambda2s: [0, 1e-5, 1e-4],
    finalRows: 0,
    finalEpochs: 300,
    logisticRows: 0,
    logisticMaxIter: 1000,
    testRows: 0,
  },
  g: { rows: 0, epochs: 50, lrs: [1e-4, 5e-4, 1e-3], lambda2s: [0, 1e-5, 1e-4], optimizerEpochs: 50, optimizerRows: 0, testRows: 0 },
};

const QUICK: StudySettings = {
  runge: FULL.runge,
  // MNIST keeps one seed: three seeds of parts (f) and (g) would not fit the 5-minute budget.
  seeds: { runge: 3, mnist: 1 },
  mnistDtype: FULL.mnistDtype,
  b: { ...FULL.b, epochs: 60, widths: [20, 50, 100, 200, 300], ridgeAlphas: FULL.b.ridgeAlphas, lassoAlphas: FULL.b.lassoAlphas },
  c: { epochs: 100 },
  d: { ...FULL.d, epochs: 60 },
  e: { ...FULL.e, epochs: 40 },
  f: {
    gridRows: 8000,
    epochs: 4,
    hidden: [100, 200],
    lrs: [5e-4, 1e-3],
    lambda2s: [0, 1e-4],
    finalRows: 0,
    finalEpochs: 6,
    logisticRows: 12000,
    logisticMaxIter: 200,
    testRows: 0,
  },
  g: { rows: 8000, epochs: 4, lrs: [1e-4, 5e-4, 1e-3], lambda2s: [0, 1e-5, 1e-4], optimizerEpochs: 5, optimizerRows: 12000, testRows: 5000 },
};

const TEST: StudySettings = {
  runge: { n: 300, sigma: 0.05, degree: 10 },
  // Two Runge seeds, so the tests go through the several-seeds path (mean ± sd, error bars).
  seeds: { runge: 2, mnist: 1 },
  mnistDtype: FULL.mnistDtype,
  b: { epochs: 5, hidden: [[10, 10]], lrs: [1e-2], optimizers: ['adam'], widths: [10, 20], polyInputs: true, ridgeAlphas: [1e-4, 1e-2], lassoAlphas: [1e-4, 1e-3] },
  c: { epochs: 5 },
  d: { epochs: 3, activations: ['sigmoid', 'relu'], depths: [1, 2], widths: [10, 100], optimizer: 'adam', lr: 1e-2 },
  e: { epochs: 3, lambdas: [0, 1e-3], lrs: [1e-2], hidden: [10, 10], optimizer: 'adam' },
  f: { gridRows: 1000, epochs: 1, hidden: [20], lrs: [1e-3], lambda2s: [0], finalRows: 1000, finalEpochs: 1, logisticRows: 1000, logisticMaxIter: 20, testRows: 500 },
  g: { rows: 1000, epochs: 1, lrs: [1e-3], lambda2s: [0, 1e-4], optimizerEpochs: 1, optimizerRows: 1000, testRows: 500 },
};

/**
 * The `gridSeeds` of a study spec: the further seeds after the run's `seed` (seed + 1, …, seed +
 * count − 1); none for one seed, so one seed's spec is exactly the single-seed grid.
 */
export function furtherSeeds(seed: number, count: number): { gridSeeds?: number[] } {
  return count > 1 ? { gridSeeds: Array.from({ length: count - 1 }, (_, i) => seed + 1 + i) } : {};
}

/** The settings of a profile. */
export function settingsFor(profile: ProfileName): StudySettings {
  return profile === 'full' ? FULL : profile === 'quick' ? QUICK : TEST;
}
