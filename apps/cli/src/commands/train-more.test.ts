import { rmSync } from 'node:fs';
import { runge } from '@ffnn/datasets';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { OptionValue } from '../sweep/spec.js';
import { runCli, tempDir } from '../testing.js';
import { trialFlags } from '../train-options.js';
import { trialConfigOf } from '../train-options.js';
import { prepareData as prepareTrial } from '../trial.js';
import { type TrainFlags, type TrainResult, train } from './train.js';

/** The data of `ffnn train` with these flags (as the command prepares it). */
const prepareData = (f: TrainFlags) => prepareTrial(trialConfigOf(f));

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const flags = (config: Record<string, OptionValue>): TrainFlags => trialFlags(config);
const small = { data: 'runge', n: 50, hidden: '4', epochs: 3, batchSize: 16, seed: 5 } as const;

/** Runs `train` and returns what it wrote to stdout. */
async function logOf(f: TrainFlags): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await train(f);
    return out;
  } finally {
    spy.mockRestore();
  }
}

describe('train: options that reach the data and the fit', () => {
  it('--schedule sets the learning rate of each epoch', async () => {
    const r = await train(flags({ ...small, lr: 0.1, schedule: 'step:1:0.5' }), undefined, { silent: true });
    expect(r.history.lr).toEqual([0.1, 0.05, 0.025]);
    const constant = await train(flags({ ...small, lr: 0.1 }), undefined, { silent: true });
    expect(constant.history.lr).toEqual([0.1, 0.1, 0.1]);
  });

  it('--noise 0 gives the clean function as the target; flags without features read raw columns', () => {
    const p = prepareData(flags({ ...small, noise: 0 }));
    expect(Array.from(p.data.target)).toEqual(Array.from(p.data.clean!));
    const noisy = prepareData(flags({ ...small }));
    expect(Array.from(noisy.data.target)).toEqual(Array.from(runge({ n: 50, sigma: 0.05, seed: 5 }).y.data));
    const { features: _features, ...withoutFeatures } = flags({ ...small });
    expect(prepareData(withoutFeatures as TrainFlags).features).toEqual({ kind: 'raw' });
  });

  it('--subset of generated data keeps each kept row\'s clean value', () => {
    const p = prepareData(flags({ ...small, subset: 20 }));
    const all = runge({ n: 50, sigma: 0.05, seed: 5 });
    expect(p.data.n).toBe(20);
    const xs = Array.from(all.x.data);
    for (let r = 0; r < 20; r++) {
      const i = xs.indexOf(p.data.X!.get(r, 0));
      expect(p.data.clean![r]).toBe(all.f.data[i]);
      expect(p.data.target[r]).toBe(all.y.data[i]);
    }
  });

  it('reports saturated units of tanh layers and dead units of relu layers', async () => {
    const r = await train(flags({ ...small, activation: 'tanh' }), undefined, { silent: true });
    const d = r.diagnostics[0]!;
    const log = await logOf(flags({ ...small, activation: 'tanh' }));
    expect(log).toContain(`layer 1 (tanh): ${(100 * d.saturatedFraction!).toFixed(1)}% saturated units\n`);
    expect(log).not.toContain('dead units');
    const relu = await train(flags({ ...small }), undefined, { silent: true });
    expect(await logOf(flags({ ...small }))).toContain(`layer 1 (relu): ${(100 * relu.diagnostics[0]!.deadFraction!).toFixed(1)}% dead units\n`);
  });

  it('MNIST: pixels are gathered per batch from the subset\'s images', async () => {
    const r = await train(flags({ data: 'mnist', subset: 100, hidden: 'none', epochs: 1, batchSize: 50, seed: 3 }), undefined, { silent: true });
    expect(r.rows).toEqual({ train: 80, test: 20 });
    expect(r.architecture).toBe('784-10');
    expect(r.test.accuracy).toBeGreaterThanOrEqual(0);
    expect(r.history.stopReason).toBe('completed');
    const p = prepareData(flags({ data: 'mnist', subset: 100, seed: 3 }));
    expect(p.data.images!.length).toBe(100 * 784);
    expect(p.pre).toEqual({ kind: 'pixels', divisor: 255 });
  });
});

describe('train on the command line: divergence and resumption', () => {
  const args = ['train', '--data', 'runge', '--n', '40', '--hidden', '3', '--batch-size', '8', '--backend', 'js'];

  it('a diverged run with --json still prints its result, then exits 3 naming the kept weights', async () => {
    const r = await runCli(...args, '--epochs', '3', '--optimizer', 'sgd', '--lr', '1e6', '--no-standardize-target', '--json', '--quiet');
    expect(r.code).toBe(3);
    const result = JSON.parse(r.stdout) as TrainResult;
    expect(result.history.stopReason).toBe('diverged');
    const kept = result.history.bestEpoch >= 0 ? `the best weights so far (epoch ${result.history.bestEpoch + 1}) were kept` : 'no epoch finished, so the initial weights were kept';
    expect(r.stderr).toBe(`ffnn: ${result.history.divergence!.message}; ${kept}\n`);
  });

  it('resuming logs where it continues', async () => {
    const ckpt = `${dir}/resume.ckpt`;
    expect((await runCli(...args, '--epochs', '2', '--checkpoint', ckpt, '--checkpoint-every', '1')).code).toBe(0);
    const r = await runCli('train', '--resume', ckpt);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`resuming from ${ckpt} at epoch 3\n`);
  });
});
