import { describe, expect, it } from 'vitest';
import { runCli } from '../testing.js';

// Explicit lines of the help, beside help.test.ts's snapshots (which a mutation run's sandbox cannot
// be relied on to compare): what the worker commands hide and what `sweep run` says of --workers.
describe('help text', () => {
  it('does not list the worker commands that sweeps and the study start for themselves', async () => {
    const top = await runCli('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('reproduce');
    expect(top.stdout).toContain('sweep');
    expect(top.stdout).not.toContain('study-worker');
    expect(top.stdout).not.toContain('sweep-worker');
  });

  it('sweep run --help says how many worker processes run by default', async () => {
    const r = await runCli('sweep', 'run', '--help');
    expect(r.stdout).toMatch(/--workers <n> +worker processes \(default: one per core\)\n/);
  });
});
