import { Matrix, map, sumAll } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { GradCheckFailedError, assertGradCheck, formatGradCheckTable } from './format.js';
import { gradCheck, type GradCheckReport } from './grad-check.js';

const W = Matrix.from([
  [0.1, -0.5, 0.9],
  [1.2, -1.3, 0.2],
]);
const b = Matrix.from([[0.4, -0.8, 0.05]]);
const loss = (): number => sumAll(map(W, Math.sin, Matrix.zeros(2, 3))) + sumAll(map(b, Math.sin, Matrix.zeros(1, 3)));
const cos = (m: Matrix): Matrix => map(m, Math.cos, Matrix.zeros(m.rows, m.cols));

function failingReport(): GradCheckReport {
  const gb = cos(b);
  gb.data[2] = -gb.data[2]!;
  return gradCheck(loss, [W, b], [cos(W), gb], { names: ['W1', 'bias1'] });
}

describe('formatGradCheckTable', () => {
  it('has a title with verdict, worst error and tolerance, then one aligned row per parameter', () => {
    const report = gradCheck(loss, [W, b], [cos(W), cos(b)], { names: ['W1', 'bias1'] });
    const table = formatGradCheckTable(report);
    const lines = table.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('PASSED');
    expect(lines[0]).toContain(report.worstRelError.toExponential(2));
    expect(lines[0]).toContain(`(${report.worst!.name})`);
    expect(lines[0]).toContain('tolerance 1.00e-6');
    expect(lines[1]).toMatch(/^name\s+shape\s+rel\. error\s+max abs error/);
    expect(lines[2]).toMatch(/^W1\s+2×3\s+\S+e-\d+\s.*✓$/);
    expect(lines[3]).toMatch(/^bias1\s+1×3\s+\S+e-\d+\s.*✓$/);
    // Columns line up: every column starts at the same offset in every row.
    const starts = (line: string): number[] => [...line.matchAll(/(?:^|\s{2})(\S)/g)].map((m) => m.index + m[0].length - 1);
    expect(starts(lines[2]!)).toEqual(starts(lines[1]!));
    expect(starts(lines[3]!)).toEqual(starts(lines[1]!));
  });

  it('marks a failing parameter with ✗ and shows the worst error in the title', () => {
    const report = failingReport();
    const table = formatGradCheckTable(report);
    expect(table.split('\n')[0]).toContain('FAILED');
    expect(table.split('\n')[0]).toContain(`${report.worstRelError.toExponential(2)} (bias1) > tolerance`);
    expect(table).toMatch(/^W1 .*✓$/m);
    expect(table).toMatch(/^bias1 .*✗$/m);
  });

  it('spells out NaN and handles an empty report', () => {
    const g = cos(W);
    g.data[0] = NaN;
    expect(formatGradCheckTable(gradCheck(loss, [W], [g], { names: ['W'] }))).toMatch(/^W\s+2×3\s+NaN\s+NaN.*✗$/m);
    const empty = formatGradCheckTable(gradCheck(() => 1, [], []));
    expect(empty).toContain('PASSED: no parameters');
  });
});

describe('assertGradCheck', () => {
  it('returns quietly for a passing report', () => {
    expect(() => assertGradCheck(gradCheck(loss, [W, b], [cos(W), cos(b)]))).not.toThrow();
  });

  it('throws a GradCheckFailedError whose message is the table', () => {
    const report = failingReport();
    let caught: unknown;
    try {
      assertGradCheck(report);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GradCheckFailedError);
    expect(caught).toBeInstanceOf(Error);
    const error = caught as GradCheckFailedError;
    expect(error.message).toBe(formatGradCheckTable(report));
    expect(error.message).toContain('bias1');
    expect(error.report).toBe(report);
    expect(error.name).toBe('GradCheckFailedError');
  });
});

describe('formatGradCheckTable: edges', () => {
  it('an error equal to the tolerance is shown as ≤, and names keep their leading spaces', () => {
    const first = failingReport();
    const report: GradCheckReport = { ...first, tolerance: first.worstRelError };
    expect(formatGradCheckTable(report).split('\n')[0]).toContain(`≤ tolerance ${first.worstRelError.toExponential(2)}`);
    const spaced = gradCheck(loss, [W, b], [cos(W), cos(b)], { names: ['  W1', 'bias1'] });
    const lines = formatGradCheckTable(spaced).split('\n');
    expect(lines[2]!.startsWith('  W1 ')).toBe(true);
    expect(lines.every((line) => line === line.trimEnd())).toBe(true);
  });
});
