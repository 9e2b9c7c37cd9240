import { readFileSync, statSync } from 'node:fs';
import { type RowSource, Sequential, type SequentialJSON, checkFiniteOutputs, decodeNetwork, encodeNetwork } from '@ffnn/layers';
import { FfnnError, type Matrix, NumericError, formatValue, parseJsonSafely } from '@ffnn/tensor';
import { CliFailure, UsageError } from './errors.js';
import { type ClassValue, type Features, type Preprocessing, type Task, parseFeatures } from './data.js';
import { writeFileAtomic } from './io.js';

/**
 * A saved model: the network plus everything needed to apply it to new raw data.
 *
 * Two encodings, chosen by the file name when saving and detected from the bytes when loading:
 * - `*.json`: one JSON object (below), weights as exact decimal numbers; easy to inspect.
 * - anything else (e.g. `model.ffnn`, `model.safetensors`): the safetensors layout — weights as
 *   little-endian tensors `W1, b1, …`, architecture and the fields below (JSON strings) in
 *   `__metadata__` (`ffnn.model`). Other tools (e.g. the `safetensors` Python package) can read the weights.
 */
export interface ModelFile {
  format: 'ffnn.model';
  version: 1;
  task: Task;
  /** The input columns the model reads from new data. */
  featureNames: string[];
  /**
   * Features computed from those columns before the preprocessing (`ffnn train --features`), e.g.
   * `poly:10`; absent for the columns themselves (`raw`, and every model saved before the flag existed).
   */
  features?: string;
  targetName: string;
  /** Original class values (numbers, or names such as `versicolor`), index = network output (classification only). */
  classes: ClassValue[] | null;
  preprocessing: Preprocessing;
  network: SequentialJSON;
  /** How it was trained (flags, seed, versions); informational. */
  training: Record<string, unknown>;
}

/** Largest model file we read. */
export const MAX_MODEL_BYTES = 1024 * 1024 * 1024;
const ALLOWED_FIELDS = new Set(['format', 'version', 'task', 'featureNames', 'features', 'targetName', 'classes', 'preprocessing', 'network', 'training']);

/** The encoding a model file name asks for: `.json`, or `.ffnn` / `.safetensors` for the binary layout; anything else is refused. */
export function modelFormatFor(path: string): 'json' | 'safetensors' {
  const lower = path.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.ffnn') || lower.endsWith('.safetensors')) return 'safetensors';
  const hint = lower.endsWith('.onnx') ? '; for ONNX, save a model and run `ffnn export <model> --format onnx`' : '';
  throw new UsageError(`--save ${path}: a model file name must end in .json (plain JSON) or .ffnn / .safetensors (binary safetensors layout)${hint}`);
}

/** Writes a model atomically, as JSON or in the binary safetensors layout (see {@link modelFormatFor}). */
export function saveModel(path: string, model: ModelFile, network: Sequential): void {
  if (modelFormatFor(path) === 'json') {
    writeFileAtomic(path, JSON.stringify(model));
    return;
  }
  const { network: _n, ...rest } = model;
  writeFileAtomic(path, encodeNetwork(network, { 'ffnn.model': JSON.stringify(rest) }));
}


/** A validated model file: the model, its network and its parsed {@link ModelFile.features} (`raw` when absent). */
export interface LoadedModel {
  model: ModelFile;
  network: Sequential;
  features: Features;
}

/** Reads and validates a model file; every problem is a one-line error naming the file. */
export function loadModel(path: string): LoadedModel {
  const size = statSync(path).size;
  if (size > MAX_MODEL_BYTES) throw new CliFailure(`${path}: ${size} bytes is larger than the ${MAX_MODEL_BYTES}-byte limit for model files`);
  return parseModel(new Uint8Array(readFileSync(path)), path);
}

/** Validates model-file bytes (JSON or binary); every problem is a {@link CliFailure} naming `path`. */
export function parseModel(bytes: Uint8Array, path: string): LoadedModel {
  if (bytes.length === 0) throw new CliFailure(`${path}: empty file, not a model`);
  if (!looksLikeModel(bytes)) throw new CliFailure(`${path}: not an ffnn model file (expected .json or safetensors)`);
  let m: Partial<ModelFile>;
  let network: Sequential;
  let features: Features;
  try {
    if (bytes[0] === 0x7b /* { */) {
      let json: unknown;
      try {
        json = parseJsonSafely(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      } catch (error) {
        throw new CliFailure(`${path}: not a model file (invalid JSON: ${(error as Error).message})`);
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CliFailure(`${path}: not an ffnn model file`);
      m = json;
      features = checkFields(path, m);
      // The features count against the network's declared inputs before the network is built.
      checkInputCount(path, m, features, (m.network as { inputSize?: unknown } | undefined)?.inputSize);
      network = Sequential.fromJSON(m.network);
    } else {
      const decoded = decodeNetwork(bytes, path);
      const text = decoded.metadata.get('ffnn.model');
      if (text === undefined) throw new CliFailure(`${path}: a network file without model metadata (preprocessing, classes); save it with \`ffnn train --save\``);
      let parsed: unknown;
      try {
        parsed = parseJsonSafely(text);
      } catch (error) {
        throw new CliFailure(`${path}: model metadata is not valid JSON (${(error as Error).message})`);
      }
      m = { ...(parsed as Partial<ModelFile>), network: decoded.network.toJSON() };
      features = checkFields(path, m);
      network = decoded.network;
    }
  } catch (error) {
    if (error instanceof CliFailure) throw error;
    if (error instanceof FfnnError) throw new CliFailure(error.message.startsWith(path) ? error.message : `${path}: ${error.message}`);
    throw new CliFailure(`${path}: not a valid model file (${error instanceof Error ? error.message : String(error)})`);
  }
  checkInputCount(path, m, features, network.inputSize);
  const expectedOutputs = m.task === 'classification' ? m.classes!.length : 1;
  if (network.outputSize !== expectedOutputs) throw new CliFailure(`${path}: the network has ${network.outputSize} outputs, the file describes ${expectedOutputs}`);
  return { model: m as ModelFile, network, features };
}

/**
 * The predictions of a loaded model for every row of `X`. Outputs that are not finite (weights that
 * load but overflow) are a problem of the file, not of training: a one-line failure naming it, exit 1.
 */
export function predictFinite(path: string, network: Sequential, X: Matrix | RowSource): Matrix {
  try {
    return checkFiniteOutputs(network.predict(X));
  } catch (error) {
    if (error instanceof NumericError) throw new CliFailure(`${path}: ${error.message}`);
    throw error;
  }
}

/**
 * Whether the bytes can be a model at all, before parsing: JSON starts with `{`; safetensors with
 * a little-endian u64 header length that fits in the file, then `{`. A CSV, an image or an ONNX
 * file fails here instead of reporting a nonsensical header size.
 */
function looksLikeModel(bytes: Uint8Array): boolean {
  if (bytes[0] === 0x7b /* { */) return true;
  if (bytes.length < 9) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = view.getBigUint64(0, true);
  return headerBytes >= 2n && headerBytes <= BigInt(bytes.length - 8) && bytes[8] === 0x7b;
}

/** Checks the fields of a model file; returns its parsed features (`raw` when absent). */
function checkFields(path: string, m: Partial<ModelFile>): Features {
  const unknown = Object.keys(m).filter((k) => !ALLOWED_FIELDS.has(k));
  if (unknown.length) throw new CliFailure(`${path}: unknown field(s) ${unknown.join(', ')} in model file`);
  if (m.format !== 'ffnn.model') throw new CliFailure(`${path}: not an ffnn model file (format field missing)`);
  if (m.version !== 1) throw new CliFailure(`${path}: unsupported model version ${JSON.stringify(m.version)} (this ffnn reads version 1)`);
  if (m.task !== 'regression' && m.task !== 'classification') throw new CliFailure(`${path}: task must be regression or classification`);
  if (!Array.isArray(m.featureNames) || !m.featureNames.every((s) => typeof s === 'string')) throw new CliFailure(`${path}: featureNames must be a list of strings`);
  if (typeof m.targetName !== 'string') throw new CliFailure(`${path}: targetName must be a string`);
  const isClass = (c: unknown) => (typeof c === 'number' && Number.isFinite(c)) || (typeof c === 'string' && c !== '');
  if (m.task === 'classification' && (!Array.isArray(m.classes) || m.classes.length < 2 || !m.classes.every(isClass))) {
    throw new CliFailure(`${path}: classes must be a list of at least 2 numbers or names`);
  }
  let features: Features = { kind: 'raw' };
  if (m.features !== undefined) {
    try {
      features = parseFeatures(String(m.features));
    } catch {
      throw new CliFailure(`${path}: features must be raw or poly:<degree>; got ${JSON.stringify(m.features)}`);
    }
    if (features.kind === 'poly' && m.featureNames.length !== 1) throw new CliFailure(`${path}: features ${m.features} expand one input column, but featureNames lists ${m.featureNames.length}`);
  }
  const inputs = inputCount(m, features);
  const pre = m.preprocessing;
  if (!pre || typeof pre !== 'object' || !['standard', 'pixels', 'none'].includes(pre.kind)) throw new CliFailure(`${path}: preprocessing must be standard, pixels or none`);
  if (pre.kind === 'standard') {
    const s = pre.scaler as { mean?: unknown; scale?: unknown };
    const ok = (a: unknown) => Array.isArray(a) && a.length === inputs && a.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!s || !ok(s.mean) || !ok(s.scale)) throw new CliFailure(`${path}: the scaler must have finite mean and scale for each of the ${inputs} features`);
  }
  return features;
}

/** Fails unless the network's (declared) input count is the number of features the model file describes. */
function checkInputCount(path: string, m: Partial<ModelFile>, features: Features, inputSize: unknown): void {
  const inputs = inputCount(m, features);
  if (inputSize !== inputs) {
    throw new CliFailure(`${path}: the network takes ${formatValue(inputSize)} inputs but the file lists ${inputs} features${m.features === undefined ? '' : ` (${m.features} of ${m.featureNames!.join(', ')})`}`);
  }
}

/** Network inputs of a (checked) model: its columns, or the features computed from them. */
function inputCount(m: Partial<ModelFile>, features: Features): number {
  return features.kind === 'poly' ? features.degree + 1 : m.featureNames!.length;
}
