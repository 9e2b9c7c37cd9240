import { Matrix, NumericError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { checkFiniteOutputs } from './finite-outputs.js';
import { Sequential } from './network.js';

describe('checkFiniteOutputs', () => {
  it('passes finite predictions through and names the first non-finite one in the model’s terms', () => {
    const ok = Matrix.from([[1, -2], [3e300, 0]]);
    expect(checkFiniteOutputs(ok)).toBe(ok);
    expect(() => checkFiniteOutputs(Matrix.from([[1, 2], [3, Number.NaN]]))).toThrow(
      new NumericError("the model's outputs are not finite: its weights may be corrupt or too large (row 2, output 2 is NaN)"),
    );
  });

  it('catches a model whose weights are all 1e308: finite weights, overflowing outputs', () => {
    const json = Sequential.mlp({ inputSize: 1, hidden: [4], outputSize: 1, loss: 'mse' }).toJSON();
    for (const layer of json.layers) {
      layer.W.fill(1e308);
      layer.b.fill(1e308);
    }
    const net = Sequential.fromJSON(json);
    expect(() => checkFiniteOutputs(net.predict(Matrix.column([0.5])))).toThrow(/row 1, output 1 is Infinity\)$/);
  });
});
