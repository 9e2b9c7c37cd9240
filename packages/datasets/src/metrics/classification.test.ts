import { DataFormatError, ShapeError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { accuracy, classificationReport, confusionMatrix, mostConfusedPairs } from './classification.js';

describe('accuracy and confusionMatrix', () => {
  it('hand-computed example (scikit-learn docs)', () => {
    const yTrue = [2, 0, 2, 2, 0, 1];
    const yPred = [0, 0, 2, 2, 0, 2];
    expect(confusionMatrix(yTrue, yPred, 3)).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
    expect(accuracy(yTrue, yPred)).toBe(4 / 6);
    expect(accuracy(Uint8Array.of(1, 2), Int32Array.of(1, 2))).toBe(1);
  });

  it('rejects NaN, out-of-range labels and length mismatch', () => {
    expect(() => accuracy([1, NaN], [1, 1])).toThrow(DataFormatError);
    expect(() => accuracy([], [])).toThrow(DataFormatError);
    expect(() => accuracy([1], [1, 2])).toThrow(ShapeError);
    expect(() => confusionMatrix([0, 3], [0, 0], 3)).toThrow(/yTrue: element 1 is 3; labels must be integers in 0..2/);
    expect(() => confusionMatrix([0, 1], [0, NaN], 3)).toThrow(/yPred element 1 is NaN/);
    expect(() => confusionMatrix([0], [0.5], 3)).toThrow(DataFormatError);
  });
});

describe('classificationReport', () => {
  it('matches scikit-learn classification_report on its documentation example', () => {
    // sklearn docs: y_true = [0, 1, 2, 2, 2], y_pred = [0, 0, 2, 2, 1]
    const r = classificationReport([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], 3);
    const c = r.perClass;
    expect([c[0]!.precision, c[0]!.recall, c[0]!.f1, c[0]!.support]).toEqual([0.5, 1, 2 / 3, 1]);
    expect([c[1]!.precision, c[1]!.recall, c[1]!.f1, c[1]!.support]).toEqual([0, 0, 0, 1]);
    expect([c[2]!.precision, c[2]!.recall, c[2]!.support]).toEqual([1, 2 / 3, 3]);
    expect(c[2]!.f1).toBeCloseTo(0.8, 15);
    expect(r.accuracy).toBe(0.6);
    expect(r.macroAvg.precision).toBe(0.5);
    expect(r.macroAvg.recall).toBeCloseTo(0.5555555555555556, 15);
    expect(r.macroAvg.f1).toBeCloseTo(0.4888888888888889, 15);
    expect(r.weightedAvg.precision).toBeCloseTo(0.7, 15);
    expect(r.weightedAvg.recall).toBeCloseTo(0.6, 15);
    expect(r.weightedAvg.f1).toBeCloseTo(0.6133333333333334, 15);
    expect(r.weightedAvg.support).toBe(5);
  });

  it('zero_division = 0: never-predicted and absent classes score 0, not NaN', () => {
    const r = classificationReport([0, 0, 1], [0, 0, 0], 3);
    expect(r.perClass[1]).toEqual({ label: 1, precision: 0, recall: 0, f1: 0, support: 1 });
    expect(r.perClass[2]).toEqual({ label: 2, precision: 0, recall: 0, f1: 0, support: 0 });
    expect(r.perClass[0]!.precision).toBe(2 / 3);
    expect(r.perClass[0]!.recall).toBe(1);
    expect(r.perClass[0]!.f1).toBe(0.8);
    expect(r.macroAvg.recall).toBe(1 / 3); // absent class 2 still counts in the macro average
  });
});

describe('mostConfusedPairs', () => {
  it('returns off-diagonal cells, largest first, ties by labels', () => {
    const cm = [
      [50, 3, 0],
      [7, 40, 3],
      [0, 7, 60],
    ];
    expect(mostConfusedPairs(cm, 3)).toEqual([
      { trueLabel: 1, predicted: 0, count: 7 },
      { trueLabel: 2, predicted: 1, count: 7 },
      { trueLabel: 0, predicted: 1, count: 3 },
    ]);
    expect(mostConfusedPairs(cm, 10)).toHaveLength(4); // zero cells are left out
    expect(mostConfusedPairs(cm, 0)).toEqual([]);
  });

  it('validates the matrix', () => {
    expect(() => mostConfusedPairs([[1, 2]], 1)).toThrow(ShapeError);
    expect(() => mostConfusedPairs([[1, NaN], [0, 1]], 1)).toThrow(DataFormatError);
    expect(() => mostConfusedPairs([[1, -1], [0, 1]], 1)).toThrow(/counts must be non-negative integers/);
  });
});

describe('classification metrics: messages and ties', () => {
  it('name the function and the offending input', () => {
    expect(() => accuracy([0, 1], [0])).toThrow('accuracy: yTrue has 2 labels but yPred has 1');
    expect(() => accuracy([], [])).toThrow('accuracy: no samples');
    expect(() => confusionMatrix([0], [0], 0)).toThrow('confusionMatrix: numClasses must be an integer ≥ 1, got 0');
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow('confusionMatrix: yTrue has 2 labels but yPred has 1');
    expect(() => confusionMatrix([0, 1], [0, 2], 2)).toThrow('confusionMatrix: yPred: element 1 is 2; labels must be integers in 0..1');
    expect(() => classificationReport([], [], 2)).toThrow(DataFormatError);
    expect(() => classificationReport([], [], 2)).toThrow('classificationReport: no samples');
    expect(() => mostConfusedPairs([[0]], -1)).toThrow('mostConfusedPairs: k must be an integer ≥ 0, got -1');
    expect(() => mostConfusedPairs([[0, 1], [1]], 1)).toThrow(ShapeError);
    expect(() => mostConfusedPairs([[0, 1], [1]], 1)).toThrow('mostConfusedPairs: row 1 has 1 entries; the matrix must be 2×2');
  });

  it('mostConfusedPairs breaks ties by true label, then by predicted label', () => {
    const cm = [
      [0, 2, 2],
      [2, 0, 1],
      [2, 2, 0],
    ];
    expect(mostConfusedPairs(cm, 10).map((p) => [p.trueLabel, p.predicted, p.count])).toEqual([
      [0, 1, 2],
      [0, 2, 2],
      [1, 0, 2],
      [2, 0, 2],
      [2, 1, 2],
      [1, 2, 1],
    ]);
    // Larger counts after smaller ones in row order: the sort must move them, keeping ties in (t, p) order.
    const big = [
      [0, 1, 3, 1, 2],
      [3, 0, 1, 2, 1],
      [1, 3, 0, 1, 2],
      [2, 1, 3, 0, 1],
      [1, 2, 1, 3, 0],
    ];
    const expected = big
      .flatMap((row, t) => row.map((count, p) => ({ t, p, count })))
      .filter((c) => c.t !== c.p && c.count > 0)
      .sort((x, y) => y.count - x.count || x.t - y.t || x.p - y.p)
      .map((c) => [c.t, c.p, c.count]);
    expect(expected.slice(0, 3)).toEqual([[0, 2, 3], [1, 0, 3], [2, 1, 3]]);
    expect(mostConfusedPairs(big, 20).map((p) => [p.trueLabel, p.predicted, p.count])).toEqual(expected);
  });
});
