import { InvalidOptionError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { parseSchedule } from './parse-schedule.js';
import { PlateauSchedule } from './plateau.js';
import { expectRelClose } from './test-util.js';

describe('parseSchedule', () => {
  it('reads every form', () => {
    expect(parseSchedule('constant').lrAt(7, 0.3)).toBe(0.3);
    const step = parseSchedule('step:10:0.5');
    expect(step.name).toBe('step');
    expectRelClose([9, 10, 25].map((e) => step.lrAt(e, 0.1)), [0.1, 0.05, 0.025]);
    expectRelClose([parseSchedule('step:10').lrAt(10, 1)], [0.1]);
    expectRelClose([parseSchedule('exponential:0.99').lrAt(2, 1)], [0.9801]);
    expect(parseSchedule('cosine:500').lrAt(250, 0.2)).toBeCloseTo(0.1, 15);
    expect(parseSchedule('cosine:500:0.01').lrAt(500, 0.2)).toBe(0.01);
    expect(parseSchedule(' exponential:1e-0 ').lrAt(3, 0.5)).toBe(0.5);
  });

  it('reads plateau with its patience and factor', () => {
    const p = parseSchedule('plateau:10:0.5');
    expect(p).toBeInstanceOf(PlateauSchedule);
    expect([(p as PlateauSchedule).patience, (p as PlateauSchedule).factor]).toEqual([10, 0.5]);
    const d = parseSchedule('plateau') as PlateauSchedule;
    expect([d.patience, d.factor]).toEqual([10, 0.1]);
    expect((parseSchedule('plateau:3') as PlateauSchedule).patience).toBe(3);
  });

  it.each([
    ['', /unknown schedule ""/],
    ['linear:5', /unknown schedule "linear"/],
    ['step', /step takes 1 to 2 numbers, got 0/],
    ['step:10:0.5:3', /step takes 1 to 2 numbers, got 3/],
    ['step:ten', /"ten" is not a number/],
    ['step:10:', /"" is not a number/],
    ['step:0x10', /"0x10" is not a number/],
    ['exponential', /exponential takes 1 number, got 0/],
    ['exponential:2', /gamma must be in \(0, 1\], got 2/],
    ['cosine:2.5', /totalEpochs must be an integer ≥ 1, got 2.5/],
    ['constant:1', /constant takes 0 numbers, got 1/],
    ['plateau:10:1', /factor must be in \(0, 1\), got 1/],
    ['plateau:1:0.5:2', /plateau takes 0 to 2 numbers, got 3/],
  ])('rejects %j, naming the spec and the valid forms', (spec, why) => {
    expect(() => parseSchedule(spec)).toThrow(InvalidOptionError);
    expect(() => parseSchedule(spec)).toThrow(why);
    expect(() => parseSchedule(spec)).toThrow(`schedule ${JSON.stringify(spec)}: `);
    expect(() => parseSchedule(spec)).toThrow(
      'valid forms: constant, step:<stepSize>[:<gamma>], exponential:<gamma>, cosine:<totalEpochs>[:<minLr>], plateau[:<patience>[:<factor>]]',
    );
  });
});

describe('parseSchedule: numbers and failures', () => {
  it('reads signed, leading-dot, exponent and spaced numbers', () => {
    expect(parseSchedule('step:+10').lrAt(10, 1)).toBe(0.1);
    expect(parseSchedule('exponential:.25').lrAt(1, 1)).toBe(0.25);
    expect(parseSchedule('exponential: 0.5 ').lrAt(1, 1)).toBe(0.5);
    expect(parseSchedule('step:1e1').lrAt(10, 1)).toBe(0.1);
    expect(parseSchedule('cosine:10:1e-10').lrAt(10, 1)).toBe(1e-10);
  });

  it('a non-string spec fails with the list of forms', () => {
    expect(() => parseSchedule(42 as never)).toThrow(InvalidOptionError);
    expect(() => parseSchedule(42 as never)).toThrow(/schedule 42: must be a string; valid forms: /);
  });

  it('keeps the schedule\'s own error as the cause, and no cause for a parse error', () => {
    const caught = (spec: string): InvalidOptionError => {
      try {
        parseSchedule(spec);
      } catch (error) {
        return error as InvalidOptionError;
      }
      throw new Error(`${spec} parsed`);
    };
    const bad = caught('exponential:2');
    expect(bad.cause).toBeInstanceOf(InvalidOptionError);
    expect(bad.message).toContain((bad.cause as Error).message);
    expect('cause' in caught('exponential:x')).toBe(false);
  });
});
