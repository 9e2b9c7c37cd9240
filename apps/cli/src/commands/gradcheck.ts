import type { Command } from 'commander';
import { CliFailure } from '../errors.js';
import { nonNegInt, positive } from '../options.js';
import { runGradientChecks } from '../study/gradient-checks.js';
import { selectBackend } from './train.js';

export function registerGradcheck(program: Command): void {
  program
    .command('gradcheck')
    .description('check every derivative (activations, losses, penalties, Dense, whole networks) against central differences')
    .option('--seed <n>', 'seed of the random inputs and weights', nonNegInt('--seed'), 1993)
    .option('--tolerance <rel>', 'largest relative error that passes', positive('--tolerance'), 1e-6)
    .option('--json', 'print the rows as JSON')
    .addHelpText('after', '\nExamples:\n  $ ffnn gradcheck\n  $ ffnn gradcheck --seed 7 --tolerance 1e-7 --json')
    .action(async (flags: { seed: number; tolerance: number; json?: boolean }) => {
      await selectBackend();
      const { rows } = runGradientChecks(flags.seed, flags.tolerance);
      const worst = rows.reduce((w, r) => (r.relError > w.relError || Number.isNaN(r.relError) ? r : w), rows[0]!);
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ tolerance: flags.tolerance, worst, rows }, null, 2)}\n`);
      } else {
        const wc = Math.max(...rows.map((r) => r.component.length));
        process.stdout.write(`${'component'.padEnd(wc)}  parameter  shape   rel. error  ok\n`);
        for (const r of rows) {
          process.stdout.write(`${r.component.padEnd(wc)}  ${r.parameter.padEnd(9)}  ${r.shape.padEnd(6)}  ${r.relError.toExponential(2).padStart(10)}  ${r.passed ? '✓' : '✗'}\n`);
        }
        process.stdout.write(`\n${rows.length} checks, worst relative error ${worst.relError.toExponential(2)} (${worst.component}, ${worst.parameter}), tolerance ${flags.tolerance}\n`);
      }
      const failed = rows.filter((r) => !r.passed);
      if (failed.length > 0) throw new CliFailure(`${failed.length} gradient check(s) above tolerance ${flags.tolerance}: ${failed.map((r) => `${r.component} ${r.parameter}`).join(', ')}`);
    });
}
