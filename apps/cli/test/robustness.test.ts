import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNetwork } from '@ffnn/layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = new URL('../dist/bin.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ffnn-robust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ffnn(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir, timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const weightsOf = (file: string) => decodeNetwork(new Uint8Array(readFileSync(join(dir, file))), file).network.parameters().map((p) => Array.from(p.data));

// A run long enough to be interrupted (a few seconds), identical flags for every variant.
const RUN = ['train', '--data', 'runge', '--n', '4000', '--hidden', '64,64', '--epochs', '24', '--lr', '0.003', '--dropout', '0.05', '--quiet'];

describe('kill, interrupt and resume', () => {
  it('a run killed with SIGKILL and resumed from its last checkpoint ends bit-identical to an uninterrupted run', async () => {
    expect(ffnn(...RUN, '--save', 'reference.ffnn').code).toBe(0);
    const child = spawn(process.execPath, [bin, ...RUN, '--checkpoint', 'run.ckpt', '--checkpoint-every', '2', '--save', 'killed.ffnn'], { cwd: dir, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal === 'SIGKILL' ? -9 : code)));
    const started = Date.now();
    while (!existsSync(join(dir, 'run.ckpt')) && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 150)); // somewhere past the first checkpoint, mid-epoch
    child.kill('SIGKILL');
    expect(await exited).toBe(-9);
    expect(existsSync(join(dir, 'killed.ffnn'))).toBe(false);
    const resumed = ffnn('train', '--resume', 'run.ckpt', '--save', 'resumed.ffnn');
    expect(resumed.code).toBe(0);
    expect(weightsOf('resumed.ffnn')).toEqual(weightsOf('reference.ffnn'));
  }, 300_000);

  it('Ctrl-C stops at a batch boundary, writes a checkpoint, exits 130, and the resumed run is bit-identical', async () => {
    const child = spawn(process.execPath, [bin, ...RUN.filter((a) => a !== '--quiet'), '--save', 'interrupted.ffnn'], { cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const started = Date.now();
    while (!/epoch [3-9]\//.test(stdout) && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/interrupted; wrote the checkpoint interrupted\.ffnn\.ckpt — continue with: ffnn train --resume interrupted\.ffnn\.ckpt/);
    const resumed = ffnn('train', '--resume', 'interrupted.ffnn.ckpt');
    expect(resumed.code).toBe(0);
    expect(weightsOf('interrupted.ffnn')).toEqual(weightsOf('reference.ffnn'));
  }, 300_000);
});

describe('divergence and bad files', () => {
  it('a diverging run stops in the batch where it happens, keeps the best weights and exits 3', () => {
    const r = ffnn('train', '--data', 'runge', '--n', '300', '--optimizer', 'sgd', '--lr', '1e6', '--epochs', '5', '--save', 'diverged.ffnn');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/ffnn: training diverged: .* in epoch \d+, batch \d+ of \d+ \(learning rate 1000000\); try a lower learning rate/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(weightsOf('diverged.ffnn').flat().every(Number.isFinite)).toBe(true);
  });

  it('a truncated binary model is refused with a clear message', () => {
    expect(ffnn('train', '--n', '100', '--hidden', '4', '--epochs', '1', '--quiet', '--save', 'small.ffnn').code).toBe(0);
    const bytes = readFileSync(join(dir, 'small.ffnn'));
    writeFileSync(join(dir, 'truncated.ffnn'), bytes.subarray(0, bytes.length - 10));
    const r = ffnn('evaluate', 'truncated.ffnn');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ffnn: truncated\.ffnn: .*truncated\?/);
    const both = ffnn('evaluate', 'small.ffnn', '--data', 'runge', '--n', '50', '--json');
    expect(both.code).toBe(0);
  });
});

describe('models from strangers', () => {
  beforeAll(() => {
    expect(ffnn('train', '--n', '100', '--hidden', '6', '--epochs', '1', '--quiet', '--save', 'stranger.json').code).toBe(0);
  });
  type Model = { network: { layers: { units: number; W: number[]; b: number[] }[] } };
  const craft = (name: string, edit: (model: Model) => void) => {
    const model = JSON.parse(readFileSync(join(dir, 'stranger.json'), 'utf8')) as Model;
    edit(model);
    writeFileSync(join(dir, name), JSON.stringify(model));
  };

  it('a width the file does not hold is refused before anything is allocated, naming the layer and both numbers', () => {
    craft('wide.json', (m) => (m.network.layers[0]!.units = 100_000_000));
    for (const command of ['evaluate', 'predict']) {
      const r = ffnn(command, 'wide.json', '--data', 'runge');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('ffnn: wide.json: layer 1 Dense(1→100000000): W needs 1 × 100000000 = 100000000 numbers, the file holds 6\n');
    }
    // The features the file lists against the inputs its network declares, before the network is built.
    craft('inputs.json', (m) => ((m.network as unknown as { inputSize: number }).inputSize = 3));
    const r = ffnn('evaluate', 'inputs.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('ffnn: inputs.json: the network takes 3 inputs but the file lists 1 features\n');
  });

  it('weights that load but overflow: evaluate and predict say the outputs are not finite, exit 1, write nothing', () => {
    craft('huge.json', (m) => m.network.layers.forEach((l) => (l.W.fill(1e308), l.b.fill(1e308))));
    for (const command of ['evaluate', 'predict']) {
      const r = ffnn(command, 'huge.json', '--data', 'runge', ...(command === 'predict' ? ['--out', 'huge.csv'] : []));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^ffnn: huge\.json: the model's outputs are not finite: its weights may be corrupt or too large \(row 1, output 1 is -?Infinity\)\n$/);
    }
    expect(existsSync(join(dir, 'huge.csv'))).toBe(false);
  });
});
