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

  it('counts a dead first unit once: the unit loop stays inside the layer', () => {
    // Unit 0 is dead (z = −1 on every row), unit 1 alive (z = x > 0): 1 of 2. A loop past the last unit
    // would read unit 0 of the next row (dead) as a third unit and count it too.
    const net = new Sequential({ inputSize: 1, layers: [{ units: 2, activation: 'relu' }, { units: 1, activation: 'linear' }], loss: 'mse' });
    net.layers[0]!.W.data.set([0, 1]);
    net.layers[0]!.b.data.set([-1, 0]);
    expect(unitDiagnostics(net, Matrix.column([1, 2, 3]))[0]!.deadFraction).toBe(0.5);
  });

  it.each(['sigmoid', 'tanh'] as const)('%s: three saturated units of four, the first saturated on every row, give 3/4', (activation) => {
    // z = −10, 10, x ∈ [0.25, 1], 12 on 20 rows: units 0, 1 and 3 are flat on every row; unit 2 is steep
    // (sigmoid a(1 − a) ≥ 0.19, tanh 1 − a² ≥ 0.41), so neither "flat" read backwards nor a phantom
    // fifth unit (unit 0 of the next row) gives the same fraction.
    const net = new Sequential({ inputSize: 1, layers: [{ units: 4, activation }, { units: 1, activation: 'linear' }], loss: 'mse' });
    net.layers[0]!.W.data.set([0, 0, 1, 0]);
    net.layers[0]!.b.data.set([-10, 10, 0, 12]);
    const X = Matrix.column(Array.from({ length: 20 }, (_, i) => 0.25 + (0.75 * i) / 19));
    expect(unitDiagnostics(net, X)).toEqual([{ layer: 1, activation, units: 4, deadFraction: null, saturatedFraction: 0.75 }]);
  });

  it.each(['sigmoid', 'tanh'] as const)('%s: each unit is judged on its own column, row by row (two rows, both flat for units 1 and 2)', (activation) => {
    // z = 0.5 (steep), −10, 10 on both rows: 2 of 3 saturated. Two rows need both flat (≥ 0.95 · 2).
    const net = new Sequential({ inputSize: 1, layers: [{ units: 3, activation }, { units: 1, activation: 'linear' }], loss: 'mse' });
    net.layers[0]!.b.data.set([0.5, -10, 10]);
    net.layers[0]!.W.data.set([0, 0, 0]);
    expect(unitDiagnostics(net, Matrix.column([-1, 1]))[0]!.saturatedFraction).toBe(2 / 3);
  });

  it('reports neither fraction for a linear hidden layer', () => {
    const net = new Sequential({ inputSize: 1, layers: [{ units: 2, activation: 'linear' }, { units: 1, activation: 'linear' }], loss: 'mse' });
    net.layers[0]!.W.data.set([100, -100]);
    expect(unitDiagnostics(net, Matrix.column([-1, 1]))).toEqual([{ layer: 1, activation: 'linear', units: 2, deadFraction: null, saturatedFraction: null }]);
  });
});
