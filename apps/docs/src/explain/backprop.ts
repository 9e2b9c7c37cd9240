import { gradCheck } from '@ffnn/autodiff-check';
import { activation, denseBackward, denseForward, loss, mseValue, outputDelta } from '@ffnn/layers';
import { Matrix } from '@ffnn/tensor';

/** A named matrix shown by a step. */
export interface Shown {
  name: string;
  value: number[][];
}

/** One step of the forward or backward pass: what is computed, by which function, and the numbers. */
export interface BackpropStep {
  pass: 'forward' | 'backward' | 'check';
  title: string;
  /** The formula, in plain Unicode (the page renders no TeX at run time). */
  formula: string;
  /** The `@ffnn/layers` function that computes it. */
  code: string;
  values: Shown[];
}

/** The tiny network: 2 inputs → 2 hidden units (`hidden` activation) → 1 linear output, MSE on one sample. */
export interface TinyNetwork {
  x: number[][];
  y: number[][];
  W1: number[][];
  b1: number[][];
  W2: number[][];
  b2: number[][];
  hidden: 'sigmoid' | 'tanh' | 'relu';
}

/** The network the page starts from (any numbers would do; these keep both units away from ReLU's kink, z⁽¹⁾ = (0.05, 0.2)). */
export const TINY: TinyNetwork = {
  x: [[0.5, -1.0]],
  y: [[0.8]],
  W1: [
    [0.4, -0.6],
    [0.3, -0.2],
  ],
  b1: [[0.15, 0.3]],
  W2: [[0.7], [-0.5]],
  b2: [[0.05]],
  hidden: 'tanh',
};

const rows = (m: Matrix): number[][] => Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));

/**
 * One backpropagation through the tiny network with the functions of `@ffnn/layers` (the ones
 * `Sequential` runs), recorded step by step, then checked against central differences by
 * `gradCheck` of `@ffnn/autodiff-check`.
 */
export function backpropSteps(net: TinyNetwork = TINY): { steps: BackpropStep[]; worstRelError: number; loss: number } {
  const x = Matrix.from(net.x), y = Matrix.from(net.y);
  const W1 = Matrix.from(net.W1), b1 = Matrix.from(net.b1), W2 = Matrix.from(net.W2), b2 = Matrix.from(net.b2);
  const phi = activation(net.hidden);
  const out = activation('linear');
  const mse = loss('mse');
  const z1 = Matrix.zeros(1, 2), a1 = Matrix.zeros(1, 2), z2 = Matrix.zeros(1, 1), a2 = Matrix.zeros(1, 1);
  const forward = () => {
    denseForward(x, W1, b1, z1);
    phi.forward(z1, a1);
    denseForward(a1, W2, b2, z2);
    out.forward(z2, a2);
    return mseValue(a2, y);
  };
  const L = forward();
  const steps: BackpropStep[] = [
    { pass: 'forward', title: 'Input and target', formula: 'x = a⁽⁰⁾, y', code: '', values: [{ name: 'x', value: rows(x) }, { name: 'y', value: rows(y) }] },
    { pass: 'forward', title: 'Hidden pre-activation', formula: 'z⁽¹⁾ = x·W⁽¹⁾ + b⁽¹⁾', code: 'denseForward(x, W1, b1, z1)', values: [{ name: 'W⁽¹⁾', value: rows(W1) }, { name: 'b⁽¹⁾', value: rows(b1) }, { name: 'z⁽¹⁾', value: rows(z1) }] },
    { pass: 'forward', title: `Hidden activation (${net.hidden})`, formula: `a⁽¹⁾ = ${net.hidden}(z⁽¹⁾)`, code: `activation('${net.hidden}').forward(z1, a1)`, values: [{ name: 'a⁽¹⁾', value: rows(a1) }] },
    { pass: 'forward', title: 'Output (linear)', formula: 'ŷ = z⁽²⁾ = a⁽¹⁾·W⁽²⁾ + b⁽²⁾', code: 'denseForward(a1, W2, b2, z2)', values: [{ name: 'W⁽²⁾', value: rows(W2) }, { name: 'b⁽²⁾', value: rows(b2) }, { name: 'ŷ', value: rows(a2) }] },
    { pass: 'forward', title: 'Loss', formula: 'J = (ŷ − y)²  (mean over the one sample)', code: 'mseValue(a2, y)', values: [{ name: 'J', value: [[L]] }] },
  ];
  const da2 = Matrix.zeros(1, 1), d2 = Matrix.zeros(1, 1);
  outputDelta(out, mse, z2, a2, y, da2, d2);
  steps.push({ pass: 'backward', title: 'Output delta', formula: 'δ⁽²⁾ = ∂J/∂z⁽²⁾ = 2(ŷ − y)', code: 'outputDelta(linear, mse, z2, a2, y, da2, d2)', values: [{ name: 'δ⁽²⁾', value: rows(d2) }] });
  const dW2 = Matrix.zeros(2, 1), db2 = Matrix.zeros(1, 1), da1 = Matrix.zeros(1, 2);
  denseBackward(a1, W2, d2, da1, dW2, db2);
  steps.push({
    pass: 'backward',
    title: 'Output layer gradients, and the signal passed down',
    formula: '∂J/∂W⁽²⁾ = a⁽¹⁾ᵀ·δ⁽²⁾,  ∂J/∂b⁽²⁾ = Σ δ⁽²⁾,  ∂J/∂a⁽¹⁾ = δ⁽²⁾·W⁽²⁾ᵀ',
    code: 'denseBackward(a1, W2, d2, da1, dW2, db2)',
    values: [{ name: '∂J/∂W⁽²⁾', value: rows(dW2) }, { name: '∂J/∂b⁽²⁾', value: rows(db2) }, { name: '∂J/∂a⁽¹⁾', value: rows(da1) }],
  });
  const d1 = Matrix.zeros(1, 2);
  phi.backward(z1, a1, da1, d1);
  const local = net.hidden === 'tanh' ? "1 − (a⁽¹⁾)²" : net.hidden === 'sigmoid' ? 'a⁽¹⁾(1 − a⁽¹⁾)' : '1[z⁽¹⁾ > 0]';
  steps.push({ pass: 'backward', title: 'Hidden delta', formula: `δ⁽¹⁾ = ∂J/∂a⁽¹⁾ ⊙ ${net.hidden}′(z⁽¹⁾) = ∂J/∂a⁽¹⁾ ⊙ (${local})`, code: `activation('${net.hidden}').backward(z1, a1, da1, d1)`, values: [{ name: 'δ⁽¹⁾', value: rows(d1) }] });
  const dW1 = Matrix.zeros(2, 2), db1 = Matrix.zeros(1, 2);
  denseBackward(x, W1, d1, null, dW1, db1);
  steps.push({ pass: 'backward', title: 'Hidden layer gradients', formula: '∂J/∂W⁽¹⁾ = xᵀ·δ⁽¹⁾,  ∂J/∂b⁽¹⁾ = Σ δ⁽¹⁾', code: 'denseBackward(x, W1, d1, null, dW1, db1)', values: [{ name: '∂J/∂W⁽¹⁾', value: rows(dW1) }, { name: '∂J/∂b⁽¹⁾', value: rows(db1) }] });
  const report = gradCheck(forward, [W1, b1, W2, b2], [dW1, db1, dW2, db2], { names: ['W⁽¹⁾', 'b⁽¹⁾', 'W⁽²⁾', 'b⁽²⁾'] });
  steps.push({
    pass: 'check',
    title: 'Checked against central differences',
    formula: 'g_n[t] = (J(θ + εe_t) − J(θ − εe_t)) / 2ε,  relative error ‖g_a − g_n‖ / (‖g_a‖ + ‖g_n‖)',
    code: 'gradCheck(forward, [W1, b1, W2, b2], [dW1, db1, dW2, db2])',
    values: report.entries.map((e) => ({ name: `rel. error ${e.name}`, value: [[e.relError]] })),
  });
  return { steps, worstRelError: report.worstRelError, loss: L };
}
