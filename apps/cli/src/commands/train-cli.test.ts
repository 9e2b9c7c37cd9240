import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeTrainingState } from '@ffnn/layers';
import { getBackend, jsBackend, setBackend } from '@ffnn/tensor';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { formatNumber } from '../progress.js';
import { runCli, runCliWatching, tempDir } from '../testing.js';
import { VERSION } from '../version.js';
import { type TrainFlags, type TrainResult, reproducingFlags, selectBackend } from './train.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (name: string) => join(dir, name);
/** 40 Runge points: 32 train rows in 4 batches of 8, 8 test rows. */
const args = ['train', '--data', 'runge', '--n', '40', '--hidden', '3', '--batch-size', '8', '--backend', 'js'];

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  setBackend(jsBackend);
});

/** The SIGINT listeners of this process before any test ran (none of ffnn's). */
const outsideListeners = new Set(process.listeners('SIGINT'));

/** What a Ctrl-C does to this process: the SIGINT listeners that ffnn installed run (the others, e.g. a test runner's, are left alone). */
function ctrlC(): void {
  for (const listener of process.listeners('SIGINT')) if (!outsideListeners.has(listener)) (listener as (signal: string) => void)('SIGINT');
}

/** Runs `work` with stdout and stderr looking like a terminal (progress is then a redrawn line). */
async function asTerminal<T>(work: () => Promise<T>): Promise<T> {
  const saved = [process.stdout.isTTY, process.stderr.isTTY];
  process.stdout.isTTY = true;
  process.stderr.isTTY = true;
  try {
    return await work();
  } finally {
    process.stdout.isTTY = saved[0]!;
    process.stderr.isTTY = saved[1]!;
  }
}

/** Date.now() stands still (and moves only when a test says), so ETAs and `seconds` are exact. */
const freezeClock = () => vi.useFakeTimers({ toFake: ['Date'], now: new Date('2025-01-01T00:00:00Z') });

const STOPPING = '\nstopping at the next batch boundary (Ctrl-C again to quit at once)…\n';
const interrupted = (ckpt: string) => `ffnn: interrupted; wrote the checkpoint ${ckpt} — continue with: ffnn train --resume ${ckpt}\n`;
const stateOf = (ckpt: string) => decodeTrainingState(new Uint8Array(readFileSync(ckpt)), ckpt).state;

describe('ffnn train: what a run prints', () => {
  it('--json: the set-up, the network, one progress line per epoch and the metrics on stderr; the result with its wall-clock seconds on stdout', async () => {
    freezeClock();
    // 1.5 s pass during the first epoch's progress line.
    const r = await runCliWatching((text) => {
      if (text.startsWith('train epoch 1/2 ')) vi.setSystemTime(Date.now() + 1500);
    }, ...args, '--epochs', '2', '--json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as TrainResult;
    expect(result.seconds).toBe(1.5);
    const h = result.history;
    const lines = r.stderr.split('\n');
    expect(lines.slice(0, 11)).toEqual([
      `ffnn ${VERSION} · runge: 32 train / 8 test rows · regression`,
      expect.stringMatching(/^target y standardized on the training part \(mean \d\.\d{4}, std \d\.\d{4}\); metrics and predictions are in its own units$/),
      'Sequential (float64, loss mse, λ1 0, λ2 0)',
      '  1. Dense(1→3) relu, init he-normal',
      '  2. Dense(3→1) linear, init xavier-normal',
      '  parameters: 10',
      'optimizer adam (lr 0.001) · batch 8 · 2 epochs · backend js (1 thread)',
      `train epoch 1/2 loss ${formatNumber(h.loss[0]!)} mse ${formatNumber(h.metric[0]!)} ETA 0s`,
      `train epoch 2/2 loss ${formatNumber(h.loss[1]!)} mse ${formatNumber(h.metric[1]!)} ETA 0s`,
      '',
      'training loss (MSE) per epoch',
    ]);
    expect(r.stderr).toContain(`\ntrain mse ${formatNumber(result.train.mse!)} · `);
    expect(r.stderr).toContain(`\ntest  mse ${formatNumber(result.test.mse!)} · `);
    // A completed run on relu units: no early-stopping line, dead units but no saturation line.
    expect(r.stderr).not.toContain('early stopping');
    expect(r.stderr.endsWith(`\nlayer 1 (relu): ${(100 * result.diagnostics[0]!.deadFraction!).toFixed(1)}% dead units\n`)).toBe(true);
    expect(r.stderr).not.toContain('saturated');
  });

  it('a classifier\'s progress lines name its metric acc', async () => {
    freezeClock();
    const r = await runCli('train', '--data', 'mnist', '--subset', '50', '--hidden', 'none', '--epochs', '1', '--batch-size', '20', '--backend', 'js', '--json');
    expect(r.code).toBe(0);
    const h = (JSON.parse(r.stdout) as TrainResult).history;
    expect(r.stderr).toContain(`\ntrain epoch 1/1 loss ${formatNumber(h.loss[0]!)} acc ${formatNumber(h.metric[0]!)} ETA 0s\n`);
  });

  it('without --json stdout holds the log and no JSON result', async () => {
    const r = await runCli(...args, '--epochs', '1');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/\ntest {2}mse [^\n]*\nlayer 1 \(relu\): \d+\.\d% dead units\n$/);
    expect(r.stdout).not.toContain('"history"');
  });

  it('on a terminal the redrawn progress line is ended before the curve, and before the early-stopping line', async () => {
    freezeClock();
    const done = await asTerminal(() => runCli(...args, '--epochs', '2'));
    expect(done.code).toBe(0);
    // The last epoch ends its line itself: one newline, then the curve's blank line.
    expect(done.stdout).toContain('\r\x1b[2Ktrain [########################] epoch 2/2 loss ');
    expect(done.stdout).toContain(' ETA 0s\n\ntraining loss (MSE) per epoch\n');
    const early = await asTerminal(() => runCli(...args, '--epochs', '30', '--early-stopping', '1', '--lr', '0.3', '--json'));
    expect(early.code).toBe(0);
    const h = (JSON.parse(early.stdout) as TrainResult).history;
    expect(h.stopReason).toBe('early-stopping');
    const n = h.loss.length;
    expect(n).toBeLessThan(30);
    // Patience 1: the run stops one epoch after its best, whose weights it restores.
    expect(early.stderr).toContain(` ETA 0s\nearly stopping after epoch ${n}; restored the weights of epoch ${n - 1}\n`);
  });

  it('a run that diverges after its first epoch exits 3 keeping that epoch\'s weights, and prints no JSON without --json', async () => {
    const r = await runCli(...args, '--epochs', '3', '--optimizer', 'sgd', '--lr', '1');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^ffnn: training diverged: the loss reached \S+, above the limit \S+, in epoch 2, batch 1 of 4 \(learning rate 1\); try a lower learning rate; the best weights so far \(epoch 1\) were kept\n$/);
    expect(r.stdout).toMatch(/% dead units\n$/);
    expect(r.stdout).not.toContain('"history"');
  });

  it('--save with a name that is no model format fails before training starts', async () => {
    const r = await runCli(...args, '--epochs', '1', '--save', path('m.onnx'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`ffnn: --save ${path('m.onnx')}: a model file name must end in .json (plain JSON) or .ffnn / .safetensors (binary safetensors layout); for ONNX, save a model and run \`ffnn export <model> --format onnx\`\n`);
  });
});

describe('ffnn train: Ctrl-C and --resume', () => {
  it('Ctrl-C in an epoch stops at the next batch, writes <save>.ckpt and exits 130; --resume continues at that batch to the uninterrupted result', async () => {
    const save = path('ctrl-c.json');
    const ckpt = `${save}.ckpt`;
    let sent = false;
    const r = await asTerminal(() =>
      runCliWatching((text) => {
        if (!sent && text.includes('train epoch 1/2 batch 1/4 ')) {
          sent = true;
          ctrlC();
        }
      }, ...args, '--epochs', '2', '--save', save),
    );
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toBe(STOPPING + interrupted(ckpt));
    // The handler is removed when training ends.
    expect(process.listeners('SIGINT').filter((l) => !outsideListeners.has(l))).toEqual([]);
    expect(existsSync(save)).toBe(false);
    expect(stateOf(ckpt)).toMatchObject({ epoch: 0, batch: 1 });

    const resumed = await runCli('train', '--resume', ckpt, '--json');
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`\nresuming from ${ckpt} at epoch 1, batch 2\n`);
    const whole = await runCli(...args, '--epochs', '2', '--json', '--quiet');
    expect((JSON.parse(resumed.stdout) as TrainResult).test).toEqual((JSON.parse(whole.stdout) as TrainResult).test);
    expect(existsSync(save)).toBe(true);
  });

  it('Ctrl-C at an epoch\'s end; --resume of a copy continues after that epoch, writes later checkpoints to the run\'s --checkpoint and takes new output flags', async () => {
    const first = path('first.ckpt');
    const copy = path('copy.ckpt');
    const save = path('resumed.json');
    let sent = false;
    const r = await runCliWatching((text) => {
      if (!sent && text.startsWith('train epoch 1/2 ')) {
        sent = true;
        ctrlC();
      }
    }, ...args, '--epochs', '2', '--checkpoint', first);
    expect(r.code).toBe(130);
    expect(r.stderr).toBe(STOPPING + interrupted(first));
    expect(stateOf(first)).toMatchObject({ epoch: 1, batch: 0 });
    copyFileSync(first, copy);
    rmSync(first);

    const resumed = await runCli('train', '--resume', copy, '--checkpoint-every', '1', '--json', '--save', save);
    expect(resumed.code).toBe(0);
    const result = JSON.parse(resumed.stdout) as TrainResult;
    expect(result.savedTo).toBe(save);
    expect(existsSync(save)).toBe(true);
    expect(resumed.stderr).toContain(`\nresuming from ${copy} at epoch 2\n`);
    // Only the second epoch is trained.
    expect(resumed.stderr.split('\n').filter((l) => l.startsWith('train epoch'))).toEqual([expect.stringMatching(/^train epoch 2\/2 loss /)]);
    expect(existsSync(first)).toBe(true);
    expect(stateOf(first)).toMatchObject({ epoch: 2, batch: 0 });
    expect(stateOf(copy)).toMatchObject({ epoch: 1, batch: 0 });
    const whole = await runCli(...args, '--epochs', '2', '--json', '--quiet');
    expect(result.test).toEqual((JSON.parse(whole.stdout) as TrainResult).test);
  });

  it('a second Ctrl-C quits at once with exit code 130', async () => {
    const exits: unknown[] = [];
    vi.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      exits.push(code);
    }) as never);
    let afterFirst: unknown[] | undefined;
    const r = await runCliWatching((text) => {
      if (afterFirst === undefined && text.startsWith('train epoch 1/2 ')) {
        ctrlC();
        afterFirst = [...exits];
        ctrlC();
      }
    }, ...args, '--epochs', '2', '--checkpoint', path('twice.ckpt'));
    expect(afterFirst).toEqual([]);
    expect(exits).toEqual([130]);
    expect(r.code).toBe(130);
  });

  it('without --save or --checkpoint the checkpoint is ffnn-train.ckpt in the working directory', async () => {
    // The run writes ./ffnn-train.ckpt (the default has no directory): in a directory of its own where
    // the process may change directory (not in a worker thread, as under Stryker); elsewhere it refuses
    // to overwrite a file of that name, and removes the one it wrote.
    const cwd = process.cwd();
    const own = tempDir();
    try {
      process.chdir(own);
    } catch {
      expect(existsSync('ffnn-train.ckpt'), 'a file ./ffnn-train.ckpt is in the way').toBe(false);
    }
    try {
      let sent = false;
      const r = await runCliWatching((text) => {
        if (!sent && text.startsWith('train epoch 1/2 ')) {
          sent = true;
          ctrlC();
        }
      }, ...args, '--epochs', '2');
      expect(r.code).toBe(130);
      expect(r.stderr).toBe(STOPPING + interrupted('ffnn-train.ckpt'));
    } finally {
      rmSync('ffnn-train.ckpt', { force: true });
      process.chdir(cwd);
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('a checkpoint that does not exist or is not one fails with exit 1 naming the file', async () => {
    const missing = await runCli('train', '--resume', path('missing.ckpt'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`ffnn: ${path('missing.ckpt')}: no such file\n`);
    const bogus = join(dir, 'bogus.ckpt');
    writeFileSync(bogus, 'hello');
    const saved = process.env.FFNN_DEBUG;
    process.env.FFNN_DEBUG = '1';
    try {
      const r = await runCli('train', '--resume', bogus);
      expect(r.code).toBe(1);
      // A file problem of the command line (CliFailure), not the decoder's own error.
      expect(r.stderr.split('\n')[1]).toMatch(new RegExp(`^CliFailure: ${bogus.replace(/[.]/g, '\\.')}: `));
    } finally {
      if (saved === undefined) delete process.env.FFNN_DEBUG;
      else process.env.FFNN_DEBUG = saved;
    }
  });
});

describe('ffnn train: backends', () => {
  it('--backend wasm computes with the wasm kernels although FFNN_BACKEND says js', async () => {
    const saved = process.env.FFNN_BACKEND;
    process.env.FFNN_BACKEND = 'js';
    const r = await runCli('train', '--data', 'runge', '--n', '40', '--hidden', '3', '--epochs', '1', '--backend', 'wasm', '--threads', '1', '--json', '--quiet');
    expect(r.code).toBe(0);
    const { backend } = JSON.parse(r.stdout) as TrainResult;
    expect(backend.name).not.toBe('js');
    expect(backend.threads).toBe(1);
    if (saved === undefined) delete process.env.FFNN_BACKEND;
    else process.env.FFNN_BACKEND = saved;
    setBackend(jsBackend);
  });

  it('an empty FFNN_THREADS means the default thread count, as an unset one does', async () => {
    const saved = { backend: process.env.FFNN_BACKEND, threads: process.env.FFNN_THREADS };
    try {
      process.env.FFNN_BACKEND = 'wasm';
      delete process.env.FFNN_THREADS;
      await selectBackend();
      const unset = getBackend().threads;
      process.env.FFNN_THREADS = '';
      await selectBackend();
      expect(getBackend().threads).toBe(unset);
      process.env.FFNN_THREADS = '1';
      await selectBackend();
      expect(getBackend().threads).toBe(1);
    } finally {
      setBackend(jsBackend);
      for (const [k, v] of [['FFNN_BACKEND', saved.backend], ['FFNN_THREADS', saved.threads]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

describe('reproducingFlags', () => {
  it('leaves out flags whose value is undefined', () => {
    const kept = reproducingFlags({ data: 'runge', lr: undefined, epochs: 3 } as unknown as TrainFlags);
    expect(Object.keys(kept)).toEqual(['data', 'epochs']);
  });
});
