import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// What a user's own data and mistakes exercise: CSVs with names and prices, new data without a
// target, a learning rate far too large, a header-only file, a model path that is not a model.
const bin = new URL('../dist/bin.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ffnn-user-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ffnn(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A small deterministic generator, so the files are the same on every run. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// Prices in the hundreds: price = 50 + 30·rooms + 1.5·area − 0.8·age + noise.
const rand = lcg(7);
const houses = ['rooms,area,age,price'];
for (let i = 0; i < 300; i++) {
  const rooms = 1 + Math.floor(6 * rand());
  const area = 30 + 170 * rand();
  const age = 80 * rand();
  houses.push(`${rooms},${area.toFixed(1)},${age.toFixed(1)},${(50 + 30 * rooms + 1.5 * area - 0.8 * age + 50 * (rand() - 0.5)).toFixed(1)}`);
}
writeFileSync(join(dir, 'houses.csv'), `${houses.join('\n')}\n`);
// New houses: no price, the columns in another order, and columns the model never saw.
writeFileSync(join(dir, 'new.csv'), 'id,area,rooms,age,note\nh1,120.0,3,10.0,"near a park, quiet"\nh2,60.5,1,40.0,x\n');
// Flowers with species names as the target.
const species = ['setosa', 'versicolor', 'virginica'];
const flowers = ['petal,sepal,species'];
for (let i = 0; i < 150; i++) flowers.push(`${(1 + 2 * (i % 3) + 0.5 * (rand() - 0.5)).toFixed(2)},${(3 + 0.5 * (i % 3) + 0.5 * (rand() - 0.5)).toFixed(2)},${species[i % 3]}`);
writeFileSync(join(dir, 'flowers.csv'), `${flowers.join('\n')}\n`);

describe('predictions for new data', () => {
  it('predict needs only the model\'s feature columns: no target, any column order, extra columns ignored; each line names its row', () => {
    expect(ffnn('train', '--data', 'houses.csv', '--target', 'price', '--hidden', '8', '--epochs', '20', '--save', 'houses.json', '--quiet').code).toBe(0);
    const p = ffnn('predict', 'houses.json', '--data', 'new.csv', '--out', 'pred.csv');
    expect(p.stderr).toBe('');
    expect(p.code).toBe(0);
    expect(p.stdout).toBe('wrote 2 predictions to pred.csv\n');
    const lines = readFileSync(join(dir, 'pred.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,price_predicted');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['1', '2']);
    // The same rows with the columns in the training order give the same predictions.
    writeFileSync(join(dir, 'same.csv'), 'rooms,area,age\n3,120.0,10.0\n1,60.5,40.0\n');
    expect(ffnn('predict', 'houses.json', '--data', 'same.csv', '--out', 'same-pred.csv').code).toBe(0);
    expect(readFileSync(join(dir, 'same-pred.csv'), 'utf8')).toBe(readFileSync(join(dir, 'pred.csv'), 'utf8'));
    const w = ffnn('predict', 'houses.json', '--data', 'new.csv', '--out', 'with.csv', '--with-inputs');
    expect(w.code).toBe(0);
    const withInputs = readFileSync(join(dir, 'with.csv'), 'utf8').trim().split('\n');
    expect(withInputs[0]).toBe('row,rooms,area,age,price_predicted');
    expect(withInputs[1]!.startsWith('1,3,120,10,')).toBe(true);
    // --keep carries other columns through as written (quoted again where they hold a comma).
    expect(ffnn('predict', 'houses.json', '--data', 'new.csv', '--out', 'kept.csv', '--keep', 'id,note').code).toBe(0);
    const kept = readFileSync(join(dir, 'kept.csv'), 'utf8').trim().split('\n');
    expect(kept[0]).toBe('row,id,note,price_predicted');
    expect(kept[1]).toBe(`1,h1,"near a park, quiet",${lines[1]!.split(',')[1]}`);
    expect(kept[2]).toBe(`2,h2,x,${lines[2]!.split(',')[1]}`);
    const runge = ffnn('predict', 'houses.json', '--data', 'runge', '--keep', 'id');
    expect(runge.code).toBe(2);
    expect(runge.stderr).toBe('ffnn: --keep copies columns of a CSV file; runge has none to keep\n');
  });

  it('a missing feature column is named, with the columns the file has', () => {
    writeFileSync(join(dir, 'no-age.csv'), 'rooms,area\n3,120\n');
    const r = ffnn('predict', 'houses.json', '--data', 'no-age.csv');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('ffnn: no-age.csv: column "age" not found; available columns: "rooms", "area"\n');
  });
});

describe('class names as targets', () => {
  it('trains on names, states the classes, saves them, and evaluates and predicts with them', () => {
    const t = ffnn('train', '--data', 'flowers.csv', '--target', 'species', '--hidden', '8', '--lr', '0.01', '--epochs', '40', '--save', 'iris.json');
    expect(t.stderr).toBe('');
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('classes of species (network output order): setosa, versicolor, virginica\n');
    const model = JSON.parse(readFileSync(join(dir, 'iris.json'), 'utf8')) as { task: string; classes: string[] };
    expect(model.task).toBe('classification');
    expect(model.classes).toEqual(species);
    const e = ffnn('evaluate', 'iris.json', '--data', 'flowers.csv', '--json');
    expect(e.code).toBe(0);
    const ev = JSON.parse(e.stdout) as { accuracy: number; classes: string[]; confusionMatrix: number[][] };
    expect(ev.classes).toEqual(species);
    expect(ev.accuracy).toBeGreaterThan(0.9);
    expect(ev.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(150);
    expect(ffnn('evaluate', 'iris.json', '--data', 'flowers.csv').stdout).toMatch(/^ +setosa +versicolor +virginica$/m);
    expect(ffnn('predict', 'iris.json', '--data', 'flowers.csv', '--out', 'iris-pred.csv').code).toBe(0);
    const lines = readFileSync(join(dir, 'iris-pred.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('row,prediction,p_setosa,p_versicolor,p_virginica');
    expect(new Set(lines.slice(1).map((l) => l.split(',')[1]))).toEqual(new Set(species));
  });

  it('a class the model never saw, regression on names and a text feature column are refused with what to do', () => {
    writeFileSync(join(dir, 'other.csv'), 'petal,sepal,species\n1,3,setosa\n5,4,rosa\n');
    const unseen = ffnn('evaluate', 'iris.json', '--data', 'other.csv');
    expect(unseen.code).toBe(1);
    expect(unseen.stderr).toBe('ffnn: row 2: class "rosa" was not seen in training (classes: setosa, versicolor, virginica)\n');
    const regression = ffnn('train', '--data', 'flowers.csv', '--target', 'species', '--task', 'regression');
    expect(regression.code).toBe(2);
    expect(regression.stderr).toBe('ffnn: --task regression needs numbers in species, but it holds names such as "setosa"; drop --task to train a classifier\n');
    writeFileSync(join(dir, 'colours.csv'), 'size,colour,y\n1,red,0\n2,blue,1\n');
    const text = ffnn('train', '--data', 'colours.csv', '--target', 'y');
    expect(text.code).toBe(1);
    expect(text.stderr).toBe(
      'ffnn: colours.csv: line 2, column "colour": not a number: "red"; text columns cannot be features: encode it as numbers (e.g. one 0/1 column per category) or remove the column\n',
    );
  });
});

describe('regression targets on their own scale', () => {
  const r2 = (...extra: string[]) => {
    const r = ffnn('train', '--data', 'houses.csv', '--target', 'price', '--hidden', 'none', '--json', '--quiet', ...extra);
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as { test: { r2: number; mse: number }; history: { loss: number[] } };
  };

  it('the target is standardized on the training part by default; metrics, curves and saved models stay in its units', () => {
    const standardized = r2('--save', 'linear.json');
    const raw = r2('--no-standardize-target');
    // Adam at η = 1e-3 for 100 epochs cannot reach prices in the hundreds from a zero-mean start.
    expect(raw.test.r2).toBeLessThan(0);
    expect(standardized.test.r2).toBeGreaterThan(0.5);
    // Losses in price² like the metrics: the last training epoch's MSE is near the training MSE, not near 1.
    expect(standardized.history.loss.at(-1)!).toBeGreaterThan(100);
    const e = ffnn('evaluate', 'linear.json', '--data', 'houses.csv', '--json');
    expect(e.code).toBe(0);
    const all = JSON.parse(e.stdout) as { mse: number };
    expect(all.mse).toBeGreaterThan(100);
    expect(all.mse).toBeLessThan(10 * standardized.test.mse);
    const t = ffnn('train', '--data', 'houses.csv', '--target', 'price', '--hidden', 'none', '--epochs', '1');
    expect(t.stdout).toMatch(/^target price standardized on the training part \(mean \d+\.\d{4}, std \d+\.\d{4}\); metrics and predictions are in its own units$/m);
  });
});

describe('finite blow-ups, messages and modes', () => {
  it('a learning rate far too large stops as diverged with the cause, keeps the initial weights and exits 3', () => {
    const r = ffnn('train', '--lr', '1e6', '--save', 'blown.json');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^ffnn: training diverged: the loss reached \d\.\d{3}e\+\d+, above the limit \d\.\d{3}e\+\d, in epoch 1, batch \d+ of 13 \(learning rate 1000000\); try a lower learning rate; no epoch finished, so the initial weights were kept\n$/);
    const test = /^test +mse (\S+) · mae \S+ · r2 (\S+)/m.exec(r.stdout)!;
    expect(Number(test[1])).toBeLessThan(1);
    expect(Number(test[2])).toBeGreaterThan(-10);
    expect(r.stdout).toContain('saved the model to blown.json (the best weights before the divergence)');
    // --loss-limit 0 lets the run go on (the study's grids do), with the finite numbers it reaches.
    expect(ffnn('train', '--lr', '1e6', '--epochs', '2', '--loss-limit', '0', '--quiet').code).toBe(0);
  });

  it('too few rows are said in the user\'s words with the data exit code or the flag\'s', () => {
    writeFileSync(join(dir, 'header.csv'), 'a,b\n');
    const empty = ffnn('train', '--data', 'header.csv', '--target', 'b');
    expect(empty.code).toBe(1);
    expect(empty.stderr).toBe('ffnn: header.csv: no data rows, only a header\n');
    const subset = ffnn('train', '--subset', '5');
    expect(subset.code).toBe(2);
    expect(subset.stderr).toBe('ffnn: runge: 5 rows (--subset 5) leave 4 training rows and 1 test row (--test-size 0.2); training and scoring need at least 2 rows in each part: ask for more rows\n');
    writeFileSync(join(dir, 'tiny.csv'), 'x,y\n1,2\n2,3\n3,5\n');
    const tiny = ffnn('train', '--data', 'tiny.csv', '--target', 'y');
    expect(tiny.code).toBe(1);
    expect(tiny.stderr).toBe('ffnn: tiny.csv: 3 rows leave 2 training rows and 1 test row (--test-size 0.2); training and scoring need at least 2 rows in each part: the data needs more rows\n');
  });

  it('a data file given as the model is "not an ffnn model file"; --save refuses a name it cannot honour before training', () => {
    const e = ffnn('evaluate', 'houses.csv');
    expect(e.code).toBe(1);
    expect(e.stderr).toBe('ffnn: houses.csv: not an ffnn model file (expected .json or safetensors)\n');
    const s = ffnn('train', '--save', 'm.onnx');
    expect(s.code).toBe(2);
    expect(s.stdout).toBe('');
    expect(s.stderr).toBe('ffnn: --save m.onnx: a model file name must end in .json (plain JSON) or .ffnn / .safetensors (binary safetensors layout); for ONNX, save a model and run `ffnn export <model> --format onnx`\n');
    expect(existsSync(join(dir, 'm.onnx'))).toBe(false);
  });

  it('--quiet drops progress but prints the results; --quiet --json prints only the JSON', () => {
    const q = ffnn('train', '--n', '200', '--hidden', '4', '--epochs', '3', '--quiet', '--save', 'q.ffnn');
    expect(q.code).toBe(0);
    expect(q.stdout.split('\n').map((l) => l.split(' ')[0])).toEqual(['train', 'test', 'saved', '']);
    const j = ffnn('train', '--n', '200', '--hidden', '4', '--epochs', '3', '--quiet', '--json');
    expect(j.stderr).toBe('');
    expect(() => JSON.parse(j.stdout) as unknown).not.toThrow();
  });

  it('a saved model records how to reproduce it, not where files were on this machine', () => {
    const data = join(dir, 'houses.csv');
    expect(ffnn('train', '--data', data, '--target', 'price', '--hidden', '4', '--epochs', '2', '--save', join(dir, 'abs.json'), '--checkpoint', join(dir, 'abs.ckpt'), '--quiet').code).toBe(0);
    const text = readFileSync(join(dir, 'abs.json'), 'utf8');
    expect(text).not.toContain(dir);
    const training = (JSON.parse(text) as { training: Record<string, unknown> }).training;
    expect(training).toMatchObject({ data: 'houses.csv', target: 'price', hidden: [4], epochs: 2, seed: 1993, standardizeTarget: true });
    for (const k of ['save', 'checkpoint', 'quiet', 'json']) expect(training).not.toHaveProperty(k);
  });

  it('help and progress say things once and in the singular where it is one', () => {
    const help = ffnn('train', '--help').stdout.replace(/\s+/g, ' ');
    expect(help).toContain('(default: 50,50)');
    const one = ffnn('train', '--n', '100', '--hidden', '4', '--epochs', '1');
    expect(one.stdout).toMatch(/ · 1 epoch · /);
  });
});
