import { type Options, defineConfig } from 'tsup';

/**
 * The build every @ffnn library package shares: ESM + CJS + `.d.ts` for Node and browsers.
 * A package's tsup.config.ts passes only what differs (extra entries, shims).
 */
export function packageConfig(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    // Type declarations resolve other @ffnn packages through their published types, not their sources.
    tsconfig: 'tsconfig.build.json',
    ...overrides,
  });
}
