import { type Matrix, axpy, signAxpy } from '@ffnn/tensor';

/** R₁(W) = λ₁ Σ |w| */
export function l1Value(W: Matrix, lambda1: number): number {
  if (lambda1 === 0) return 0;
  let s = 0;
  const ws = W.data;
  for (let t = 0; t < ws.length; t++) s += Math.abs(ws[t]!);
  return lambda1 * s;
}
/** dW += λ₁ sign(W), with sign(0) = 0 (the subgradient the report chose); the backend's `signAxpy` kernel from @ffnn/tensor. */
export function l1Gradient(W: Matrix, lambda1: number, dW: Matrix): void {
  if (lambda1 === 0) return;
  signAxpy(lambda1, W, dW);
}

/** R₂(W) = (λ₂/2) Σ w²  (so that its gradient is λ₂·w, eq. (4) of the report) */
export function l2Value(W: Matrix, lambda2: number): number {
  if (lambda2 === 0) return 0;
  let s = 0;
  const ws = W.data;
  for (let t = 0; t < ws.length; t++) s += ws[t]! * ws[t]!;
  return 0.5 * lambda2 * s;
}
/** dW += λ₂ W; the backend's `axpy` kernel from @ffnn/tensor. */
export function l2Gradient(W: Matrix, lambda2: number, dW: Matrix): void {
  if (lambda2 === 0) return;
  axpy(lambda2, W, dW);
}
