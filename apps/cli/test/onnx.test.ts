import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { describe, expect, it, onTestFinished } from 'vitest';

describe('ffnn export', () => {
  it('writes an ONNX file from a saved model that ONNX Runtime runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ffnn-export-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const bin = new URL('../dist/bin.js', import.meta.url).pathname;
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
    expect(run('train', '--n', '200', '--hidden', '8', '--epochs', '3', '--quiet', '--save', 'm.ffnn').status).toBe(0);
    const r = run('export', 'm.ffnn', '--format', 'onnx');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/wrote onnx \(\d+ bytes\) to m\.onnx/);
    const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(join(dir, 'm.onnx'))));
    expect(session.inputNames).toEqual(['input']);
    expect(run('export', 'm.ffnn', '--format', 'safetensors').status).toBe(0);
    expect(readFileSync(join(dir, 'm.safetensors')).length).toBeGreaterThan(8);
  });
});
