import { readFileSync } from 'node:fs';
import { Matrix } from '@ffnn/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { LinearRegression } from './ols.js';
import { Ridge } from './ridge.js';
import { Lasso, lassoPath } from './lasso.js';
import { LogisticRegression } from './logistic.js';

/**
 * Agreement with scikit-learn 1.2.1: fixtures written by ../fixtures/make_fixtures.py.
 * Relative error of a coefficient vector: ‖w − w_sk‖∞ / ‖w_sk‖∞.
 */

interface Problem { X: number[][]; y: number[] }
interface LinearCase { problem: string; fitIntercept?: boolean; alpha?: number; coef: number[]; intercept: number; nIter?: number }
interface LinearFixture { problems: Record<string, Problem>; cases: LinearCase[] }

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

function data(p: Problem): { X: Matrix; y: Matrix } {
  return { X: Matrix.from(p.X), y: Matrix.column(p.y) };
}

/** ‖a − b‖∞ / ‖b‖∞ */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

/** Intercept error relative to the scale of the fitted model, max(|b_sk|, ‖w_sk‖∞). */
function interceptErr(b: number, c: LinearCase): number {
  return Math.abs(b - c.intercept) / Math.max(Math.abs(c.intercept), ...c.coef.map(Math.abs));
}

/** The largest error per model, printed once so a run shows the measured agreement. */
const worst = {
  errors: new Map<string, number>(),
  record(model: string, e: number): void {
    this.errors.set(model, Math.max(e, this.errors.get(model) ?? 0));
  },
};
afterAll(() => {
  for (const [model, e] of worst.errors) console.log(`sklearn agreement, ${model}: max error ${e.toExponential(2)}`);
});

describe('LinearRegression agrees with sklearn.linear_model.LinearRegression', () => {
  const fx = load<LinearFixture>('ols.json');
  it.each(fx.cases.map((c) => [c.problem, c.fitIntercept, c] as const))('%s, fitIntercept=%s: coef ≤ 1e-8 relative', (_p, _f, c) => {
    const { X, y } = data(fx.problems[c.problem]!);
    const m = new LinearRegression({ fitIntercept: c.fitIntercept! }).fit(X, y);
    const e = relErr(m.coef.data, c.coef);
    worst.record('OLS', e);
    expect(e).toBeLessThanOrEqual(1e-8);
    expect(interceptErr(m.intercept, c)).toBeLessThanOrEqual(1e-8);
  });
});

describe('Ridge agrees with sklearn.linear_model.Ridge', () => {
  const fx = load<LinearFixture>('ridge.json');
  it.each(fx.cases.map((c) => [c.problem, c.alpha, c.fitIntercept, c] as const))('%s, alpha=%s, fitIntercept=%s: coef ≤ 1e-8 relative', (_p, _a, _f, c) => {
    const { X, y } = data(fx.problems[c.problem]!);
    const m = new Ridge({ alpha: c.alpha!, fitIntercept: c.fitIntercept! }).fit(X, y);
    const e = relErr(m.coef.data, c.coef);
    worst.record('Ridge', e);
    expect(e).toBeLessThanOrEqual(1e-8);
    expect(interceptErr(m.intercept, c)).toBeLessThanOrEqual(1e-8);
  });
});

describe('Lasso agrees with sklearn.linear_model.Lasso (tol 1e-12)', () => {
  const fx = load<LinearFixture & { tol: number; maxIter: number }>('lasso.json');
  it.each(fx.cases.map((c) => [c.problem, c.alpha, c] as const))('%s, alpha=%s: coef ≤ 1e-6 relative', (_p, _a, c) => {
    const { X, y } = data(fx.problems[c.problem]!);
    const m = new Lasso({ alpha: c.alpha!, tol: fx.tol, maxIter: fx.maxIter }).fit(X, y);
    expect(m.converged).toBe(true);
    // Same algorithm and stopping rule, so about the same number of sweeps as scikit-learn's n_iter_
    // (identical in all but the slowest case, where the sweep that first meets the 1e-12 update test
    // depends on rounding: 67,320 here against 67,810).
    expect(Math.abs(m.nIter - c.nIter!)).toBeLessThanOrEqual(0.01 * c.nIter!);
    const e = relErr(m.coef.data, c.coef);
    worst.record('Lasso', e);
    expect(e).toBeLessThanOrEqual(1e-6);
    expect(interceptErr(m.intercept, c)).toBeLessThanOrEqual(1e-6);
    // The same zero pattern as scikit-learn.
    expect(Array.from(m.coef.data, (v) => v !== 0)).toEqual(c.coef.map((v) => v !== 0));
  });

  it('lassoPath with warm starts reaches the same coefficients in fewer sweeps', () => {
    for (const name of Object.keys(fx.problems)) {
      const cases = fx.cases.filter((c) => c.problem === name);
      const { X, y } = data(fx.problems[name]!);
      const path = lassoPath(X, y, cases.map((c) => c.alpha!), { tol: fx.tol, maxIter: fx.maxIter });
      const sorted = [...cases].sort((a, b) => b.alpha! - a.alpha!);
      sorted.forEach((c, k) => {
        expect(path.alphas[k]).toBe(c.alpha);
        const col = Array.from({ length: X.cols }, (_, j) => path.coefs.get(j, k));
        expect(relErr(col, c.coef)).toBeLessThanOrEqual(1e-6);
        expect(path.converged[k]).toBe(true);
      });
      const cold = sorted.reduce((s, c) => s + new Lasso({ alpha: c.alpha!, tol: fx.tol, maxIter: fx.maxIter }).fit(X, y).nIter, 0);
      const warm = path.nIters.reduce((s, v) => s + v, 0);
      expect(warm).toBeLessThan(cold);
    }
  });
});

describe('LogisticRegression agrees with sklearn multinomial lbfgs', () => {
  interface LogisticCase { C: number; coef: number[][]; intercept: number[]; probaTrain: number[][]; probaTest: number[][] }
  const fx = load<{ X: number[][]; y: number[]; XTest: number[][]; cases: LogisticCase[] }>('logistic.json');
  const X = Matrix.from(fx.X);
  const XTest = Matrix.from(fx.XTest);
  const maxAbsDiff = (P: Matrix, ref: number[][]): number => Math.max(...ref.flatMap((row, i) => row.map((v, k) => Math.abs(P.get(i, k) - v))));
  it.each(fx.cases.map((c) => [c.C, c] as const))('C=%s: predicted probabilities within 1e-4 (max abs)', (_C, c) => {
    const m = new LogisticRegression({ C: c.C, tol: 1e-10, maxIter: 10_000 }).fit(X, fx.y);
    expect(m.converged).toBe(true);
    expect(Array.from(m.classes)).toEqual([0, 1, 2, 3]);
    const e = Math.max(maxAbsDiff(m.predictProba(X), c.probaTrain), maxAbsDiff(m.predictProba(XTest), c.probaTest));
    worst.record('LogisticRegression (probabilities, abs)', e);
    expect(e).toBeLessThanOrEqual(1e-4);
    // Weights are identifiable (the penalty fixes the softmax shift), so they agree too.
    const coefT = m.coef; // p × K
    const ref = c.coef; // K × p
    const wErr = relErr(ref.flatMap((row, k) => row.map((_, j) => coefT.get(j, k))), ref.flat());
    worst.record('LogisticRegression (coef, rel)', wErr);
    expect(wErr).toBeLessThanOrEqual(1e-4);
  });
});
