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
});
