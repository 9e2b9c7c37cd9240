import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { settingsFor } from '../src/study/profiles.js';
import { PARTS } from '../src/study/types.js';

/**
 * `published-results/` is one run of `ffnn reproduce --profile full`, committed: the docs site's
 * results pages are built from it. These tests fail when the study's full settings change and the
 * published run was not made again with them.
 */
const dir = new URL('../../../published-results/', import.meta.url).pathname;

interface Manifest {
  profile: string;
  parts: string[];
  settings: unknown;
  commit: { sha: string; dirty: boolean } | null;
  files: string[];
  timingsMs: Record<string, number>;
  machine: { cpus: number };
}

function manifest(): Manifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

describe('the published results (published-results/)', () => {
  it('come from a run of the full profile with every part', () => {
    const m = manifest();
    expect(m.profile).toBe('full');
    expect(m.parts).toEqual([...PARTS]);
  });

  it('were produced with the current full settings (rerun ffnn reproduce --profile full when they change)', () => {
    // Through JSON, as the manifest holds them.
    expect(manifest().settings).toEqual(JSON.parse(JSON.stringify(settingsFor('full'))));
  });

  it('name the committed code that produced them, the machine and the wall time of every part', () => {
    const m = manifest();
    expect(m.commit?.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(m.commit?.dirty).toBe(false);
    expect(m.machine.cpus).toBeGreaterThan(0);
    for (const part of [...PARTS, 'total']) expect(m.timingsMs[part]).toBeGreaterThan(0);
  });

  it('hold every file their manifest lists (the trial records gzipped)', () => {
    const missing = manifest().files.filter((f) => !existsSync(join(dir, f.endsWith('.jsonl') ? `${f}.gz` : f)));
    expect(missing).toEqual([]);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/profile \*\*full\*\*/);
  });
});
