#!/usr/bin/env node
// What a user gets from `npm i -g @ffnn/cli`: packs the CLI and the @ffnn libraries it depends on
// (`pnpm pack` turns `workspace:^` into versions), points the @ffnn dependencies at those tarballs
// (they are not on the registry from here), installs the CLI globally into an empty prefix with npm,
// and runs the installed `ffnn` from an empty directory: --version, a short training run with a saved
// model, and predictions from it. Run after `pnpm build`; CI runs it (`.ci/run`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'ffnn-cli-install-'));
const started = Date.now();
// pnpm passes its own settings as npm_config_* variables, which npm warns about.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_config_')));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const step = (text) => console.log(`check-cli-install: ${text} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

const dirs = { '@ffnn/cli': 'apps/cli' };
for (const d of readdirSync(join(root, 'packages'))) {
  const pkg = JSON.parse(readFileSync(join(root, 'packages', d, 'package.json'), 'utf8'));
  if (!pkg.private) dirs[pkg.name] = join('packages', d);
}

// 1. Pack each package, unpack it, point its @ffnn dependencies at the other tarballs, pack it again.
const packed = join(work, 'packed');
mkdirSync(packed);
const tarball = {};
for (const [name, dir] of Object.entries(dirs)) {
  const out = run('pnpm', ['pack', '--pack-destination', packed], join(root, dir)).trim().split('\n').at(-1);
  tarball[name] = out.startsWith('/') ? out : join(packed, out);
}
const final = join(work, 'final');
mkdirSync(final);
for (const [name, file] of Object.entries(tarball)) {
  const unpacked = join(work, 'unpacked', name.replace('/', '-'));
  mkdirSync(unpacked, { recursive: true });
  run('tar', ['-xzf', file, '-C', unpacked]);
  const manifestPath = join(unpacked, 'package', 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  for (const field of ['dependencies', 'peerDependencies']) {
    for (const dep of Object.keys(manifest[field] ?? {})) {
      if (!(dep in dirs)) continue;
      if (field === 'dependencies' && manifest[field][dep].startsWith('workspace:')) throw new Error(`${name}: ${dep} is still ${manifest[field][dep]} in the packed package.json`);
      manifest[field][dep] = `file:${join(final, `${dep.replace('@', '').replace('/', '-')}.tgz`)}`;
    }
  }
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  run('tar', ['-czf', join(final, `${name.replace('@', '').replace('/', '-')}.tgz`), '-C', unpacked, 'package']);
}
step(`packed ${Object.keys(dirs).join(', ')}`);

// 2. npm i -g of the CLI tarball into an empty prefix.
const prefix = join(work, 'global');
run('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', join(final, 'ffnn-cli.tgz')], work);
step('npm i -g of the CLI tarball');

// 3. The installed command, from an empty directory.
const ffnn = join(prefix, 'bin', 'ffnn');
const user = join(work, 'user');
mkdirSync(user);
const version = run(ffnn, ['--version'], user).trim();
const expected = JSON.parse(readFileSync(join(root, 'apps/cli/package.json'), 'utf8')).version;
if (version !== expected) throw new Error(`ffnn --version printed ${JSON.stringify(version)}, expected ${expected}`);
const trained = run(ffnn, ['train', '--n', '200', '--hidden', '8', '--epochs', '3', '--quiet', '--save', 'model.json'], user);
if (!/^test +mse \d/m.test(trained) || !/saved the model to model\.json/.test(trained)) throw new Error(`ffnn train printed:\n${trained}`);
writeFileSync(join(user, 'new.csv'), 'id,x\na,0.1\nb,-0.5\n');
run(ffnn, ['predict', 'model.json', '--data', 'new.csv', '--out', 'pred.csv'], user);
const lines = readFileSync(join(user, 'pred.csv'), 'utf8').trim().split('\n');
if (lines[0] !== 'row,y_predicted' || lines.length !== 3) throw new Error(`unexpected predictions:\n${lines.join('\n')}`);
step(`the installed ffnn ${version} trains, saves and predicts from an empty directory`);
rmSync(work, { recursive: true, force: true });
