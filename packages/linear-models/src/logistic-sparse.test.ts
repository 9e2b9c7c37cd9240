import { Matrix, Rng, createWasmBackend, jsBackend, sameBits, withBackend } from '@ffnn/tensor';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LogisticRegression, SPARSE_DESIGN_FRACTION, logisticProducts } from './logistic.js';

// On a design mostly of zeros (MNIST-like pixels) the objective's products run on X's CSR forms:
// the same bits as gemm on X, so the same fit, in the time the nonzero entries take.

const wasm = await createWasmBackend({ threads: 2 });
afterAll(() => wasm.dispose?.());

/** n × p with each entry zero with probability `zeros`, else in (0, 1] (a pixel / 255), in `dtype`. */
function pixels(rng: Rng, n: number, p: number, zeros: number, dtype: 'float64' | 'float32' = 'float64'): Matrix {
  const X = Matrix.zeros(n, p, dtype);
  for (let t = 0; t < X.size; t++) if (rng.uniform() >= zeros) X.data[t] = Math.ceil(rng.uniform() * 255) / 255;
  return X;
}

function normal(rng: Rng, r: number, c: number): Matrix {
  const M = new Matrix(r, c);
  for (let t = 0; t < M.size; t++) M.data[t] = rng.normal();
  return M;
}

describe('logisticProducts', () => {
  it("'auto' takes the CSR forms at most SPARSE_DESIGN_FRACTION nonzero, gemm above it", () => {
    const n = 10, p = 10;
    const X = new Matrix(n, p);
    for (let t = 0; t < SPARSE_DESIGN_FRACTION * X.size; t++) X.data[t] = 1;
    expect(logisticProducts(X).sparse).toBe(true);
    X.data[X.size - 1] = 1;
    expect(logisticProducts(X).sparse).toBe(false);
    expect(logisticProducts(X, 'always').sparse).toBe(true);
    expect(logisticProducts(new Matrix(n, p), 'never').sparse).toBe(false);
  });

  it('the sparse form multiplies through the backend\'s gemmCsr only, the dense form through its gemm only', () => {
    const rng = new Rng(3);
    const X = pixels(rng, 12, 9, 0.8), W = normal(rng, 3, 9), D = normal(rng, 12, 3);
    for (const form of ['always', 'never'] as const) {
      const calls = { gemm: 0, gemmCsr: 0 };
      const counting = {
        ...jsBackend,
        gemm: (...args: Parameters<typeof jsBackend.gemm>) => (calls.gemm++, jsBackend.gemm(...args)),
        gemmCsr: (...args: Parameters<NonNullable<typeof jsBackend.gemmCsr>>) => (calls.gemmCsr++, jsBackend.gemmCsr!(...args)),
      };
      withBackend(counting, () => {
        const products = logisticProducts(X, form);
        products.logits(W, new Matrix(12, 3));
        products.gradient(D, new Matrix(3, 9));
      });
      expect(calls, form).toEqual(form === 'always' ? { gemm: 0, gemmCsr: 2 } : { gemm: 2, gemmCsr: 0 });
    }
  });

  it('logits and gradient have the same bits on the CSR forms as by gemm, on the JavaScript and the wasm backend', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 2, max: 12 }),
        fc.constantFrom(0, 0.5, 0.81, 0.99),
        fc.constantFrom('float64' as const, 'float32' as const),
        fc.integer({ min: 1, max: 1 << 30 }),
        (n, p, K, zeros, dtype, seed) => {
          const rng = new Rng(seed);
          const X = pixels(rng, n, p, zeros, dtype);
          const W = normal(rng, K, p);
          const D = normal(rng, n, K);
          for (const backend of [jsBackend, wasm]) {
            withBackend(backend, () => {
              const [sparse, dense] = [logisticProducts(X, 'always'), logisticProducts(X, 'never')];
              const Z = [new Matrix(n, K), new Matrix(n, K)];
              const gW = [new Matrix(K, p), new Matrix(K, p)];
              sparse.logits(W, Z[0]!);
              dense.logits(W, Z[1]!);
              sparse.gradient(D, gW[0]!);
              dense.gradient(D, gW[1]!);
              expect(sameBits(Z[0]!.data, Z[1]!.data)).toBe(true);
              expect(sameBits(gW[0]!.data, gW[1]!.data)).toBe(true);
            });
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('LogisticRegression on a design mostly of zeros', () => {
  it("fits the same bits with sparseDesign 'always' (CSR), 'never' (gemm) and 'auto', on the JavaScript and the wasm backend", () => {
    const rng = new Rng(11);
    const n = 400, p = 49, K = 4;
    for (const dtype of ['float64', 'float32'] as const) {
      const X = pixels(rng, n, p, 0.81, dtype);
      const y = Array.from({ length: n }, (_, i) => (i + (X.data[i * p + 24]! > 0 ? 1 : 0) + (X.data[i * p + 30]! > 0.5 ? 2 : 0)) % K);
      for (const backend of [jsBackend, wasm]) {
        const fits = (['always', 'never', 'auto'] as const).map((sparseDesign) =>
          withBackend(backend, () => new LogisticRegression({ C: 0.5, maxIter: 40, sparseDesign }).fit(X, y)),
        );
        expect(fits[0]!.nIter).toBeGreaterThan(5);
        for (const other of fits.slice(1)) {
          expect(other.nIter).toBe(fits[0]!.nIter);
          expect(Object.is(other.objective, fits[0]!.objective)).toBe(true);
          expect(sameBits(other.coef.data, fits[0]!.coef.data)).toBe(true);
          expect(sameBits(other.intercept.data, fits[0]!.intercept.data)).toBe(true);
        }
      }
    }
  });

  it('refuses an unknown sparseDesign by name, and leaves it out of the JSON (it does not change the model)', () => {
    const X = pixels(new Rng(3), 20, 4, 0.5);
    const y = Array.from({ length: 20 }, (_, i) => i % 2);
    expect(() => new LogisticRegression({ sparseDesign: 'sometimes' as never }).fit(X, y)).toThrow(
      'LogisticRegression: sparseDesign must be one of auto, always, never; got "sometimes"',
    );
    const json = new LogisticRegression({ sparseDesign: 'always', maxIter: 5 }).fit(X, y).toJSON();
    expect(Object.keys(json.options).sort()).toEqual(['C', 'fitIntercept', 'maxIter', 'memory', 'tol']);
  });
});
