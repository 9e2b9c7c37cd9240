import { InvalidOptionError } from '@ffnn/tensor';
import { type Schedule, type ScheduleName, type ScheduleOptionsMap, createSchedule } from './schedule.js';

/** The forms {@link parseSchedule} accepts, for help texts and error messages. */
export const SCHEDULE_SPEC_FORMS: readonly string[] = [
  'constant',
  'step:<stepSize>[:<gamma>]',
  'exponential:<gamma>',
  'cosine:<totalEpochs>[:<minLr>]',
  'plateau[:<patience>[:<factor>]]',
];

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Reads a schedule from a CLI string: `constant`, `step:10:0.5` (step size, γ), `exponential:0.99`
 * (γ), `cosine:500` (T, optional floor), `plateau:10:0.5` (patience, factor). Anything else throws
 * an `InvalidOptionError` naming the spec and the valid forms.
 *
 * @example
 * ```ts
 * parseSchedule('step:10:0.5').lrAt(25, 0.1); // 0.1 · 0.5² = 0.025
 * ```
 */
export function parseSchedule(spec: string): Schedule {
  const fail = (why: string, cause?: unknown): never => {
    throw new InvalidOptionError(
      `schedule ${JSON.stringify(spec)}: ${why}; valid forms: ${SCHEDULE_SPEC_FORMS.join(', ')}`,
      cause === undefined ? undefined : { cause },
    );
  };
  if (typeof spec !== 'string') return fail('must be a string');
  const [name = '', ...args] = spec.trim().split(':');
  const numbers = args.map((a) => (NUMBER.test(a.trim()) ? Number(a) : fail(`${JSON.stringify(a)} is not a number`)));
  const arity = (min: number, max: number): void => {
    if (numbers.length < min || numbers.length > max) {
      const expected = min === max ? `${min}` : `${min} to ${max}`;
      fail(`${name} takes ${expected} number${max === 1 ? '' : 's'}, got ${numbers.length}`);
    }
  };
  const make = <N extends ScheduleName>(n: N, options: ScheduleOptionsMap[N]): Schedule => {
    try {
      return createSchedule(n, options);
    } catch (error) {
      if (error instanceof InvalidOptionError) return fail(error.message, error);
      throw error;
    }
  };
  switch (name) {
    case 'constant':
      arity(0, 0);
      return make('constant', {});
    case 'step':
      arity(1, 2);
      return make('step', { stepSize: numbers[0]!, gamma: numbers[1] });
    case 'exponential':
      arity(1, 1);
      return make('exponential', { gamma: numbers[0]! });
    case 'cosine':
      arity(1, 2);
      return make('cosine', { totalEpochs: numbers[0]!, minLr: numbers[1] });
    case 'plateau':
      arity(0, 2);
      return make('plateau', { patience: numbers[0], factor: numbers[1] });
    default:
      return fail(`unknown schedule ${JSON.stringify(name)}`);
  }
}
