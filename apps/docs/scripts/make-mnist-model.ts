/**
 * Regenerates the MNIST model shipped with the playground: 784-100-10, ReLU, Adam η = 1e-3, 5 epochs,
 * trained by the ffnn CLI on the stratified 80/20 split of all 70,000 images (seed 1993).
 * Run after `pnpm build`: `pnpm --filter @ffnn/docs model:mnist`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const docs = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(docs, '../..');
const out = join(docs, 'public/models/mnist-100.json');
// What the CLI measured for this model (test split, timings), shown on the playground page.
const metricsOut = join(docs, 'public/models/mnist-100.metrics.json');
const bin = join(repo, 'apps/cli/dist/bin.js');
const args = [bin, 'train', '--data', 'mnist', '--hidden', '100', '--lr', '0.001', '--epochs', '5', '--save', out, '--json'];

console.log(`node ${args.join(' ')}`);
const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
if (run.status !== 0) process.exit(run.status ?? 1);
const result = JSON.parse(run.stdout) as { rows: unknown; architecture: string; train: unknown; test: unknown; seconds: number; backend: unknown; history: { loss: number[]; metric: number[] } };
const command = `ffnn ${args.slice(1, -3).join(' ')} --save mnist-100.json`;
writeFileSync(
  metricsOut,
  `${JSON.stringify({ command, architecture: result.architecture, rows: result.rows, train: result.train, test: result.test, seconds: result.seconds, backend: result.backend, epochLoss: result.history.loss, epochAccuracy: result.history.metric }, null, 2)}\n`,
);

const bytes = statSync(out).size;
const model = JSON.parse(readFileSync(out, 'utf8')) as { network?: unknown; preprocessing?: { kind?: string } };
if (!model.network || model.preprocessing?.kind !== 'pixels') throw new Error(`${out}: not an MNIST pixel model`);
const LIMIT = 3 * 1024 * 1024;
console.log(`${out}: ${(bytes / 1024 / 1024).toFixed(2)} MB`);
if (bytes > LIMIT) throw new Error(`${out} is ${bytes} bytes, over the ${LIMIT}-byte budget for the site`);
