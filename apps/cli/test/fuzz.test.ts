import { Sequential, encodeNetwork } from '@ffnn/layers';
import { CommanderError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CliFailure, UsageError } from '../src/errors.js';
import { createProgram } from '../src/index.js';
import { parseModel } from '../src/model-file.js';

const net = Sequential.mlp({ inputSize: 2, hidden: [3], outputSize: 1, loss: 'mse' });
const meta = { format: 'ffnn.model', version: 1, task: 'regression', featureNames: ['a', 'b'], targetName: 'y', classes: null, preprocessing: { kind: 'none' }, training: {} };
const binary = encodeNetwork(net, { 'ffnn.model': JSON.stringify(meta) });
const json = new TextEncoder().encode(JSON.stringify({ ...meta, network: net.toJSON() }));

describe('model-file parser fuzz (10,000 cases): only our typed error, naming the file', () => {
  it('accepts the valid files', () => {
    expect(parseModel(binary, 'm.ffnn').network.toJSON()).toEqual(net.toJSON());
    expect(parseModel(json, 'm.json').network.toJSON()).toEqual(net.toJSON());
  });
  it('random bytes, truncations and byte edits of valid binary and JSON models', () => {
    let rejected = 0;
    const edit = (base: Uint8Array) =>
      fc.tuple(fc.integer({ min: 0, max: base.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([i, v]) => {
        const b = base.slice();
        b[i] = v;
        return b;
      });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.integer({ min: 0, max: binary.length }).map((k) => binary.slice(0, k)),
          fc.integer({ min: 0, max: json.length }).map((k) => json.slice(0, k)),
          edit(binary),
          edit(json),
          fc.json().map((s) => new TextEncoder().encode(s)),
        ),
        (bytes) => {
          try {
            parseModel(bytes, 'fuzz.model');
          } catch (error) {
            expect(error).toBeInstanceOf(CliFailure);
            expect((error as Error).message).toMatch(/^fuzz\.model: /);
            rejected++;
          }
        },
      ),
      { numRuns: 10_000 },
    );
    expect(rejected).toBeGreaterThan(5_000);
  });
});

describe('command-line fuzz (10,000 cases): usage problems are usage errors, never crashes', () => {
  const words = ['train', 'evaluate', 'predict', 'gradcheck', 'model.json', '--data', 'runge', 'mnist', 'x.csv', '--target', '--hidden', '10,10', '0', '-3', 'abc', '1e-3', '--lr', '--epochs', '--batch-size', '--activation', 'relu', 'swish', '--optimizer', 'adam', 'lbfgs', '--l1', '--l2', '--dropout', '1', '0.5', '--seed', '--dtype', 'float16', '--test-size', '--schedule', 'step:5:0.5', 'cosine:x', '--json', '--no-standardize', '--save', '--resume', '--checkpoint-every', '--out', '--tolerance', '--bogus', '-x', '--', 'NaN', 'Infinity', ''];
  it('parses random argument lists', () => {
    let outcomes = { ok: 0, usage: 0 };
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 6 })), { maxLength: 8 }), (args) => {
        const program = createProgram();
        program.configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined });
        for (const cmd of program.commands) {
          cmd.configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined });
          cmd.action(() => undefined); // parse and validate only; do not train
        }
        try {
          program.parse(['node', 'ffnn', ...args]);
          outcomes.ok++;
        } catch (error) {
          const typed = error instanceof CommanderError || error instanceof UsageError;
          if (!typed) throw error;
          outcomes.usage++;
        }
      }),
      { numRuns: 10_000 },
    );
    expect(outcomes.usage).toBeGreaterThan(1000);
    outcomes = { ok: 0, usage: 0 };
  });
});
