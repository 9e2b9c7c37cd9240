import { DataFormatError, InvalidOptionError, Matrix, Rng, checkNumber, gatherRows } from '@ffnn/tensor';
import { checkInt } from '../validate.js';

/** Row indices of a train/test split. */
export interface SplitIndices {
  /** Indices of the training rows, in shuffled order. */
  train: Int32Array;
  /** Indices of the test rows, in shuffled order. */
  test: Int32Array;
}

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /** Fraction of rows in the test part, in (0, 1). Default 0.2. */
  testFraction?: number;
  /** Seed of the {@link Rng}. Default 1993. */
  seed?: number;
  /** Class labels (length n): the split then keeps each class's proportion in both parts. */
  stratify?: ArrayLike<number>;
}

/**
 * Splits row indices 0…n−1 into a shuffled train and test part, as scikit-learn's
 * `train_test_split`: the test part has `ceil(testFraction · n)` rows, the training part the rest.
 *
 * With `stratify`, each class c with n_c rows gets `floor(testFraction · n_c)` test rows, and the
 * remaining test rows go to the classes with the largest fractional remainders (ties: smaller
 * class label first), so every class's test count is within one of `testFraction · n_c` and the
 * total is still `ceil(testFraction · n)`. Classes are visited in ascending label order and each is
 * shuffled with the one Rng, then both parts are shuffled, so a seed gives one split everywhere.
 *
 * @throws InvalidOptionError when `testFraction` is outside (0, 1) or a part would be empty.
 * @throws DataFormatError when `stratify` has the wrong length or a non-finite label.
 */
export function trainTestSplit(n: number, options: TrainTestSplitOptions = {}): SplitIndices {
  checkInt('trainTestSplit: n', n, 0);
  const f = checkNumber('trainTestSplit: testFraction', options.testFraction ?? 0.2, (v) => v > 0 && v < 1, 'in (0, 1)');
  const rng = new Rng(options.seed ?? 1993);
  const nTest = Math.ceil(f * n);
  const nTrain = n - nTest;
  if (nTest < 1 || nTrain < 1) {
    throw new InvalidOptionError(
      `trainTestSplit: n = ${n} with testFraction = ${f} gives ${nTrain} training and ${nTest} test rows; both must be ≥ 1`,
    );
  }
  if (options.stratify === undefined) {
    const perm = rng.permutation(n);
    return { train: perm.slice(nTest), test: perm.slice(0, nTest) };
  }

  const groups = groupByLabel('trainTestSplit: stratify', options.stratify, n);
  const exact = groups.map((g) => f * g.length);
  const counts = exact.map((e) => Math.floor(e));
  let missing = nTest - counts.reduce((a, b) => a + b, 0);
  const order = groups.map((_, k) => k).sort((a, b) => exact[b]! - counts[b]! - (exact[a]! - counts[a]!) || a - b);
  for (const k of order) {
    if (missing <= 0) break;
    if (counts[k]! < groups[k]!.length) {
      counts[k]!++;
      missing--;
    }
  }
  const train = new Int32Array(nTrain);
  const test = new Int32Array(nTest);
  let tr = 0;
  let te = 0;
  groups.forEach((members, k) => {
    rng.shuffle(members);
    const c = counts[k]!;
    for (let i = 0; i < members.length; i++) {
      if (i < c) test[te++] = members[i]!;
      else train[tr++] = members[i]!;
    }
  });
  rng.shuffle(train);
  rng.shuffle(test);
  return { train, test };
}

/** Row indices grouped by label, groups in ascending label order, members ascending. */
function groupByLabel(what: string, labels: ArrayLike<number>, n: number): Int32Array[] {
  if (labels.length !== n) throw new DataFormatError(`${what}: has ${labels.length} labels, expected ${n}`);
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const v = labels[i]!;
    if (!Number.isFinite(v)) throw new DataFormatError(`${what}: label ${i} is ${v}; labels must be finite`);
    const list = byLabel.get(v);
    if (list === undefined) byLabel.set(v, [i]);
    else list.push(i);
  }
  return [...byLabel.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => Int32Array.from(list));
}

/** Options of {@link kFold}. */
export interface KFoldOptions {
  /** Seed of the {@link Rng} used when shuffling. Default 1993. */
  seed?: number;
  /** Shuffle the rows before cutting folds. Default true. */
  shuffle?: boolean;
}

/**
 * K-fold cross-validation indices, as scikit-learn's `KFold`: rows (shuffled unless `shuffle` is
 * false) are cut into k consecutive folds, the first `n mod k` of size ⌊n/k⌋+1 and the rest ⌊n/k⌋;
 * fold i is the test part of split i and the other folds, in order, its training part.
 *
 * @throws InvalidOptionError unless 2 ≤ k ≤ n.
 */
export function kFold(n: number, k: number, options: KFoldOptions = {}): SplitIndices[] {
  checkInt('kFold: n', n, 0);
  checkInt('kFold: k', k, 2);
  if (k > n) throw new InvalidOptionError(`kFold: k = ${k} exceeds the number of rows n = ${n}`);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (options.shuffle ?? true) new Rng(options.seed ?? 1993).shuffle(order);
  const base = Math.floor(n / k);
  const extra = n % k;
  const folds: SplitIndices[] = [];
  let start = 0;
  for (let i = 0; i < k; i++) {
    const size = base + (i < extra ? 1 : 0);
    const test = order.slice(start, start + size);
    const train = new Int32Array(n - size);
    train.set(order.subarray(0, start));
    train.set(order.subarray(start + size), start);
    folds.push({ train, test });
    start += size;
  }
  return folds;
}

/** A new matrix of the rows `index[0], index[1], …` of `X` (any length, repeats allowed). */
export function takeRows(X: Matrix, index: ArrayLike<number>): Matrix {
  return gatherRows(X, index, new Matrix(index.length, X.cols, X.dtype));
}
