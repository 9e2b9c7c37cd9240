import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as data from '../data.js';
import { loadModel } from '../model-file.js';
import { runCli, tempDir } from '../testing.js';

/**
 * `predict --data mnist` reads all 70,000 images; with --with-inputs that is a CSV of 55 million
 * pixels (10 s). While `shrink.rows` is set, MNIST as this file's runs load it is its first
 * `shrink.rows` images: the same code path over a few images.
 */
const shrink = vi.hoisted(() => ({ rows: 0 }));
vi.mock('../data.js', async (importOriginal) => {
  const original = await importOriginal<typeof data>();
  return {
    ...original,
    loadDataset: (options: data.DataOptions): data.Dataset => {
      const d = original.loadDataset(options);
      const k = shrink.rows;
      if (k === 0 || options.data !== 'mnist') return d;
      return { ...d, n: k, images: d.images!.slice(0, k * 784), target: d.target.slice(0, k) };
    },
  };
});

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (name: string) => join(dir, name);

describe('ffnn predict on MNIST', () => {
  it('--with-inputs copies each image\'s 784 pixels before its predicted class and probabilities', async () => {
    const model = path('mnist.json');
    const trained = await runCli('train', '--data', 'mnist', '--subset', '50', '--hidden', 'none', '--epochs', '1', '--batch-size', '20', '--backend', 'js', '--quiet', '--save', model);
    expect(trained.code).toBe(0);
    const out = path('mnist-pred.csv');
    shrink.rows = 3;
    let r;
    try {
      r = await runCli('predict', model, '--data', 'mnist', '--with-inputs', '--out', out);
    } finally {
      shrink.rows = 0;
    }
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote 3 predictions to ${out}\n`);
    // The first three images of MNIST, loaded whole.
    const mnist = data.loadDataset({ data: 'mnist', seed: 1993 });
    expect(mnist.n).toBe(70_000);
    const images = { ...mnist, n: 3, images: mnist.images!.slice(0, 3 * 784) };
    const { network, model: file } = loadModel(model);
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe(['row', ...file.featureNames, 'prediction', ...file.classes!.map((c) => `p_${String(c)}`)].join(','));
    expect(file.featureNames).toHaveLength(784);
    for (let i = 0; i < 3; i++) {
      const fields = lines[i + 1]!.split(',');
      expect(fields).toHaveLength(1 + 784 + 1 + 10);
      expect(fields[0]).toBe(String(i + 1));
      const pixels = Array.from(images.images.subarray(i * 784, (i + 1) * 784));
      expect(fields.slice(1, 785).map(Number)).toEqual(pixels);
      // The probabilities are the network's on those pixels (scaled as in training).
      const p = network.predict(data.inputsFor(images, Int32Array.of(i), file.preprocessing, network.dtype)).data;
      expect(fields.slice(786).map(Number)).toEqual(Array.from(p, (v) => Number(v.toPrecision(6))));
    }
  });
});
