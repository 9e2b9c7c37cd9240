import { DataFormatError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { oneHot } from './one-hot.js';

describe('oneHot', () => {
  it('puts a single 1 per row in the label column', () => {
    const Y = oneHot(Uint8Array.from([2, 0, 1]), 3);
    expect(Y.toArray()).toEqual([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    expect(oneHot([1], 2, 'float32').dtype).toBe('float32');
  });

  it('rejects labels outside 0..k-1, non-integers and NaN', () => {
    expect(() => oneHot([3], 3)).toThrow(/oneHot: labels: element 0 is 3; labels must be integers in 0..2/);
    expect(() => oneHot([0.5], 3)).toThrow(DataFormatError);
    expect(() => oneHot([NaN], 3)).toThrow(DataFormatError);
    expect(() => oneHot([0], 0)).toThrow(/numClasses must be an integer ≥ 1/);
  });
});
