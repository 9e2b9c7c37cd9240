import { describe, expect, it } from 'vitest';
import type { GradCheckRow } from '../study/gradient-checks.js';
import { runCli } from '../testing.js';

describe('ffnn gradcheck', () => {
  it('prints one line per check and the worst relative error; --json has the same rows', async () => {
    const json = await runCli('gradcheck', '--seed', '7', '--json');
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout) as { tolerance: number; worst: GradCheckRow; rows: GradCheckRow[] };
    const rows = result.rows;
    expect(rows.length).toBeGreaterThan(30);
    expect(result.tolerance).toBe(1e-6);
    const worst = rows.reduce((w, r) => (r.relError > w.relError ? r : w));
    expect(result.worst).toEqual(worst);
    expect(rows.every((r) => r.passed && r.relError < 1e-6)).toBe(true);
    const text = await runCli('gradcheck', '--seed', '7');
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n');
    const wc = Math.max(...rows.map((r) => r.component.length));
    expect(lines[0]).toBe(`${'component'.padEnd(wc)}  parameter  shape   rel. error  ok`);
    rows.forEach((r, i) => expect(lines[i + 1]).toBe(`${r.component.padEnd(wc)}  ${r.parameter.padEnd(9)}  ${r.shape.padEnd(6)}  ${r.relError.toExponential(2).padStart(10)}  ✓`));
    expect(lines).toHaveLength(rows.length + 4);
    expect(lines[rows.length + 2]).toBe(`${rows.length} checks, worst relative error ${worst.relError.toExponential(2)} (${worst.component}, ${worst.parameter}), tolerance 0.000001`);
  });

  it('exits 1 naming the checks above the tolerance', async () => {
    const r = await runCli('gradcheck', '--tolerance', '1e-300');
    expect(r.code).toBe(1);
    const failed = r.stdout.split('\n').filter((l) => l.endsWith('  ✗'));
    expect(failed.length).toBeGreaterThan(0);
    // The table's columns: the component padded to the widest, then the parameter padded to 9.
    const lines = r.stdout.split('\n');
    const wc = lines[0]!.indexOf('  parameter');
    const names = failed.map((l) => `${l.slice(0, wc).trimEnd()} ${l.slice(wc + 2, wc + 11).trimEnd()}`);
    expect(r.stderr).toBe(`ffnn: ${failed.length} gradient check(s) above tolerance 1e-300: ${names.join(', ')}\n`);
  });

  it('a bad --seed or --tolerance is a usage error naming the flag, before any check runs', async () => {
    const seed = await runCli('gradcheck', '--seed', '1.5');
    expect(seed.code).toBe(2);
    expect(seed.stdout).toBe('');
    expect(seed.stderr).toBe('ffnn: --seed must be an integer ≥ 0; got "1.5"\n');
    const tolerance = await runCli('gradcheck', '--tolerance', '0');
    expect(tolerance.code).toBe(2);
    expect(tolerance.stdout).toBe('');
    expect(tolerance.stderr).toBe('ffnn: --tolerance must be a positive number; got "0"\n');
  });
});
