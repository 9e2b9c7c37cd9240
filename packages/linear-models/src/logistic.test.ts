import { DataFormatError, InvalidOptionError, Matrix, Rng, ShapeError, StateError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { LogisticRegression } from './logistic.js';
import { roundTrip } from './testing.js';

/** Gaussian blobs with labels 10, 20, 30 (to check label mapping). */
function blobs(n: number, seed: number): { X: Matrix; y: number[] } {
  const rng = new Rng(seed);
  const centres = [[0, 0], [3, 0], [0, 3]];
  const X = new Matrix(n, 2);
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    X.set(i, 0, centres[k]![0]! + rng.normal());
    X.set(i, 1, centres[k]![1]! + rng.normal());
    y.push(10 * (k + 1));
  }
  return { X, y };
}

describe('LogisticRegression', () => {
  const { X, y } = blobs(150, 1);

  it('reaches a stationary point of C·ΣCE + ½‖W‖² (checked by finite differences of the objective)', () => {
    const C = 0.7;
    const m = new LogisticRegression({ C, tol: 1e-9 }).fit(X, y);
    expect(m.converged).toBe(true);
    const W = m.coef; // p × K
    const b = m.intercept; // 1 × K
    const f = (Wt: Matrix, bt: Matrix): number => {
      let obj = 0;
      for (let i = 0; i < X.rows; i++) {
        const z = [0, 1, 2].map((k) => bt.get(0, k) + X.get(i, 0) * Wt.get(0, k) + X.get(i, 1) * Wt.get(1, k));
        const mx = Math.max(...z);
        const lse = mx + Math.log(z.reduce((a, v) => a + Math.exp(v - mx), 0));
        obj += C * (lse - z[y[i]! / 10 - 1]!);
      }
      return obj + 0.5 * Array.from(Wt.data).reduce((a, v) => a + v * v, 0);
    };
    expect(f(W, b)).toBeCloseTo(m.objective, 9);
    const h = 1e-5;
    for (let t = 0; t < W.data.length; t++) {
      const Wp = W.clone(), Wm = W.clone();
      Wp.data[t] = Wp.data[t]! + h;
      Wm.data[t] = Wm.data[t]! - h;
      expect(Math.abs((f(Wp, b) - f(Wm, b)) / (2 * h))).toBeLessThan(1e-5);
    }
    // The unpenalized intercepts sum to zero (softmax is shift invariant; L-BFGS from 0 keeps Σb = 0).
    expect(Math.abs(Array.from(b.data).reduce((a, v) => a + v, 0))).toBeLessThan(1e-10);
  });

  it('maps labels to sorted classes; probabilities are rows summing to 1; predict is the argmax', () => {
    const m = new LogisticRegression().fit(X, Int32Array.from(y));
    expect(Array.from(m.classes)).toEqual([10, 20, 30]);
    const P = m.predictProba(X);
    expect(P.shapeString()).toBe('150×3');
    for (let i = 0; i < 150; i++) expect(P.get(i, 0) + P.get(i, 1) + P.get(i, 2)).toBeCloseTo(1, 14);
    const labels = m.predictLabels(X);
    for (let i = 0; i < 150; i++) {
      const row = [P.get(i, 0), P.get(i, 1), P.get(i, 2)];
      expect(labels[i]).toBe(10 * (row.indexOf(Math.max(...row)) + 1));
    }
    expect(Array.from(m.predict(X).data)).toEqual(Array.from(labels));
    expect(m.score(X, y)).toBeGreaterThan(0.85);
    expect(m.score(X, Matrix.column(y))).toBe(m.score(X, y));
  });

  it('is stable for huge logits (log-sum-exp)', () => {
    const m = new LogisticRegression().fit(X, y);
    const far = Matrix.from([[1e6, 0], [0, -1e6]]);
    const P = m.predictProba(far);
    for (const v of P.data) expect(Number.isFinite(v)).toBe(true);
    expect(P.get(0, 1)).toBeCloseTo(1, 12);
  });

  it('a smaller C shrinks the weights', () => {
    const big = new LogisticRegression({ C: 10 }).fit(X, y).coef;
    const small = new LogisticRegression({ C: 0.001 }).fit(X, y).coef;
    const norm = (A: Matrix): number => Math.hypot(...A.data);
    expect(norm(small)).toBeLessThan(0.2 * norm(big));
  });

  it('accepts float32 X without converting it', () => {
    const m64 = new LogisticRegression({ tol: 1e-8 }).fit(X, y);
    const m32 = new LogisticRegression({ tol: 1e-8 }).fit(X.clone('float32'), y);
    for (let t = 0; t < 6; t++) expect(m32.coef.data[t]).toBeCloseTo(m64.coef.data[t]!, 5);
  });

  it('rejects bad input with typed errors', () => {
    expect(() => new LogisticRegression().predict(X)).toThrow(StateError);
    expect(() => new LogisticRegression({ C: 0 }).fit(X, y)).toThrow(InvalidOptionError);
    expect(() => new LogisticRegression({ C: 0 }).fit(X, y)).toThrow('LogisticRegression: C must be a finite number > 0, got 0');
    expect(() => new LogisticRegression().fit(X, y.slice(1))).toThrow('LogisticRegression.fit: y has 149 labels, expected 150 (one per row of X)');
    expect(() => new LogisticRegression().fit(X, y.map((v) => v + 0.5))).toThrow(DataFormatError);
    expect(() => new LogisticRegression().fit(X, new Array<number>(150).fill(1))).toThrow(/single class/);
    const bad = X.clone();
    bad.set(3, 0, Infinity);
    expect(() => new LogisticRegression().fit(bad, y)).toThrow(DataFormatError);
    const m = new LogisticRegression().fit(X, y);
    expect(() => m.predictProba(Matrix.zeros(1, 3))).toThrow(ShapeError);
  });

  it('round-trips through JSON', () => {
    const m = new LogisticRegression({ C: 2 }).fit(X, y);
    const copy = LogisticRegression.fromJSON(roundTrip(m.toJSON()));
    expect(copy.C).toBe(2);
    expect(Array.from(copy.predictProba(X).data)).toEqual(Array.from(m.predictProba(X).data));
  });
});
