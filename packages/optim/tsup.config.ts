import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // Type declarations resolve other @ffnn packages through their published types, not their sources.
  tsconfig: 'tsconfig.build.json',
});
