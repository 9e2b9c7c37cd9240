/**
 * Generates the parts of the site that come from the repository: the API reference (TypeDoc), the
 * changelog (changesets), the `ffnn --help` texts and the results pages (from `ffnn reproduce`).
 *
 * Results directory, first match: `--results <dir>`, `$FFNN_RESULTS`, then, unless `$FFNN_DOCS_PROFILE`
 * asks for a fresh run, `<repo>/published-results` (the published run of the full profile,
 * committed; a test checks it was made with the current full settings). Without one, when the built CLI has `reproduce`, it runs
 * `ffnn reproduce --profile ${FFNN_DOCS_PROFILE:-quick} --out <tmp>` (CI sets FFNN_DOCS_PROFILE=test:
 * a short run that checks the whole pipeline, not the published numbers); otherwise the results
 * section says that no results were generated. `--no-reproduce` skips the run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '@ffnn/tensor';
import { buildResultsPages, notGeneratedPage, writeResults, type ResultsOutput } from '../src/report/generate.js';
import { RungeTrainer } from '../src/playground/runge.js';
import { generateApi } from './api.js';
import { errorTable } from './errors.js';
import { changelogMarkdown } from './changelog.js';

const docs = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(docs, '../..');
const cli = join(repo, 'apps/cli/dist/bin.js');
const generated = join(docs, '.generated');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1]?.split(',') : null;
const wants = (part: string) => !only || only.includes(part);

function step<T>(name: string, run: () => T): T {
  const t0 = performance.now();
  const value = run();
  console.log(`generate: ${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return value;
}

/** Stops the build when the CLI is not built (else every run would show Node's "Cannot find module"). */
function requireCli(): void {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`pnpm build\` first`);
}

function runCli(cliArgs: string[], inherit = false): { status: number | null; stdout: string } {
  requireCli();
  const r = spawnSync(process.execPath, [cli, ...cliArgs], { cwd: repo, encoding: 'utf8', stdio: inherit ? 'inherit' : 'pipe', env: { ...process.env, COLUMNS: '100' } });
  return { status: r.status, stdout: r.stdout ?? '' };
}

/** Whether the built CLI has `command` (an unknown command's `--help` prints the program's help and exits 0). */
function hasCommand(command: string): boolean {
  if (!existsSync(cli)) return false;
  const r = runCli([command, '--help']);
  return r.status === 0 && r.stdout.startsWith(`Usage: ffnn ${command}`);
}

/** How long a run shown on a page took, measured when the site was built. */
function tookLine(seconds: number): string {
  return `<p class="run-time">This took ${seconds < 10 ? seconds.toFixed(1) : seconds.toFixed(0)} s on the machine that built this site (${cpus().length} CPU core${cpus().length === 1 ? '' : 's'}).</p>\n`;
}

mkdirSync(generated, { recursive: true });

if (wants('cli')) {
  step('ffnn --help texts', () => {
    const commands = ['', 'train', 'evaluate', 'predict', 'gradcheck', 'reproduce', 'export', 'sweep'];
    const blocks: string[] = [];
    const available: string[] = [];
    for (const c of commands) {
      const r = runCli(c ? [c, '--help'] : ['--help']);
      if (c && !hasCommand(c)) continue;
      if (c) available.push(c);
      blocks.push(`## ${c ? `\`ffnn ${c}\`` : '`ffnn`'}\n\n\`\`\`text\n$ ffnn ${c ? `${c} ` : ''}--help\n${r.stdout.trimEnd()}\n\`\`\`\n`);
    }
    writeFileSync(join(generated, 'cli-help.md'), blocks.join('\n'));
    writeFileSync(join(generated, 'cli-commands.json'), `${JSON.stringify(available)}\n`);
  });
}

if (wants('runs')) {
  step('example runs of ffnn', () => {
    // Real output of the commands the guides show, run in a scratch directory with the paths a reader would type.
    const cwd = mkdtempSync(join(tmpdir(), 'ffnn-docs-runs-'));
    try {
      // A small table for the CSV guide: y = sin(2·x1) + 0.5·x2² − x3 + N(0, 0.1²), x ~ U[−1, 1]³, 500 rows, Rng(7).
      const rng = new Rng(7);
      const lines = ['x1,x2,x3,y'];
      for (let i = 0; i < 500; i++) {
        const [a, b, c] = [rng.uniformIn(-1, 1), rng.uniformIn(-1, 1), rng.uniformIn(-1, 1)];
        const y = Math.sin(2 * a) + 0.5 * b * b - c + 0.1 * rng.normal();
        lines.push([a, b, c, y].map((v) => v.toFixed(4)).join(','));
      }
      writeFileSync(join(cwd, 'example.csv'), `${lines.join('\n')}\n`);
      writeFileSync(join(generated, 'example-csv-head.md'), `\`\`\`text\n$ head -4 example.csv\n${lines.slice(0, 4).join('\n')}\n\`\`\`\n`);
      const runs: [string, string[]][] = [
        ['train-runge', ['train', '--data', 'runge', '--hidden', '50,50', '--activation', 'relu', '--optimizer', 'adam', '--lr', '0.01', '--epochs', '500', '--save', 'runge.json']],
        ['evaluate-runge', ['evaluate', 'runge.json', '--data', 'runge', '--seed', '7']],
        ['predict-runge', ['predict', 'runge.json', '--data', 'runge', '--seed', '7', '--n', '5', '--out', 'predictions.csv']],
        ['train-mnist', ['train', '--data', 'mnist', '--hidden', '100', '--lr', '0.001', '--epochs', '5', '--subset', '10000']],
        ['train-csv', ['train', '--data', 'example.csv', '--target', 'y', '--hidden', '32,32', '--lr', '0.01', '--epochs', '200', '--early-stopping', '20']],
        ['gradcheck', ['gradcheck']],
      ];
      for (const [name, cliArgs] of runs) {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [cli, ...cliArgs], { cwd, encoding: 'utf8', env: { ...process.env, COLUMNS: '100' } });
        const seconds = (performance.now() - t0) / 1000;
        if (r.status !== 0) throw new Error(`ffnn ${cliArgs.join(' ')} exited with ${r.status}: ${r.stderr}`);
        let text = `$ ffnn ${cliArgs.join(' ')}\n${r.stdout.trimEnd()}`;
        if (name === 'predict-runge') text += `\n$ cat predictions.csv\n${readFileSync(join(cwd, 'predictions.csv'), 'utf8').trimEnd()}`;
        writeFileSync(join(generated, `run-${name}.md`), `\`\`\`text\n${text}\n\`\`\`\n`);
        writeFileSync(join(generated, `run-${name}.time.md`), tookLine(seconds));
      }
      // The first example of Getting started, run as a reader would run it (`npx tsx first-network.ts`).
      const t0 = performance.now();
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(docs, 'examples/first-network.ts')], { cwd: docs, encoding: 'utf8' });
      const seconds = (performance.now() - t0) / 1000;
      if (r.status !== 0) throw new Error(`examples/first-network.ts exited with ${r.status}: ${r.stderr}`);
      writeFileSync(join(generated, 'run-first-network.md'), `\`\`\`text\n$ npx tsx first-network.ts\n${r.stdout.trimEnd()}\n\`\`\`\n`);
      writeFileSync(join(generated, 'run-first-network.time.md'), tookLine(seconds));
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
}

if (wants('errors')) {
  const t0 = performance.now();
  requireCli();
  const cwd = mkdtempSync(join(tmpdir(), 'ffnn-docs-errors-'));
  try {
    writeFileSync(join(generated, 'errors-table.md'), await errorTable(cli, cwd));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  console.log(`generate: error messages (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

if (wants('playground')) {
  // The playground runs on the fastest backend the browser has; so do its measurements here (same bits on every backend).
  await (await import('@ffnn/tensor')).useFastestBackend();
  step('Runge playground measurements', () => {
    // What the playground's "things to try" lead to, measured with its own trainer at its defaults.
    const defaults = { activation: 'relu' as const, optimizer: 'adam' as const, lr: 0.01, epochs: 200 };
    const rows = ['| hidden layers | train MSE | test MSE (noisy targets) | test MSE (clean f) |', '| --- | ---: | ---: | ---: |'];
    for (const hidden of [[5], [50, 50], [200, 200]]) {
      const t = new RungeTrainer({ hidden, ...defaults });
      while (!t.done) t.step(50);
      const e = (v: number) => v.toExponential(3);
      rows.push(`| \`${hidden.join(', ')}\` | ${e(t.trainLoss.at(-1)!)} | ${e(t.testMse.at(-1)!)} | ${e(t.testMseClean.at(-1)!)} |`);
    }
    writeFileSync(join(generated, 'playground-runge-widths.md'), `${rows.join('\n')}\n`);
  });
}

if (wants('status')) {
  const tensor = (await import('@ffnn/tensor')) as Record<string, unknown>;
  const names = ['jsBackend', 'getBackend', 'setBackend', 'withBackend', 'createWasmBackend', 'createWasmBackendSync', 'wasmSimdSupported', 'useFastestBackend'];
  const present = names.filter((n) => n in tensor);
  const lines = [`\`@ffnn/tensor\` of this build exports: ${present.map((n) => `\`${n}\``).join(', ')}.`, ''];
  if (present.includes('useFastestBackend')) {
    const info = await (tensor.useFastestBackend as () => Promise<{ name: string; threads: number }>)();
    lines.push(
      `On the machine that built this site, \`await useFastestBackend()\` installed the **${info.name}** backend with ${info.threads} thread${info.threads === 1 ? '' : 's'}.`,
      'It falls back to the JavaScript backend where WebAssembly SIMD is missing. See the [API reference](/api/tensor/) for `createWasmBackend` and its options (threads, shared memory).',
      '',
    );
    const backend = (tensor.getBackend as () => { dispose?: () => void })();
    backend.dispose?.();
  } else {
    lines.push('This build has only the JavaScript backend; a faster one can be installed with `setBackend`.', '');
  }
  writeFileSync(join(generated, 'tensor-backends.md'), lines.join('\n'));
  const commands = ['train', 'evaluate', 'predict', 'gradcheck', 'reproduce', 'sweep'].filter(hasCommand);
  const sweeps = [
    `The \`ffnn\` command of this build has: ${commands.map((c) => `\`ffnn ${c}\``).join(', ')}.`,
    '',
    commands.includes('reproduce')
      ? '- **`ffnn reproduce`** runs the study\'s grids (parts a–g) with the settings of a profile (`--profile quick|full`) and writes tables, figures and a report; its output is what the [results pages](/results/) show.'
      : '- There is no `ffnn reproduce` in this build yet: the study\'s grids are not runnable as one command.',
    commands.includes('sweep')
      ? '- **`ffnn sweep`** runs grids, random search and successive halving in parallel worker processes, resumably, and shards over many machines (below).'
      : '- There is no dedicated sweep command: a sweep is a loop over `ffnn train --json` (below) or over `Sequential` in code.',
    '',
  ];
  writeFileSync(join(generated, 'sweeps-status.md'), sweeps.join('\n'));
}

if (wants('api')) {
  await (async () => {
    const t0 = performance.now();
    const sidebar = await generateApi(repo, join(docs, 'api'));
    writeFileSync(join(generated, 'api-sidebar.json'), `${JSON.stringify(sidebar, null, 2)}\n`);
    console.log(`generate: API reference (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  })();
}

if (wants('changelog')) {
  step('changelog', () => writeFileSync(join(docs, 'changelog.md'), changelogMarkdown(repo)));
}

if (wants('results')) {
  step('results', () => {
    const flag = args.includes('--results') ? args[args.indexOf('--results') + 1] : undefined;
    const published = process.env.FFNN_DOCS_PROFILE ? undefined : join(repo, 'published-results');
    const candidates = [flag, process.env.FFNN_RESULTS, published].filter((d): d is string => !!d);
    let dir = candidates.map((d) => resolve(d)).find((d) => existsSync(join(d, 'report.md')) || existsSync(join(d, 'manifest.json'))) ?? null;
    if ((flag || process.env.FFNN_RESULTS) && !dir) throw new Error(`no report.md or manifest.json in ${flag ?? process.env.FFNN_RESULTS}`);
    let source = dir;
    let reason = '';
    let tmp: string | null = null;
    if (!dir) {
      const hasReproduce = hasCommand('reproduce');
      if (args.includes('--no-reproduce')) reason = 'no results directory was found, and `--no-reproduce` was given.';
      else if (!hasReproduce) reason = 'no results directory was found, and this build of the `ffnn` command has no `reproduce` command.';
      else {
        tmp = mkdtempSync(join(tmpdir(), 'ffnn-docs-results-'));
        const profile = process.env.FFNN_DOCS_PROFILE ?? 'quick';
        console.log(`generate: ${published ? 'no results directory' : 'FFNN_DOCS_PROFILE asks for a fresh run'}; running ffnn reproduce --profile ${profile} --out ${tmp} (docs profile ${profile}${process.env.FFNN_DOCS_PROFILE ? ', from FFNN_DOCS_PROFILE' : ', the default; FFNN_DOCS_PROFILE was not set'})`);
        const r = runCli(['reproduce', '--profile', profile, '--out', tmp], true);
        if (r.status !== 0) throw new Error(`ffnn reproduce exited with ${r.status}`);
        dir = tmp;
        source = `ffnn reproduce --profile ${profile} (run by the docs build)`;
      }
    }
    if (dir && !tmp) console.log(`generate: results pages from ${dir} (no ffnn reproduce run, so FFNN_DOCS_PROFILE does not apply)`);
    const out: ResultsOutput = dir ? buildResultsPages(dir, '/results-data') : notGeneratedPage(reason);
    writeResults(out, dir, join(docs, 'results'), join(docs, 'public/results-data'));
    writeFileSync(join(generated, 'results-sidebar.json'), `${JSON.stringify(out.sidebar, null, 2)}\n`);
    writeFileSync(
      join(generated, 'results-status.json'),
      `${JSON.stringify({ generated: dir !== null, source, reason, pages: out.pages.length, figures: out.assets.filter((a) => /\.(svg|png)$/i.test(a)).length }, null, 2)}\n`,
    );
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });
}

const pages = readdirSync(docs, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md') && !/^(node_modules|\.|public|test-output)/.test(f));
console.log(`generate: done; ${pages.length} Markdown pages in the site`);
