import { describe, expect, it } from 'vitest';
import { anchor, markdownTable, renderReport, seedsSentence } from './report.js';
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
    expect(md).toContain('NaN/±Inf occurred in 1 of the 2 training runs: sgd η=10: loss became NaN.');
    expect(md).toContain('**NaN/Inf occurred** in 1 run: sgd η=10: loss became NaN.');
  });

  it('leaves numerical stability to part (g) when it ran, and gives plurals that agree', () => {
    const md = renderReport([fakePart({ runs: 1 }), fakePart({ part: 'g', title: '(g) Critical evaluation', runs: 0 })], meta);
    expect(md).not.toContain('## Numerical stability');
    expect(md).toContain('*1 training run, 1.2 s.*');
    expect(md).toContain('No NaN or ±Inf occurred in the training run of this part.');
  });

  it('prints results over seeds as mean ± sd (n), and says when a table has one seed per cell', () => {
    const several = markdownTable({ name: 't', title: 'Seeds', file: 'x/t.csv', columns: ['cell', 'test MSE'], rows: [['a', { mean: 0.0025, sd: 0.0001, n: 3 }]] });
    expect(several).toContain('| a | 0.0025 ± 1.000e-4 (n = 3) |');
    expect(several).toContain('mean ± sample standard deviation (n = 3 seeds per cell)');
    const one = markdownTable({ name: 't', title: 'Seeds', file: 'x/t.csv', columns: ['cell', 'test MSE'], rows: [['a', { mean: 0.0025, sd: null, n: 1 }]] });
    expect(one).toContain('| a | 0.0025 |');
    expect(one).toContain('One seed per cell (n = 1)');
  });

  it('cuts long tables and points to the CSV', () => {
    const rows = Array.from({ length: 45 }, (_, i) => [`r${i}`, i]);
    const md = markdownTable({ name: 't', title: 'Long', file: 'x/t.csv', columns: ['a', 'b'], rows });
    expect(md).toContain('*5 more rows in [x/t.csv](x/t.csv).*');
    expect(md).not.toContain('| r44 |');
  });

  it('says how many seeds each profile trains per cell and that the split stays that of --seed', () => {
    expect(seedsSentence('full', 7)).toMatch(/^Every grid cell of parts \(b\), \(d\) and \(e\) was trained with 5 seeds \(seeds 7–11\), every grid cell of parts \(f\) and \(g\) with 3 seeds \(seeds 7–9\); a seed varies the initial weights and the batch order only: every seed trains on the data and train\/test split of seed 7\./);
    expect(seedsSentence('quick', 1993)).toContain('with 3 seeds (seeds 1993–1995), every grid cell of parts (f) and (g) with one seed (seed 1993)');
    expect(seedsSentence('test', 1993)).toContain('with 2 seeds (seeds 1993 and 1994)');
    expect(renderReport([fakePart()], meta)).toContain(seedsSentence('quick', 1993));
  });
});
