// Matrix-product micro-benchmark at the shapes of MNIST 784-300-10, batch 64 (a benchmark, not a
// test): GFLOP/s of the JavaScript backend and of the wasm SIMD backend on 1 and 2 threads, for
// float32 and float64, median of repeats. "copy" rows pass plain typed arrays (copied into wasm
// memory and back on every call); "resident" rows use buffers from backend.allocate (no copies).
// Run with `pnpm bench` (builds first) from packages/tensor.
import os from 'node:os';
import { createWasmBackend, jsBackend } from '../dist/index.js';

const SHAPES = [
  { name: 'forward X·W      64×784 · 784×300', transA: false, transB: false, m: 64, n: 300, k: 784 },
  { name: 'dW = Xᵀ·δ        784×64 · 64×300 ', transA: true, transB: false, m: 784, n: 300, k: 64 },
  { name: 'dX = δ·Wᵀ        64×300 · 300×784', transA: false, transB: true, m: 64, n: 784, k: 300 },
];
const REPEATS = Number(process.env.REPEATS ?? 15);
const MIN_MS = 40;

function fill(a, seed) {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** A timed runner of `backend.gemm` at `shape`: `reps` calls per timing, ≥ MIN_MS each. */
function runner(backend, shape, dtype, resident) {
  const { transA, transB, m, n, k } = shape;
  const make = (len, seed) => {
    const a = resident ? backend.allocate(dtype, len) : dtype === 'float32' ? new Float32Array(len) : new Float64Array(len);
    return fill(a, seed);
  };
  const A = make(m * k, 1), B = make(k * n, 2), C = make(m * n, 3);
  const once = () => backend.gemm(transA, transB, m, n, k, 1, A, B, 0, C);
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) once();
    if (performance.now() - t0 >= MIN_MS) break;
    reps *= 2;
  }
  const rates = [];
  return {
    rates,
    time() {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) once();
      const seconds = (performance.now() - t0) / 1000 / reps;
      rates.push((2 * m * n * k) / seconds / 1e9);
    },
  };
}

/** Median GFLOP/s per column; the columns take turns in every repeat, so load from other processes hits them alike. */
function measure(shape, dtype) {
  const runners = columns.map(([, backend, resident]) => runner(backend, shape, dtype, resident));
  for (let i = 0; i < REPEATS; i++) for (const r of runners) r.time();
  return runners.map((r) => median(r.rates));
}

const wasm1 = await createWasmBackend({ threads: 1 });
const wasm2 = await createWasmBackend({ threads: 2 });
const columns = [
  ['js', jsBackend, false],
  ['wasm 1 thread', wasm1, false],
  ['wasm 2 threads', wasm2, false],
  ['wasm 2 threads, resident', wasm2, true],
];

const rows = [];
for (const dtype of ['float32', 'float64']) {
  for (const shape of SHAPES) {
    const rates = measure(shape, dtype);
    const row = { dtype, shape: shape.name };
    columns.forEach(([label], c) => (row[label] = rates[c]));
    rows.push(row);
  }
}
wasm1.dispose();
wasm2.dispose();

const header = ['dtype', 'product', ...columns.map(([label]) => label)];
console.log(`gemm GFLOP/s, median of ${REPEATS} interleaved repeats (Node ${process.version}, ${os.availableParallelism()} cores, load average ${os.loadavg()[0].toFixed(1)})\n`);
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map(() => '---').join(' | ')} |`);
for (const row of rows) {
  console.log(`| ${row.dtype} | ${row.shape.trim()} | ${columns.map(([label]) => row[label].toFixed(1)).join(' | ')} |`);
}
