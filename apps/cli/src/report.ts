import { accuracy, mae, mse, r2 } from '@ffnn/datasets';
import type { RowSource, Sequential } from '@ffnn/layers';
import type { Matrix } from '@ffnn/tensor';

/** MSE, MAE and R² against the targets, and MSE/R² against the clean function when known. */
export function regressionSummary(net: Sequential, X: Matrix | RowSource, y: Matrix, clean: Matrix | null): Record<string, number> {
  const yhat = net.predict(X);
  const out: Record<string, number> = { mse: mse(y.data, yhat.data), mae: mae(y.data, yhat.data), r2: r2(y.data, yhat.data) };
  if (clean) {
    out.mse_clean = mse(clean.data, yhat.data);
    out.r2_clean = r2(clean.data, yhat.data);
  }
  return out;
}

/** Accuracy and mean cross-entropy. */
export function classificationSummary(net: Sequential, X: Matrix | RowSource, labels: Int32Array): Record<string, number> {
  const pred = net.predictClasses(X);
  const e = net.evaluate(X, labels);
  return { accuracy: accuracy(labels, pred), loss: e.loss };
}
