import { defineConfig } from 'vitest/config';

// The browser test of the built site (`pnpm docs:build` first): one file, run serially, generous timeouts.
export default defineConfig({
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
