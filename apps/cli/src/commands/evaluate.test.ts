import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { StandardScaler, runge } from '@ffnn/datasets';
import { Sequential } from '@ffnn/layers';
import { Matrix } from '@ffnn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClassValue, Preprocessing } from '../data.js';
import { type ModelFile, saveModel } from '../model-file.js';
import { formatNumber } from '../progress.js';
import { runCli, tempDir, writeLines } from '../testing.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (name: string) => join(dir, name);

/** A model with no hidden layer and the given weights (W: inputs × outputs), saved to `name`. */
function linearModel(name: string, options: { featureNames: string[]; W: number[][]; b: number[]; classes?: ClassValue[]; targetName?: string; preprocessing?: Preprocessing; features?: string; inputSize?: number }): string {
  const classes = options.classes ?? null;
  const inputs = options.inputSize ?? options.featureNames.length;
  const net = Sequential.mlp({ inputSize: inputs, hidden: [], outputSize: options.b.length, loss: classes ? 'cross-entropy' : 'mse', seed: 1 });
  const out = net.layers[0]!;
  options.W.flat().forEach((v, k) => (out.W.data[k] = v));
  options.b.forEach((v, k) => (out.b.data[k] = v));
  const model: ModelFile = {
    format: 'ffnn.model',
    version: 1,
    task: classes ? 'classification' : 'regression',
    featureNames: options.featureNames,
    ...(options.features ? { features: options.features } : {}),
    targetName: options.targetName ?? 'y',
    classes,
    preprocessing: options.preprocessing ?? { kind: 'none' },
    network: net.toJSON(),
    training: {},
  };
  saveModel(path(name), model, net);
  return path(name);
}

/** Scores x0, x1, −(x0 + x1) for classes a, b, c: the prediction is the largest. */
const classifier = (name: string, classes: ClassValue[] = ['a', 'b', 'c']) =>
  linearModel(name, { featureNames: ['x0', 'x1'], W: [[1, 0, -1], [0, 1, -1]], b: [0, 0, 0], classes, targetName: 'label' });

/** Rows (x0, x1, true class) and the class the classifier predicts. */
const rows: [number, number, string, string][] = [
  [2, 0, 'a', 'a'],
  [0, 2, 'a', 'b'],
  [0, 3, 'b', 'b'],
  [-2, -2, 'c', 'c'],
  [-1, -3, 'b', 'c'],
  [3, 1, 'c', 'a'],
  [1, 4, 'b', 'b'],
];
const classData = writeLines(dir, 'class.csv', ['id,x1,label,x0', ...rows.map(([x0, x1, label], i) => `${i === 0 ? '"r,0"' : i === 1 ? '"say ""hi"""' : `r${i}`},${x1},${label},${x0}`)]);

function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
const probabilities = rows.map(([x0, x1]) => softmax([x0, x1, -(x0 + x1)]));

describe('ffnn evaluate (classification)', () => {
  const model = classifier('cls.json');

  it('reports accuracy, cross-entropy and a confusion matrix with rows = true class, against a computation by hand', async () => {
    const r = await runCli('evaluate', model, '--data', classData, '--json');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { rows: number; accuracy: number; loss: number; classes: string[]; confusionMatrix: number[][]; mostConfused: unknown[] };
    expect(result.rows).toBe(7);
    expect(result.classes).toEqual(['a', 'b', 'c']);
    expect(result.accuracy).toBe(4 / 7);
    const loss = -rows.reduce((s, [, , label], i) => s + Math.log(probabilities[i]![['a', 'b', 'c'].indexOf(label)]!), 0) / rows.length;
    expect(result.loss).toBeCloseTo(loss, 12);
    // true a: one predicted a, one b; true b: two b, one c; true c: one a, one c.
    expect(result.confusionMatrix).toEqual([
      [1, 1, 0],
      [0, 2, 1],
      [1, 0, 1],
    ]);
    expect(result.mostConfused).toHaveLength(3);
    expect(Object.keys(result)).toEqual(['rows', 'accuracy', 'loss', 'classes', 'confusionMatrix', 'mostConfused']);
  });

  it('prints the metrics and the matrix as a table', async () => {
    const r = await runCli('evaluate', model, '--data', classData);
    expect(r.code).toBe(0);
    const loss = -rows.reduce((s, [, , label], i) => s + Math.log(probabilities[i]![['a', 'b', 'c'].indexOf(label)]!), 0) / rows.length;
    expect(r.stdout).toBe(
      `${classData}: 7 rows · accuracy ${formatNumber(4 / 7)} · loss ${formatNumber(loss)}\n` +
        'confusion matrix (rows: true class, columns: predicted)\n' +
        '          a    b    c\n' +
        '     a    1    1    0\n' +
        '     b    0    2    1\n' +
        '     c    1    0    1\n',
    );
  });

  it('widens the table for long class names', async () => {
    const long = classifier('long.json', ['a', 'bbbbbbb', 'c']);
    const data = writeLines(dir, 'long.csv', ['x0,x1,label', '2,0,a', '0,3,bbbbbbb', '-2,-2,c']);
    const r = await runCli('evaluate', long, '--data', data);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(2, 6)).toEqual([
      '               a bbbbbbb       c',
      '       a       1       0       0',
      ' bbbbbbb       0       1       0',
      '       c       0       0       1',
    ]);
  });

  it('widens the table for counts of five digits', async () => {
    const data = writeLines(dir, 'many.csv', ['x0,x1,label', ...Array.from({ length: 10000 }, () => '2,0,a')]);
    const r = await runCli('evaluate', model, '--data', data);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(2, 4)).toEqual(['           a     b     c', '     a 10000     0     0']);
  });

  it('reads the target given by --target instead of the model\'s', async () => {
    const data = writeLines(dir, 'other.csv', ['x0,x1,label,truth', '2,0,c,a', '0,3,c,b']);
    const r = await runCli('evaluate', model, '--data', data, '--target', 'truth', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).accuracy).toBe(1);
  });

  it('fails with exit 1 naming the row of a class the model never saw', async () => {
    const data = writeLines(dir, 'unseen.csv', ['x0,x1,label', '2,0,a', '0,3,d']);
    const r = await runCli('evaluate', model, '--data', data);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('ffnn: row 2: class "d" was not seen in training (classes: a, b, c)\n');
    expect(r.stdout).toBe('');
  });

  it('fails with exit 1 when the data has fewer columns than the model reads', async () => {
    const r = await runCli('evaluate', model, '--data', 'runge', '--n', '5');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ffnn: runge: has 1 feature columns but the model ${model} expects 2 (x0, x1)\n`);
    const wide = linearModel('wide.json', { featureNames: ['a', 'b', 'c', 'd', 'e', 'f'], W: [[1], [1], [1], [1], [1], [1]], b: [0] });
    const w = await runCli('evaluate', wide, '--data', 'runge', '--n', '5');
    expect(w.stderr).toBe(`ffnn: runge: has 1 feature columns but the model ${wide} expects 6 (a, b, c, d, e, …)\n`);
    const five = linearModel('five.json', { featureNames: ['a', 'b', 'c', 'd', 'e'], W: [[1], [1], [1], [1], [1]], b: [0] });
    expect((await runCli('evaluate', five, '--data', 'runge', '--n', '5')).stderr).toBe(`ffnn: runge: has 1 feature columns but the model ${five} expects 5 (a, b, c, d, e)\n`);
  });

  it('a model with computed features names its columns and features when the data does not fit', async () => {
    const poly = linearModel('poly.json', { featureNames: ['x'], features: 'poly:2', inputSize: 3, W: [[0], [1], [1]], b: [0] });
    const r = await runCli('evaluate', poly, '--data', 'mnist');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ffnn: mnist: has 784 feature columns but the model ${poly} reads 1 (x) and computes its poly:2 features from them\n`);
  });
});

describe('ffnn evaluate (regression)', () => {
  // ŷ = 3·(x − 1)/2 + 0.5: the saved scaler is applied before the network.
  const model = linearModel('reg.json', { featureNames: ['x'], W: [[3]], b: [0.5], preprocessing: { kind: 'standard', scaler: new StandardScaler().fit(Matrix.column([-1, 3])).toJSON() } });
  const predict = (x: number) => (3 * (x - 1)) / 2 + 0.5;

  it('reports MSE, MAE and R² of a CSV target against a computation by hand', async () => {
    const xs = [1, 3, 5, -1];
    const ys = [0, 4, 6.5, -3];
    const data = writeLines(dir, 'reg.csv', ['y,x', ...xs.map((x, i) => `${ys[i]},${x}`)]);
    const r = await runCli('evaluate', model, '--data', data, '--json');
    expect(r.code).toBe(0);
    const e = xs.map((x, i) => ys[i]! - predict(x));
    const mse = e.reduce((s, v) => s + v * v, 0) / 4;
    const mae = e.reduce((s, v) => s + Math.abs(v), 0) / 4;
    const ybar = ys.reduce((s, v) => s + v, 0) / 4;
    const r2 = 1 - e.reduce((s, v) => s + v * v, 0) / ys.reduce((s, v) => s + (v - ybar) ** 2, 0);
    const result = JSON.parse(r.stdout) as Record<string, number>;
    expect(Object.keys(result)).toEqual(['rows', 'mse', 'mae', 'r2']);
    expect(result.rows).toBe(4);
    expect(result.mse).toBeCloseTo(mse, 12);
    expect(result.mae).toBeCloseTo(mae, 12);
    expect(result.r2).toBeCloseTo(r2, 12);
    const text = await runCli('evaluate', model, '--data', data);
    expect(text.stdout).toBe(`${data}: 4 rows · mse ${formatNumber(result.mse!)} · mae ${formatNumber(result.mae!)} · r2 ${formatNumber(result.r2!)}\n`);
  });

  it('on generated Runge data, also against the clean function, with --n and --seed', async () => {
    const r = await runCli('evaluate', model, '--data', 'runge', '--n', '12', '--seed', '4', '--json');
    expect(r.code).toBe(0);
    const data = runge({ n: 12, sigma: 0.05, seed: 4 });
    const yhat = Array.from(data.x.data, predict);
    const mse = (t: ArrayLike<number>) => Array.from(t).reduce((s, v, i) => s + (v - yhat[i]!) ** 2, 0) / 12;
    const result = JSON.parse(r.stdout) as Record<string, number>;
    expect(result.rows).toBe(12);
    expect(result.mse).toBeCloseTo(mse(data.y.data), 12);
    expect(result.mse_clean).toBeCloseTo(mse(data.f.data), 12);
    expect(result.r2_clean).toBeLessThan(1);
    // The default data is runge, with seed 1993.
    const byDefault = JSON.parse((await runCli('evaluate', model, '--n', '12', '--json')).stdout) as Record<string, number>;
    const d1993 = runge({ n: 12, sigma: 0.05, seed: 1993 });
    expect(byDefault.mse).toBeCloseTo(Array.from(d1993.y.data).reduce((s, v, i) => s + (v - predict(d1993.x.data[i]!)) ** 2, 0) / 12, 12);
  });
});

describe('ffnn predict', () => {
  it('classification: row number, kept columns and inputs, the predicted class and each class\'s probability', async () => {
    const model = classifier('cls-p.json');
    const out = path('pred-cls.csv');
    const r = await runCli('predict', model, '--data', classData, '--out', out, '--keep', 'id', '--with-inputs');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote 7 predictions to ${out}\n`);
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines[0]).toBe('row,id,x0,x1,prediction,p_a,p_b,p_c');
    expect(lines).toHaveLength(9);
    expect(lines[8]).toBe('');
    rows.forEach(([x0, x1, , predicted], i) => {
      const id = i === 0 ? '"r,0"' : i === 1 ? '"say ""hi"""' : `r${i}`;
      expect(lines[i + 1]).toBe([String(i + 1), id, String(x0), String(x1), predicted, ...probabilities[i]!.map((p) => p.toPrecision(6))].join(','));
    });
  });

  it('classification without extra columns; class names that need quoting are quoted', async () => {
    const model = classifier('cls-q.json', ['a,1', 'b', 'c']);
    const out = path('pred-q.csv');
    const data = writeLines(dir, 'q.csv', ['x0,x1', '2,0', '0,3']);
    expect((await runCli('predict', model, '--data', data, '--out', out)).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(
      `row,prediction,"p_a,1",p_b,p_c\n1,"a,1",${softmax([2, 0, -2]).map((p) => p.toPrecision(6)).join(',')}\n2,b,${softmax([0, 3, -3]).map((p) => p.toPrecision(6)).join(',')}\n`,
    );
  });

  it('regression: <target>_predicted in full precision; a target column in the data is ignored', async () => {
    const model = linearModel('reg-p.json', { featureNames: ['x'], W: [[0.1]], b: [0.2], targetName: 'price' });
    const data = writeLines(dir, 'reg-p.csv', ['price,x', 'oops,1', ',3']);
    const out = path('pred-reg.csv');
    expect((await runCli('predict', model, '--data', data, '--out', out, '--target', 'price')).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(`row,price_predicted\n1,${String(0.1 * 1 + 0.2)}\n2,${String(0.1 * 3 + 0.2)}\n`);
    const withInputs = path('pred-reg-in.csv');
    expect((await runCli('predict', model, '--data', data, '--out', withInputs, '--with-inputs', '--keep', ' price, ,')).code).toBe(0);
    expect(readFileSync(withInputs, 'utf8')).toBe(`row,price,x,price_predicted\n1,oops,1,${String(0.1 * 1 + 0.2)}\n2,,3,${String(0.1 * 3 + 0.2)}\n`);
  });

  it('runge data with --with-inputs copies the generated x', async () => {
    const model = linearModel('reg-r.json', { featureNames: ['x'], W: [[2]], b: [0] });
    const out = path('pred-runge.csv');
    expect((await runCli('predict', model, '--data', 'runge', '--n', '3', '--seed', '2', '--out', out, '--with-inputs')).code).toBe(0);
    const x = Array.from(runge({ n: 3, seed: 2 }).x.data);
    expect(readFileSync(out, 'utf8')).toBe(`row,x,y_predicted\n${x.map((v, i) => `${i + 1},${v},${2 * v}`).join('\n')}\n`);
  });

  it('--keep needs a CSV file: exit 2 naming the data', async () => {
    const model = linearModel('reg-k.json', { featureNames: ['x'], W: [[2]], b: [0] });
    const r = await runCli('predict', model, '--data', 'runge', '--keep', 'id', '--out', path('never.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('ffnn: --keep copies columns of a CSV file; runge has none to keep\n');
  });
});

describe('flag values of evaluate and predict', () => {
  const model = linearModel('flags.json', { featureNames: ['x'], W: [[1]], b: [0] });
  for (const command of ['evaluate', 'predict']) {
    it(`${command}: a bad --seed or --n is a usage error naming the flag`, async () => {
      const out = command === 'predict' ? ['--out', path('never.csv')] : [];
      const seed = await runCli(command, model, ...out, '--seed', '-1');
      expect(seed.code).toBe(2);
      expect(seed.stderr).toBe('ffnn: --seed must be an integer ≥ 0; got "-1"\n');
      const n = await runCli(command, model, ...out, '--n', '0');
      expect(n.code).toBe(2);
      expect(n.stderr).toBe('ffnn: --n must be a positive integer; got "0"\n');
    });
  }
});
