import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from './index.js';

/** What one in-process `ffnn` run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `ffnn <args>` in this process (the code under test, not the built bin), capturing what it
 * writes to stdout and stderr. The kernels are the JavaScript backend unless FFNN_BACKEND says otherwise.
 */
export async function runCli(...args: string[]): Promise<CliRun> {
  return runCliWatching(() => undefined, ...args);
}

/** {@link runCli}, calling `onWrite` with every chunk written to stdout or stderr as it is written. */
export async function runCliWatching(onWrite: (text: string) => void, ...args: string[]): Promise<CliRun> {
  process.env.FFNN_BACKEND ??= 'js';
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    onWrite(String(chunk));
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    onWrite(String(chunk));
    return true;
  });
  try {
    const code = await main(['node', 'ffnn', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** A fresh temporary directory for one test file's inputs and outputs. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ffnn-cli-unit-'));
}

/** Writes `lines` (joined by newlines, with a final newline) to `dir/name` and returns the path. */
export function writeLines(dir: string, name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}
