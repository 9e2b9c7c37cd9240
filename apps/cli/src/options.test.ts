import { ACTIVATIONS } from '@ffnn/layers';
import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { HIDDEN_ACTIVATIONS, fraction, nonNegInt, nonNegative, numberFlag, parseHidden, positive, positiveInt } from './options.js';

/** The message a flag parser gives for `raw`, or null when it accepts it. */
function rejection(parse: (raw: string) => number, raw: string): string | null {
  try {
    parse(raw);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
}

describe('number flags', () => {
  it('accept exactly their ranges, reading decimal text', () => {
    expect(positiveInt('--n')('1')).toBe(1);
    expect(positiveInt('--n')(' 12 ')).toBe(12);
    expect(rejection(positiveInt('--n'), '0')).toBe('--n must be a positive integer; got "0"');
    expect(rejection(positiveInt('--n'), '1.5')).toBe('--n must be a positive integer; got "1.5"');
    expect(nonNegInt('--seed')('0')).toBe(0);
    expect(rejection(nonNegInt('--seed'), '-1')).toBe('--seed must be an integer ≥ 0; got "-1"');
    expect(rejection(nonNegInt('--seed'), '2.5')).toBe('--seed must be an integer ≥ 0; got "2.5"');
    expect(positive('--lr')('1e-3')).toBe(0.001);
    expect(rejection(positive('--lr'), '0')).toBe('--lr must be a positive number; got "0"');
    expect(nonNegative('--l2')('0')).toBe(0);
    expect(rejection(nonNegative('--l2'), '-0.1')).toBe('--l2 must be a number ≥ 0; got "-0.1"');
    expect(fraction('--test-size')('0.5')).toBe(0.5);
    expect(rejection(fraction('--test-size'), '0')).toBe('--test-size must be a fraction in (0, 1); got "0"');
    expect(rejection(fraction('--test-size'), '1')).toBe('--test-size must be a fraction in (0, 1); got "1"');
  });

  it('reject blank, non-numeric and non-finite text whatever the range', () => {
    const any = numberFlag('--x', () => true, 'anything');
    expect(any('-7.25')).toBe(-7.25);
    for (const raw of ['', '   ', 'abc', 'Infinity', '-Infinity', 'NaN', '1,5']) {
      expect(rejection(any, raw)).toBe(`--x must be anything; got "${raw}"`);
    }
  });
});

describe('--hidden', () => {
  it('reads comma-separated positive widths; empty or none is no hidden layer', () => {
    expect(parseHidden('100,100')).toEqual([100, 100]);
    expect(parseHidden(' 3 , 4 ')).toEqual([3, 4]);
    expect(parseHidden('7')).toEqual([7]);
    expect(parseHidden('1,1')).toEqual([1, 1]);
    expect(parseHidden('')).toEqual([]);
    expect(parseHidden('  ')).toEqual([]);
    expect(parseHidden('none')).toEqual([]);
    for (const bad of ['0', '3,0', '2.5', 'a', '3,,4', '-1', 'None']) {
      expect(() => parseHidden(bad)).toThrow(UsageError);
      expect(() => parseHidden(bad)).toThrow(`--hidden must be comma-separated positive layer widths such as 100,100; got "${bad}"`);
    }
  });

  it('hidden activations are every activation but the output-only softmax and linear', () => {
    expect(HIDDEN_ACTIVATIONS).toEqual(ACTIVATIONS.filter((a) => a !== 'softmax' && a !== 'linear'));
    expect(HIDDEN_ACTIVATIONS).toContain('relu');
    expect(HIDDEN_ACTIVATIONS).not.toContain('softmax');
    expect(HIDDEN_ACTIVATIONS).not.toContain('linear');
    expect(HIDDEN_ACTIVATIONS).toHaveLength(ACTIVATIONS.length - 2);
  });
});
