// What `ffnn sweep run` makes of the sweep's outcome, and what it asks of it: runSweep (which forks
// worker processes of the built entry script) is replaced by one returning outcomes made by hand. The
// sweep itself runs end to end in apps/cli/test/sweep.test.ts.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { RunOptions } from '../sweep/run.js';
import { runCli, tempDir } from '../testing.js';

const sweep = vi.hoisted(() => ({ outcome: { ran: 0, diverged: 0, skipped: 0, failures: [] as string[] }, options: [] as unknown[], ms: 0 }));
vi.mock('../sweep/run.js', () => ({
  runSweep: (_spec: unknown, _trials: unknown, options: unknown) => {
    sweep.options.push(options);
    if (sweep.ms) vi.setSystemTime(Date.now() + sweep.ms);
    return Promise.resolve(sweep.outcome);
  },
}));

afterEach(() => {
  sweep.ms = 0;
  vi.useRealTimers();
});

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const specPath = join(dir, 'spec.json');
writeFileSync(specPath, JSON.stringify({ name: 'g', base: { data: 'runge', epochs: 2 }, grid: { lr: [0.01, 0.1] } }));

describe('ffnn sweep run: the summary and exit code', () => {
  it('counts finished trials as ran − diverged − failed, and passes --workers and this entry script on', async () => {
    sweep.outcome = { ran: 7, diverged: 2, skipped: 3, failures: [] };
    const r = await runCli('sweep', 'run', specPath, '--out', join(dir, 'r.jsonl'), '--workers', '3');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sweep g: ran 7: 5 finished, 2 diverged, 0 failed; skipped 3 already finished; in \d+\.\ds → /);
    const options = sweep.options.at(-1) as RunOptions;
    expect(options.workers).toBe(3);
    expect(options.bin).toBe(process.argv[1]);
    const byDefault = await runCli('sweep', 'run', specPath, '--out', join(dir, 'r.jsonl'));
    expect(byDefault.code).toBe(0);
    expect('workers' in (sweep.options.at(-1) as RunOptions)).toBe(false);
  });

  it('exits 1 naming every failed trial', async () => {
    sweep.outcome = { ran: 4, diverged: 1, skipped: 0, failures: ['trial 1: boom', 'trial 3: bang'] };
    const r = await runCli('sweep', 'run', specPath, '--out', join(dir, 'r.jsonl'));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^sweep g: ran 4: 1 finished, 1 diverged, 2 failed; /);
    expect(r.stderr).toBe('ffnn: 2 trial(s) failed: trial 1: boom; trial 3: bang\n');
  });

  it('reports the wall-clock time of the sweep in seconds', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    sweep.outcome = { ran: 1, diverged: 0, skipped: 0, failures: [] };
    sweep.ms = 2500;
    const r = await runCli('sweep', 'run', specPath, '--out', join(dir, 'r.jsonl'));
    expect(r.stdout).toMatch(/; in 2\.5s → /);
  });
});
