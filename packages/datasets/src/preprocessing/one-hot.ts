import { type DType, Matrix } from '@ffnn/tensor';
import { checkInt, checkLabels } from '../validate.js';

/**
 * One-hot encoding: row i of the `n × numClasses` result is 1 in column `labels[i]`, 0 elsewhere.
 *
 * @throws DataFormatError when a label is not an integer in 0…numClasses−1.
 */
export function oneHot(labels: ArrayLike<number>, numClasses: number, dtype: DType = 'float64'): Matrix {
  checkInt('oneHot: numClasses', numClasses, 1);
  checkLabels('oneHot: labels', labels, numClasses);
  const Y = new Matrix(labels.length, numClasses, dtype);
  for (let i = 0; i < labels.length; i++) Y.data[i * numClasses + labels[i]!] = 1;
  return Y;
}
