import { DataFormatError, Matrix, Rng, ShapeError, StateError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { type LogisticRegressionJSON, LogisticRegression } from './logistic.js';

// LogisticRegression at its edges: what it says when used wrongly, each option and label check by
// name, two classes, features in the thousands, no intercept, and scores counted by hand.

function blobs(n: number, seed: number, classes = 3): { X: Matrix; y: number[] } {
  const rng = new Rng(seed);
  const centres = [[0, 0], [3, 0], [0, 3]];
  const X = new Matrix(n, 2);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % classes;
    X.set(i, 0, centres[k]![0]! + rng.normal());
    X.set(i, 1, centres[k]![1]! + rng.normal());
    y.push(k);
  }
  return { X, y };
}

/** A model with the given weights (K rows of 2), intercepts and labels. */
function model(weights: number[][], intercept: number[], classes: number[]): LogisticRegression {
  const json: LogisticRegressionJSON = { model: 'LogisticRegression', version: 1, options: { C: 1, maxIter: 100, tol: 1e-4, fitIntercept: true, memory: 10 }, classes, weights, intercept };
  return LogisticRegression.fromJSON(json);
}

describe('LogisticRegression, used wrongly', () => {
  const { X, y } = blobs(30, 2);

  it('says it is not fitted, naming what was asked', () => {
    const m = new LogisticRegression();
    expect(m.converged).toBe(false);
    for (const [what, call] of [
      ['classes', () => m.classes],
      ['coef', () => m.coef],
      ['intercept', () => m.intercept],
      ['decisionFunction', () => m.decisionFunction(X)],
      ['toJSON', () => m.toJSON()],
    ] as const) {
      expect(call).toThrow(new StateError(`LogisticRegression.${what}: the model is not fitted; call fit(X, y) first`));
    }
  });

  it.each([
    [{ maxIter: 0 }, 'LogisticRegression: maxIter must be an integer ≥ 1, got 0'],
    [{ tol: -1 }, 'LogisticRegression: tol must be a finite number ≥ 0, got -1'],
    [{ fitIntercept: 'yes' as never }, 'LogisticRegression: fitIntercept must be true or false, got yes'],
    [{ memory: 0 }, 'LogisticRegression: memory must be an integer ≥ 1, got 0'],
  ])('names the option: %o', (options, message) => {
    expect(() => new LogisticRegression(options).fit(X, y)).toThrow(message);
  });

  it('names what is wrong with X and y', () => {
    expect(() => new LogisticRegression().fit(null as never, y)).toThrow(new ShapeError('LogisticRegression.fit: X must be a Matrix, got null'));
    expect(() => new LogisticRegression().fit(X, new Matrix(30, 2))).toThrow(new ShapeError('LogisticRegression.fit: y is 30×2, expected 30×1 labels'));
    expect(new LogisticRegression().fit(X, Matrix.column(y)).toJSON()).toEqual(new LogisticRegression().fit(X, y).toJSON());
    expect(() => new LogisticRegression().fit(X, 'abc' as never)).toThrow(new ShapeError('LogisticRegression.fit: y must be an Int32Array, a number[] or an n×1 Matrix of class labels'));
    const big = y.map((v, i) => (i === 4 ? 2147483648 : v));
    expect(() => new LogisticRegression().fit(X, big)).toThrow(new DataFormatError('LogisticRegression.fit: y[4] is 2147483648; labels must be 32-bit integers'));
    const fitted = new LogisticRegression().fit(X, y);
    expect(() => fitted.decisionFunction(null as never)).toThrow('LogisticRegression.decisionFunction: X must be a Matrix, got null');
    expect(() => fitted.decisionFunction(new Matrix(2, 3))).toThrow('LogisticRegression.decisionFunction: X has 3 columns, expected 2 (as in fit)');
    expect(() => fitted.score(X, y.slice(1))).toThrow(new ShapeError('LogisticRegression.score: y has 29 labels, expected 30 (one per row of X)'));
  });

  it('refuses JSON that is not a model of its kind, or whose sizes or numbers are wrong', () => {
    const good = model([[1, 0], [0, 1]], [0, 0], [0, 1]).toJSON();
    const refuse = (json: unknown, message: string) => expect(() => LogisticRegression.fromJSON(json as LogisticRegressionJSON)).toThrow(new DataFormatError(message));
    const kind = 'LogisticRegression.fromJSON: expected model "LogisticRegression" version 1, got ';
    refuse(null, `${kind}undefined`);
    refuse({ ...good, model: 'Ridge' }, `${kind}Ridge`);
    refuse({ ...good, version: 2 }, `${kind}LogisticRegression`);
    refuse({ ...good, weights: [[1, 0]] }, 'LogisticRegression.fromJSON: 2 classes need 2 weight rows and 2 intercepts');
    refuse({ ...good, intercept: [0] }, 'LogisticRegression.fromJSON: 2 classes need 2 weight rows and 2 intercepts');
    refuse({ ...good, weights: [[1, NaN], [0, 1]] }, 'LogisticRegression.fromJSON: weights and intercepts must be finite numbers');
    refuse({ ...good, intercept: [0, Infinity] }, 'LogisticRegression.fromJSON: weights and intercepts must be finite numbers');
  });
});

describe('LogisticRegression computes', () => {
  it('two classes, and any 32-bit labels', () => {
    const { X, y } = blobs(40, 3, 2);
    const labels = y.map((v) => (v === 0 ? -2147483647 : 2147483647));
    const m = new LogisticRegression().fit(X, labels);
    expect(Array.from(m.classes)).toEqual([-2147483647, 2147483647]);
    expect(m.score(X, labels)).toBeGreaterThan(0.9);
  });

  it('on features in the thousands, where the logits overflow exp unless the row maximum is subtracted', () => {
    const { X, y } = blobs(60, 4);
    for (let t = 0; t < X.size; t++) X.data[t] = 1000 * X.data[t]!;
    const m = new LogisticRegression({ C: 100 }).fit(X, y);
    expect(Number.isFinite(m.objective)).toBe(true);
    expect(m.score(X, y)).toBeGreaterThan(0.9);
  });

  it('without intercepts, leaves them at zero', () => {
    const { X, y } = blobs(30, 5);
    const m = new LogisticRegression({ fitIntercept: false }).fit(X, y);
    expect(Array.from(m.intercept.data)).toEqual([0, 0, 0]);
    expect(new LogisticRegression().fit(X, y).intercept.data.some((b) => b !== 0)).toBe(true);
  });

  it('only as many iterations as maxIter allows', () => {
    const { X, y } = blobs(30, 5);
    const m = new LogisticRegression({ maxIter: 2, tol: 0 }).fit(X, y);
    expect(m.nIter).toBe(2);
    expect(m.converged).toBe(false);
  });

  it('the first class on a tie, and the accuracy as counted by hand', () => {
    // Logits x₁ and x₂ for labels 7 and 9: ties go to 7.
    const m = model([[1, 0], [0, 1]], [0, 0], [7, 9]);
    const X = Matrix.from([[1, 1], [2, 0], [0, 2], [3, 1]]);
    expect(Array.from(m.predictLabels(X))).toEqual([7, 7, 9, 7]);
    expect(m.score(X, [7, 7, 9, 9])).toBe(0.75);
    expect(m.score(X, Matrix.column([9, 9, 9, 9]))).toBe(0.25);
    expect(Array.from(model([[0, 0], [0, 0]], [0, 0], [7, 9]).predictLabels(X))).toEqual([7, 7, 7, 7]);
  });
});
