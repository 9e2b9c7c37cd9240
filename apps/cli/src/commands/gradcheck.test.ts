import { describe, expect, it } from 'vitest';
import { runGradientChecks } from '../study/gradient-checks.js';
import { runCli } from '../testing.js';

describe('ffnn gradcheck', () => {
  it('prints one line per check and the worst relative error; --json has the same rows', async () => {
    const { rows } = runGradientChecks(7, 1e-6);
    const worst = rows.reduce((w, r) => (r.relError > w.relError ? r : w));
    const json = await runCli('gradcheck', '--seed', '7', '--json');
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.tolerance).toBe(1e-6);
    expect(result.rows).toEqual(rows);
    expect(result.worst).toEqual(worst);
    const text = await runCli('gradcheck', '--seed', '7');
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    const wc = Math.max(...rows.map((r) => r.component.length));
    expect(lines[0]).toBe(`${'component'.padEnd(wc)}  parameter  shape   rel. error  ok`);
    expect(lines[1]).toBe(`${rows[0]!.component.padEnd(wc)}  ${rows[0]!.parameter.padEnd(9)}  ${rows[0]!.shape.padEnd(6)}  ${rows[0]!.relError.toExponential(2).padStart(10)}  ✓`);
    expect(lines).toHaveLength(rows.length + 4);
    expect(lines[rows.length + 2]).toBe(`${rows.length} checks, worst relative error ${worst.relError.toExponential(2)} (${worst.component}, ${worst.parameter}), tolerance 0.000001`);
  });

  it('exits 1 naming the checks above the tolerance', async () => {
    const { rows } = runGradientChecks(1993, 1e-300);
    const failed = rows.filter((r) => !r.passed);
    expect(failed.length).toBeGreaterThan(0);
    const r = await runCli('gradcheck', '--tolerance', '1e-300');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('  ✗\n');
    expect(r.stderr).toBe(`ffnn: ${failed.length} gradient check(s) above tolerance 1e-300: ${failed.map((c) => `${c.component} ${c.parameter}`).join(', ')}\n`);
  });
});
