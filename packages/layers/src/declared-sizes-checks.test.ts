import { InvalidOptionError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { checkDeclaredSizes } from './declared-sizes.js';

describe('checkDeclaredSizes names the field that is not a size', () => {
  const present = () => ({ W: 6, b: 3 });
  it('inputSize, a layer that is not an object, and a layer’s units', () => {
    expect(() => checkDeclaredSizes(0, [], present)).toThrow(new InvalidOptionError('inputSize must be an integer ≥ 1, got 0'));
    expect(() => checkDeclaredSizes(2, [null], present)).toThrow(new InvalidOptionError('layers[0] must be an object { units, activation, W, b }'));
    expect(() => checkDeclaredSizes(2, [{ units: 3 }, 7], present)).toThrow('layers[1] must be an object { units, activation, W, b }');
    expect(() => checkDeclaredSizes(2, [{ units: 2.5 }], present)).toThrow(new InvalidOptionError('layers[0].units must be an integer ≥ 1, got 2.5'));
    expect(() => checkDeclaredSizes(2, [{ units: 3 }], present)).not.toThrow();
  });
});
