#!/usr/bin/env node
// `pnpm mutation <package> [<package> …]`: runs StrykerJS on each package in turn (see docs/mutation.md).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('usage: pnpm mutation <package>…  (optim, linear-models, datasets, autodiff-check, layers, tensor, cli)');
  process.exit(2);
}
for (const name of names) {
  console.log(`\n── mutation testing: ${name}`);
  const started = Date.now();
  const r = spawnSync(join(root, 'node_modules', '.bin', 'stryker'), ['run', 'stryker.config.mjs'], {
    cwd: root, stdio: 'inherit', env: { ...process.env, FFNN_MUTATION_PACKAGE: name },
  });
  console.log(`── ${name}: ${((Date.now() - started) / 1000).toFixed(0)} s wall time, report in reports/mutation/${name}/index.html`);
  if (r.status !== 0) process.exit(r.status ?? 1);
}
