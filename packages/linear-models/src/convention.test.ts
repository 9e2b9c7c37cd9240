/**
 * One convention, shown: a network with no hidden layer is a linear model, and once the penalty
 * scaling is matched it converges to the same solution as Ridge and as logistic regression.
 *
 * - Network, linear output, MSE, L2: J = (1/n)‖y − Xw − b‖² + (λ₂/2)‖w‖². Multiplying by n gives
 *   Ridge's ‖y − Xw − b‖² + α‖w‖² with α = n·λ₂/2, i.e. λ₂ = 2α/n.
 * - Network, softmax, cross-entropy, L2: J = (1/n)Σ CEᵢ + (λ₂/2)‖W‖². Multiplying by n·C gives
 *   logistic regression's C·Σ CEᵢ + ½‖W‖² with λ₂ = 1/(n·C). Biases are unpenalized in both.
 */
import { Sequential } from '@ffnn/layers';
import { createOptimizer } from '@ffnn/optim';
import { Matrix, Rng } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { LogisticRegression } from './logistic.js';
import { Ridge } from './ridge.js';

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

describe('a network without hidden layers reproduces the linear models', () => {
  it('linear output + MSE + L2 (λ₂ = 2α/n) converges to Ridge(α)', () => {
    const rng = new Rng(11);
    const n = 120, p = 4, alpha = 5;
    const X = Matrix.zeros(n, p);
    const y = Matrix.zeros(n, 1);
    for (let i = 0; i < n; i++) {
      let s = 0.7;
      for (let j = 0; j < p; j++) {
        const v = rng.normal();
        X.set(i, j, v);
        s += (j + 1) * 0.5 * v;
      }
      y.data[i] = s + 0.3 * rng.normal();
    }
    const ridge = new Ridge({ alpha }).fit(X, y);
    const net = new Sequential({ inputSize: p, layers: [{ units: 1, activation: 'linear' }], loss: 'mse', lambda2: (2 * alpha) / n, seed: 3 });
    net.fit(X, y, { optimizer: createOptimizer('sgd', { lr: 0.2 }), epochs: 3000, batchSize: n, shuffle: false });
    const W = net.layers[0]!.W;
    const b = net.layers[0]!.b.data[0]!;
    const rel = maxRelDiff(W.data, ridge.coef.data);
    console.log(`network vs Ridge(α=${alpha}): max relative coefficient difference ${rel.toExponential(2)}, intercepts ${b} vs ${String(ridge.intercept)}`);
    expect(rel).toBeLessThan(1e-9);
    expect(Math.abs(b - (ridge.intercept))).toBeLessThan(1e-9);
  });

  it('softmax + cross-entropy + L2 (λ₂ = 1/(n·C)) converges to multinomial LogisticRegression(C)', () => {
    const rng = new Rng(5);
    const n = 150, C = 0.5;
    const X = Matrix.zeros(n, 2);
    const labels = new Int32Array(n);
    const centres = [[0, 1.5], [-1.3, -0.7], [1.3, -0.7]];
    for (let i = 0; i < n; i++) {
      const k = i % 3;
      labels[i] = k;
      X.set(i, 0, centres[k]![0]! + rng.normal());
      X.set(i, 1, centres[k]![1]! + rng.normal());
    }
    const logreg = new LogisticRegression({ C, tol: 1e-10, maxIter: 10_000 }).fit(X, labels);
    const net = new Sequential({ inputSize: 2, layers: [{ units: 3, activation: 'softmax' }], loss: 'cross-entropy', lambda2: 1 / (n * C), seed: 3 });
    net.fit(X, labels, { optimizer: createOptimizer('sgd', { lr: 1 }), epochs: 20_000, batchSize: n, shuffle: false });
    const pNet = net.predict(X);
    const pLog = logreg.predictProba(X);
    let worst = 0;
    for (let t = 0; t < pNet.size; t++) worst = Math.max(worst, Math.abs(pNet.data[t]! - pLog.data[t]!));
    console.log(`network vs LogisticRegression(C=${C}): max |Δp| ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-6);
  });
});
