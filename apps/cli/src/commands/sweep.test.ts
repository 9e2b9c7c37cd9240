import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TrialRecord } from '../sweep/results.js';
import { expandTrials, validateSpec } from '../sweep/spec.js';
import { runCli, tempDir } from '../testing.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (name: string) => join(dir, name);

const spec = { name: 'grid', base: { data: 'runge', epochs: 2 }, grid: { lr: [0.01, 0.1], l2: [0, 0.5] } };
writeFileSync(path('spec.json'), JSON.stringify(spec));
const trials = expandTrials(validateSpec(spec));

/** A finished record of trial `k` with the given test metrics. */
function record(k: number, test: Record<string, number>, epochs = 2): TrialRecord {
  const t = trials[k]!;
  return { trial: t.index, id: t.id, rung: 0, epochs, config: t.config, train: test, test, loss: [1, 0.5], stopReason: 'completed', timing: { seconds: 1.25 + k } };
}
const jsonl = (name: string, records: TrialRecord[]) => {
  writeFileSync(path(name), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  return path(name);
};

describe('ffnn sweep merge', () => {
  it('combines shards in trial order, counting duplicates; a complete merge exits 0', async () => {
    const a = jsonl('a.jsonl', [record(2, { mse: 3 }), record(0, { mse: 1 })]);
    const b = jsonl('b.jsonl', [record(1, { mse: 2 }), record(3, { mse: 4 }), { ...record(0, { mse: 1 }), timing: { seconds: 99 } }]);
    const out = path('merged.jsonl');
    const r = await runCli('sweep', 'merge', '--spec', path('spec.json'), '--out', out, a, b);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`merged 2 file(s): 4 records, 1 duplicate(s), 0 conflict(s), 0 missing → ${out}\n`);
    expect(readFileSync(out, 'utf8')).toBe([0, 1, 2, 3].map((k) => `${JSON.stringify(record(k, { mse: k + 1 }))}\n`).join(''));
  });

  it('reports conflicts and missing trials and exits 1; an empty merge writes an empty file', async () => {
    const a = jsonl('c.jsonl', [record(0, { mse: 1 })]);
    const b = jsonl('d.jsonl', [record(0, { mse: 7 })]);
    const out = path('partial.jsonl');
    const r = await runCli('sweep', 'merge', '--spec', path('spec.json'), '--out', out, a, b);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      `merged 2 file(s): 1 records, 0 duplicate(s), 1 conflict(s), 3 missing → ${out}\n` +
        `conflict: trial 0 (${trials[0]!.id}, 2 epochs) has two different results\n` +
        'missing trials: 1, 2, 3\n',
    );
    expect(r.stderr).toBe('ffnn: merge incomplete: 3 missing, 1 conflicting\n');
    const onlyConflict = await runCli('sweep', 'merge', '--out', path('conflict.jsonl'), a, b);
    expect(onlyConflict.code).toBe(1);
    expect(onlyConflict.stdout).not.toContain('missing trials');
    expect(onlyConflict.stderr).toBe('ffnn: merge incomplete: 0 missing, 1 conflicting\n');
    const empty = jsonl('empty.jsonl', []);
    const e = await runCli('sweep', 'merge', '--out', path('none.jsonl'), empty);
    expect(e.code).toBe(0);
    expect(readFileSync(path('none.jsonl'), 'utf8')).toBe('');
  });
});

describe('ffnn sweep report', () => {
  const results = jsonl('results.jsonl', [record(0, { mse: 0.4, accuracy: 0.5 }), record(1, { mse: 0.1, accuracy: 0.9 }), record(2, { mse: 0.3, accuracy: 0.7 }), record(3, { mse: 0.2, accuracy: 0.6 }), record(3, { mse: 5, accuracy: 0 }, 1)]);

  it('ranks the final records by the metric, lower first for losses and higher first for accuracies', async () => {
    const r = await runCli('sweep', 'report', results, '--metric', 'test.mse', '--markdown', path('report.md'));
    expect(r.code).toBe(0);
    const expected = [
      `# Sweep report: ${results}`,
      '',
      '4 trials, ranked by test.mse (lower is better)',
      '',
      '| rank | trial | lr | l2 | epochs | test.mse | seconds |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| 1 | 1 | 0.01 | 0.5 | 2 | 0.1000 | 2.3 |',
      '| 2 | 3 | 0.1 | 0.5 | 2 | 0.2000 | 4.3 |',
      '| 3 | 2 | 0.1 | 0 | 2 | 0.3000 | 3.3 |',
      '| 4 | 0 | 0.01 | 0 | 2 | 0.4000 | 1.3 |',
      '',
    ].join('\n');
    expect(r.stdout).toBe(expected);
    expect(readFileSync(path('report.md'), 'utf8')).toBe(expected);
    const acc = await runCli('sweep', 'report', results, '--metric', 'test.accuracy');
    expect(acc.stdout).toContain('(higher is better)');
    expect(acc.stdout).toContain('| 1 | 1 | 0.01 | 0.5 | 2 | 0.9000 |');
    const r2 = await runCli('sweep', 'report', results, '--metric', 'test.mse', '--mode', 'max');
    expect(r2.stdout).toContain('| 1 | 0 | 0.01 | 0 | 2 | 0.4000 |');
    expect(existsSync(path('never.md'))).toBe(false);
  });

  it('a heatmap grid over two options: the best value of each cell', async () => {
    const r = await runCli('sweep', 'report', results, '--metric', 'test.accuracy', '--x', 'lr', '--y', 'l2');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Best test.accuracy per (lr, l2) over the other options:\n\n| l2 \\ lr | 0.01 | 0.1 |\n| --- | --- | --- |\n| 0 | 0.5000 | 0.7000 |\n| 0.5 | 0.9000 | 0.6000 |\n');
    expect(r.stdout).not.toContain('![heatmap]');
  });

  it('--figure writes the heatmap as SVG and links it', async () => {
    const figure = path('heat');
    const r = await runCli('sweep', 'report', results, '--metric', 'test.mse', '--x', 'lr', '--y', 'l2', '--figure', figure);
    expect(r.code).toBe(0);
    expect(existsSync(`${figure}.svg`)).toBe(true);
    expect(readFileSync(`${figure}.svg`, 'utf8')).toContain('Best test.mse per lr × l2');
    expect(r.stdout).toContain(`![heatmap](${figure}.svg)`);
    expect(r.stderr).toMatch(new RegExp(`^wrote the heatmap to ${figure}\\.svg`));
  });

  it('the heatmap figure: one cell per grid point with its value, the best cell in the same colour whether lower or higher is better', async () => {
    /** The figure's cells: "lr l2" → [value, fill colour]. */
    const cellsOf = (svg: string, metric: string) =>
      new Map(Array.from(svg.matchAll(new RegExp(`<path aria-label="lr: ([^;]+); l2: ([^;]+); ${metric.replace('.', '\\.')}: ([^"]+)"[^>]*fill="([^"]+)"`, 'g')), (m) => [`${m[1]} ${m[2]}`, [Number(m[3]), m[4]!] as const]));
    const figures: Record<string, Map<string, readonly [number, string]>> = {};
    for (const metric of ['test.mse', 'test.accuracy']) {
      const figure = path(`cells-${metric}`);
      const r = await runCli('sweep', 'report', results, '--metric', metric, '--x', 'lr', '--y', 'l2', '--figure', figure);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(`wrote the heatmap to ${figure}.svg and ${figure}.png\n`);
      // Blank lines around the heatmap's table and before its link.
      expect(r.stdout).toContain(` |\n\nBest ${metric} per (lr, l2) over the other options:\n\n| l2 \\ lr |`);
      expect(r.stdout.endsWith(` |\n\n![heatmap](${figure}.svg)\n`)).toBe(true);
      figures[metric] = cellsOf(readFileSync(`${figure}.svg`, 'utf8'), metric);
    }
    const mse = figures['test.mse']!;
    const acc = figures['test.accuracy']!;
    // The records: trial k = (lr, l2) of the grid; each cell holds its trial's value (the rung-1 record of trial 3 is not final).
    expect([...mse.keys()].sort()).toEqual(['0.01 0', '0.01 0.5', '0.1 0', '0.1 0.5']);
    expect(Object.fromEntries([...mse].map(([k, [v]]) => [k, v]))).toEqual({ '0.01 0': 0.4, '0.01 0.5': 0.1, '0.1 0': 0.3, '0.1 0.5': 0.2 });
    expect(Object.fromEntries([...acc].map(([k, [v]]) => [k, v]))).toEqual({ '0.01 0': 0.5, '0.01 0.5': 0.9, '0.1 0': 0.7, '0.1 0.5': 0.6 });
    // (0.01, 0.5) is the best cell for both metrics (mse 0.1, accuracy 0.9), (0.01, 0) the worst (0.4, 0.5).
    const fill = (cells: Map<string, readonly [number, string]>, key: string) => cells.get(key)![1];
    expect(fill(mse, '0.01 0.5')).toBe(fill(acc, '0.01 0.5'));
    expect(fill(mse, '0.01 0')).toBe(fill(acc, '0.01 0'));
    // The best cell is the dark end of the scale (viridis from 0.3: blue), the worst the light end (yellow).
    const luminance = (rgb: string) => {
      const [r, g, b] = rgb.match(/\d+/g)!.map(Number);
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    expect(luminance(fill(mse, '0.01 0.5'))).toBeLessThan(luminance(fill(mse, '0.01 0')) - 100);
  });

  it('fails with exit 1 for a file without finished trials and for --x without --y', async () => {
    const empty = jsonl('none.jsonl', []);
    const e = await runCli('sweep', 'report', empty, '--metric', 'test.mse');
    expect(e.code).toBe(1);
    expect(e.stderr).toBe(`ffnn: ${empty}: no finished trials\n`);
    for (const flag of ['--x', '--y']) {
      const r = await runCli('sweep', 'report', results, '--metric', 'test.mse', flag, 'lr');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('ffnn: --x and --y go together\n');
    }
  });
});

describe('ffnn sweep run', () => {
  it('refuses to shard successive halving', async () => {
    writeFileSync(path('halving.json'), JSON.stringify({ base: { data: 'runge' }, grid: { lr: [0.1, 0.01, 0.001] }, halving: { metric: 'test.mse', mode: 'min', minEpochs: 1, maxEpochs: 3, eta: 3 } }));
    const r = await runCli('sweep', 'run', path('halving.json'), '--out', path('h.jsonl'), '--shard', '0/2');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ffnn: ${path('halving.json')}: successive halving needs every result of a rung; run it unsharded (or shard a grid/random spec)\n`);
    expect(existsSync(path('h.jsonl'))).toBe(false);
  });
});

describe('ffnn sweep run, with every trial of the shard already in --out (no worker is started)', () => {
  it('runs shard i of n (trials i, i + n, …), skips the finished ones and sums up on stdout', async () => {
    const out = jsonl('done.jsonl', [0, 1, 2, 3].map((k) => record(k, { mse: 0.1 })));
    const shard = await runCli('sweep', 'run', path('spec.json'), '--out', out, '--shard', '1/2', '--workers', '3');
    expect(shard.code).toBe(0);
    expect(shard.stderr).toBe('sweep: 2 trials, 2 already finished, 0 to run\n');
    expect(shard.stdout).toMatch(new RegExp(`^sweep grid: ran 0: 0 finished, 0 diverged, 0 failed; skipped 2 already finished; in \\d+\\.\\ds → ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
    const all = await runCli('sweep', 'run', path('spec.json'), '--out', out);
    expect(all.code).toBe(0);
    expect(all.stderr).toBe('sweep: 4 trials, 4 already finished, 0 to run\n');
    expect(all.stdout).toContain('; skipped 4 already finished;');
    const unnamed = { base: spec.base, grid: spec.grid };
    writeFileSync(path('unnamed.json'), JSON.stringify(unnamed));
    const byPath = await runCli('sweep', 'run', path('unnamed.json'), '--out', out, '--shard', '0/4');
    expect(byPath.stdout).toMatch(new RegExp(`^sweep ${path('unnamed.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ran 0: .*; skipped 1 already finished;`));
  });
});
