import { mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// The root config for Stryker's runs (stryker.config.mjs): instrumented code runs several times slower,
// so a test that takes 20 s normally (the Lasso path against scikit-learn) needs more than the usual minute.
export default mergeConfig(base, { test: { testTimeout: 900_000 } });
