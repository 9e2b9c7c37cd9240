import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = new URL('../dist/bin.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ffnn-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `ffnn` as a user would: a child process, no TTY (`env` adds to the environment). */
function ffnnWith(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir, timeout: 120_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ffnn(...args: string[]) {
  return ffnnWith({}, ...args);
}

function expectNoStackTrace(text: string) {
  expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

describe('ffnn train / evaluate / predict', () => {
  it('trains on Runge data and reports JSON with train and test metrics', () => {
    const r = ffnn('train', '--data', 'runge', '--n', '300', '--hidden', '16,16', '--lr', '0.01', '--epochs', '20', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { task: string; rows: { train: number; test: number }; test: { mse: number; mse_clean: number }; history: { loss: number[] } };
    expect(out.task).toBe('regression');
    expect(out.rows).toEqual({ train: 240, test: 60 });
    expect(out.history.loss).toHaveLength(20);
    expect(out.test.mse).toBeGreaterThan(0);
    expect(out.test.mse_clean).toBeLessThan(out.test.mse);
    expect(r.stderr).toMatch(/epoch 20\/20/);
  });

  it('is deterministic: the same seed gives the same metrics', () => {
    const a = ffnn('train', '--n', '200', '--hidden', '8', '--epochs', '5', '--json', '--quiet');
    const b = ffnn('train', '--n', '200', '--hidden', '8', '--epochs', '5', '--json', '--quiet');
    const pick = (s: string) => (JSON.parse(s) as { test: unknown; history: { loss: unknown } }).history.loss;
    expect(pick(a.stdout)).toEqual(pick(b.stdout));
  });

  it('saves a CSV classifier with its preprocessing, then evaluates and predicts on new rows', () => {
    const rows = ['x1,x2,label'];
    for (let i = 0; i < 300; i++) {
      const c = i % 3;
      rows.push(`${1000 + 300 * c + (i % 7) * 10},${-5 + 4 * c + (i % 5) * 0.3},${c * 10}`);
    }
    writeFileSync(join(dir, 'blobs.csv'), `${rows.join('\n')}\n`);
    const t = ffnn('train', '--data', 'blobs.csv', '--target', 'label', '--hidden', '16', '--lr', '0.01', '--epochs', '30', '--save', 'model.json');
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/classification/);
    const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { classes: number[]; preprocessing: { kind: string } };
    expect(model.classes).toEqual([0, 10, 20]);
    expect(model.preprocessing.kind).toBe('standard');
    const e = ffnn('evaluate', 'model.json', '--data', 'blobs.csv', '--json');
    expect(e.code).toBe(0);
    const ev = JSON.parse(e.stdout) as { accuracy: number; confusionMatrix: number[][] };
    expect(ev.accuracy).toBeGreaterThan(0.9);
    expect(ev.confusionMatrix.flat().reduce((s, v) => s + v, 0)).toBe(300);
    const p = ffnn('predict', 'model.json', '--data', 'blobs.csv', '--out', 'pred.csv');
    expect(p.code).toBe(0);
    const lines = readFileSync(join(dir, 'pred.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,prediction,p_0,p_10,p_20');
    expect(lines.slice(1, 4).map((l) => l.split(',')[0])).toEqual(['1', '2', '3']);
    expect(lines).toHaveLength(301);
  });

  it('trains on polynomial features (--features poly:4), saves them in the model and computes them again to evaluate', () => {
    const t = ffnn('train', '--n', '200', '--features', 'poly:4', '--hidden', '8', '--lr', '0.01', '--epochs', '5', '--test-curves', '--save', 'poly.json', '--json', '--quiet');
    expect(t.code).toBe(0);
    const out = JSON.parse(t.stdout) as { architecture: string; test: { mse: number }; history: { valLoss: number[] } };
    expect(out.architecture).toBe('5-8-1');
    // --test-curves: the test MSE after every epoch, the last one the reported test MSE.
    expect(out.history.valLoss).toHaveLength(5);
    expect(out.history.valLoss.at(-1)).toBeCloseTo(out.test.mse, 12);
    const model = JSON.parse(readFileSync(join(dir, 'poly.json'), 'utf8')) as { featureNames: string[]; features: string; preprocessing: { scaler: { mean: number[] } } };
    expect(model.featureNames).toEqual(['x']);
    expect(model.features).toBe('poly:4');
    expect(model.preprocessing.scaler.mean).toHaveLength(5);
    const e = ffnn('evaluate', 'poly.json', '--n', '200', '--json');
    expect(e.code).toBe(0);
    expect((JSON.parse(e.stdout) as { rows: number }).rows).toBe(200);
  });

  it('subsets the parts after the split (--train-rows, --test-rows) and records singular values (--spectral)', () => {
    const r = ffnn('train', '--n', '500', '--hidden', '6', '--epochs', '3', '--train-rows', '150', '--test-rows', '40', '--spectral', '--json', '--quiet');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { rows: { train: number; test: number }; spectral: { epoch: number; layer: string; sigmaW: number; sigmaUpdate: number | null }[] };
    expect(out.rows).toEqual({ train: 150, test: 40 });
    // Epochs 0 (initial weights) to 3, two weight matrices each.
    expect(out.spectral.map((s) => `${s.epoch}${s.layer}`)).toEqual(['0W1', '0W2', '1W1', '1W2', '2W1', '2W2', '3W1', '3W2']);
    expect(out.spectral[0]!.sigmaUpdate).toBeNull();
    expect(out.spectral.every((s) => s.sigmaW > 0)).toBe(true);
  });

  it('runs the gradient checks and passes', () => {
    const r = ffnn('gradcheck');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/worst relative error/);
    expect(r.stdout).not.toMatch(/✗/);
  });

  it('reproduce computes with the kernels FFNN_BACKEND names, like every other command', () => {
    const r = ffnnWith({ FFNN_BACKEND: 'js' }, 'reproduce', 'a', '--profile', 'test', '--out', 'study-js', '--no-png');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/backend js \(1 thread\)/);
    const manifest = JSON.parse(readFileSync(join(dir, 'study-js', 'manifest.json'), 'utf8')) as { backend: { name: string; threads: number } };
    expect(manifest.backend).toEqual({ name: 'js', threads: 1 });
  });
});

describe('ffnn errors: one line, the right exit code, no stack trace', () => {
  it('unknown flag → exit 2 naming it', () => {
    const r = ffnn('train', '--epoch', '5');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--epoch'/);
    expect(r.stderr).toMatch(/--epochs/);
    expectNoStackTrace(r.stderr);
  });
  it('invalid choice → exit 2 listing the valid ones', () => {
    const r = ffnn('train', '--activation', 'swish');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'swish' is invalid/);
    expect(r.stderr).toMatch(/sigmoid, relu, leaky-relu, tanh, gelu/);
  });
  it('bad numbers → exit 2 naming the flag and value', () => {
    const r = ffnn('train', '--lr', '-1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--lr must be a positive number; got "-1"/);
    const h = ffnn('train', '--hidden', '10,x');
    expect(h.code).toBe(2);
    expect(h.stderr).toMatch(/--hidden must be comma-separated positive layer widths/);
  });
  it('bad --features and conflicting flags → exit 2 with the reason', () => {
    const f = ffnn('train', '--features', 'poly:0');
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/--features must be raw or poly:<degree> with a degree from 1 to 30 \(e\.g\. poly:10\); got "poly:0"/);
    const m = ffnn('train', '--data', 'mnist', '--features', 'poly:3', '--epochs', '1');
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/features poly:3 expand one numeric input column; mnist has 784 pixel columns/);
    const c = ffnn('train', '--test-curves', '--early-stopping', '5');
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--test-curves and --early-stopping cannot be combined/);
    const t = ffnn('train', '--train-rows', '0');
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/--train-rows must be a positive integer; got "0"/);
  });
  it('unknown command → exit 2', () => {
    const r = ffnn('trian');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'trian'/);
  });
  it('missing file → exit 1 naming it', () => {
    const r = ffnn('train', '--data', 'nope.csv', '--target', 'y');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/nope\.csv/);
    expectNoStackTrace(r.stderr);
  });
  it('malformed CSV → exit 1 naming file, row and column', () => {
    writeFileSync(join(dir, 'bad.csv'), 'a,b,y\n1,2,3\n4,oops,6\n');
    const r = ffnn('train', '--data', 'bad.csv', '--target', 'y');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.csv/);
    expect(r.stderr).toMatch(/oops|line 3|row/);
    expectNoStackTrace(r.stderr);
  });
  it('malformed model file → exit 1', () => {
    writeFileSync(join(dir, 'broken.json'), '{"format": "ffnn.model", "version": 9}');
    const r = ffnn('evaluate', 'broken.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.json: unsupported model version 9/);
  });
  it('--help and --version exit 0', () => {
    expect(ffnn('--help').code).toBe(0);
    expect(ffnn('train', '--help').stdout).toMatch(/Examples:/);
    const v = ffnn('--version');
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
