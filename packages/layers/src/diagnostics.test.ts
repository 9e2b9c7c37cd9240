import { Matrix } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { unitDiagnostics } from './diagnostics.js';
import { Sequential } from './network.js';

describe('unitDiagnostics', () => {
  it('counts dead ReLU units and saturated sigmoid units', () => {
    const net = new Sequential({ inputSize: 1, layers: [{ units: 4, activation: 'relu' }, { units: 2, activation: 'sigmoid' }, { units: 1, activation: 'linear' }], loss: 'mse' });
    const [l1, l2] = net.layers;
    // Units 0 and 1 see z = ±x (alive), units 2 and 3 have z = −x − 10 < 0 for x in [−1, 1] (dead).
    l1!.W.data.set([1, -1, -1, -1]);
    l1!.b.data.set([0, 0, -10, -10]);
    // Sigmoid unit 0 gets z = 100·(relu sum) + 50 (saturated), unit 1 gets z ≈ 0 (not saturated).
    l2!.W.data.set([100, 0, 100, 0, 0, 0, 0, 0]);
    l2!.b.data.set([50, 0]);
    const X = Matrix.column([-1, -0.5, 0.25, 0.5, 1]);
    const d = unitDiagnostics(net, X);
    expect(d).toEqual([
      { layer: 1, activation: 'relu', units: 4, deadFraction: 0.5, saturatedFraction: null },
      { layer: 2, activation: 'sigmoid', units: 2, deadFraction: null, saturatedFraction: 0.5 },
    ]);
  });

  it.each(['relu', 'leaky-relu', 'gelu'] as const)('%s: a unit is dead when z ≤ 0 on every row (z = 0 counts as dead; one positive row keeps it alive)', (activation) => {
    const net = new Sequential({ inputSize: 1, layers: [{ units: 5, activation }, { units: 1, activation: 'linear' }], loss: 'mse' });
    const [l1] = net.layers;
    // z = x (alive on the last two rows), 0 (dead), x − 0.75 (alive on the last row only), −10 (dead),
    // −x − 0.5 (alive on the first row only).
    l1!.W.data.set([1, 0, 1, 0, -1]);
    l1!.b.data.set([0, 0, -0.75, -10, -0.5]);
    const d = unitDiagnostics(net, Matrix.column([-1, 0, 0.5, 1]));
    expect(d).toEqual([{ layer: 1, activation, units: 5, deadFraction: 0.4, saturatedFraction: null }]);
  });

  it.each(['sigmoid', 'tanh'] as const)('%s: a unit is saturated when flat on at least 0.95 of the rows (19 of 20 is, 18 is not)', (activation) => {
    const net = new Sequential({ inputSize: 2, layers: [{ units: 3, activation }, { units: 1, activation: 'linear' }], loss: 'mse' });
    const [l1] = net.layers;
    // Rows 0–18 have x₀ = 10, row 19 has x₀ = 0; x₁ = 1 on row 18 only.
    // z₀ = −x₀: −10 on 19 rows (flat for both: sigmoid ≈ 0, tanh ≈ −1). z₁ = −x₀ + 10·x₁: −10 on 18 rows.
    // z₂ = 0 on every row: the steepest point of both (a sigmoid-style test a(1 − a) < ¼·1% would call
    // tanh's a = 0 flat, and a tanh-style test 1 − a² < 1% would not call sigmoid's a ≈ 0 flat).
    l1!.W.data.set([-1, -1, 0, 0, 10, 0]);
    const X = new Matrix(20, 2);
    for (let i = 0; i < 19; i++) X.data[2 * i] = 10;
    X.data[2 * 18 + 1] = 1;
    const d = unitDiagnostics(net, X);
    expect(d).toEqual([{ layer: 1, activation, units: 3, deadFraction: null, saturatedFraction: 1 / 3 }]);
  });

  it('reports neither fraction for a linear hidden layer', () => {
    const net = new Sequential({ inputSize: 1, layers: [{ units: 2, activation: 'linear' }, { units: 1, activation: 'linear' }], loss: 'mse' });
    net.layers[0]!.W.data.set([100, -100]);
    expect(unitDiagnostics(net, Matrix.column([-1, 1]))).toEqual([{ layer: 1, activation: 'linear', units: 2, deadFraction: null, saturatedFraction: null }]);
  });
});
