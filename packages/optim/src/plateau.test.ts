import { InvalidOptionError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { PlateauSchedule, type PlateauScheduleOptions } from './plateau.js';
import { createSchedule } from './schedule.js';

/** Rates for epochs 0, 1, …, feeding metrics[e − 1] at epoch e. */
function run(options: PlateauScheduleOptions, baseLr: number, metrics: readonly number[]): number[] {
  const s = createSchedule('plateau', options);
  return [s.lrAt(0, baseLr), ...metrics.map((m, i) => s.lrAt(i + 1, baseLr, m))];
}

describe('plateau (ReduceLROnPlateau, min mode, rel threshold)', () => {
  it('reduces on the epoch after `patience` epochs without improvement', () => {
    // e1 improves (best 1), e2 e3 are bad (1, 2 ≤ patience), e4 is the third bad one → ×0.5
    const got = run({ patience: 2, factor: 0.5 }, 1, [1, 1, 1, 1, 1, 1, 1, 0.5, 0.5]);
    expect(got).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]);
  });

  it('defaults: patience 10, factor 0.1', () => {
    const got = run({}, 0.5, Array.from({ length: 12 }, () => 2));
    expect(got.slice(0, 12)).toEqual(Array.from({ length: 12 }, () => 0.5));
    expect(got[12]).toBe(0.5 * 0.1);
  });

  it('an improvement below the relative threshold is not one', () => {
    // best 1; 0.99995 > 1·(1 − 1e-4) is not an improvement, 0.9999 − ε is
    expect(run({ patience: 0, factor: 0.5 }, 1, [1, 0.99995])).toEqual([1, 1, 0.5]);
    expect(run({ patience: 0, factor: 0.5 }, 1, [1, 0.99989])).toEqual([1, 1, 1]);
    expect(run({ patience: 0, factor: 0.5, threshold: 0 }, 1, [1, 0.99995])).toEqual([1, 1, 1]);
  });

  it('respects cooldown and minLr', () => {
    // patience 1, cooldown 2, all metrics equal:
    // e3 reduces (cooldown 2); e4, e5 in cooldown; e6 bad 1; e7 bad 2 → reduce; …; the floor 0.003 holds
    const got = run({ patience: 1, factor: 0.1, cooldown: 2, minLr: 0.003 }, 1, Array.from({ length: 15 }, () => 1));
    expect(got).toEqual([1, 1, 1, 0.1, 0.1, 0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1, 0.1 * 0.1, 0.1 * 0.1, 0.003, 0.003, 0.003, 0.003, 0.003]);
  });

  it('skips reductions smaller than eps', () => {
    expect(run({ patience: 0, factor: 0.5, eps: 0.3 }, 1, [1, 1, 1])).toEqual([1, 1, 0.5, 0.5]);
  });

  it('asking again for the same epoch does not count the metric twice; epoch 0 restarts', () => {
    const s = createSchedule('plateau', { patience: 0, factor: 0.5 });
    expect(s.lrAt(0, 1)).toBe(1);
    expect(s.lrAt(1, 1, 3)).toBe(1);
    expect(s.lrAt(2, 1, 3)).toBe(0.5);
    expect(s.lrAt(2, 1, 3)).toBe(0.5);
    expect(() => s.lrAt(1, 1, 3)).toThrow(/epoch 1 comes before the last epoch 2/);
    expect(s.lrAt(0, 1)).toBe(1);
    expect(s.getState()).toEqual({ lastEpoch: 0, lr: 1, best: 0, hasBest: 0, numBadEpochs: 0, cooldownCounter: 0 });
  });

  it('rejects non-finite metrics', () => {
    const s = createSchedule('plateau');
    s.lrAt(0, 1);
    expect(() => s.lrAt(1, 1, Number.NaN)).toThrow(/plateau schedule: metric must be a finite number, got NaN/);
  });

  it('state survives JSON mid-run', () => {
    const metrics = [5, 4, 4, 4, 4, 3.9, 3.9, 3.9, 3.9, 3.9];
    const options = { patience: 2, factor: 0.5, cooldown: 1 };
    const straight = run(options, 0.1, metrics);
    const a = new PlateauSchedule(options);
    const got = [a.lrAt(0, 0.1), ...metrics.slice(0, 4).map((m, i) => a.lrAt(i + 1, 0.1, m))];
    const b = new PlateauSchedule(options);
    b.setState(JSON.parse(JSON.stringify(a.getState())) as Record<string, number>);
    got.push(...metrics.slice(4).map((m, i) => b.lrAt(i + 5, 0.1, m)));
    expect(got).toEqual(straight);
    expect(straight).toContain(0.05);
  });

  it.each([
    [{ lastEpoch: 0, lr: 1, best: 0, hasBest: 2, numBadEpochs: 0, cooldownCounter: 0 }, /state.hasBest must be 0 or 1, got 2/],
    [{ lastEpoch: 0, lr: 1, best: 0, hasBest: 0, numBadEpochs: 0 }, /state.cooldownCounter is missing/],
    [{ lastEpoch: -2, lr: 1, best: 0, hasBest: 0, numBadEpochs: 0, cooldownCounter: 0 }, /state.lastEpoch must be an integer ≥ -1, got -2/],
    [{ lastEpoch: 0, lr: 1, best: 0, hasBest: 0, numBadEpochs: 0, cooldownCounter: 0, extra: 1 }, /unknown state key "extra"/],
  ])('setState rejects %j', (state, message) => {
    const s = new PlateauSchedule();
    expect(() => s.setState(state as Record<string, number>)).toThrow(InvalidOptionError);
    expect(() => s.setState(state as Record<string, number>)).toThrow(message);
  });
});

describe('plateau: edges', () => {
  it('is named plateau, and starts at the base rate on whatever epoch it is first asked', () => {
    const s = new PlateauSchedule({ patience: 0 });
    expect(s.name).toBe('plateau');
    expect(s.lrAt(3, 0.1, 5)).toBe(0.1);
    // The first call counts its metric: 6 is no improvement on 5, and patience 0 reduces at once.
    expect(s.lrAt(4, 0.1, 6)).toBeCloseTo(0.01, 15);
  });

  it('an epoch without a metric is not a bad epoch', () => {
    const s = new PlateauSchedule({ patience: 0 });
    expect([0, 1, 2, 3].map((e) => s.lrAt(e, 1))).toEqual([1, 1, 1, 1]);
  });

  it('with threshold 0, an equal metric is no improvement', () => {
    expect(run({ patience: 0, threshold: 0, factor: 0.5 }, 1, [2, 2])).toEqual([1, 1, 0.5]);
    expect(run({ patience: 0, threshold: 0, factor: 0.5 }, 1, [2, 1.999])).toEqual([1, 1, 1]);
  });

  it('a reduction of exactly eps is skipped', () => {
    expect(run({ patience: 0, factor: 0.5, eps: 0.5 }, 1, [2, 3])).toEqual([1, 1, 1]);
    expect(run({ patience: 0, factor: 0.5, eps: 0.4999 }, 1, [2, 3])).toEqual([1, 1, 0.5]);
  });

  it('factor must lie strictly inside (0, 1); messages name the option', () => {
    expect(() => new PlateauSchedule({ factor: 0 })).toThrow('plateau schedule: factor must be in (0, 1), got 0');
    expect(() => new PlateauSchedule({ factor: 1 })).toThrow('plateau schedule: factor must be in (0, 1), got 1');
    expect(() => new PlateauSchedule({ minLr: -1 })).toThrow('plateau schedule: minLr must be a finite number ≥ 0, got -1');
    expect(() => new PlateauSchedule({ eps: -1 })).toThrow('plateau schedule: eps must be a finite number ≥ 0, got -1');
  });

  it('restores a state that has no best yet, and one at epoch 0 that has', () => {
    const fresh = new PlateauSchedule({ patience: 0 });
    fresh.lrAt(0, 0.1);
    const noBest = new PlateauSchedule({ patience: 0 });
    noBest.setState(fresh.getState());
    expect(noBest.getState()).toEqual({ lastEpoch: 0, lr: 0.1, best: 0, hasBest: 0, numBadEpochs: 0, cooldownCounter: 0 });
    // No best: 5 is an improvement, so the rate stays.
    expect(noBest.lrAt(1, 0.1, 5)).toBe(0.1);

    const withBest = new PlateauSchedule({ patience: 0 });
    withBest.setState({ lastEpoch: 0, lr: 0.1, best: 5, hasBest: 1, numBadEpochs: 0, cooldownCounter: 0 });
    // The restored best (5) is kept: 6 is a bad epoch and patience 0 reduces.
    expect(withBest.lrAt(1, 0.1, 6)).toBeCloseTo(0.01, 15);
  });

  it('setState messages name the state key', () => {
    const good = { lastEpoch: 1, lr: 0.1, best: 5, hasBest: 1, numBadEpochs: 0, cooldownCounter: 0 };
    const s = new PlateauSchedule();
    const cases: [Record<string, number>, string][] = [
      [{ ...good, lr: -1 }, 'plateau schedule.setState: state.lr must be a finite number ≥ 0, got -1'],
      [{ ...good, best: NaN }, 'plateau schedule.setState: state.best must be a finite number, got NaN'],
      [{ ...good, hasBest: 2 }, 'plateau schedule.setState: state.hasBest must be 0 or 1, got 2'],
      [{ ...good, numBadEpochs: -1 }, 'plateau schedule.setState: state.numBadEpochs must be an integer ≥ 0, got -1'],
      [{ ...good, cooldownCounter: 0.5 }, 'plateau schedule.setState: state.cooldownCounter must be an integer ≥ 0, got 0.5'],
    ];
    for (const [state, message] of cases) expect(() => s.setState(state)).toThrow(message);
  });
});
