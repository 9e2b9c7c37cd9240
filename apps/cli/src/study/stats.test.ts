import { describe, expect, it } from 'vitest';
import type { TrialRecord } from '../sweep/results.js';
import { expandTrials } from '../sweep/spec.js';
import { studyBSpec, studyBWidthSpec } from './part-b.js';
import { studyESpec } from './part-e.js';
import { studyFSpec } from './part-f.js';
import { studyGSpec } from './part-g.js';
import { settingsFor } from './profiles.js';
import { bandSubtitle, compareSpread, curveSpread, exactly, groupBySeed, meanSd, spreadOf } from './stats.js';

function record(config: TrialRecord['config'], mse: number): TrialRecord {
  return { trial: 0, id: 'x', rung: 0, epochs: 1, config, train: {}, test: { mse }, loss: [], stopReason: 'done', timing: { seconds: 1 } };
}

describe('meanSd', () => {
  it('is the mean and the sample standard deviation (divisor n − 1)', () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(v − 5)² = 32, sample variance 32/7.
    const s = meanSd([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.mean).toBe(5);
    expect(s.sd).toBeCloseTo(Math.sqrt(32 / 7), 15);
    expect(s.n).toBe(8);
  });

  it('keeps one seed’s value bit for bit and says its spread is not measured', () => {
    const v = 0.1 + 0.2;
    expect(meanSd([v])).toEqual({ mean: v, sd: null, n: 1 });
  });

  it('gives sd 0 for identical results and refuses an empty list', () => {
    expect(meanSd([0.25, 0.25, 0.25]).sd).toBe(0);
    expect(() => meanSd([])).toThrow(/no values/);
  });
});

describe('compareSpread', () => {
  it('calls a difference beyond the spread when the mean ± sd intervals are apart', () => {
    const a = meanSd([1, 2, 3]); // 2 ± 1
    const b = meanSd([5, 6, 7]); // 6 ± 1
    expect(compareSpread(a, b)).toEqual({ difference: -4, spread: 2, verdict: 'beyond' });
  });

  it('calls it within the spread when the intervals overlap', () => {
    expect(compareSpread(meanSd([1, 2, 3]), meanSd([2, 3, 4])).verdict).toBe('within');
  });

  it('judges a single run by the spread of the setting it is compared with', () => {
    // sd([2, 3]) = 0.7071: the single run is taken to vary as much, so the spread is 1.414.
    expect(compareSpread(meanSd([1]), meanSd([2, 3]))).toMatchObject({ difference: -1.5, verdict: 'beyond' });
    expect(compareSpread(meanSd([2]), meanSd([2, 3])).verdict).toBe('within');
    expect(compareSpread(meanSd([2]), meanSd([2, 3])).spread).toBeCloseTo(Math.SQRT2, 12);
  });

  it('cannot judge two single runs, nor a single run against an exact result; can compare seeds with an exact result', () => {
    expect(compareSpread(meanSd([1]), meanSd([2])).verdict).toBe('unknown');
    expect(compareSpread(meanSd([1]), exactly(2)).verdict).toBe('unknown');
    expect(compareSpread(meanSd([1, 1.1]), exactly(3))).toMatchObject({ verdict: 'beyond', spread: meanSd([1, 1.1]).sd });
    expect(compareSpread(exactly(1), exactly(1))).toEqual({ difference: 0, spread: 0, verdict: 'within' });
  });
});

describe('groupBySeed', () => {
  it('groups records by their configuration without the seed, in first-appearance order', () => {
    // The further seed names the first seed's split (splitSeed 1), as the study's gridSeeds do.
    const rs = [record({ lr: 0.1, seed: 1 }, 1), record({ lr: 0.2, seed: 1 }, 5), record({ seed: 2, splitSeed: 1, lr: 0.1 }, 3)];
    const groups = groupBySeed(rs);
    expect(groups.map((g) => g.config)).toEqual([{ lr: 0.1 }, { lr: 0.2 }]);
    expect(groups[0]!.seeds).toEqual([1, 2]);
    expect(spreadOf(groups[0]!, (r) => r.test.mse!)).toMatchObject({ mean: 2, n: 2 });
    expect(spreadOf(groups[1]!, (r) => r.test.mse!)).toEqual({ mean: 5, sd: null, n: 1 });
  });

  it('keeps records of different data splits apart (splitSeed, else seed, is part of the cell)', () => {
    // seed 2 without splitSeed was trained on split 2; seed 3 with splitSeed 2 on split 2 as well.
    const rs = [record({ lr: 0.1, seed: 1 }, 1), record({ lr: 0.1, seed: 2 }, 2), record({ lr: 0.1, seed: 3, splitSeed: 2 }, 3), record({ lr: 0.1, seed: 4, splitSeed: 1 }, 4)];
    const groups = groupBySeed(rs);
    expect(groups.map((g) => g.seeds)).toEqual([[1, 4], [2, 3]]);
    expect(groups.map((g) => g.config)).toEqual([{ lr: 0.1 }, { lr: 0.1 }]);
  });

  it('groups exactly the seeds of each cell of every study grid at every profile', () => {
    for (const profile of ['test', 'quick', 'full'] as const) {
      const s = settingsFor(profile);
      const grids = [
        { spec: studyBSpec(s, 1993), n: s.seeds.runge },
        { spec: studyBWidthSpec(s, 1993, 'adam', 1e-3), n: s.seeds.runge },
        { spec: studyESpec(s, 1993), n: s.seeds.runge },
        { spec: studyFSpec(s, 1993), n: s.seeds.mnist },
        { spec: { ...studyGSpec(s, 1993), list: [] }, n: s.seeds.mnist },
      ];
      for (const { spec, n } of grids) {
        const trials = expandTrials(spec);
        const cells = expandTrials({ ...spec, gridSeeds: undefined });
        // Trial ids stay unique; the first seed's trials are the single-seed grid, ids and order.
        expect(new Set(trials.map((t) => t.id)).size).toBe(trials.length);
        expect(trials.slice(0, cells.length).map((t) => t.id)).toEqual(cells.map((t) => t.id));
        const groups = groupBySeed(trials.map((t) => record(t.config, 0)));
        expect(groups).toHaveLength(cells.length);
        for (const g of groups) expect(g.seeds).toEqual(Array.from({ length: n }, (_, i) => 1993 + i));
        // Every further seed keeps the run's split.
        for (const t of trials.slice(cells.length)) expect(t.config.splitSeed).toBe(1993);
      }
    }
  });
});

describe('curveSpread', () => {
  it('is mean ± sd over the seeds epoch by epoch, over the epochs every seed reached', () => {
    const [g] = groupBySeed([
      { ...record({ lr: 0.1, seed: 1 }, 0), loss: [4, 2, 1] },
      { ...record({ lr: 0.1, seed: 2, splitSeed: 1 }, 0), loss: [6, 4] },
    ]);
    const c = curveSpread(g!, (r) => r.loss);
    expect(c.map((x) => x.mean)).toEqual([5, 3]);
    expect(c.map((x) => x.sd)).toEqual([Math.SQRT2, Math.SQRT2]);
    expect(c.every((x) => x.n === 2)).toBe(true);
    // A record without the curve has none of it.
    expect(curveSpread(g!, (r) => r.testLoss)).toEqual([]);
    expect(bandSubtitle(2)).toBe('lines: mean over 2 seeds; bands: ± 1 standard deviation');
    expect(bandSubtitle(1)).toBe('one seed: no spread measured');
  });
});
