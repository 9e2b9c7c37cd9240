import { createOptimizer } from '@ffnn/optim';
import { DataFormatError, InvalidOptionError, Matrix, Rng, ShapeError, StateError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import type { LinearRegressor, LinearRegressorJSON } from './base.js';
import { LinearGD } from './gd.js';
import { Lasso } from './lasso.js';
import { LinearRegression } from './ols.js';
import { Ridge } from './ridge.js';
import { regressionProblem } from './testing.js';

// Every regressor checks its inputs at the boundary with a message that names the model and the call.
type Model = LinearRegressor & { toJSON(): LinearRegressorJSON };
const models: [name: string, make: () => Model, fromJSON: (json: LinearRegressorJSON) => Model][] = [
  ['LinearRegression', () => new LinearRegression(), (j) => LinearRegression.fromJSON(j as never)],
  ['Ridge', () => new Ridge({ alpha: 0.5 }), (j) => Ridge.fromJSON(j as never)],
  ['Lasso', () => new Lasso({ alpha: 0.01 }), (j) => Lasso.fromJSON(j as never)],
  ['LinearGD', () => new LinearGD({ optimizer: createOptimizer('sgd', { lr: 0.05 }), epochs: 5 }), (j) => LinearGD.fromJSON(j as never)],
];

describe.each(models)('%s at its boundary', (name, make, fromJSON) => {
  const { X, y } = regressionProblem(12, 3, 5, 0.2);

  it('is not fitted before fit: coef, intercept, predict and toJSON say so', () => {
    const m = make();
    expect(m.isFitted).toBe(false);
    const notFitted = (what: string) => `${name}.${what}: the model is not fitted; call fit(X, y) first`;
    expect(() => m.coef).toThrow(new StateError(notFitted('coef')));
    expect(() => m.intercept).toThrow(notFitted('intercept'));
    expect(() => m.predict(X)).toThrow(notFitted('predict'));
    expect(() => m.toJSON()).toThrow(notFitted('toJSON'));
    m.fit(X, y);
    expect(m.isFitted).toBe(true);
    expect(m.toJSON().model).toBe(name);
  });

  it('names what is wrong with X', () => {
    const fit = (x: unknown) => () => make().fit(x as Matrix, y);
    expect(fit(null)).toThrow(new ShapeError(`${name}.fit: X must be a Matrix, got null`));
    expect(fit([[1, 2]])).toThrow(`${name}.fit: X must be a Matrix, got an array of length 1`);
    expect(fit({ rows: 12 })).toThrow(`${name}.fit: X must be a Matrix, got Object`);
    expect(fit(Object.create(null))).toThrow(`${name}.fit: X must be a Matrix, got an object`);
    expect(fit(3)).toThrow(`${name}.fit: X must be a Matrix, got number`);
    expect(fit(new Matrix(0, 3))).toThrow(new ShapeError(`${name}.fit: X is 0×3; it needs at least one row and one column`));
    expect(fit(new Matrix(12, 0))).toThrow(`${name}.fit: X is 12×0; it needs at least one row and one column`);
    const bad = X.clone();
    bad.data[4] = Number.NaN;
    expect(fit(bad)).toThrow(new DataFormatError(`${name}.fit: X: element (1, 1) is NaN; all values must be finite`));
  });

  it('names what is wrong with y', () => {
    const fit = (t: unknown) => () => make().fit(X, t as Matrix);
    expect(fit(undefined)).toThrow(new ShapeError(`${name}.fit: y must be a Matrix of shape 12×1, got undefined`));
    expect(fit(new Matrix(11, 1))).toThrow(`${name}.fit: y is 11×1, expected 12×1`);
    const bad = y.clone();
    bad.data[2] = Number.POSITIVE_INFINITY;
    expect(fit(bad)).toThrow(`${name}.fit: y: element (2, 0) is Infinity; all values must be finite`);
  });

  it('checks fitIntercept, and predict and score name themselves', () => {
    const m = make();
    (m as unknown as { fitIntercept: unknown }).fitIntercept = 'yes';
    expect(() => m.fit(X, y)).toThrow(new InvalidOptionError(`${name}: fitIntercept must be true or false, got yes`));
    const fitted = make().fit(X, y);
    expect(() => fitted.predict(null as never)).toThrow(`${name}.predict: X must be a Matrix, got null`);
    expect(() => fitted.predict(new Matrix(2, 4))).toThrow(`${name}.predict: X has 4 columns, expected 3 (as in fit)`);
    expect(() => fitted.score(X, new Matrix(12, 2))).toThrow(`${name}.score: y is 12×2, expected 12×1`);
  });

  it('fromJSON refuses another model, another version and non-finite parameters, each on its own', () => {
    const json = make().fit(X, y).toJSON();
    expect(fromJSON(json).coef.data).toEqual(Float64Array.from(json.coef));
    // The options come back too (LinearGD's epochs, Ridge's α, Lasso's α).
    expect(fromJSON(json).toJSON()).toEqual(json);
    const wrong = (j: unknown) => () => fromJSON(j as LinearRegressorJSON);
    const other = name === 'Ridge' ? 'Lasso' : 'Ridge';
    expect(wrong({ ...json, model: other })).toThrow(new DataFormatError(`${name}.fromJSON: expected model "${name}" version 1, got ${other} version 1`));
    expect(wrong({ ...json, version: 2 })).toThrow(`${name}.fromJSON: expected model "${name}" version 1, got ${name} version 2`);
    const coefMessage = `${name}.fromJSON: coef must be an array of finite numbers and intercept a finite number`;
    expect(wrong({ ...json, coef: 'abc' })).toThrow(coefMessage);
    expect(wrong({ ...json, coef: [1, Number.NaN, 2] })).toThrow(coefMessage);
    expect(wrong({ ...json, coef: [Number.NaN, Number.NaN, Number.NaN] })).toThrow(coefMessage);
    expect(wrong({ ...json, intercept: Number.POSITIVE_INFINITY })).toThrow(coefMessage);
  });
});

describe('fromJSON of something that is not a model', () => {
  it('says what it got', () => {
    expect(() => Ridge.fromJSON(null as never)).toThrow('Ridge.fromJSON: expected model "Ridge" version 1, got undefined version undefined');
    expect(() => LinearRegression.fromJSON({} as never)).toThrow('LinearRegression.fromJSON: expected model "LinearRegression" version 1, got undefined version undefined');
    for (const [name, , fromJSON] of models) {
      expect(() => fromJSON(null as never)).toThrow(new DataFormatError(`${name}.fromJSON: expected model "${name}" version 1, got undefined version undefined`));
    }
  });
});

describe('options survive toJSON and fromJSON', () => {
  it('LinearRegression without an intercept and with its own rcond', () => {
    const { X, y } = regressionProblem(12, 3, 7, 0.2);
    const json = new LinearRegression({ fitIntercept: false, rcond: 0.01 }).fit(X, y).toJSON();
    expect(json.options).toEqual({ fitIntercept: false, rcond: 0.01 });
    const back = LinearRegression.fromJSON(json);
    expect(back.fitIntercept).toBe(false);
    expect(back.toJSON()).toEqual(json);
  });
});

describe('LinearRegression rcond', () => {
  const { X, y } = regressionProblem(12, 3, 6, 0.2);
  it('accepts [0, 1) and names the option otherwise', () => {
    expect(new LinearRegression({ rcond: 0 }).fit(X, y).isFitted).toBe(true);
    expect(new LinearRegression({ rcond: 0.5 }).fit(X, y).isFitted).toBe(true);
    for (const bad of [1, -0.1]) {
      expect(() => new LinearRegression({ rcond: bad }).fit(X, y)).toThrow(new InvalidOptionError(`LinearRegression: rcond must be a number in [0, 1), got ${bad}`));
    }
  });
  it('cuts singular values below rcond·s_max: a large rcond keeps only the dominant direction', () => {
    // Columns with very different scales: s_max ≈ 100·√n, s_min ≈ √n. rcond 0.5 drops the small one.
    const n = 40;
    const rng = new Rng(2);
    const Xs = new Matrix(n, 2);
    for (let i = 0; i < n; i++) {
      Xs.data[2 * i] = 100 * rng.normal();
      Xs.data[2 * i + 1] = rng.normal();
    }
    const ys = Matrix.column(Array.from({ length: n }, (_, i) => Xs.data[2 * i]! * 0.01 + Xs.data[2 * i + 1]!));
    const full = new LinearRegression({ rcond: 1e-10, fitIntercept: false }).fit(Xs, ys);
    const cut = new LinearRegression({ rcond: 0.5, fitIntercept: false }).fit(Xs, ys);
    expect(full.rank).toBe(2);
    expect(cut.rank).toBe(1);
    expect(full.coef.get(1, 0)).toBeCloseTo(1, 10);
    expect(Math.abs(cut.coef.get(1, 0))).toBeLessThan(0.1);
  });
});

describe('Ridge with α = 0', () => {
  it('on duplicated columns gives the minimum-norm least-squares solution (tiny singular values are cut, not inverted)', () => {
    const { X, y } = regressionProblem(20, 2, 8, 0.1);
    const dup = new Matrix(20, 3);
    for (let i = 0; i < 20; i++) {
      dup.data[3 * i] = X.data[2 * i]!;
      dup.data[3 * i + 1] = X.data[2 * i + 1]!;
      dup.data[3 * i + 2] = X.data[2 * i + 1]!;
    }
    const ols = new LinearRegression().fit(X, y);
    const ridge = new Ridge({ alpha: 0 }).fit(dup, y);
    expect(ridge.coef.get(0, 0)).toBeCloseTo(ols.coef.get(0, 0), 8);
    // The weight of the duplicated feature is split evenly between its two copies.
    expect(ridge.coef.get(1, 0)).toBeCloseTo(ols.coef.get(1, 0) / 2, 8);
    expect(ridge.coef.get(2, 0)).toBeCloseTo(ols.coef.get(1, 0) / 2, 8);
    expect(ridge.intercept).toBeCloseTo(ols.intercept, 8);
  });
});

describe('LinearGD mini-batches', () => {
  it('a short last batch takes the mean over its own rows (n = 5, batch 2: batches of 2, 2, 1), as computed by hand', () => {
    const { X, y } = regressionProblem(5, 2, 9, 0.3);
    const lr = 0.1;
    const seed = 4;
    const model = new LinearGD({ optimizer: createOptimizer('sgd', { lr }), epochs: 2, batchSize: 2, seed }).fit(X, y);
    // The same steps, written out: the permutation of each epoch comes from Rng(seed) in turn.
    const rng = new Rng(seed);
    const w = [0, 0];
    let b = 0;
    for (let epoch = 0; epoch < 2; epoch++) {
      const order = rng.permutation(5);
      for (let start = 0; start < 5; start += 2) {
        const rows = Array.from(order.slice(start, start + 2));
        const r = rows.map((i) => X.get(i, 0) * w[0]! + X.get(i, 1) * w[1]! + b - y.data[i]!);
        const gw = [0, 1].map((j) => (2 / rows.length) * rows.reduce((s, i, k) => s + X.get(i, j) * r[k]!, 0));
        const gb = (2 / rows.length) * r.reduce((s, v) => s + v, 0);
        w[0] = w[0]! - lr * gw[0]!;
        w[1] = w[1]! - lr * gw[1]!;
        b -= lr * gb;
      }
    }
    expect(model.coef.get(0, 0)).toBeCloseTo(w[0]!, 13);
    expect(model.coef.get(1, 0)).toBeCloseTo(w[1]!, 13);
    expect(model.intercept).toBeCloseTo(b, 13);
    expect(model.history.loss).toHaveLength(2);
  });
  it('accepts a batch of one row and an optimizer check names the option', () => {
    const { X, y } = regressionProblem(6, 2, 10, 0.3);
    const fresh = new LinearGD({ optimizer: createOptimizer('sgd') });
    expect(fresh.history).toEqual({ loss: [] });
    expect(() => new LinearGD(undefined as never).fit(X, y)).toThrow(new InvalidOptionError('LinearGD: optimizer must be an Optimizer from @ffnn/optim (e.g. createOptimizer("adam"))'));
    expect(new LinearGD({ optimizer: createOptimizer('sgd', { lr: 0.01 }), epochs: 1, batchSize: 1 }).fit(X, y).isFitted).toBe(true);
    expect(() => new LinearGD({} as never).fit(X, y)).toThrow(new InvalidOptionError('LinearGD: optimizer must be an Optimizer from @ffnn/optim (e.g. createOptimizer("adam"))'));
    expect(() => new LinearGD({ optimizer: createOptimizer('sgd'), seed: 0.5 }).fit(X, y)).toThrow('LinearGD: seed must be a safe integer, got 0.5');
    expect(() => new LinearGD({ optimizer: createOptimizer('sgd'), batchSize: 0 }).fit(X, y)).toThrow('LinearGD: batchSize must be an integer ≥ 1, got 0');
  });
});
