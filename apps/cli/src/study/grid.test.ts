import { describe, expect, it } from 'vitest';
import { runTrial } from '../sweep/worker.js';
import { expandTrials } from '../sweep/spec.js';
import { rungeSetup } from './common.js';
import { rungeNet, studyBSpec } from './part-b.js';
import { settingsFor } from './profiles.js';

describe('the study grids and ffnn sweep are one machinery', () => {
  it('a sweep trial (an ffnn train run) equals the study cell it replaces, bit for bit', async () => {
    const s = settingsFor('quick');
    const seed = 1993;
    const cell = rungeNet(rungeSetup(s, seed), 'x', [8, 8], 'adam', 0.01, 3, seed, { lambda1: 1e-4, lambda2: 1e-3 });
    const record = await runTrial(
      {
        index: 0,
        id: 'cell',
        config: { data: 'runge', n: s.runge.n, noise: s.runge.sigma, seed, hidden: '8,8', activation: 'relu', optimizer: 'adam', epochs: 3, batchSize: 64, l1: 1e-4, l2: 1e-3, lr: 0.01 },
      },
      undefined,
      0,
    );
    expect(record.train.mse).toBe(cell.trainMse);
    expect(record.test.mse).toBe(cell.testMse);
    expect(record.test.mse_clean).toBe(cell.testMseClean);
    expect(record.loss).toEqual(cell.curves!.train);
  });

  it('part (b): a --features poly:10 trial equals the cell on rungeSetup\'s standardized degree-10 features, learning curves included', async () => {
    const s = settingsFor('test');
    const seed = 1993;
    const trials = expandTrials(studyBSpec(s, seed));
    expect(trials.map((t) => t.config.features)).toEqual(['raw', 'poly:10']);
    const setup = rungeSetup(s, seed);
    for (const [trial, inputs] of [[trials[0]!, 'x'], [trials[1]!, 'poly10']] as const) {
      const cell = rungeNet(setup, inputs, s.b.hidden[0]!, s.b.optimizers[0]!, s.b.lrs[0]!, s.b.epochs, seed);
      const record = await runTrial(trial, undefined, 0);
      expect(record.train.mse).toBe(cell.trainMse);
      expect(record.test.mse).toBe(cell.testMse);
      expect(record.test.mse_clean).toBe(cell.testMseClean);
      expect(record.test.r2).toBe(cell.testR2);
      expect(record.loss).toEqual(cell.curves!.train);
      expect(record.testLoss).toEqual(cell.curves!.test);
      expect(record.metric).toHaveLength(s.b.epochs);
      expect(record.timing.epochMs).toHaveLength(s.b.epochs);
    }
  });
});
