// One measurement of ffnn in this process, printed as one JSON line. run.mjs starts it in a child
// process so that peak RSS is the run's own and every run starts cold alike.
//
//   node src/ours.mjs mnist <backend> [epochs]   MNIST 784-300-10 f32: seconds per epoch, held-out accuracy
//   node src/ours.mjs runge <backend> [epochs]   Runge 1-50-50-1 f64: seconds, test MSE (runge32: float32)
//   node src/ours.mjs runge32:<activation> …      the same with another hidden activation (sigmoid, tanh, …)
//   node src/ours.mjs gemm  <backend>            matrix-product GFLOP/s at the MNIST batch-64 shapes (f32)
//
// <backend> is js, wasm-<threads> or wasm (all cores).
//
// Training runs also report `steps` (optimizer steps taken) and `replays` (how many of them the
// backend ran in one call, read from the wasm backend's public counter, see `counter` below).
// run.mjs also runs this file against other commits (`--against`), so it reads only public API.
import { gatherPixels, mnistStratifiedSplit, runge, trainTestSplit } from '@ffnn/datasets';
import { loadMnist } from '@ffnn/datasets/node';
import { Sequential } from '@ffnn/layers';
import { Matrix, allocateMatrix, createWasmBackend, gemm, jsBackend, setBackend } from '@ffnn/tensor';

const [taskArg, which = 'wasm', epochsArg] = process.argv.slice(2);
const [task, activation = 'relu'] = taskArg.split(':');

async function install(spec) {
  if (spec === 'js') return jsBackend;
  const threads = spec === 'wasm' ? undefined : Number(spec.replace(/^wasm-/, ''));
  return createWasmBackend(threads === undefined ? {} : { threads });
}

const backend = await install(which);
setBackend(backend);
const label = { backend: backend.name, threads: backend.threads };

/**
 * How many training steps the backend has run in one call: the capture/replay counter `replays`, or
 * on commits from before it `programSteps` (the recorded dense-step programs); undefined where the
 * backend keeps neither (the JavaScript backend runs every kernel separately).
 */
const counter = ['replays', 'programSteps'].find((k) => typeof backend[k] === 'number');
const replays = () => (counter === undefined ? undefined : backend[counter]);

/** Runs `fit`; returns seconds, optimizer steps and (where counted) how many steps were one replay. */
function timedFit(net, X, y, options, rows) {
  const before = replays();
  const t0 = performance.now();
  net.fit(X, y, options);
  const sec = (performance.now() - t0) / 1000;
  const after = replays();
  const steps = options.epochs * Math.ceil(rows / options.batchSize);
  return { sec, steps, replays: before === undefined || after === undefined ? undefined : after - before };
}

function mnist(epochs) {
  const data = loadMnist(process.env.MNIST_DIR ? { dir: process.env.MNIST_DIR } : {});
  // 70,000 images pooled, stratified 80/20: 56,000 training rows, 14,000 held out.
  const split = mnistStratifiedSplit(data, { testFraction: 0.2, seed: 1993 });
  const pixels = split.rows * split.cols;
  const source = (set) => ({ rows: set.n, cols: pixels, gather: (index, start, out) => gatherPixels(set.images, index, start, out) });
  const net = Sequential.mlp({ inputSize: pixels, hidden: [300], outputSize: 10, loss: 'cross-entropy', dtype: 'float32', seed: 1993 });
  const fit = timedFit(net, source(split.train), split.train.labels, { optimizer: 'adam', lr: 1e-3, epochs, batchSize: 64, seed: 1993 }, split.train.n);
  const held = net.evaluate(source(split.test), split.test.labels);
  return { rows: split.train.n, sec_per_epoch: fit.sec / epochs, acc: held.metric, steps: fit.steps, replays: fit.replays };
}

function rungeTask(epochs, dtype) {
  // n = 1000, σ = 0.05, 80/20 split, x standardised with the training mean and deviation (as the peers).
  const { x, y } = runge({ n: 1000, sigma: 0.05, seed: 1993 });
  const { train, test } = trainTestSplit(1000, { testFraction: 0.2, seed: 1993 });
  let mean = 0;
  for (const i of train) mean += x.data[i];
  mean /= train.length;
  let sq = 0;
  for (const i of train) sq += (x.data[i] - mean) ** 2;
  const sd = Math.sqrt(sq / train.length);
  const Float = dtype === 'float32' ? Float32Array : Float64Array;
  const part = (rows) => ({
    X: new Matrix(rows.length, 1, Float.from(rows, (i) => (x.data[i] - mean) / sd)),
    y: new Matrix(rows.length, 1, Float.from(rows, (i) => y.data[i])),
  });
  const tr = part(train), te = part(test);
  const net = Sequential.mlp({ inputSize: 1, hidden: [50, 50], activation, outputSize: 1, loss: 'mse', dtype, seed: 1993 });
  // A commit measured with --against might not know the option; measure only what was asked for.
  const built = net.layers.slice(0, -1).map((layer) => layer.activation.name);
  if (built.some((name) => name !== activation)) throw new Error(`asked for ${activation} hidden layers, the network has ${built.join(', ')}`);
  const fit = timedFit(net, tr.X, tr.y, { optimizer: 'adam', lr: 1e-2, epochs, batchSize: 64, seed: 1993 }, train.length);
  return { rows: train.length, activation, sec: fit.sec, test_mse: net.evaluate(te.X, te.y).metric, steps: fit.steps, replays: fit.replays };
}

function gemmRates() {
  // The three products of one MNIST step's first layer (batch 64), on buffers where the backend
  // reads them (as the network allocates them); GFLOP/s = 2·m·n·k / time, median of 9.
  const shapes = [
    { name: 'X·W 64×784·784×300', transA: false, transB: false, m: 64, n: 300, k: 784 },
    { name: 'Xᵀ·δ 784×64·64×300', transA: true, transB: false, m: 784, n: 300, k: 64 },
    { name: 'δ·Wᵀ 64×300·300×784', transA: false, transB: true, m: 64, n: 784, k: 300 },
  ];
  const out = {};
  for (const s of shapes) {
    const A = allocateMatrix(s.transA ? s.k : s.m, s.transA ? s.m : s.k, 'float32');
    const B = allocateMatrix(s.transB ? s.n : s.k, s.transB ? s.k : s.n, 'float32');
    const C = allocateMatrix(s.m, s.n, 'float32');
    for (const M of [A, B]) for (let t = 0; t < M.size; t++) M.data[t] = Math.sin(t) * 0.5;
    const once = () => gemm(1, A, B, 0, C, { transA: s.transA, transB: s.transB });
    let reps = 1;
    for (;;) {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) once();
      if (performance.now() - t0 >= 50) break;
      reps *= 2;
    }
    const rates = [];
    for (let r = 0; r < 9; r++) {
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) once();
      rates.push((2 * s.m * s.n * s.k) / ((performance.now() - t0) / 1000 / reps) / 1e9);
    }
    rates.sort((a, b) => a - b);
    out[s.name] = rates[4];
  }
  return { gflops: out };
}

const epochs = Number(epochsArg ?? (task.startsWith('runge') ? 500 : 1));
const result =
  task === 'mnist' ? mnist(epochs) : task === 'runge' ? rungeTask(epochs, 'float64') : task === 'runge32' ? rungeTask(epochs, 'float32') : gemmRates();
console.log(JSON.stringify({ ...label, ...result, max_rss_mb: process.resourceUsage().maxRSS / 1024 }));
backend.dispose?.();
