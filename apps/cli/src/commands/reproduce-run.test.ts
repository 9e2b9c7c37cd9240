import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsBackend, setBackend } from '@ffnn/tensor';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../testing.js';

// Part (c) of the test profile trains one small network in a fraction of a second, so the command's
// own work (the parts it passes on, their order, the flags, the log, the summary line) runs in process.

const files = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' });

const outs: string[] = [];
const outDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'reproduce-'));
  outs.push(dir);
  return dir;
};
const savedBackend = process.env.FFNN_BACKEND;

afterEach(() => {
  if (savedBackend === undefined) delete process.env.FFNN_BACKEND;
  else process.env.FFNN_BACKEND = savedBackend;
  setBackend(jsBackend);
});
afterAll(() => {
  for (const dir of outs) rmSync(dir, { recursive: true, force: true });
});

describe('ffnn reproduce, running a part', () => {
  it('passes the parts (any case), profile, seed, output directory and --no-png on, logs to stderr and sums up on stdout', async () => {
    const out = outDir();
    process.env.FFNN_BACKEND = 'js';
    const r = await runCli('reproduce', 'C', '--profile', 'test', '--seed', '7', '--out', out, '--no-png');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^reproduce: 1 part\\(s\\) in \\d+\\.\\d s; report: ${join(out, 'report.md').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`));
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { parts: string[]; profile: string; seed: number };
    expect(manifest).toMatchObject({ parts: ['c'], profile: 'test', seed: 7 });
    expect(r.stderr).toContain('reproduce: profile test, parts c, backend js');
    expect(r.stderr).toMatch(/\[c\] done in \d+\.\d s/);
    expect(files(out).some((f) => f.endsWith('.svg'))).toBe(true);
    expect(files(out).filter((f) => f.endsWith('.png'))).toEqual([]);
  });

  it('runs each named part once, in the study\'s order, on the kernels FFNN_BACKEND names', async () => {
    const out = outDir();
    process.env.FFNN_BACKEND = 'wasm';
    const r = await runCli('reproduce', 'c', 'A', 'C', '--profile', 'test', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('parts a c, backend wasm');
    expect(r.stderr).toMatch(/\[a\] done[\s\S]*\[c\] starting/);
    expect((JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { parts: string[] }).parts).toEqual(['a', 'c']);
    expect(r.stdout).toMatch(/^reproduce: 2 part\(s\) in /);
    expect(files(out).some((f) => f.endsWith('.png'))).toBe(true);
  });
});
