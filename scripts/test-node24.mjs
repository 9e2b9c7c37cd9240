#!/usr/bin/env node
// Runs every package's tests once more on Node 24 (most users run a current LTS; these machines
// have Node 20). The `node@24` npm package ships a real Node 24 binary.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
// `pnpm run` passes its own settings as npm_config_* variables (e.g. verify-deps-before-run), which
// npm does not know and warns about; npx and the tests below get the environment without them.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_config_')));
const node24 = execFileSync('npx', ['-y', '-p', 'node@24', 'node', '-e', 'process.stdout.write(process.execPath)'], { encoding: 'utf8', env }).trim();
const version = execFileSync(node24, ['--version'], { encoding: 'utf8', env }).trim();
if (!version.startsWith('v24.')) {
  console.error(`expected a Node 24 binary, got ${version} at ${node24}`);
  process.exit(1);
}
console.log(`package tests on Node ${version}`);
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
let failed = 0;
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const cwd = join(root, 'packages', dir);
  if (!existsSync(join(cwd, 'package.json'))) continue;
  const { scripts = {} } = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8'));
  if (!scripts.test) continue; // e.g. @ffnn/bench: a benchmark, not tests
  console.log(`\n── @ffnn/${dir} on Node ${version}`);
  const r = spawnSync(node24, [vitest, 'run', '--config', join(root, 'vitest.config.ts')], { cwd, stdio: 'inherit', env });
  if (r.status !== 0) failed++;
}
if (failed) {
  console.error(`\n${failed} package(s) failed on Node ${version}`);
  process.exit(1);
}
console.log(`\nall package tests passed on Node ${version}`);
