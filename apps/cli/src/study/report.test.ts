import { describe, expect, it } from 'vitest';
import { anchor, markdownTable, renderReport } from './report.js';
import type { PartResult } from './types.js';

function fakePart(over: Partial<PartResult> = {}): PartResult {
  return {
    part: 'b',
    title: '(b) Regression on the Runge function',
    config: { epochs: 3 },
    tables: [{ name: 'grid', title: 'A grid', file: 'b/grid.csv', columns: ['method', 'test MSE'], rows: [['OLS', 0.0043137], ['FFNN | wide', null]] }],
    figures: [{ name: 'fig', title: 'A figure', svg: 'b/fig.svg', png: 'b/fig.png' }],
    commentary: ['The best FFNN reaches test MSE 0.0028 vs OLS 0.0043.'],
    numbers: { best: 0.0028 },
    differences: [{ claim: 'OLS MSE 0.0400', ours: 'OLS MSE 0.0043', reason: 'a reason' }],
    methods: [],
    nonFinite: [],
    runs: 2,
    timeMs: 1234,
    ...over,
  };
}

const meta = { profile: 'quick' as const, seed: 1993, backend: 'js', threads: 1, node: '20.0.0', version: 'dev', totalMs: 1500, startedAt: '2026-01-01T00:00:00.000Z' };

describe('report', () => {
  it('renders tables as markdown with formatted numbers, escaped pipes and a CSV link', () => {
    const md = markdownTable(fakePart().tables[0]!);
    expect(md).toContain('| method | test MSE |');
    expect(md).toContain('| OLS | 0.004314 |');
    expect(md).toContain('FFNN \\| wide | – |');
    expect(md).toContain('(b/grid.csv)');
  });

  it('assembles sections, figures, differences and the stability statement', () => {
    const md = renderReport([fakePart()], meta);
    expect(md).toContain('## (b) Regression on the Runge function');
    expect(md).toContain('![A figure](b/fig.png)');
    expect(md).toContain('The best FFNN reaches test MSE 0.0028 vs OLS 0.0043.');
    expect(md).toContain('## Where our results differ from the original report');
    expect(md).toContain('| b | OLS MSE 0.0400 | OLS MSE 0.0043 | a reason |');
    expect(md).toContain('No NaN or ±Inf occurred in any of the 2 training runs.');
    expect(md).toContain('profile **quick**');
    expect(md).toContain(`(#${anchor('(b) Regression on the Runge function')})`);
  });

  it('reports NaN/Inf runs when there were any', () => {
    const md = renderReport([fakePart({ nonFinite: ['sgd η=10: loss became NaN'] })], meta);
    expect(md).toContain('NaN/±Inf occurred in 1 of 2 runs: sgd η=10: loss became NaN.');
  });

  it('cuts long tables and points to the CSV', () => {
    const rows = Array.from({ length: 45 }, (_, i) => [`r${i}`, i]);
    const md = markdownTable({ name: 't', title: 'Long', file: 'x/t.csv', columns: ['a', 'b'], rows });
    expect(md).toContain('*5 more rows in [x/t.csv](x/t.csv).*');
    expect(md).not.toContain('| r44 |');
  });
});
