import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The study page's table of float32 against float64 on MNIST is typed into study.md; this test
// recomputes it from the committed records (sweeps/mnist-dtype.results.jsonl), so the page cannot
// drift from the runs it cites, and checks the sentence under it.
const root = new URL('../../../', import.meta.url).pathname;

interface Row {
  config: { hidden: string; dtype: string; seed: number };
  test: { accuracy: number; loss: number };
  timing: { seconds: number };
}

function meanSd(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, v) => a + v, 0) / values.length;
  return { mean, sd: Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) };
}

describe('the study page\'s float32 / float64 table', () => {
  const rows = readFileSync(`${root}sweeps/mnist-dtype.results.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Row);
  const page = readFileSync(`${root}apps/docs/study.md`, 'utf8');
  const cell = (hidden: string, dtype: string) => rows.filter((r) => r.config.hidden === hidden && r.config.dtype === dtype);

  it('shows the mean ± sd over the 5 seeds of every width and float type, as the records give them', () => {
    for (const hidden of ['100', '300']) {
      for (const dtype of ['float32', 'float64']) {
        const runs = cell(hidden, dtype);
        expect(runs.map((r) => r.config.seed).sort()).toEqual([1993, 1994, 1995, 1996, 1997]);
        const acc = meanSd(runs.map((r) => r.test.accuracy)), loss = meanSd(runs.map((r) => r.test.loss));
        const seconds = Math.round(runs.reduce((a, r) => a + r.timing.seconds, 0) / runs.length);
        expect(page).toContain(`| ${hidden} | ${dtype} | ${acc.mean.toFixed(5)} ± ${acc.sd.toFixed(5)} | ${loss.mean.toFixed(4)} ± ${loss.sd.toFixed(4)} | ${seconds} |`);
      }
    }
  });

  it('says the float types differ by less than the seed spread only because they do', () => {
    for (const hidden of ['100', '300']) {
      for (const metric of ['accuracy', 'loss'] as const) {
        const a = meanSd(cell(hidden, 'float32').map((r) => r.test[metric])), b = meanSd(cell(hidden, 'float64').map((r) => r.test[metric]));
        expect(Math.abs(a.mean - b.mean)).toBeLessThan(a.sd + b.sd);
      }
    }
    expect(page).toContain('At both widths the two float types differ by less than the seed-to-seed spread');
  });
});
