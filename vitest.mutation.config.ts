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
export default mergeConfig(base, {
  test: {
    testTimeout: 900_000,
    setupFiles: [new URL('./vitest.mutation.setup.ts', import.meta.url).pathname],
    exclude: [...configDefaults.exclude, ...(scope === 'tensor' || scope.startsWith('tensor:') ? ['src/wasm/**'] : [])],
  },
});
