import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNetwork, exportOnnx, Sequential } from '@ffnn/layers';
import { afterAll, describe, expect, it } from 'vitest';
import { type ModelFile, saveModel } from '../model-file.js';
import { runCli, tempDir } from '../testing.js';
import { VERSION } from '../version.js';

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const net = Sequential.mlp({ inputSize: 2, hidden: [3], outputSize: 1, loss: 'mse', seed: 8 });
const model: ModelFile = { format: 'ffnn.model', version: 1, task: 'regression', featureNames: ['a', 'b'], targetName: 'y', classes: null, preprocessing: { kind: 'none' }, network: net.toJSON(), training: { epochs: 1 } };

describe('ffnn export', () => {
  it('ONNX by default, next to the model with its extension replaced', async () => {
    const path = join(dir, 'm.JSON');
    saveModel(join(dir, 'm.json'), model, net);
    saveModel(path, model, net);
    const r = await runCli('export', path);
    expect(r.code).toBe(0);
    const bytes = readFileSync(join(dir, 'm.onnx'));
    expect(new Uint8Array(bytes)).toEqual(exportOnnx(net, { producerVersion: VERSION }));
    expect(r.stdout).toBe(`wrote onnx (${bytes.length} bytes) to ${join(dir, 'm.onnx')}\n`);
  });

  it('safetensors: the weights with the model description (without the network) in the metadata', async () => {
    const path = join(dir, 'n.ffnn');
    saveModel(path, model, net);
    const out = join(dir, 'weights.safetensors');
    const r = await runCli('export', path, '--format', 'safetensors', '--out', out);
    expect(r.code).toBe(0);
    const decoded = decodeNetwork(new Uint8Array(readFileSync(out)), out);
    expect(Array.from(decoded.network.layers[0]!.W.data)).toEqual(Array.from(net.layers[0]!.W.data));
    const meta = JSON.parse(decoded.metadata.get('ffnn.model')!);
    expect(meta).toEqual({ format: 'ffnn.model', version: 1, task: 'regression', featureNames: ['a', 'b'], targetName: 'y', classes: null, preprocessing: { kind: 'none' }, training: { epochs: 1 } });
    const byDefault = await runCli('export', path, '--format', 'safetensors');
    expect(byDefault.code).toBe(0);
    expect(existsSync(join(dir, 'n.safetensors'))).toBe(true);
    const other = join(dir, 'model.bin.json');
    saveModel(other, model, net);
    expect((await runCli('export', other, '--format', 'onnx')).stdout).toContain(`to ${join(dir, 'model.bin.onnx')}\n`);
    // Only the last extension is replaced.
    const twice = join(dir, 'old.onnx.json');
    saveModel(twice, model, net);
    expect((await runCli('export', twice)).stdout).toContain(`to ${join(dir, 'old.onnx.onnx')}\n`);
  });
});
