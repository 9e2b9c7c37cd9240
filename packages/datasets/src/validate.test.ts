import { DataFormatError, InvalidOptionError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { checkInt, checkLabels } from './validate.js';

describe('checkInt and checkLabels', () => {
  it('checkInt states the range it was given', () => {
    expect(checkInt('k', 3, 0, 3)).toBe(3);
    expect(() => checkInt('k', 4, 0, 3)).toThrow(InvalidOptionError);
    expect(() => checkInt('k', 4, 0, 3)).toThrow('k must be an integer in [0, 3], got 4');
    expect(() => checkInt('k', 2 ** 60, 0)).toThrow(`k must be an integer ≥ 0, got ${2 ** 60}`);
    expect(checkInt('k', Number.MAX_SAFE_INTEGER, 0)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('checkLabels rejects negative labels', () => {
    expect(() => checkLabels('labels', [0, -1], 2)).toThrow(DataFormatError);
    expect(() => checkLabels('labels', [0, -1], 2)).toThrow('labels: element 1 is -1; labels must be integers in 0..1');
  });
});
