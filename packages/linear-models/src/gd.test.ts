import { createOptimizer } from '@ffnn/optim';
import { InvalidOptionError, Matrix } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { LinearGD, fitLinearGD } from './gd.js';
import { LinearRegression } from './ols.js';
import { Ridge } from './ridge.js';
import { regressionProblem, roundTrip } from './testing.js';

describe('fitLinearGD', () => {
  const n = 80;
  const { X, y } = regressionProblem(n, 4, 31, 0.3);

  it('full-batch plain gradient descent converges to the closed-form Ridge solution with α = n·λ', () => {
    const lambda = 0.05;
    const { model, history } = fitLinearGD(X, y, { optimizer: createOptimizer('sgd', { lr: 0.1 }), lambda, epochs: 2000 });
    const ridge = new Ridge({ alpha: n * lambda }).fit(X, y);
    for (let j = 0; j < 4; j++) expect(model.coef.get(j, 0)).toBeCloseTo(ridge.coef.get(j, 0), 10);
    expect(model.intercept).toBeCloseTo(ridge.intercept, 10);
    expect(history.loss).toHaveLength(2000);
    // Full-batch GD with a small enough step decreases the objective monotonically.
    for (let e = 1; e < history.loss.length; e++) expect(history.loss[e]!).toBeLessThanOrEqual(history.loss[e - 1]! + 1e-15);
    // The final loss is the Ridge objective divided by n.
    const r = Array.from(ridge.predict(X).data).map((v, i) => y.data[i]! - v);
    const ridgeObjective = (r.reduce((a, v) => a + v * v, 0) + n * lambda * Array.from(ridge.coef.data).reduce((a, v) => a + v * v, 0)) / n;
    expect(history.loss.at(-1)!).toBeCloseTo(ridgeObjective, 12);
  });

  it('λ = 0 with momentum reaches OLS', () => {
    const { model } = fitLinearGD(X, y, { optimizer: createOptimizer('momentum', { lr: 0.05 }), epochs: 1000 });
    const ols = new LinearRegression().fit(X, y);
    for (let j = 0; j < 4; j++) expect(model.coef.get(j, 0)).toBeCloseTo(ols.coef.get(j, 0), 9);
  });

  it('mini-batch Adam gets close to Ridge and is reproducible by seed', () => {
    const opts = () => ({ optimizer: createOptimizer('adam', { lr: 0.01 }), lambda: 0.01, epochs: 400, batchSize: 16, seed: 5 });
    const a = fitLinearGD(X, y, opts());
    const b = fitLinearGD(X, y, opts());
    expect(Array.from(a.model.coef.data)).toEqual(Array.from(b.model.coef.data));
    expect(a.history.loss).toEqual(b.history.loss);
    const ridge = new Ridge({ alpha: n * 0.01 }).fit(X, y);
    // Constant-step Adam on mini-batches hovers around the minimum; it does not land on it.
    for (let j = 0; j < 4; j++) expect(Math.abs(a.model.coef.get(j, 0) - ridge.coef.get(j, 0))).toBeLessThan(0.02);
    expect(a.history.loss.at(-1)!).toBeLessThan(a.history.loss[0]!);
  });

  it('fitIntercept = false fits through the origin', () => {
    const { model } = fitLinearGD(X, y, { optimizer: createOptimizer('sgd', { lr: 0.1 }), epochs: 1000, fitIntercept: false });
    const ols = new LinearRegression({ fitIntercept: false }).fit(X, y);
    expect(model.intercept).toBe(0);
    for (let j = 0; j < 4; j++) expect(model.coef.get(j, 0)).toBeCloseTo(ols.coef.get(j, 0), 9);
  });

  it('rejects bad options naming them', () => {
    const optimizer = createOptimizer('sgd');
    expect(() => fitLinearGD(X, y, { optimizer, lambda: -1 })).toThrow('LinearGD: lambda must be a finite number ≥ 0, got -1');
    expect(() => fitLinearGD(X, y, { optimizer, epochs: 0 })).toThrow(/epochs/);
    expect(() => fitLinearGD(X, y, { optimizer, batchSize: 2.5 })).toThrow(/batchSize/);
    expect(() => fitLinearGD(X, y, { optimizer: {} as never })).toThrow(InvalidOptionError);
    expect(() => fitLinearGD(X, Matrix.zeros(3, 1), { optimizer })).toThrow(/y is 3×1, expected 80×1/);
  });

  it('a full batch sums the gradient over the rows in their order, for every seed (the seed shuffles mini-batches only)', () => {
    // One SGD step (lr 1) from w = 0 through the origin: r = X·0 − y = −y, ∇w = (2/4)·Σ 1·rᵢ in row order.
    // With y = (10¹⁶, 1, −10¹⁶, 1) the order shows: −5·10¹⁵ − 0.5 rounds (to even) to −5·10¹⁵, + 5·10¹⁵
    // gives 0, − 0.5 gives −0.5; so w = 0.5. Other orders can give 0 or −1 (w = 0 or 1).
    const ones = Matrix.column([1, 1, 1, 1]);
    const yc = Matrix.column([1e16, 1, -1e16, 1]);
    for (const batchSize of [undefined, 4, 10]) {
      for (const seed of [0, 1, 2, 3, 4, 5]) {
        const { model } = fitLinearGD(ones, yc, { optimizer: createOptimizer('sgd', { lr: 1 }), epochs: 1, fitIntercept: false, batchSize, seed });
        expect(Array.from(model.coef.data)).toEqual([0.5]);
      }
    }
  });

  it('round-trips the fitted coefficients through JSON', () => {
    const { model } = fitLinearGD(X, y, { optimizer: createOptimizer('sgd', { lr: 0.1 }), epochs: 50 });
    const copy = LinearGD.fromJSON(roundTrip(model.toJSON()));
    expect(Array.from(copy.predict(X).data)).toEqual(Array.from(model.predict(X).data));
  });
});
