#!/usr/bin/env node
// `pnpm mutation <package> [<package> …] [-- <stryker options>]`: runs StrykerJS on each package in turn
// (see docs/mutation.md). Options after `--` go to `stryker run`, e.g. `-- --mutate packages/layers/src/init.ts`.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('-'));
const names = firstOption < 0 ? args : args.slice(0, firstOption);
const extra = firstOption < 0 ? [] : args.slice(firstOption).filter((a) => a !== '--');
if (names.length === 0) {
  console.error('usage: pnpm mutation <package>…  (optim, linear-models, datasets, autodiff-check, layers, tensor, cli)');
  process.exit(2);
}
for (const name of names) {
  console.log(`\n── mutation testing: ${name}`);
  const started = Date.now();
  const r = spawnSync(join(root, 'node_modules', '.bin', 'stryker'), ['run', 'stryker.config.mjs', ...extra], {
    cwd: root, stdio: 'inherit', env: { ...process.env, FFNN_MUTATION_PACKAGE: name },
  });
  console.log(`── ${name}: ${((Date.now() - started) / 1000).toFixed(0)} s wall time, report in reports/mutation/${name.replace(':', '-')}/index.html`);
  if (r.status !== 0) process.exit(r.status ?? 1);
}
