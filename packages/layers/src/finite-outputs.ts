import { type Matrix, NumericError } from '@ffnn/tensor';

/**
 * Returns `yhat` when every prediction is finite; otherwise fails with a {@link NumericError} in the
 * model's terms. A loaded model has finite weights, but weights near the float range (say 1e308)
 * overflow in the products of a forward pass, and a NaN or ±Infinity prediction is no answer.
 */
export function checkFiniteOutputs(yhat: Matrix): Matrix {
  for (let t = 0; t < yhat.size; t++) {
    const v = yhat.data[t]!;
    if (!Number.isFinite(v)) {
      const row = Math.floor(t / yhat.cols);
      throw new NumericError(`the model's outputs are not finite: its weights may be corrupt or too large (row ${row + 1}, output ${t - row * yhat.cols + 1} is ${v})`);
    }
  }
  return yhat;
}
