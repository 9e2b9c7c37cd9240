import { InvalidOptionError, Matrix, NumericError, ShapeError, map, matmul, sumAll, transpose } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbMatrix, arbShape } from './arbitraries.js';
import { gradCheck } from './grad-check.js';

const sinLoss = (W: Matrix) => (): number => sumAll(map(W, Math.sin, Matrix.zeros(W.rows, W.cols)));
const cosGrad = (W: Matrix): Matrix => map(W, Math.cos, Matrix.zeros(W.rows, W.cols));

function bytes(m: Matrix): number[] {
  return Array.from(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength));
}

describe('gradCheck on functions with known gradients', () => {
  it('J = ½ Σ a⊙(W − C)² has error ≤ 1e-8', () => {
    // W − C is kept away from 0 so the gradient a⊙(W − C) never vanishes and the relative error is meaningful.
    const arbCase = arbShape().chain(([r, c]) =>
      fc.tuple(
        arbMatrix(r, c, { min: -2, max: 2 }),
        arbMatrix(r, c, { min: -1, max: 1, awayFromZero: 0.1 }),
        arbMatrix(r, c, { min: 0.5, max: 2 }),
      ),
    );
    fc.assert(
      fc.property(arbCase, ([W, D, a]) => {
        const C = W.clone();
        for (let t = 0; t < C.size; t++) C.data[t] = W.data[t]! - D.data[t]!;
        const loss = (): number => {
          let s = 0;
          for (let t = 0; t < W.size; t++) s += 0.5 * a.data[t]! * (W.data[t]! - C.data[t]!) ** 2;
          return s;
        };
        const g = W.clone();
        for (let t = 0; t < g.size; t++) g.data[t] = a.data[t]! * (W.data[t]! - C.data[t]!);
        const report = gradCheck(loss, [W], [g], { names: ['W'] });
        expect(report.worstRelError).toBeLessThanOrEqual(1e-8);
        expect(report.passed).toBe(true);
      }),
      { numRuns: 250 },
    );
  });

  it('J = Σ sin(W) against cos(W) has error ≤ 1e-8', () => {
    // |W| ≤ 1.4 keeps cos(W) ≥ 0.17, away from zero.
    const arbW = arbShape({ maxRows: 6, maxCols: 6 }).chain(([r, c]) => arbMatrix(r, c, { min: -1.4, max: 1.4 }));
    fc.assert(
      fc.property(arbW, (W) => {
        const report = gradCheck(sinLoss(W), [W], [cosGrad(W)]);
        expect(report.worstRelError).toBeLessThanOrEqual(1e-8);
        expect(report.passed).toBe(true);
        expect(report.entries[0]!.analyticNorm).toBeGreaterThan(0);
      }),
      { numRuns: 250 },
    );
  });

  it('J = ½‖AB − Y‖² against (R Bᵀ, Aᵀ R) has error ≤ 1e-8 for both factors', () => {
    // A, B > 0 and Y < 0 make R = AB − Y > 0, so neither gradient can cancel to zero.
    const arbCase = fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
      .chain(([m, k, n]) =>
        fc.tuple(
          arbMatrix(m, k, { min: 0.1, max: 1 }),
          arbMatrix(k, n, { min: 0.1, max: 1 }),
          arbMatrix(m, n, { min: -1, max: -0.1 }),
        ),
      );
    fc.assert(
      fc.property(arbCase, ([A, B, Y]) => {
        const residual = (): Matrix => {
          const R = matmul(A, B, Matrix.zeros(A.rows, B.cols));
          for (let t = 0; t < R.size; t++) R.data[t] = R.data[t]! - Y.data[t]!;
          return R;
        };
        const loss = (): number => {
          const R = residual();
          let s = 0;
          for (const v of R.data) s += 0.5 * v * v;
          return s;
        };
        const R = residual();
        const dA = matmul(R, transpose(B, Matrix.zeros(B.cols, B.rows)), Matrix.zeros(A.rows, A.cols));
        const dB = matmul(transpose(A, Matrix.zeros(A.cols, A.rows)), R, Matrix.zeros(B.rows, B.cols));
        const report = gradCheck(loss, [A, B], [dA, dB], { names: ['A', 'B'] });
        expect(report.entries.map((e) => e.name)).toEqual(['A', 'B']);
        expect(report.worstRelError).toBeLessThanOrEqual(1e-8);
        expect(report.passed).toBe(true);
      }),
      { numRuns: 250 },
    );
  });

  it('gives exactly 0 for a constant loss with zero gradients, and for empty parameters', () => {
    const W = Matrix.from([
      [1, 2],
      [3, 4],
    ]);
    const E = Matrix.zeros(0, 3);
    const report = gradCheck(() => 3, [W, E], [Matrix.zeros(2, 2), Matrix.zeros(0, 3)]);
    for (const e of report.entries) {
      expect(e.relError).toBe(0);
      expect(e.analyticNorm).toBe(0);
      expect(e.numericNorm).toBe(0);
      expect(e.passed).toBe(true);
    }
    expect(report.entries.map((e) => e.shape)).toEqual([
      [2, 2],
      [0, 3],
    ]);
    expect(report.passed).toBe(true);
    expect(report.worstRelError).toBe(0);
  });

  it('calls loss 1 + 2·(number of elements) times', () => {
    const W = Matrix.from([[0.1, 0.2, 0.3]]);
    const b = Matrix.from([[0.5]]);
    let calls = 0;
    gradCheck(
      () => {
        calls++;
        return sinLoss(W)() + Math.sin(b.data[0]!);
      },
      [W, b],
      [cosGrad(W), cosGrad(b)],
    );
    expect(calls).toBe(1 + 2 * 4);
  });
});

describe('gradCheck flags wrong gradients', () => {
  it('2× the gradient gives relative error 1/3 and fails', () => {
    fc.assert(
      fc.property(
        arbShape().chain(([r, c]) => arbMatrix(r, c, { min: -1.4, max: 1.4 })),
        (W) => {
          const g = cosGrad(W);
          for (let t = 0; t < g.size; t++) g.data[t] = 2 * g.data[t]!;
          const report = gradCheck(sinLoss(W), [W], [g], { names: ['W'] });
          expect(report.passed).toBe(false);
          expect(report.entries[0]!.passed).toBe(false);
          expect(report.worstRelError).toBeCloseTo(1 / 3, 6);
          expect(report.worst?.name).toBe('W');
        },
      ),
      { numRuns: 100 },
    );
  });

  it('a transposed gradient fails', () => {
    const W = Matrix.from([
      [0.1, 0.5, -0.2],
      [-0.3, 0.9, 1.2],
      [0.7, -1.1, 0.0],
    ]);
    const g = cosGrad(W);
    const report = gradCheck(sinLoss(W), [W], [transpose(g, Matrix.zeros(3, 3))]);
    expect(report.passed).toBe(false);
    expect(report.worstRelError).toBeGreaterThan(1e-3);
  });

  it('one element off by 1e-4·‖g‖ fails at the default tolerance', () => {
    fc.assert(
      fc.property(
        arbShape().chain(([r, c]) => fc.tuple(arbMatrix(r, c, { min: -1.4, max: 1.4 }), fc.nat({ max: r * c - 1 }))),
        ([W, t]) => {
          const g = cosGrad(W);
          let n = 0;
          for (const v of g.data) n += v * v;
          g.data[t] = g.data[t]! + 1e-4 * Math.sqrt(n);
          expect(gradCheck(sinLoss(W), [W], [g]).passed).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('picks the worst entry among several and reports every entry', () => {
    const W = Matrix.from([[0.3, -0.4]]);
    const V = Matrix.from([[0.2], [0.6]]);
    const gV = cosGrad(V);
    gV.data[1] = gV.data[1]! * 1.5;
    const report = gradCheck(() => sinLoss(W)() + sinLoss(V)(), [W, V], [cosGrad(W), gV]);
    expect(report.entries.map((e) => [e.name, e.passed])).toEqual([
      ['param[0]', true],
      ['param[1]', false],
    ]);
    expect(report.worst).toBe(report.entries[1]);
    expect(report.worstRelError).toBe(report.entries[1]!.relError);
  });

  it('a NaN in the analytic gradient fails with relError NaN and is the worst entry', () => {
    const W = Matrix.from([[0.3, -0.4]]);
    const V = Matrix.from([[0.2]]);
    const gW = cosGrad(W);
    gW.data[0] = 3; // wrong, but finite
    const gV = cosGrad(V);
    gV.data[0] = NaN;
    const report = gradCheck(() => sinLoss(W)() + sinLoss(V)(), [W, V], [gW, gV], { names: ['W', 'V'] });
    expect(report.passed).toBe(false);
    expect(report.entries[1]!.relError).toBeNaN();
    expect(report.entries[1]!.passed).toBe(false);
    expect(report.worst?.name).toBe('V');
  });

  it('tolerance decides pass/fail', () => {
    const W = Matrix.from([[0.3, -0.4]]);
    const g = cosGrad(W);
    g.data[0] = g.data[0]! * 1.001;
    const report = gradCheck(sinLoss(W), [W], [g]);
    expect(report.passed).toBe(false);
    expect(report.tolerance).toBe(1e-6);
    expect(report.epsilon).toBe(1e-6);
    const loose = gradCheck(sinLoss(W), [W], [g], { tolerance: 1e-2, epsilon: 1e-5 });
    expect(loose.passed).toBe(true);
    expect(loose.tolerance).toBe(1e-2);
    expect(loose.epsilon).toBe(1e-5);
  });
});

describe('gradCheck leaves parameters as it found them', () => {
  it('restores every element bit-exactly and perturbs one element at a time', () => {
    fc.assert(
      fc.property(
        arbShape().chain(([r, c]) =>
          fc.tuple(arbMatrix(r, c, { min: -1e3, max: 1e3 }), fc.constantFrom('float64' as const, 'float32' as const)),
        ),
        ([W64, dtype]) => {
          const W = W64.clone(dtype);
          const before = bytes(W);
          const snapshot = Array.from(W.data);
          const eps = dtype === 'float32' ? 1e-2 : 1e-6;
          const loss = (): number => {
            let changed = 0;
            for (let t = 0; t < W.size; t++) {
              if (W.data[t] !== snapshot[t]) {
                changed++;
                expect(Math.abs(W.data[t]! - snapshot[t]!)).toBeLessThanOrEqual(eps * (1 + 1e-6) + Math.abs(snapshot[t]!) * 1e-7);
              }
            }
            expect(changed).toBeLessThanOrEqual(1);
            return sinLoss(W)();
          };
          gradCheck(loss, [W], [cosGrad(W)], { allowFloat32: true, epsilon: eps });
          expect(bytes(W)).toEqual(before);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('restores the element being perturbed when loss throws or returns NaN', () => {
    const W = Matrix.from([
      [0.1, 0.2],
      [0.3, 0.4],
    ]);
    const before = bytes(W);
    let calls = 0;
    expect(() =>
      gradCheck(
        () => {
          if (++calls === 4) throw new Error('boom');
          return sinLoss(W)();
        },
        [W],
        [cosGrad(W)],
      ),
    ).toThrow('boom');
    expect(bytes(W)).toEqual(before);

    calls = 0;
    expect(() => gradCheck(() => (++calls === 5 ? NaN : sinLoss(W)()), [W], [cosGrad(W)])).toThrow(NumericError);
    expect(bytes(W)).toEqual(before);
  });

  it('compares against the gradients as passed in, even if loss() overwrites the grad buffers', () => {
    const W = Matrix.from([[0.1, -0.7, 1.1]]);
    const g = cosGrad(W);
    const report = gradCheck(
      () => {
        g.data.fill(42);
        return sinLoss(W)();
      },
      [W],
      [g],
    );
    expect(report.passed).toBe(true);
  });
});

describe('gradCheck input validation', () => {
  const W = Matrix.from([
    [0.1, 0.2, 0.3],
    [0.4, 0.5, 0.6],
  ]);

  it('names entries param[i] by default and uses the given names', () => {
    const V = Matrix.from([[0.5]]);
    const loss = (): number => sinLoss(W)() + sinLoss(V)();
    expect(gradCheck(loss, [W, V], [cosGrad(W), cosGrad(V)]).entries.map((e) => e.name)).toEqual(['param[0]', 'param[1]']);
    expect(gradCheck(loss, [W, V], [cosGrad(W), cosGrad(V)], { names: ['W1', 'b1'] }).entries.map((e) => e.name)).toEqual([
      'W1',
      'b1',
    ]);
  });

  it('throws ShapeError naming the index and both shapes', () => {
    const V = Matrix.from([[0.5]]);
    const call = (): unknown => gradCheck(sinLoss(W), [V, W], [Matrix.zeros(1, 1), Matrix.zeros(3, 2)]);
    expect(call).toThrow(ShapeError);
    expect(call).toThrow(/grads\[1\].*3×2.*params\[1\].*2×3/);
    expect(() => gradCheck(sinLoss(W), [W], [])).toThrow(ShapeError);
  });

  it('throws InvalidOptionError for bad options', () => {
    const g = [cosGrad(W)];
    for (const epsilon of [0, -1e-6, NaN, Infinity]) {
      expect(() => gradCheck(sinLoss(W), [W], g, { epsilon })).toThrow(InvalidOptionError);
    }
    for (const tolerance of [-1, NaN]) {
      expect(() => gradCheck(sinLoss(W), [W], g, { tolerance })).toThrow(InvalidOptionError);
    }
    expect(() => gradCheck(sinLoss(W), [W], g, { names: ['a', 'b'] })).toThrow(InvalidOptionError);
  });

  it('rejects float32 params unless allowFloat32', () => {
    const W32 = W.clone('float32');
    const call = (): unknown => gradCheck(sinLoss(W32), [W32], [cosGrad(W32)], { names: ['W'] });
    expect(call).toThrow(InvalidOptionError);
    expect(call).toThrow(/W.*float32/);
    const report = gradCheck(sinLoss(W32), [W32], [cosGrad(W32)], { allowFloat32: true, epsilon: 1e-2, tolerance: 1e-3 });
    expect(report.passed).toBe(true);
  });

  it('throws NumericError when the loss is not finite, naming the parameter and element', () => {
    expect(() => gradCheck(() => NaN, [W], [cosGrad(W)])).toThrow(/unperturbed/);
    const call = (): unknown =>
      gradCheck(() => (W.data[4]! > 0.5 ? Infinity : sinLoss(W)()), [W], [cosGrad(W)], { names: ['W2'] });
    expect(call).toThrow(NumericError);
    expect(call).toThrow(/Infinity with W2\[1, 1\] = 0.5 \+ 1e-6/);
  });

  it('throws NumericError when epsilon is too small to move an element', () => {
    const big = Matrix.from([[1e20]]);
    expect(() => gradCheck(() => big.data[0]!, [big], [Matrix.full(1, 1, 1)])).toThrow(/does not change param\[0\]\[0, 0\]/);
  });
});

describe('gradCheck: options, shapes and the worst entry', () => {
  const W = Matrix.from([[0.3, -0.7]]);

  it('messages name the option', () => {
    expect(() => gradCheck(sinLoss(W), [W], [cosGrad(W)], { epsilon: 0 })).toThrow('gradCheck epsilon must be a positive finite number, got 0');
    expect(() => gradCheck(sinLoss(W), [W], [cosGrad(W)], { tolerance: -1 })).toThrow('gradCheck tolerance must be a non-negative finite number, got -1');
    expect(gradCheck(sinLoss(W), [W], [cosGrad(W)], { tolerance: 0 }).tolerance).toBe(0);
    expect(() => gradCheck(sinLoss(W), [W], [cosGrad(W)], { names: [1] as never })).toThrow('gradCheck names must be an array of 1 strings (one per param), got [1]');
    expect(() => gradCheck(sinLoss(W), [W, W], [cosGrad(W), cosGrad(W)], { names: ['a', 1] as never })).toThrow(InvalidOptionError);
    expect(() => gradCheck(sinLoss(W), [W], [])).toThrow('gradCheck: 1 params but 0 grads; expected one gradient per parameter');
  });

  it('a gradient differing in rows only or columns only is rejected', () => {
    const A = Matrix.zeros(2, 3);
    expect(() => gradCheck(() => 0, [A], [Matrix.zeros(1, 3)])).toThrow(ShapeError);
    expect(() => gradCheck(() => 0, [A], [Matrix.zeros(2, 1)])).toThrow(ShapeError);
  });

  it('names the side of the step when loss() turns non-finite', () => {
    const x = Matrix.from([[0]]);
    const loss = (): number => (x.data[0]! < 0 ? NaN : x.data[0]!);
    expect(() => gradCheck(loss, [x], [Matrix.from([[1]])])).toThrow(/= 0 − 1e-6; it must be finite$/);
  });

  it('passes at a relative error equal to the tolerance', () => {
    const r = gradCheck(sinLoss(W), [W], [cosGrad(W)]);
    const exact = gradCheck(sinLoss(W), [W], [cosGrad(W)], { tolerance: r.entries[0]!.relError });
    expect(exact.passed).toBe(true);
  });

  it('the worst entry is the first of the largest errors, and a NaN one beats every number', () => {
    const a = Matrix.from([[0.2]]);
    const b = Matrix.from([[0.4]]);
    const c = Matrix.from([[0.6]]);
    const loss = (): number => Math.sin(a.data[0]!) + Math.sin(b.data[0]!) + Math.sin(c.data[0]!);
    const g = (m: Matrix, wrong: number): Matrix => Matrix.from([[Math.cos(m.data[0]!) + wrong]]);
    // b and c are equally wrong (same value, same wrong gradient): the worst is the first of them.
    const c2 = Matrix.from([[0.4]]);
    const twin = (): number => Math.sin(b.data[0]!) + Math.sin(c2.data[0]!); // x + y = y + x exactly
    const tie = gradCheck(twin, [b, c2], [g(b, 1), g(c2, 1)], { names: ['b', 'c'] });
    expect(tie.entries[1]!.relError).toBe(tie.entries[0]!.relError);
    expect(tie.worst!.name).toBe('b');
    const nan = gradCheck(loss, [a, b, c], [g(a, 0), g(b, NaN), g(c, 5)], { names: ['a', 'b', 'c'] });
    expect(nan.worst!.name).toBe('b');
    expect(Number.isNaN(nan.worstRelError)).toBe(true);
    expect(nan.entries[1]!.maxAbsError).toBeNaN();
    const first = gradCheck(loss, [a, b, c], [g(a, NaN), g(b, NaN), g(c, 0)], { names: ['a', 'b', 'c'] });
    expect(first.worst!.name).toBe('a');
  });
});
