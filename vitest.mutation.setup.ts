import { beforeEach, vi } from 'vitest';

// Setup for mutation runs only (vitest.mutation.config.ts, used by stryker.config.mjs; see
// docs/mutation.md). `pnpm test` and `pnpm verify` do not load this file.

// 1. Every `fc.assert` runs at most FFNN_MUTATION_NUM_RUNS cases (default 25) instead of the hundreds or
//    thousands the test asks for. A mutant killed with fewer cases is still killed; one that only a rarer
//    case exposes may survive, so scores measured this way are lower bounds. `fc.sample` and `fc.check`
//    are unchanged (tests use them to draw fixed sets of inputs and to check distributions).
const cap = Number(process.env.FFNN_MUTATION_NUM_RUNS ?? 25);

vi.mock('fast-check', async (importOriginal) => {
  const fc = await importOriginal<typeof import('fast-check')>();
  const assert = ((property: Parameters<typeof fc.assert>[0], params?: Parameters<typeof fc.assert>[1]) =>
    fc.assert(property, { ...params, numRuns: Math.min(params?.numRuns ?? 100, cap) })) as typeof fc.assert;
  const patched = { ...fc, assert };
  return { ...patched, default: patched };
});

// 2. Tests skipped in mutation runs: slow, and every mutant they could kill is within reach of faster,
//    more exact tests. File (relative to the package) and the test's own name; docs/mutation.md says why.
const skipped: [file: string, test: string][] = [
  // 500 epochs of a 1-50-50-1 network (5 s normally, minutes instrumented). It checks the fit's quality;
  // the same code paths are checked exactly by pytorch-parity, backends and the gradient checks.
  ['src/fit.test.ts', 'fits noisy Runge data (n 1000, σ 0.05) with a 1-50-50-1 ReLU network and Adam to within 20% of the noise floor'],
  // linear-models: the Lasso path at every scikit-learn α plus a cold fit per α (3 s normally, the
  // longest test instrumented). Each α is compared with scikit-learn by its own test in the same file,
  // and lasso.test.ts compares lassoPath with single fits; only "warm needs fewer sweeps than cold" is lost.
  ['src/agreement.test.ts', 'lassoPath with warm starts reaches the same coefficients in fewer sweeps'],
  // linear-models: the smallest α of the Runge Lasso cases takes thousands of coordinate-descent sweeps
  // (1 s normally, 207 s instrumented). The five larger α of the same problem run the same code against
  // scikit-learn in about a second each.
  ['src/agreement.test.ts', 'runge, alpha=0.00017707047697793546: coef ≤ 1e-6 relative'],
  // linear-models: trains a softmax network to LogisticRegression's solution (3 s normally). The
  // LogisticRegression side is checked directly against scikit-learn, to 1e-4, in agreement.test.ts.
  ['src/convention.test.ts', 'softmax + cross-entropy + L2 (λ₂ = 1/(n·C)) converges to multinomial LogisticRegression(C)'],
];

beforeEach((context) => {
  const file = context.task.file.filepath;
  if (skipped.some(([f, name]) => file.endsWith(`/${f}`) && context.task.name === name)) context.skip();
});
