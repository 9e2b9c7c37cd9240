import { DataFormatError, ShapeError } from '@ffnn/tensor';
import { checkInt, checkLabels } from '../validate.js';

function checkPair(what: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  if (yTrue.length !== yPred.length) {
    throw new ShapeError(`${what}: yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  }
  for (const [name, y] of [['yTrue', yTrue], ['yPred', yPred]] as const) {
    for (let i = 0; i < y.length; i++) {
      if (!Number.isFinite(y[i]!)) throw new DataFormatError(`${what}: ${name} element ${i} is ${y[i]}; labels must be finite`);
    }
  }
}

/**
 * Fraction of positions where `yPred` equals `yTrue` (labels compared as numbers).
 *
 * @throws DataFormatError on NaN/±Infinity or empty input; ShapeError on different lengths.
 */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair('accuracy', yTrue, yPred);
  if (yTrue.length === 0) throw new DataFormatError('accuracy: no samples');
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

/**
 * Confusion matrix `cm[t][p]` = number of samples of true class t predicted as p, classes
 * 0…numClasses−1 (rows: truth, columns: prediction, as scikit-learn).
 *
 * @throws DataFormatError when a label is not an integer in 0…numClasses−1 (NaN included).
 */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): number[][] {
  checkInt('confusionMatrix: numClasses', numClasses, 1);
  checkPair('confusionMatrix', yTrue, yPred);
  checkLabels('confusionMatrix: yTrue', yTrue, numClasses);
  checkLabels('confusionMatrix: yPred', yPred, numClasses);
  const cm = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) cm[yTrue[i]!]![yPred[i]!]!++;
  return cm;
}

/** Precision, recall, F1 and support of one class (or an average). */
export interface ClassScores {
  /** tp / (tp + fp); 0 when nothing was predicted as the class. */
  precision: number;
  /** tp / (tp + fn); 0 when the class has no samples. */
  recall: number;
  /** 2tp / (2tp + fp + fn); 0 when that is 0/0. */
  f1: number;
  /** Number of true samples of the class (for averages: of all classes). */
  support: number;
}

/** Result of {@link classificationReport}. */
export interface ClassificationReport {
  /** Scores of class 0, 1, …, numClasses−1. */
  perClass: (ClassScores & {
    /** The class these scores are for. */
    label: number;
  })[];
  /** Overall accuracy. */
  accuracy: number;
  /** Unweighted mean of the per-class scores (every class counts, even with zero support). */
  macroAvg: ClassScores;
  /** Support-weighted mean of the per-class scores. */
  weightedAvg: ClassScores;
}

/**
 * Per-class precision, recall and F1 as scikit-learn's `classification_report(labels=range(k),
 * zero_division=0)`: an undefined ratio (0/0) counts as 0, without a warning.
 */
export function classificationReport(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  numClasses: number,
): ClassificationReport {
  const cm = confusionMatrix(yTrue, yPred, numClasses);
  if (yTrue.length === 0) throw new DataFormatError('classificationReport: no samples');
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  const perClass = cm.map((row, c) => {
    const tp = row[c]!;
    const support = row.reduce((s, v) => s + v, 0);
    const predicted = cm.reduce((s, r) => s + r[c]!, 0);
    const fp = predicted - tp;
    const fn = support - tp;
    return { label: c, precision: ratio(tp, predicted), recall: ratio(tp, support), f1: ratio(2 * tp, 2 * tp + fp + fn), support };
  });
  const n = yTrue.length;
  const average = (weight: (s: ClassScores) => number, total: number): ClassScores => {
    const avg = (key: 'precision' | 'recall' | 'f1'): number => perClass.reduce((s, c) => s + weight(c) * c[key], 0) / total;
    return { precision: avg('precision'), recall: avg('recall'), f1: avg('f1'), support: n };
  };
  const hits = cm.reduce((s, row, c) => s + row[c]!, 0);
  return {
    perClass,
    accuracy: hits / n,
    macroAvg: average(() => 1, numClasses),
    weightedAvg: average((c) => c.support, n),
  };
}

/** One off-diagonal cell of a confusion matrix. */
export interface ConfusedPair {
  /** The true class (row of the confusion matrix). */
  trueLabel: number;
  /** The class predicted instead (column). */
  predicted: number;
  /** How many samples of `trueLabel` were predicted as `predicted`. */
  count: number;
}

/**
 * The `k` largest off-diagonal cells of a confusion matrix (count > 0 only), largest first; ties in
 * order of true label, then predicted label.
 *
 * @throws ShapeError when `cm` is not square; DataFormatError on a negative or non-integer count.
 */
export function mostConfusedPairs(cm: readonly (readonly number[])[], k: number): ConfusedPair[] {
  checkInt('mostConfusedPairs: k', k, 0);
  const pairs: ConfusedPair[] = [];
  cm.forEach((row, t) => {
    if (row.length !== cm.length) {
      throw new ShapeError(`mostConfusedPairs: row ${t} has ${row.length} entries; the matrix must be ${cm.length}×${cm.length}`);
    }
    row.forEach((count, p) => {
      if (!Number.isInteger(count) || count < 0) {
        throw new DataFormatError(`mostConfusedPairs: cm[${t}][${p}] is ${count}; counts must be non-negative integers`);
      }
      if (t !== p && count > 0) pairs.push({ trueLabel: t, predicted: p, count });
    });
  });
  pairs.sort((a, b) => b.count - a.count || a.trueLabel - b.trueLabel || a.predicted - b.predicted);
  return pairs.slice(0, k);
}
