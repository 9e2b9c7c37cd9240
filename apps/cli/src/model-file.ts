import { readFileSync, statSync } from 'node:fs';
import { Sequential, type SequentialJSON } from '@ffnn/layers';
import { CliFailure } from './errors.js';
import type { Preprocessing, Task } from './data.js';
import { writeFileAtomic } from './io.js';

/** A saved model: the network plus everything needed to apply it to new raw data. */
export interface ModelFile {
  format: 'ffnn.model';
  version: 1;
  task: Task;
  featureNames: string[];
  targetName: string;
  /** Original class values, index = network output (classification only). */
  classes: number[] | null;
  preprocessing: Preprocessing;
  network: SequentialJSON;
  /** How it was trained (flags, seed, versions); informational. */
  training: Record<string, unknown>;
}

const MAX_MODEL_BYTES = 512 * 1024 * 1024;

/** Writes a model atomically. */
export function saveModel(path: string, model: ModelFile): void {
  writeFileAtomic(path, JSON.stringify(model));
}

/** Reads and validates a model file; every problem is a one-line error naming the file. */
export function loadModel(path: string): { model: ModelFile; network: Sequential } {
  const size = statSync(path).size;
  if (size > MAX_MODEL_BYTES) throw new CliFailure(`${path}: ${size} bytes is larger than the ${MAX_MODEL_BYTES}-byte limit for model files`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliFailure(`${path}: not a model file (invalid JSON: ${(error as Error).message})`);
  }
  const m = json as Partial<ModelFile>;
  if (typeof m !== 'object' || m === null || m.format !== 'ffnn.model') throw new CliFailure(`${path}: not an ffnn model file (format field missing)`);
  if (m.version !== 1) throw new CliFailure(`${path}: unsupported model version ${JSON.stringify(m.version)} (this ffnn reads version 1)`);
  if (m.task !== 'regression' && m.task !== 'classification') throw new CliFailure(`${path}: task must be regression or classification`);
  if (!Array.isArray(m.featureNames) || !m.featureNames.every((s) => typeof s === 'string')) throw new CliFailure(`${path}: featureNames must be a list of strings`);
  if (m.task === 'classification' && (!Array.isArray(m.classes) || !m.classes.every((c) => typeof c === 'number'))) {
    throw new CliFailure(`${path}: classes must be a list of numbers`);
  }
  const pre = m.preprocessing;
  if (!pre || !['standard', 'pixels', 'none'].includes(pre.kind)) throw new CliFailure(`${path}: preprocessing must be standard, pixels or none`);
  let network: Sequential;
  try {
    network = Sequential.fromJSON(m.network);
  } catch (error) {
    throw new CliFailure(`${path}: ${(error as Error).message}`);
  }
  if (network.inputSize !== m.featureNames.length) {
    throw new CliFailure(`${path}: the network takes ${network.inputSize} inputs but the file lists ${m.featureNames.length} features`);
  }
  return { model: m as ModelFile, network };
}
