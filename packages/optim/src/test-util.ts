import type { Rng } from '@ffnn/tensor';
import { type DType, Matrix } from '@ffnn/tensor';
import { expect } from 'vitest';
import type { Optimizer } from './types.js';

/** Shared by the tests: a fixed three-step trajectory and an SPD quadratic. */

/** Start of the hand-computed trajectories: a 1×2 parameter. */
export const P0 = [1, -2] as const;
/** The gradients fed at steps 1, 2, 3. */
export const G = [
  [0.5, -1],
  [-0.25, 2],
  [1.5, 0.75],
] as const;

/** The two elements of a 1×2 value, computed element by element. */
export function pair(f: (k: 0 | 1) => number): [number, number] {
  return [f(0), f(1)];
}

/** Runs three steps from {@link P0} with gradients {@link G}; returns the parameter after each. */
export function threeSteps(opt: Optimizer): number[][] {
  const p = Matrix.from([[...P0]]);
  const out: number[][] = [];
  for (const g of G) {
    opt.step([p], [Matrix.from([[...g]])]);
    out.push(Array.from(p.data));
  }
  return out;
}

/** Each element within `rel` relative error of the expected one. */
export function expectRelClose(actual: readonly number[], expected: readonly number[], rel = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, k) => {
    const e = expected[k]!;
    const err = Math.abs(a - e);
    if (!(err <= rel * Math.abs(e))) {
      throw new Error(`element ${k}: got ${a}, expected ${e} (relative error ${err / Math.abs(e)} > ${rel})`);
    }
  });
}

/** f(x) = ½ xᵀAx − bᵀx with an SPD A (eigenvalues ≈ 1.7, 2.9, 4.4). */
export const A = [
  [4, 1, 0],
  [1, 3, 0.5],
  [0, 0.5, 2],
] as const;
export const b = [1, 2, 3] as const;

/** ∇f(x) = Ax − b (+ λx for an L2 term), written into `g`. */
export function quadraticGrad(x: Matrix, g: Matrix, lambda = 0): void {
  for (let i = 0; i < 3; i++) {
    let v = -b[i]! + lambda * x.data[i]!;
    for (let j = 0; j < 3; j++) v += A[i]![j]! * x.data[j]!;
    g.data[i] = v;
  }
}

/** Solves (A + λI)x = b by Gaussian elimination (no pivoting needed: SPD). */
export function quadraticMinimizer(lambda = 0): number[] {
  const M = A.map((row, i) => [...row.map((v, j) => v + (i === j ? lambda : 0)), b[i]!]);
  for (let c = 0; c < 3; c++) {
    for (let r = c + 1; r < 3; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k < 4; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = [0, 0, 0];
  for (let r = 2; r >= 0; r--) {
    let s = M[r]![3]!;
    for (let k = r + 1; k < 3; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

/** A matrix of standard normal draws. */
export function randomMatrix(rng: Rng, rows: number, cols: number, dtype: DType = 'float64', scale = 1): Matrix {
  const m = new Matrix(rows, cols, dtype);
  for (let k = 0; k < m.size; k++) m.data[k] = scale * rng.normal();
  return m;
}
