import type { GradCheckReport } from './grad-check.js';

/** Thrown by {@link assertGradCheck}; the message is the {@link formatGradCheckTable} table. */
export class GradCheckFailedError extends Error {
  /** The failing report, for programmatic inspection. */
  readonly report: GradCheckReport;

  /** Wraps a failing report; the message is its table. */
  constructor(report: GradCheckReport) {
    super(formatGradCheckTable(report));
    this.name = 'GradCheckFailedError';
    this.report = report;
  }
}

/** Scientific notation with 3 significant digits; NaN and ±Infinity spelled out. */
function sci(x: number): string {
  return Number.isFinite(x) ? x.toExponential(2) : String(x);
}

/**
 * An aligned plain-text table of a {@link GradCheckReport}: a title line with the verdict, the worst
 * relative error (and which parameter) against the tolerance, then one row per parameter with its
 * name, shape, relative error, max absolute error, ‖g_a‖, ‖g_n‖ and ✓/✗.
 *
 * @example
 * ```text
 * gradient check FAILED: worst rel. error 6.54e-1 (bias1) > tolerance 1.00e-6, ε = 1.00e-6
 * name   shape  rel. error  max abs error  ‖g_a‖    ‖g_n‖    ok
 * W1     2×3    1.89e-11    6.21e-11       1.82e+0  1.82e+0  ✓
 * bias1  1×3    6.54e-1     2.00e+0        1.53e+0  1.53e+0  ✗
 * ```
 */
export function formatGradCheckTable(report: GradCheckReport): string {
  const { worst, passed, tolerance, epsilon } = report;
  const verdict = passed ? 'PASSED' : 'FAILED';
  const title =
    worst === undefined
      ? `gradient check ${verdict}: no parameters, tolerance ${sci(tolerance)}, ε = ${sci(epsilon)}`
      : `gradient check ${verdict}: worst rel. error ${sci(worst.relError)} (${worst.name}) ` +
        `${worst.relError <= tolerance ? '≤' : '>'} tolerance ${sci(tolerance)}, ε = ${sci(epsilon)}`;

  const header = ['name', 'shape', 'rel. error', 'max abs error', '‖g_a‖', '‖g_n‖', 'ok'];
  const rows = report.entries.map((e) => [
    e.name,
    `${e.shape[0]}×${e.shape[1]}`,
    sci(e.relError),
    sci(e.maxAbsError),
    sci(e.analyticNorm),
    sci(e.numericNorm),
    e.passed ? '✓' : '✗',
  ]);
  const table = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  const lines = table.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
  return [title, ...lines].join('\n');
}

/**
 * Throws a {@link GradCheckFailedError} whose message is the formatted table unless `report.passed`;
 * made for tests: `assertGradCheck(gradCheck(loss, params, grads, { names }))`.
 */
export function assertGradCheck(report: GradCheckReport): void {
  if (!report.passed) throw new GradCheckFailedError(report);
}
