import { arbMatrix, assertGradCheck, gradCheck } from '@ffnn/autodiff-check';
import { Matrix, Rng, norm } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activation } from './activations.js';
import {
  type LossName,
  binaryCrossEntropyValue,
  checkOutputPairing,
  crossEntropyValue,
  loss,
  mseValue,
  outputDelta,
} from './losses.js';

const RUNS = 200;

function randomTargets(rng: Rng, rows: number, cols: number, kind: LossName): Matrix {
  const y = Matrix.zeros(rows, cols);
  for (let i = 0; i < rows; i++) {
    if (kind === 'cross-entropy') y.set(i, rng.int(cols), 1);
    else for (let j = 0; j < cols; j++) y.set(i, j, kind === 'binary-cross-entropy' ? rng.int(2) : rng.normal());
  }
  return y;
}

/** ∂J/∂z of the output layer (loss ∘ φ), checked against central differences of J(z). */
function checkOutput(lossName: LossName, outName: 'linear' | 'sigmoid' | 'tanh' | 'softmax', z: Matrix, seed: number) {
  const rng = new Rng(seed);
  const y = randomTargets(rng, z.rows, z.cols, lossName);
  const act = activation(outName);
  const L = loss(lossName);
  const a = Matrix.zeros(z.rows, z.cols);
  const da = Matrix.zeros(z.rows, z.cols);
  const dz = Matrix.zeros(z.rows, z.cols);
  act.forward(z, a);
  outputDelta(act, L, z, a, y, da, dz);
  // Below ~1e-3 the gradient is at the rounding floor of central differences (see network.test.ts).
  fc.pre(norm(dz) > 1e-3);
  return gradCheck(
    () => {
      act.forward(z, a);
      return L.value(z, a, y);
    },
    [z],
    [dz],
    { names: [`${lossName}∘${outName}`] },
  );
}

/**
 * Logits with 0.05 ≤ |z| ≤ 4: over [−4, 4] alone fast-check's bit-pattern doubles put 88 % of the
 * elements below 1e-10 and 0.5 % in 0.1 ≤ |z| ≤ 3, where the losses and their output activations
 * bend; with |z| ≥ 0.05, 53 % are there (see activations.test.ts).
 */
const arbZ = (minCols = 1) =>
  fc
    .tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: minCols, max: 6 }))
    .chain(([r, c]) => arbMatrix(r, c, { min: -4, max: 4, awayFromZero: 0.05 }));

describe('loss gradients match central differences (float64)', () => {
  const cases: [LossName, 'linear' | 'sigmoid' | 'tanh' | 'softmax', number][] = [
    ['mse', 'linear', 1],
    ['mse', 'sigmoid', 1],
    ['mse', 'tanh', 1],
    ['cross-entropy', 'softmax', 2],
    ['binary-cross-entropy', 'sigmoid', 1],
  ];
  for (const [lossName, out, minCols] of cases) {
    it(`${lossName} with a ${out} output: relative error ≤ 1e-6 over ${RUNS} cases`, () => {
      fc.assert(
        fc.property(arbZ(minCols), fc.integer(), (z, seed) => assertGradCheck(checkOutput(lossName, out, z, seed))),
        { numRuns: RUNS },
      );
    });
  }

  it('the fused softmax + cross-entropy delta (ŷ − y)/m equals the unfused chain', () => {
    fc.assert(
      fc.property(arbZ(2), fc.integer(), (z, seed) => {
        const y = randomTargets(new Rng(seed), z.rows, z.cols, 'cross-entropy');
        const soft = activation('softmax');
        const a = Matrix.zeros(z.rows, z.cols);
        soft.forward(z, a);
        const fused = Matrix.zeros(z.rows, z.cols);
        outputDelta(soft, loss('cross-entropy'), z, a, y, Matrix.zeros(z.rows, z.cols), fused);
        const da = Matrix.zeros(z.rows, z.cols);
        const chained = Matrix.zeros(z.rows, z.cols);
        loss('cross-entropy').gradient(a, y, da);
        soft.backward(z, a, da, chained);
        for (let t = 0; t < fused.size; t++) expect(fused.data[t]).toBeCloseTo(chained.data[t]!, 10);
      }),
      { numRuns: RUNS },
    );
  });

  it('softmax + cross-entropy and sigmoid + binary cross-entropy take the fused form exactly: δ = (ŷ − y)/m and (ŷ − y)/(m·k), bit for bit', () => {
    // The unfused chain gives the same δ up to rounding only, so only exact equality tells the two
    // apart: here it differs in at least one element of every case (checked below), the fused form in none.
    fc.assert(
      fc.property(arbZ(2), fc.integer(), fc.constantFrom<['cross-entropy', 'softmax'] | ['binary-cross-entropy', 'sigmoid']>(['cross-entropy', 'softmax'], ['binary-cross-entropy', 'sigmoid']), (z, seed, [lossName, outName]) => {
        const y = randomTargets(new Rng(seed), z.rows, z.cols, lossName);
        const act = activation(outName);
        const a = Matrix.zeros(z.rows, z.cols);
        act.forward(z, a);
        const dz = Matrix.zeros(z.rows, z.cols);
        outputDelta(act, loss(lossName), z, a, y, Matrix.zeros(z.rows, z.cols), dz);
        const d = lossName === 'cross-entropy' ? z.rows : z.size;
        expect(Array.from(dz.data)).toEqual(Array.from(a.data, (v, t) => (v - y.data[t]!) / d));
      }),
      { numRuns: RUNS },
    );
    // The chain through 1/ŷ is not bitwise the fused form on these inputs (else the test above could not tell them apart).
    const z = Matrix.from([[0.3, -1.7, 2.2], [1.1, 0.4, -0.9]]);
    const y = Matrix.from([[0, 0, 1], [1, 0, 0]]);
    const soft = activation('softmax');
    const a = Matrix.zeros(2, 3), da = Matrix.zeros(2, 3), chained = Matrix.zeros(2, 3);
    soft.forward(z, a);
    loss('cross-entropy').gradient(a, y, da);
    soft.backward(z, a, da, chained);
    expect(Array.from(chained.data)).not.toEqual(Array.from(a.data, (v, t) => (v - y.data[t]!) / 2));
  });

  it('the unfused loss gradients ∂L/∂ŷ (used only without the fused output) match central differences in ŷ', () => {
    // L as a function of the probabilities ŷ themselves: mean over all m·k elements for binary
    // cross-entropy, over the m rows for cross-entropy.
    const bce = (a: Matrix, y: Matrix) => -Array.from(a.data).reduce((s, p, t) => s + y.data[t]! * Math.log(p) + (1 - y.data[t]!) * Math.log(1 - p), 0) / a.size;
    const ce = (a: Matrix, y: Matrix) => -Array.from(a.data).reduce((s, p, t) => s + (y.data[t]! === 0 ? 0 : y.data[t]! * Math.log(p)), 0) / a.rows;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 4 }), fc.integer(), (rows, cols, seed) => {
        const rng = new Rng(seed);
        for (const [name, value] of [['binary-cross-entropy', bce], ['cross-entropy', ce]] as const) {
          const y = randomTargets(rng, rows, cols, name);
          const a = Matrix.zeros(rows, cols);
          for (let t = 0; t < a.size; t++) a.data[t] = 0.05 + 0.9 * rng.uniform();
          const da = Matrix.zeros(rows, cols);
          loss(name).gradient(a, y, da);
          assertGradCheck(gradCheck(() => value(a, y), [a], [da], { names: [`${name} ∂L/∂ŷ`] }));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('mse on a softmax output (allowed with allowMseOnSoftmax) goes through the softmax Jacobian, not the cross-entropy shortcut', () => {
    fc.assert(
      fc.property(arbZ(2), fc.integer(), (z, seed) => assertGradCheck(checkOutput('mse', 'softmax', z, seed))),
      { numRuns: RUNS },
    );
  });
});

describe('shape errors name the loss', () => {
  it('every loss value, gradient and the output δ refuse mismatched shapes with a message naming them', () => {
    const a = Matrix.zeros(2, 3), y = Matrix.zeros(3, 2), da = Matrix.zeros(2, 3);
    for (const name of ['mse', 'cross-entropy', 'binary-cross-entropy'] as const) {
      const L = loss(name);
      expect(() => L.value(a, a, y)).toThrow(new RegExp(`^${name}: shapes 2×3 and 3×2 differ`));
      expect(() => L.gradient(a, y, da)).toThrow(new RegExp(`^${name}: shapes 2×3 and 3×2 differ`));
    }
    expect(() => outputDelta(activation('softmax'), loss('cross-entropy'), a, a, y, da, da)).toThrow(/^cross-entropy targets: shapes 2×3 and 3×2 differ/);
    // An activation's backward pass checks ∂L/∂a and its output δ against z, each by name.
    const relu = activation('relu');
    expect(() => relu.backward(a, a, y, da)).toThrow(/^relu backward: shapes 2×3 and 3×2 differ/);
    expect(() => relu.backward(a, a, da, y)).toThrow(/^relu backward: shapes 2×3 and 3×2 differ/);
  });
});

describe('loss values', () => {
  it('mse is the mean over all elements', () => {
    expect(mseValue(Matrix.from([[1, 2], [3, 4]]), Matrix.from([[0, 0], [0, 0]]))).toBe(30 / 4);
  });
  it('cross-entropy from logits never overflows and equals −log softmax', () => {
    expect(crossEntropyValue(Matrix.from([[1000, 0]]), Matrix.from([[1, 0]]))).toBe(0);
    expect(crossEntropyValue(Matrix.from([[1000, 0]]), Matrix.from([[0, 1]]))).toBe(1000);
    const v = crossEntropyValue(Matrix.from([[1, 2, 3]]), Matrix.from([[0, 0, 1]]));
    expect(v).toBeCloseTo(-Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3))), 14);
  });
  it('binary cross-entropy from logits is finite at the extremes', () => {
    expect(binaryCrossEntropyValue(Matrix.from([[800]]), Matrix.from([[1]]))).toBe(0);
    expect(binaryCrossEntropyValue(Matrix.from([[-800]]), Matrix.from([[1]]))).toBe(800);
    expect(binaryCrossEntropyValue(Matrix.from([[0]]), Matrix.from([[1]]))).toBeCloseTo(Math.log(2), 15);
  });
  it('refuses output activations that do not fit the loss', () => {
    expect(() => checkOutputPairing(activation('linear'), 'cross-entropy')).toThrow(/needs a softmax output layer, got "linear"/);
    expect(() => checkOutputPairing(activation('relu'), 'binary-cross-entropy')).toThrow(/needs a sigmoid output layer/);
    expect(() => checkOutputPairing(activation('softmax'), 'mse')).toThrow(/allowMseOnSoftmax/);
    expect(() => checkOutputPairing(activation('softmax'), 'mse', true)).not.toThrow();
    expect(() => loss('hinge' as LossName)).toThrow(/loss must be one of mse, cross-entropy, binary-cross-entropy; got "hinge"/);
  });
});

describe('cross-entropy value: each row shifted by its own maximum', () => {
  it('logits of 800 neither overflow in their own row nor reach the next row', () => {
    // Rows [0, 1] (class 1), [800, 0] (class 0), [0, 800] (class 1): the loss of the first row is
    // log(1 + e) − 1, the others 0 up to e^−800, which is 0 in double. A maximum taken from a neighbouring
    // row (800 for the first row, 0 for the last) makes e^(z − m) underflow to a sum of 0, or overflow.
    const z = Matrix.from([[0, 1], [800, 0], [0, 800]]);
    const y = Matrix.from([[0, 1], [1, 0], [0, 1]]);
    const value = crossEntropyValue(z, y);
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeCloseTo((Math.log(1 + Math.E) - 1) / 3, 15);
  });
});
