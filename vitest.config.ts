import { readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import workspace packages from source, so `pnpm test` never runs against stale builds.
const root = dirname(fileURLToPath(import.meta.url));
const alias: Record<string, string> = {};
for (const dir of readdirSync(join(root, 'packages'))) {
  const entry = join(root, 'packages', dir, 'src', 'index.ts');
  if (existsSync(entry)) alias[`@ffnn/${dir}`] = entry;
}

export default defineConfig({
  resolve: { alias },
  test: {
    root: resolve(process.cwd()),
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
