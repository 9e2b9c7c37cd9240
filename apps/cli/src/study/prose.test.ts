import { describe, expect, it } from 'vitest';
import { compareSentence, listJoin, meanSdText, percent, percentagePoints, plural } from './prose.js';
import { exactly, meanSd } from './stats.js';

describe('prose helpers', () => {
  it('plural agrees with the count', () => {
    expect(plural(1, 'training run')).toBe('1 training run');
    expect(plural(0, 'training run')).toBe('0 training runs');
    expect(plural(2, 'hidden layer')).toBe('2 hidden layers');
    expect(plural(3, 'matrix', 'matrices')).toBe('3 matrices');
  });

  it('listJoin reads as a list', () => {
    expect(listJoin([])).toBe('');
    expect(listJoin(['a'])).toBe('a');
    expect(listJoin(['a', 'b'])).toBe('a and b');
    expect(listJoin(['a', 'b', 'c'])).toBe('a, b and c');
  });

  it('percent never prints a non-zero value as 0.00%', () => {
    expect(percent(0)).toBe('0%');
    expect(percent(1)).toBe('100%');
    expect(percent(0.98237)).toBe('98.24%');
    expect(percent(0.00004)).toBe('less than 0.01%');
    expect(percent(0.0001)).toBe('0.01%');
  });

  it('percentagePoints carries its unit', () => {
    expect(percentagePoints(0.0008)).toBe('0.08 percentage points');
    expect(percentagePoints(-0.0123)).toBe('1.23 percentage points');
    expect(percentagePoints(0)).toBe('0 percentage points');
    expect(percentagePoints(1e-6)).toBe('less than 0.01 percentage points');
  });

  it('meanSdText shows mean ± sd (n), says n = 1, and leaves exact results bare', () => {
    expect(meanSdText(meanSd([1, 2, 3]))).toBe('2 ± 1 (n = 3)');
    expect(meanSdText(meanSd([0.0023]))).toBe('0.0023 (n = 1)');
    expect(meanSdText(exactly(0.0038))).toBe('0.0038');
    expect(meanSdText(meanSd([1, 2, 3]), undefined, true)).toBe('2 ± 1, n = 3');
  });
});

describe('compareSentence', () => {
  const mse = { lowerIsBetter: true, metric: 'test MSE' };

  it('names the better setting and says the gap exceeds the spread', () => {
    const s = compareSentence({ label: 'Adam', spread: meanSd([1, 2, 3]) }, { label: 'SGD', spread: meanSd([5, 6, 7]) }, mse);
    expect(s).toBe('Adam (2 ± 1, n = 3) has a better test MSE than SGD (6 ± 1, n = 3); the difference, 4, exceeds the seed-to-seed spread (sd sum 2).');
  });

  it('reverses the order when the second setting is better, and for accuracy higher is better', () => {
    const s = compareSentence({ label: 'A', spread: meanSd([0.9, 0.91]) }, { label: 'B', spread: meanSd([0.95, 0.96]) }, { lowerIsBetter: false, metric: 'accuracy', value: percent, difference: percentagePoints });
    expect(s.startsWith('B (95.50% ± 0.71%, n = 2) has a better accuracy than A')).toBe(true);
    expect(s).toContain('; the difference, 5.00 percentage points, exceeds the seed-to-seed spread (sd sum 1.41%).');
  });

  it('says when a difference is within the spread', () => {
    const s = compareSentence({ label: 'A', spread: meanSd([1, 2, 3]) }, { label: 'B', spread: meanSd([2, 3, 4]) }, mse);
    expect(s).toContain('the difference, 1, is within the seed-to-seed spread (sd sum 2), so the two cannot be told apart.');
  });

  it('with one seed it says the spread is not measured instead of claiming a difference', () => {
    const s = compareSentence({ label: 'penalized', spread: meanSd([0.0024]) }, { label: 'unpenalized', spread: meanSd([0.0025]) }, mse);
    expect(s).toContain('Penalized (0.0024, n = 1) has a better test MSE than unpenalized (0.0025, n = 1); the difference, 1.000e-4, cannot be judged');
    expect(s).toContain('against the seed-to-seed spread, which one seed per setting does not measure.');
  });

  it('ties and zero spread read correctly', () => {
    expect(compareSentence({ label: 'A', spread: meanSd([2]) }, { label: 'B', spread: meanSd([2]) }, mse)).toBe('A (2, n = 1) and B (2, n = 1) reach the same test MSE (one seed each).');
    expect(compareSentence({ label: 'A', spread: exactly(1) }, { label: 'B', spread: exactly(2) }, mse)).toBe('A (1) has a better test MSE than B (2); the difference, 1, is real: neither result varies with the seed.');
  });
});
