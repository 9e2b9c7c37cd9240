// What `ffnn reproduce` asks of the study when no part is named: the study itself is replaced by a
// recorder (running every part is the end-to-end tests' job, in apps/cli/test).
import { describe, expect, it, vi } from 'vitest';
import type { RunStudyOptions } from '../study/run.js';
import { runCli } from '../testing.js';

const calls = vi.hoisted(() => [] as unknown[]);
vi.mock('../study/run.js', () => ({
  runStudy: (options: unknown) => {
    calls.push(options);
    return Promise.resolve({ totalMs: 1234, reportPath: '/r/report.md' });
  },
}));

describe('ffnn reproduce with no part named', () => {
  it('runs every part, a to g, with grid workers forked from this same entry script', async () => {
    const r = await runCli('reproduce', '--profile', 'full', '--out', 'somewhere');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('reproduce: 7 part(s) in 1.2 s; report: /r/report.md\n');
    const options = calls[0] as RunStudyOptions;
    expect(options.parts).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(options.profile).toBe('full');
    expect(options.workerBin).toBe(process.argv[1]);
  });
});
