import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

// The README's first example, run as written (the workspace aliases resolve `@ffnn/*` to source);
// the output it shows must be what it prints.
describe('README example', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'ffnn-optim-readme-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('Adam reaches the minimizer of the quadratic and prints what the README shows', async () => {
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const shown = /prints\n\n```text\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(code).toContain("createOptimizer('adam'");
    const file = join(dir, 'example.ts');
    writeFileSync(file, code!);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await import(file);
      expect(log).toHaveBeenCalledTimes(1);
      const printed = log.mock.calls[0]![0] as string[];
      expect(printed).toEqual(['0.200000', '0.400000']);
      expect(shown).toBe("[ '0.200000', '0.400000' ]");
    } finally {
      log.mockRestore();
    }
  });
});
