import { describe, expect, it, vi } from 'vitest';
import { Progress, asciiCurve, formatNumber, plural } from './progress.js';

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

describe('progress inside an epoch', () => {
  const stream = (isTTY: boolean) => {
    const written: string[] = [];
    return { written, stream: { isTTY, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream };
  };

  it('on a terminal, a long epoch shows its batches, redrawn at most 4 times a second', () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const { written, stream: out } = stream(true);
      const p = new Progress(out, 'train');
      for (let b = 0; b < 100; b++) {
        vi.advanceTimersByTime(50); // 50 ms per batch: 5 s for the epoch
        p.batch({ epoch: 0, batch: b, batches: 100, loss: 0.5 }, 3);
      }
      // At 250, 500, …, 4750 ms; the last batch is left to the epoch line.
      expect(written.length).toBe(19);
      expect(written[0]).toBe('\r\x1b[2Ktrain epoch 1/3 batch 5/100 loss 0.5000');
    } finally {
      vi.useRealTimers();
    }
  });

  it('in a log file or with --quiet, batches print nothing', () => {
    for (const [tty, quiet] of [[false, false], [true, true]] as const) {
      const { written, stream: out } = stream(tty);
      const p = new Progress(out, 'train', quiet);
      for (let b = 0; b < 10; b++) p.batch({ epoch: 0, batch: b, batches: 10, loss: 1 }, 1);
      expect(written).toEqual([]);
    }
  });
});
