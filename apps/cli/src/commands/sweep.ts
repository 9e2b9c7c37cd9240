import { basename, dirname, join } from 'node:path';
import { Option, type Command } from 'commander';
import { CliFailure } from '../errors.js';
import { heatmap } from '../figures/charts.js';
import { renderFigure } from '../figures/render.js';
import { writeFileAtomic } from '../io.js';
import { positiveInt } from '../options.js';
import { finalRecords, heatmapCells, mergeRecords, rankingTable } from '../sweep/report.js';
import { readRecords } from '../sweep/results.js';
import { runSweep } from '../sweep/run.js';
import { expandTrials, parseShard, readSpec, shardOf } from '../sweep/spec.js';
import { workerMain } from '../sweep/worker.js';
import { selectBackend } from './train.js';

export function registerSweep(program: Command): void {
  const sweep = program
    .command('sweep')
    .description('run hyperparameter sweeps (grid, list, random, successive halving) on one or many machines')
    .addHelpText(
      'after',
      `
Examples:
  $ ffnn sweep run spec.yaml --out results.jsonl --workers 2
  $ ffnn sweep run spec.yaml --out shard-$SLURM_ARRAY_TASK_ID.jsonl --shard $SLURM_ARRAY_TASK_ID/8
  $ ffnn sweep merge --spec spec.yaml --out results.jsonl shard-*.jsonl
  $ ffnn sweep report results.jsonl --metric test.mse --x lr --y l2 --figure heatmap

A spec (JSON or YAML):
  base:   { data: runge, epochs: 200, hidden: "50,50", optimizer: adam }
  grid:   { lr: [0.001, 0.003, 0.01], l2: [0, 0.0001] }
  list:   [{ optimizer: sgd, lr: 0.01 }, { optimizer: rmsprop, lr: 0.001 }]
  random: { count: 8, seed: 1, params: { lr: { logUniform: [0.0001, 0.1] } } }
  halving: { metric: test.mse, mode: min, minEpochs: 20, maxEpochs: 180, eta: 3 }`,
    );

  sweep
    .command('run <spec>')
    .description('run the trials of a spec (skipping those already in --out), in parallel worker processes')
    .requiredOption('--out <results.jsonl>', 'results file; one JSON line per finished trial, appended as trials finish')
    .option('--workers <n>', 'worker processes (default: one per core)', positiveInt('--workers'))
    .option('--shard <i/n>', 'run only shard i of n (0 ≤ i < n): trials i, i+n, i+2n, … of the spec')
    .action(async (specPath: string, flags: { out: string; workers?: number; shard?: string }) => {
      const spec = readSpec(specPath);
      let trials = expandTrials(spec);
      if (flags.shard) {
        if (spec.halving) throw new CliFailure(`${specPath}: successive halving needs every result of a rung; run it unsharded (or shard a grid/random spec)`);
        trials = shardOf(trials, parseShard(flags.shard));
      }
      const t0 = Date.now();
      const log = (s: string) => process.stderr.write(`${s}\n`);
      const { ran, diverged, skipped, failures } = await runSweep(spec, trials, { out: flags.out, bin: process.argv[1]!, log, ...(flags.workers ? { workers: flags.workers } : {}) });
      const counts = `${ran - diverged - failures.length} finished, ${diverged} diverged, ${failures.length} failed`;
      process.stdout.write(`sweep ${spec.name ?? specPath}: ran ${ran}: ${counts}; skipped ${skipped} already finished; in ${((Date.now() - t0) / 1000).toFixed(1)}s → ${flags.out}\n`);
      if (failures.length) throw new CliFailure(`${failures.length} trial(s) failed: ${failures.join('; ')}`);
    });

  sweep
    .command('merge <files...>')
    .description('combine shard result files into one; reports missing and duplicate trials')
    .requiredOption('--out <results.jsonl>', 'merged results file')
    .option('--spec <spec>', 'the sweep spec, to report trials that no shard finished')
    .action((files: string[], flags: { out: string; spec?: string }) => {
      const expected = flags.spec ? expandTrials(readSpec(flags.spec)) : null;
      const report = mergeRecords(files.map((f) => readRecords(f)), expected);
      writeFileAtomic(flags.out, report.records.map((r) => JSON.stringify(r)).join('\n') + (report.records.length ? '\n' : ''));
      process.stdout.write(`merged ${files.length} file(s): ${report.records.length} records, ${report.duplicates} duplicate(s), ${report.conflicts.length} conflict(s), ${report.missing.length} missing → ${flags.out}\n`);
      for (const c of report.conflicts) process.stdout.write(`conflict: ${c}\n`);
      if (report.missing.length) process.stdout.write(`missing trials: ${report.missing.map((t) => t.index).join(', ')}\n`);
      if (report.conflicts.length || report.missing.length) throw new CliFailure(`merge incomplete: ${report.missing.length} missing, ${report.conflicts.length} conflicting`);
    });

  sweep
    .command('report <results>')
    .description('rank the trials of a results file and draw a heatmap over two options')
    .requiredOption('--metric <path>', 'metric to rank by, e.g. test.mse or test.accuracy')
    .addOption(new Option('--mode <mode>', 'min (losses) or max (accuracies); default from the metric name').choices(['min', 'max']))
    .option('--x <option>', 'heatmap columns (an option name such as lr)')
    .option('--y <option>', 'heatmap rows (an option name such as l2)')
    .option('--figure <name>', 'also write <name>.svg and <name>.png of the heatmap')
    .option('--markdown <file>', 'write the report as markdown')
    .action(async (path: string, flags: { metric: string; mode?: 'min' | 'max'; x?: string; y?: string; figure?: string; markdown?: string }) => {
      const records = finalRecords(readRecords(path));
      if (records.length === 0) throw new CliFailure(`${path}: no finished trials`);
      const mode = flags.mode ?? (/accuracy|r2/.test(flags.metric) ? 'max' : 'min');
      const parts = [`# Sweep report: ${path}`, '', `${records.length} trials, ranked by ${flags.metric} (${mode === 'min' ? 'lower' : 'higher'} is better)`, '', rankingTable(records, flags.metric, mode)];
      if (flags.x || flags.y) {
        if (!flags.x || !flags.y) throw new CliFailure('--x and --y go together');
        const { cells, markdown } = heatmapCells(records, flags.metric, mode, flags.x, flags.y);
        parts.push('', `Best ${flags.metric} per (${flags.x}, ${flags.y}) over the other options:`, '', markdown);
        if (flags.figure) {
          const spec = heatmap(cells.map((c) => ({ [flags.x!]: String(c.x), [flags.y!]: String(c.y), value: c.value })), {
            title: `Best ${flags.metric} per ${flags.x} × ${flags.y}`,
            x: flags.x,
            y: flags.y,
            value: 'value',
            valueTitle: flags.metric,
            xTitle: flags.x,
            yTitle: flags.y,
            reverse: mode === 'max',
          });
          // --figure is a path without extension, relative to the working directory or absolute.
          const written = await renderFigure(dirname(flags.figure), '', basename(flags.figure), spec);
          process.stderr.write(`wrote the heatmap to ${[written.svg, written.png].filter(Boolean).map((f) => join(dirname(flags.figure!), f!)).join(' and ')}\n`);
          parts.push('', `![heatmap](${flags.figure}.svg)`);
        }
      }
      const text = parts.join('\n') + '\n';
      if (flags.markdown) writeFileAtomic(flags.markdown, text);
      process.stdout.write(text);
    });

  // Only the workers compute (the parent forks them and appends their records); they choose the
  // kernels from FFNN_BACKEND, single-threaded (the parent sets FFNN_THREADS=1).
  program.command('sweep-worker', { hidden: true }).action(async () => {
    await selectBackend();
    workerMain();
  });
}

