// Which row `ffnn gradcheck` names as the worst, on rows made by hand: the checks themselves are
// replaced so that ties and NaN can be set up (real checks at the available seeds never tie).
import { describe, expect, it, vi } from 'vitest';
import type { GradCheckRow } from '../study/gradient-checks.js';
import { runCli } from '../testing.js';

const rows = vi.hoisted(() => ({ current: [] as GradCheckRow[] }));
vi.mock('../study/gradient-checks.js', () => ({ runGradientChecks: () => ({ rows: rows.current, tables: [] }) }));

const row = (component: string, relError: number): GradCheckRow => ({ component, parameter: 'W', shape: '2×2', relError, passed: relError < 1e-6 });

async function worst(list: GradCheckRow[]): Promise<string> {
  rows.current = list;
  const r = await runCli('gradcheck', '--json');
  return (JSON.parse(r.stdout) as { worst: GradCheckRow }).worst.component;
}

describe('ffnn gradcheck: the worst check', () => {
  it('is the largest relative error, the first of equal ones, and any NaN (the last one)', async () => {
    expect(await worst([row('a', 1e-9), row('b', 3e-9), row('c', 2e-9)])).toBe('b');
    expect(await worst([row('a', 1e-9), row('b', 3e-9), row('c', 3e-9)])).toBe('b');
    expect(await worst([row('a', 0), row('b', 0)])).toBe('a');
    expect(await worst([row('a', 1e-9), row('b', NaN), row('c', 2e-9)])).toBe('b');
    expect(await worst([row('a', NaN), row('b', 1e-9), row('c', NaN)])).toBe('c');
  });
});
