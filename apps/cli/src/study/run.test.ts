import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runStudy } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'ffnn-reproduce-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runStudy end to end (test profile)', () => {
  it('runs parts a and b and writes CSV, figures, report section and manifest', async () => {
    const lines: string[] = [];
    const run = await runStudy({ parts: ['a', 'b'], profile: 'test', seed: 1993, outDir: dir, log: (m) => lines.push(m), png: false });
    expect(run.results.map((r) => r.part)).toEqual(['a', 'b']);
    for (const f of ['a/gradient-checks.csv', 'a/activations.svg', 'b/linear-baselines.csv', 'b/ffnn-grid.csv', 'b/runge-data.svg', 'b/runge-predictions.svg', 'report.md', 'manifest.json']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    const csv = readFileSync(join(dir, 'b/linear-baselines.csv'), 'utf8');
    expect(csv.split('\n')[0]).toContain('test MSE (noisy y)');
    expect(csv).toContain('OLS,poly10');
    const report = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(report).toContain('## (a) Analytical derivatives, checked numerically');
    expect(report).toContain('## (b) Regression on the Runge function');
    expect(report).toContain('![Runge data');
    // Commentary numbers come from the results, not from text.
    const b = run.results[1]!;
    expect(report).toContain(String(Number((b.numbers.olsTestMse as number).toPrecision(4))));
    expect(report).toContain('Where our results differ from the original report');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { seed: number; profile: string; files: string[]; backend: { name: string }; timingsMs: Record<string, number>; machine: { cpus: number; memoryGiB: number }; commit: { sha: string; dirty: boolean } | null };
    expect(manifest.seed).toBe(1993);
    expect(manifest.profile).toBe('test');
    expect(manifest.files).toContain('b/ffnn-grid.csv');
    expect(manifest.backend.name).toBe('js');
    expect(manifest.timingsMs.total).toBeGreaterThan(0);
    expect(manifest.machine.cpus).toBe(cpus().length);
    expect(manifest.machine.memoryGiB).toBe(Math.round(totalmem() / 2 ** 30));
    // This test runs in a git checkout (a clone of the repository): the commit is recorded.
    expect(manifest.commit?.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(lines.some((l) => l.includes('[b] trial 1/'))).toBe(true);
  });
});
