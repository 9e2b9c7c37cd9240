import { describe, expect, it } from 'vitest';
import { sameBits } from './bits.js';
import { ShapeError } from './errors.js';
import { biasReluForward, bytesToFloat, differenceOver, gelu, geluBackward, leakyRelu, leakyReluBackward, reluBackward, scaledDifference, sigmoid, sigmoidBackward, softmaxRows, tanh, tanhBackward } from './fused.js';
import { Matrix } from './matrix.js';
import { copy } from './ops.js';

// The fused and element-wise operations on the JavaScript reference (the wasm kernels are pinned to
// these bit for bit in src/wasm/backend.test.ts and program.test.ts).

const z = Matrix.from([[-2, -0.5, 0, 0.5, 3]]);
const da = Matrix.from([[1, 2, 3, 4, 5]]);
const values = (m: Matrix) => Array.from(m.data);

describe('row-wise softmax and the difference over a divisor', () => {
  it('softmaxRows: each row is e^(z − max)/Σ, sums to 1, and a row of 1000s does not overflow', () => {
    const zz = Matrix.from([[1, 2, 3], [1000, 1000, 1000]]), a = Matrix.zeros(2, 3);
    softmaxRows(zz, a);
    const e = [1, 2, 3].map((v) => Math.exp(v - 3)), s = e.reduce((x, v) => x + v, 0);
    expect(values(a).slice(0, 3)).toEqual(e.map((v) => v / s));
    expect(values(a).slice(3)).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(() => softmaxRows(zz, Matrix.zeros(3, 2))).toThrow(ShapeError);
    expect(() => softmaxRows(zz, Matrix.zeros(3, 2))).toThrow(/softmaxRows/);
  });

  it('differenceOver: (A − B)/d element by element, in place too', () => {
    const A = Matrix.from([[3, 5], [7, 9]]), B = Matrix.from([[1, 1], [2, 2]]), out = Matrix.zeros(2, 2);
    differenceOver(4, A, B, out);
    expect(values(out)).toEqual([0.5, 1, 1.25, 1.75]);
    differenceOver(2, A, B, A);
    expect(values(A)).toEqual([1, 2, 2.5, 3.5]);
    expect(() => differenceOver(2, A, Matrix.zeros(1, 2), out)).toThrow(/differenceOver/);
    expect(() => differenceOver(2, A, B, Matrix.zeros(1, 4))).toThrow(/differenceOver output/);
  });
});

describe('element-wise operations', () => {
  it('sigmoid is 1/(1 + e^−z), also far out on both sides, without overflow', () => {
    const a = Matrix.zeros(1, 5);
    sigmoid(z, a);
    values(a).forEach((v, t) => expect(v).toBeCloseTo(1 / (1 + Math.exp(-z.data[t]!)), 15));
    const far = Matrix.from([[-800, 800]]), out = Matrix.zeros(1, 2);
    sigmoid(far, out);
    expect(values(out)).toEqual([0, 1]);
  });

  it('sigmoidBackward is da·a·(1 − a), from the output a', () => {
    const a = Matrix.from([[0.1, 0.5, 0.9, 0.25, 1]]), dz = Matrix.zeros(1, 5);
    sigmoidBackward(a, da, dz);
    expect(values(dz)).toEqual([1 * 0.1 * 0.9, 2 * 0.5 * 0.5, 3 * 0.9 * (1 - 0.9), 4 * 0.25 * 0.75, 0]);
  });

  it('tanh is Math.tanh and its backward da·(1 − a²)', () => {
    const a = Matrix.zeros(1, 5), dz = Matrix.zeros(1, 5);
    tanh(z, a);
    expect(values(a)).toEqual(values(z).map(Math.tanh));
    tanhBackward(a, da, dz);
    expect(values(dz)).toEqual(values(a).map((v, t) => da.data[t]! * (1 - v * v)));
  });

  it('gelu is ½z(1 + tanh(√(2/π)(z + 0.044715z³))) and its backward da times the derivative, from the input z', () => {
    const a = Matrix.zeros(1, 5), dz = Matrix.zeros(1, 5);
    const c = Math.sqrt(2 / Math.PI);
    const th = (v: number) => Math.tanh(c * (v + 0.044715 * v * v * v));
    gelu(z, a);
    expect(values(a)).toEqual(values(z).map((v) => 0.5 * v * (1 + th(v))));
    geluBackward(z, da, dz);
    expect(values(dz)).toEqual(values(z).map((v, t) => da.data[t]! * (0.5 * (1 + th(v)) + 0.5 * v * (1 - th(v) * th(v)) * c * (1 + 3 * 0.044715 * v * v))));
    // Known values: GELU(0) = 0 with slope ½; far out it is z (right) or 0 (left).
    const edge = Matrix.from([[0, 10, -10]]), out = Matrix.zeros(1, 3);
    gelu(edge, out);
    expect(values(out)).toEqual([0, 10, -0]);
    geluBackward(edge, Matrix.from([[1, 1, 1]]), out);
    expect(values(out)).toEqual([0.5, 1, 0]);
  });

  it('gelu can keep th (float64, unrounded, for a float32 z too), and the backward from it has the bits of the backward without it', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      const zz = Matrix.from([[-2, -0.5, 0, 0.5, 3]], dtype), dd = Matrix.from([[1, 2, 3, 4, 5]], dtype);
      const a = Matrix.zeros(1, 5, dtype), plain = Matrix.zeros(1, 5, dtype), th = Matrix.zeros(1, 5);
      gelu(zz, a, th);
      gelu(zz, plain);
      expect(sameBits(a.data, plain.data)).toBe(true);
      const c = Math.sqrt(2 / Math.PI);
      expect(values(th)).toEqual(values(zz).map((v) => Math.tanh(c * (v + 0.044715 * v * v * v))));
      const fromTh = Matrix.zeros(1, 5, dtype), again = Matrix.zeros(1, 5, dtype);
      geluBackward(zz, dd, fromTh, th);
      geluBackward(zz, dd, again);
      expect(sameBits(fromTh.data, again.data)).toBe(true);
      // The backward reads th: another th gives another gradient.
      th.data[1] = 0;
      geluBackward(zz, dd, fromTh, th);
      const v = -0.5, d = 0.5 * (1 + 0) + 0.5 * v * (1 - 0 * 0) * c * (1 + 3 * 0.044715 * v * v);
      expect(fromTh.data[1]).toBe(dtype === 'float32' ? Math.fround(2 * d) : 2 * d);
      expect(fromTh.data[1]).not.toBe(again.data[1]);
    }
    const small = Matrix.zeros(1, 5, 'float32');
    expect(() => gelu(z, Matrix.zeros(1, 5), small)).toThrow('gelu: th must be float64 (the unrounded tanh), got float32');
    expect(() => geluBackward(z, da, Matrix.zeros(1, 5), small)).toThrow('geluBackward: th must be float64 (the unrounded tanh), got float32');
  });

  it('leakyRelu is z or α·z, and its backward da or α·da, by the sign of z (z = 0 takes α)', () => {
    const a = Matrix.zeros(1, 5), dz = Matrix.zeros(1, 5);
    leakyRelu(z, a, 0.2);
    expect(values(a)).toEqual([-2 * 0.2, -0.5 * 0.2, 0, 0.5, 3]);
    leakyReluBackward(z, da, dz, 0.2);
    expect(values(dz)).toEqual([0.2, 0.4, 3 * 0.2, 4, 5]);
  });

  it('reluBackward passes da where z > 0, and biasReluForward adds the row then clamps at 0', () => {
    const dz = Matrix.zeros(1, 5);
    reluBackward(z, da, dz);
    expect(values(dz)).toEqual([0, 0, 0, 4, 5]);
    const zz = Matrix.zeros(1, 5), a = Matrix.zeros(1, 5);
    biasReluForward(z, Matrix.from([[1, 1, 1, 1, 1]]), zz, a);
    expect(values(zz)).toEqual([-1, 0.5, 1, 1.5, 4]);
    expect(values(a)).toEqual([0, 0.5, 1, 1.5, 4]);
    // Several rows: the bias row is added to each.
    const X = Matrix.from([[1, -2], [-3, 4], [5, -6]]), Z = Matrix.zeros(3, 2), Y = Matrix.zeros(3, 2);
    biasReluForward(X, Matrix.from([[1, 2]]), Z, Y);
    expect(values(Z)).toEqual([2, 0, -2, 6, 6, -4]);
    expect(values(Y)).toEqual([2, 0, 0, 6, 6, 0]);
  });

  it('scaledDifference is c·(A − B), also in place; copy converts the dtype', () => {
    const out = Matrix.zeros(1, 5);
    scaledDifference(0.5, da, z, out);
    expect(values(out)).toEqual([1.5, 1.25, 1.5, 1.75, 1]);
    const A = Matrix.from([[1, 2]]), B = Matrix.from([[4, 8]]);
    scaledDifference(2, A, B, A);
    expect(values(A)).toEqual([-6, -12]);
    const f32 = Matrix.zeros(1, 5, 'float32');
    copy(Matrix.from([[0.1, 1, 2, 3, 4]]), f32);
    expect(f32.data[0]).toBe(Math.fround(0.1));
  });

  it('bytesToFloat divides each byte, and refuses a size mismatch or a zero divisor', () => {
    const out = Matrix.zeros(1, 3);
    bytesToFloat(Uint8Array.of(0, 51, 255), 255, out);
    expect(values(out)).toEqual([0, 0.2, 1]);
    expect(() => bytesToFloat(Uint8Array.of(1, 2), 255, out)).toThrow('bytesToFloat: 2 bytes for a 1×3 output (3 elements)');
    expect(() => bytesToFloat(Uint8Array.of(1, 2, 3), 0, out)).toThrow('divisor must be a finite nonzero number');
  });

  it('refuses mismatched shapes with a ShapeError naming the operation and the operand', () => {
    const small = Matrix.zeros(1, 4);
    const cases: [() => void, string][] = [
      [() => sigmoid(z, small), 'sigmoid'],
      [() => sigmoidBackward(z, small, z), 'sigmoidBackward da'],
      [() => sigmoidBackward(z, z, small), 'sigmoidBackward dz'],
      [() => tanh(z, small), 'tanh'],
      [() => tanhBackward(z, small, z), 'tanhBackward da'],
      [() => tanhBackward(z, z, small), 'tanhBackward dz'],
      [() => gelu(z, small), 'gelu'],
      [() => geluBackward(z, small, z), 'geluBackward da'],
      [() => geluBackward(z, z, small), 'geluBackward dz'],
      [() => gelu(z, z, small), 'gelu th'],
      [() => geluBackward(z, z, z, small), 'geluBackward th'],
      [() => leakyRelu(z, small, 0.1), 'leakyRelu'],
      [() => leakyReluBackward(z, small, z, 0.1), 'leakyReluBackward da'],
      [() => leakyReluBackward(z, z, small, 0.1), 'leakyReluBackward dz'],
      [() => reluBackward(z, small, z), 'reluBackward da'],
      [() => reluBackward(z, z, small), 'reluBackward dz'],
      [() => scaledDifference(1, z, small, z), 'scaledDifference'],
      [() => scaledDifference(1, z, z, small), 'scaledDifference output'],
      [() => biasReluForward(z, small, z, z), 'biasReluForward bias'],
      [() => biasReluForward(z, Matrix.zeros(1, 5), small, z), 'biasReluForward z'],
      [() => biasReluForward(z, Matrix.zeros(1, 5), z, small), 'biasReluForward a'],
    ];
    for (const [call, name] of cases) {
      expect(call).toThrow(ShapeError);
      expect(call).toThrow(new RegExp(`^${name}\\b`));
    }
  });
});
