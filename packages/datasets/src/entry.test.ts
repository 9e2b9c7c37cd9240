import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** Every source file reachable from `entry` through relative imports. */
function reachable(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const text = readFileSync(entry, 'utf8');
  for (const m of text.matchAll(/from '(\.[^']+)\.js'/g)) reachable(resolve(dirname(entry), `${m[1]}.ts`), seen);
  return seen;
}

describe('entry points', () => {
  it('the main entry reaches no Node built-in (browser-safe)', () => {
    const files = reachable(join(here, 'index.ts'));
    expect(files.size).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/from '(node:|fs'|zlib'|path'|module')/);
      expect(file, file).not.toMatch(/[\\/]node[\\/]/);
    }
  });

  it('the node entry does use them (so the check above can fail)', () => {
    const texts = [...reachable(join(here, 'node.ts'))].map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(texts).toMatch(/from 'node:zlib'/);
    expect(texts).toMatch(/from 'node:fs'/);
  });
});
