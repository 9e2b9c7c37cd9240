import { InvalidOptionError } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCHEDULE_NAMES, type ScheduleName, createSchedule } from './schedule.js';
import { expectRelClose } from './test-util.js';

/** Valid options for each schedule. */
const SAMPLE: Record<ScheduleName, object> = {
  constant: {},
  step: { stepSize: 2, gamma: 0.5 },
  exponential: { gamma: 0.5 },
  cosine: { totalEpochs: 3 },
  plateau: {},
};

function lrs(name: ScheduleName, options: object, baseLr: number, epochs: readonly number[]): number[] {
  const s = createSchedule(name, options as never);
  return epochs.map((e) => s.lrAt(e, baseLr));
}

describe('schedules by hand', () => {
  it('constant', () => {
    expect(lrs('constant', {}, 0.3, [0, 1, 50])).toEqual([0.3, 0.3, 0.3]);
  });

  it('step: base · γ^⌊epoch / stepSize⌋', () => {
    expectRelClose(lrs('step', { stepSize: 3, gamma: 0.5 }, 0.2, [0, 1, 2, 3, 5, 6, 9]), [0.2, 0.2, 0.2, 0.1, 0.1, 0.05, 0.025]);
    expectRelClose(lrs('step', { stepSize: 10 }, 1, [9, 10, 20]), [1, 0.1, 0.01]);
  });

  it('exponential: base · γ^epoch', () => {
    expectRelClose(lrs('exponential', { gamma: 0.9 }, 2, [0, 1, 2, 3]), [2, 1.8, 1.62, 1.458]);
  });

  it('cosine: min + (base − min)(1 + cos(π·epoch/T))/2, then min', () => {
    expectRelClose(lrs('cosine', { totalEpochs: 10, minLr: 0.001 }, 0.1, [0, 3, 5, 10, 15]), [
      0.1,
      0.001 + (0.099 * (1 + 0.5877852522924731)) / 2, // cos(0.3π)
      0.001 + 0.099 / 2,
      0.001,
      0.001,
    ]);
    expectRelClose(lrs('cosine', { totalEpochs: 4 }, 1, [1, 2, 3]), [(1 + Math.SQRT1_2) / 2, 0.5, (1 - Math.SQRT1_2) / 2]);
    expect(lrs('cosine', { totalEpochs: 4 }, 1, [4])).toEqual([0]);
  });

  it('cosine starts at the base rate exactly (the closed form rounds this base one ulp down)', () => {
    const base = 0.0035721567441198998;
    const s = createSchedule('cosine', { totalEpochs: 1, minLr: base * 0.11317888773295932 });
    expect(s.lrAt(0, base)).toBe(base);
  });

  it('cosine decreases from base to min', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 1e-6, max: 10, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (T, base, frac) => {
        const minLr = base * frac;
        const s = createSchedule('cosine', { totalEpochs: T, minLr });
        let prev = s.lrAt(0, base);
        expect(prev).toBe(base);
        for (let e = 1; e <= T; e++) {
          const lr = s.lrAt(e, base);
          expect(lr).toBeLessThanOrEqual(prev * (1 + 1e-15));
          expect(lr).toBeGreaterThanOrEqual(minLr * (1 - 1e-15));
          prev = lr;
        }
      }),
      { numRuns: 50 },
    );
  });

  it('stateless schedules have an empty state', () => {
    for (const name of ['constant', 'step', 'exponential', 'cosine'] as const) {
      const s = createSchedule(name, SAMPLE[name] as never);
      expect(s.name).toBe(name);
      expect(s.getState()).toEqual({});
      s.setState({});
      expect(() => s.setState({ lastEpoch: 3 })).toThrow(/unknown state key "lastEpoch"/);
    }
  });
});

describe('schedule options and arguments', () => {
  it.each([
    ['step', {}, /step schedule: stepSize must be an integer ≥ 1, got undefined/],
    ['step', { stepSize: 2.5 }, /stepSize must be an integer ≥ 1, got 2.5/],
    ['step', { stepSize: 2, gamma: 0 }, /step schedule: gamma must be a finite number > 0, got 0/],
    ['step', { stepSize: 2, gamma: 1.5 }, /step schedule: gamma must be in \(0, 1\], got 1.5/],
    ['exponential', undefined, /exponential schedule: gamma must be a finite number > 0, got undefined/],
    ['cosine', { totalEpochs: 0 }, /cosine schedule: totalEpochs must be an integer ≥ 1, got 0/],
    ['cosine', { totalEpochs: 5, minLr: -1 }, /cosine schedule: minLr must be a finite number ≥ 0, got -1/],
    ['constant', { gamma: 0.5 }, /constant schedule: unknown option "gamma"; known: none/],
    ['plateau', { factor: 1 }, /plateau schedule: factor must be in \(0, 1\), got 1/],
    ['plateau', { patience: -1 }, /plateau schedule: patience must be an integer ≥ 0, got -1/],
    ['plateau', { cooldown: 0.5 }, /plateau schedule: cooldown must be an integer ≥ 0, got 0.5/],
    ['plateau', { threshold: -1e-4 }, /plateau schedule: threshold must be a finite number ≥ 0/],
    ['plateau', { mode: 'max' }, /plateau schedule: unknown option "mode"/],
    ['warmup', {}, /schedule must be one of constant, step, exponential, cosine, plateau; got "warmup"/],
  ])('%s %j is rejected', (name, options, message) => {
    expect(() => createSchedule(name as ScheduleName, options as never)).toThrow(InvalidOptionError);
    expect(() => createSchedule(name as ScheduleName, options as never)).toThrow(message);
  });

  it('lrAt checks epoch and base rate', () => {
    for (const name of SCHEDULE_NAMES) {
      const s = createSchedule(name, SAMPLE[name] as never);
      expect(() => s.lrAt(-1, 0.1)).toThrow(new RegExp(`${name} schedule: epoch must be an integer ≥ 0, got -1`));
      expect(() => s.lrAt(1.5, 0.1)).toThrow(/epoch must be an integer ≥ 0, got 1.5/);
      expect(() => s.lrAt(0, 0)).toThrow(/baseLr must be a finite number > 0, got 0/);
    }
  });
});

describe('schedule messages', () => {
  it('name the schedule and the unknown key', () => {
    expect(() => createSchedule('step', { stepSize: 1, foo: 1 } as never)).toThrow('step schedule: unknown option "foo"; known: stepSize, gamma');
    expect(() => createSchedule('exponential', { foo: 1 } as never)).toThrow('exponential schedule: unknown option "foo"; known: gamma');
    expect(() => createSchedule('cosine', { foo: 1 } as never)).toThrow('cosine schedule: unknown option "foo"; known: totalEpochs, minLr');
    expect(() => createSchedule('step', { stepSize: 1 }).setState({ a: 1 })).toThrow('step schedule.setState: unknown state key "a"; known: none');
  });
});
