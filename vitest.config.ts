import { readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source, so `pnpm test` never runs against stale builds.
const root = dirname(fileURLToPath(import.meta.url));
const alias: { find: string; replacement: string }[] = [];
for (const dir of readdirSync(join(root, 'packages'))) {
  const src = join(root, 'packages', dir, 'src');
  // Subpath entries (e.g. `@ffnn/datasets/node` → src/node.ts) first, then the main entry.
  if (existsSync(join(src, 'node.ts'))) alias.push({ find: `@ffnn/${dir}/node`, replacement: join(src, 'node.ts') });
  if (existsSync(join(src, 'index.ts'))) alias.push({ find: `@ffnn/${dir}`, replacement: join(src, 'index.ts') });
}

export default defineConfig({
  resolve: { alias },
  test: {
    root: resolve(process.cwd()),
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
