import { DataFormatError, Matrix, encodeSafetensors } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { Sequential } from './network.js';
import { decodeNetwork, decodeTrainingState, encodeNetwork } from './serialize.js';

// Files that are safetensors but not (valid) ffnn files: each refusal names the file and the problem.
const net = new Sequential({ inputSize: 2, layers: [{ units: 3, activation: 'relu' }], loss: 'mse' });
const arch = JSON.stringify({ ...net.toJSON(), layers: net.toJSON().layers.map(({ W: _W, b: _b, ...rest }) => rest) });
const W1 = new Matrix(2, 3);
const b1 = new Matrix(1, 3);
const file = (tensors: [string, Matrix][], metadata: Record<string, string>) => encodeSafetensors(tensors, metadata);
const networkMeta = { format: 'ffnn.sequential', version: '1', 'ffnn.network': arch };

describe('decodeNetwork refuses', () => {
  it('a file that is not an ffnn network, or of another version', () => {
    expect(() => decodeNetwork(file([], {}))).toThrow(new DataFormatError('<buffer>: not an ffnn network file (format is null)'));
    expect(() => decodeNetwork(file([], { format: 'ffnn.training-state' }), 'm.ffnn')).toThrow('m.ffnn: not an ffnn network file (format is "ffnn.training-state")');
    expect(() => decodeNetwork(file([], { format: 'ffnn.sequential', version: '2' }), 'm.ffnn')).toThrow('m.ffnn: unsupported network file version "2" (this library reads version 1)');
  });

  it('missing or broken architecture metadata', () => {
    const meta = { format: 'ffnn.sequential', version: '1' };
    expect(() => decodeNetwork(file([], meta), 'm.ffnn')).toThrow(new DataFormatError('m.ffnn: missing ffnn.network metadata; not an ffnn file'));
    expect(() => decodeNetwork(file([], { ...meta, 'ffnn.network': '{' }), 'm.ffnn')).toThrow(/^m\.ffnn: ffnn\.network metadata is not valid JSON \(.+\)$/);
    for (const bad of ['null', '3', '{}', '{"layers": 1}']) {
      expect(() => decodeNetwork(file([], { ...meta, 'ffnn.network': bad }), 'm.ffnn')).toThrow('m.ffnn: network metadata has no layers');
    }
  });

  it('tensors the architecture does not name, and named tensors that are missing', () => {
    expect(() => decodeNetwork(file([['W1', W1], ['b1', b1], ['W2', W1]], networkMeta), 'm.ffnn')).toThrow('m.ffnn: unexpected tensor "W2"');
    expect(() => decodeNetwork(file([['W1', W1]], networkMeta), 'm.ffnn')).toThrow('m.ffnn: missing tensor W1 or b1');
    expect(() => decodeNetwork(file([['b1', b1]], networkMeta), 'm.ffnn')).toThrow('m.ffnn: missing tensor W1 or b1');
  });

  it('a bias stored as a column (the right count, the wrong shape)', () => {
    expect(() => decodeNetwork(file([['W1', W1], ['b1', new Matrix(3, 1)]], networkMeta), 'm.ffnn')).toThrow(
      'm.ffnn: W1 is 2×3 and b1 3×1, the architecture needs 2×3 and 1×3',
    );
    expect(decodeNetwork(encodeNetwork(net)).network.layers[0]!.b.shapeString()).toBe('1×3');
  });
});

describe('decodeTrainingState refuses', () => {
  const meta = { format: 'ffnn.training-state', version: '1' };
  const state = (rest: object) => ({ ...meta, 'ffnn.training-state': JSON.stringify({ best: null, optimizer: { slots: {} }, ...rest }) });
  it('another format or version, missing metadata, a bad parameter count and a missing tensor', () => {
    expect(() => decodeTrainingState(file([], {}))).toThrow(new DataFormatError('<buffer>: not an ffnn checkpoint (format is null)'));
    expect(() => decodeTrainingState(file([], { format: 'ffnn.sequential' }), 'c.ckpt')).toThrow('c.ckpt: not an ffnn checkpoint (format is "ffnn.sequential")');
    expect(() => decodeTrainingState(file([], { ...meta, version: '0' }), 'c.ckpt')).toThrow('c.ckpt: unsupported checkpoint version "0"');
    expect(() => decodeTrainingState(file([], meta), 'c.ckpt')).toThrow('c.ckpt: missing ffnn.training-state metadata; not an ffnn file');
    for (const params of [-1, 1.5, '2']) {
      expect(() => decodeTrainingState(file([], state({ params })), 'c.ckpt')).toThrow('c.ckpt: bad parameter count');
    }
    expect(() => decodeTrainingState(file([['param.0', W1]], state({ params: 2 })), 'c.ckpt')).toThrow('c.ckpt: missing tensor "param.1"');
    expect(() => decodeTrainingState(file([['param.0', W1]], state({ params: 1, best: 1 })), 'c.ckpt')).toThrow('c.ckpt: missing tensor "best.0"');
    const ok = decodeTrainingState(file([['param.0', W1]], state({ params: 1 })), 'c.ckpt').state;
    expect(ok.params).toHaveLength(1);
    expect(ok.best).toBeNull();
    expect(decodeTrainingState(file([], state({ params: 0 }))).state.params).toEqual([]);
  });
});
