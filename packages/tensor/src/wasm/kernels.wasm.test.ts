import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

describe('generated kernels.wasm.ts', () => {
  it('is up to date with assembly/kernels.ts', () => {
    // Recompiles the AssemblyScript sources and compares with the committed module.
    const run = () => execFileSync(process.execPath, [join(root, 'scripts/build-wasm.mjs'), '--check'], { cwd: root, encoding: 'utf8' });
    expect(run).not.toThrow();
  });
});
