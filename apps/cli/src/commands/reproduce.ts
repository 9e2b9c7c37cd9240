import type { Command } from 'commander';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { nonNegInt } from '../options.js';
import { runStudy } from '../study/run.js';
import { PARTS, PROFILES, type PartId, type ProfileName } from '../study/types.js';
import { logisticWorkerMain } from '../study/logistic-job.js';
import { selectBackend } from './train.js';

/** Registers `ffnn reproduce [parts...]`. */
export function registerReproduce(program: Command): void {
  program
    .command('reproduce')
    .description('rerun the study (parts a–g, described on the docs page "the study"): CSV tables, SVG/PNG figures, report.md and manifest.json')
    .argument('[parts...]', `parts to run, any of ${PARTS.join(' ')} (default: all)`)
    .option('--profile <name>', `quick (every part in ≤ 5 minutes on 2 cores), full (the report's settings, about 45 minutes on 2 cores) or test (seconds)`, 'quick')
    .option('--out <dir>', 'output directory', 'results')
    .option('--seed <n>', 'seed of data, splits, initial weights and shuffling', nonNegInt('--seed'), 1993)
    .option('--no-png', 'write SVG figures only')
    .addHelpText(
      'after',
      `
Examples:
  $ ffnn reproduce                              # all parts, quick profile, into results/
  $ ffnn reproduce b d --out /tmp/runge         # only the Runge regression and activation study
  $ ffnn reproduce --profile full --out full    # the report's settings (about 45 minutes on 2 cores)

Progress goes to stderr; the report lands in <out>/report.md.`,
    )
    .action(async (parts: string[], flags: { profile: string; out: string; seed: number; png: boolean }) => {
      if (!(PROFILES as readonly string[]).includes(flags.profile)) {
        throw new UsageError(`--profile must be one of ${PROFILES.join(', ')}; got "${flags.profile}"`);
      }
      const chosen = parts.length === 0 ? [...PARTS] : parts.map((p) => p.toLowerCase());
      for (const p of chosen) {
        if (!(PARTS as readonly string[]).includes(p)) throw new UsageError(`unknown part "${p}"; choose from ${PARTS.join(', ')}`);
      }
      const ordered: PartId[] = PARTS.filter((p) => chosen.includes(p));
      const outDir = resolve(flags.out);
      // The kernels of every other command (FFNN_BACKEND, FFNN_THREADS); the study runs on them.
      await selectBackend();
      const run = await runStudy({
        parts: ordered,
        profile: flags.profile as ProfileName,
        seed: flags.seed,
        outDir,
        png: flags.png,
        // Grid trials run in worker processes of this same entry script, as `ffnn sweep run` does.
        workerBin: process.argv[1]!,
        log: (m) => process.stderr.write(`${m}\n`),
      });
      process.stdout.write(`reproduce: ${ordered.length} part(s) in ${(run.totalMs / 1000).toFixed(1)} s; report: ${run.reportPath}\n`);
    });

  // The process part (f) fits its logistic regression in, beside the final training (FFNN_THREADS=1).
  program.command('study-worker', { hidden: true }).action(async () => {
    await selectBackend();
    logisticWorkerMain();
  });
}
