import { describe, expect, it } from 'vitest';
import { asciiCurve, formatNumber, plural } from './progress.js';

describe('terminal output', () => {
  it('the plot\'s epoch axis never runs two labels together', () => {
    const short = asciiCurve([5, 4, 3, 2, 1]).split('\n').at(-1)!;
    expect(short).toBe(`${' '.repeat(12)}epochs 1–5`);
    const long = asciiCurve(Array.from({ length: 80 }, (_, i) => 1 / (i + 1))).split('\n');
    const axis = long.at(-1)!;
    expect(axis).toMatch(/^ {12}epoch 1 +epoch 80$/);
    // The last label ends under the last column of the plot.
    expect(axis.length).toBe(long.at(-2)!.length);
  });

  it('numbers: 4 decimals in the usual range, an exponent for very large and very small ones', () => {
    expect([0.5, 123.45678, 0.001234, 18523442050586.97, -2.2e14, 0, 999999.5].map(formatNumber)).toEqual([
      '0.5000',
      '123.4568',
      '1.234e-3',
      '1.852e+13',
      '-2.200e+14',
      '0',
      '999999.5000',
    ]);
  });

  it('counts agree with their nouns', () => {
    expect([plural(1, 'epoch'), plural(2, 'epoch'), plural(0, 'row')]).toEqual(['1 epoch', '2 epochs', '0 rows']);
  });
});
