import { configDefaults, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// The root config for Stryker's runs (stryker.config.mjs): instrumented code runs several times slower,
// so a test that takes 20 s normally (the Lasso path against scikit-learn) needs more than the usual minute.
// The setup file caps fast-check's cases per property and skips a few slow tests (mutation runs only;
// see docs/mutation.md).
// The `tensor` scope mutates the JavaScript backend only; the tests in src/wasm/ test the AssemblyScript
// kernels, with the JavaScript backend as their reference, and take minutes instrumented (the MNIST-sized
// products), so they are left out: the JavaScript backend is measured by its own tests.
const scope = process.env.FFNN_MUTATION_PACKAGE ?? '';
const config = mergeConfig(base, {
  test: {
    testTimeout: 900_000,
    setupFiles: [new URL('./vitest.mutation.setup.ts', import.meta.url).pathname],
    exclude: [...configDefaults.exclude, ...(scope === 'tensor' || scope.startsWith('tensor:') ? ['src/wasm/**'] : [])],
  },
});

// The CLI scope runs only the tests that call its code in the test process: those beside data.ts and
// the commands. The end-to-end tests in apps/cli/test spawn dist/bin.js (built from unmutated sources,
// so no mutant is active there), and the study's and sweep's tests train whole grids (out of scope).
if (scope === 'cli' || scope.startsWith('cli:')) config.test!.include = ['src/*.test.ts', 'src/commands/*.test.ts'];

// FFNN_MUTATION_TESTS (comma-separated globs, relative to the scope's folder) narrows a run to some test
// files, e.g. one module and its own tests: `FFNN_MUTATION_TESTS=src/data.test.ts pnpm mutation cli --
// --mutate apps/cli/src/data.ts`. Its score is a lower bound for that module (other tests may kill more).
const only = process.env.FFNN_MUTATION_TESTS;
if (only) config.test!.include = only.split(',').map((glob) => glob.trim());

export default config;
