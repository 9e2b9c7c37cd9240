import type { OptimizerState } from '@ffnn/optim';
import { DataFormatError, Matrix, decodeSafetensors, encodeSafetensors, parseJsonSafely } from '@ffnn/tensor';
import type { TrainingState } from './fit.js';
import { checkDeclaredSizes } from './declared-sizes.js';
import { Sequential, type SequentialJSON } from './network.js';

/**
 * Binary files in the safetensors layout (readable by the `safetensors` Python package and other
 * tools): weights as little-endian F64/F32 tensors `W1, b1, W2, …`, and the architecture as JSON in
 * the `__metadata__` string map under `ffnn.network`, with `format` and `version` fields.
 */

/** Metadata keys reserved by ffnn. */
const NETWORK_KEY = 'ffnn.network';
const STATE_KEY = 'ffnn.training-state';

/** Encodes a network (and extra string metadata, e.g. preprocessing) as safetensors bytes. */
export function encodeNetwork(net: Sequential, metadata: Record<string, string> = {}): Uint8Array {
  const json = net.toJSON();
  const architecture = { ...json, layers: json.layers.map(({ W: _W, b: _b, ...rest }) => rest) };
  const names = net.parameterNames();
  return encodeSafetensors(
    net.parameters().map((p, i) => [names[i]!, p] as [string, Matrix]),
    { ...metadata, format: 'ffnn.sequential', version: '1', [NETWORK_KEY]: JSON.stringify(architecture) },
  );
}

function parseJson(source: string, what: string, text: string | undefined): unknown {
  if (text === undefined) throw new DataFormatError(`${source}: missing ${what} metadata; not an ffnn file`);
  try {
    return parseJsonSafely(text);
  } catch (error) {
    throw new DataFormatError(`${source}: ${what} metadata is not valid JSON (${(error as Error).message})`);
  }
}

/** Decodes {@link encodeNetwork} bytes, validating architecture, shapes and values. */
export function decodeNetwork(
  bytes: Uint8Array,
  source = '<buffer>',
): {
  /** The network, with its weights. */
  network: Sequential;
  /** The file's string metadata (format, version, and whatever the writer added). */
  metadata: Map<string, string>;
} {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  if (metadata.get('format') !== 'ffnn.sequential') throw new DataFormatError(`${source}: not an ffnn network file (format is ${JSON.stringify(metadata.get('format') ?? null)})`);
  if (metadata.get('version') !== '1') throw new DataFormatError(`${source}: unsupported network file version ${JSON.stringify(metadata.get('version'))} (this library reads version 1)`);
  const arch = parseJson(source, NETWORK_KEY, metadata.get(NETWORK_KEY)) as SequentialJSON;
  if (typeof arch !== 'object' || arch === null || !Array.isArray(arch.layers)) throw new DataFormatError(`${source}: network metadata has no layers`);
  const expected = new Set(arch.layers.flatMap((_, l) => [`W${l + 1}`, `b${l + 1}`]));
  for (const name of tensors.keys()) if (!expected.has(name)) throw new DataFormatError(`${source}: unexpected tensor "${name}"`);
  const stored = arch.layers.map((_, l) => {
    const W = tensors.get(`W${l + 1}`);
    const b = tensors.get(`b${l + 1}`);
    if (!W || !b) throw new DataFormatError(`${source}: missing tensor W${l + 1} or b${l + 1}`);
    return { W, b };
  });
  let network: Sequential;
  try {
    // The architecture's widths against the tensors present, before the network allocates them.
    checkDeclaredSizes(arch.inputSize, arch.layers, (l) => ({ W: stored[l]!.W.size, b: stored[l]!.b.size }));
    let inputs = arch.inputSize;
    stored.forEach(({ W, b }, l) => {
      const units = arch.layers[l]!.units;
      if (W.rows !== inputs || W.cols !== units || b.rows !== 1) {
        throw new DataFormatError(`W${l + 1} is ${W.rows}×${W.cols} and b${l + 1} ${b.rows}×${b.cols}, the architecture needs ${inputs}×${units} and 1×${units}`);
      }
      inputs = units;
    });
    const layers = arch.layers.map((layer, l) => ({ ...layer, W: stored[l]!.W.data, b: stored[l]!.b.data }));
    network = Sequential.fromJSON({ ...arch, layers });
  } catch (error) {
    throw new DataFormatError(`${source}: ${(error as Error).message}`);
  }
  return { network, metadata };
}

/** Encodes a {@link TrainingState} (a checkpoint) as safetensors bytes: tensors for weights and optimizer slots. */
export function encodeTrainingState(state: TrainingState, metadata: Record<string, string> = {}): Uint8Array {
  const tensors: [string, Matrix][] = [];
  state.params.forEach((p, i) => tensors.push([`param.${i}`, p]));
  state.best?.forEach((p, i) => tensors.push([`best.${i}`, p]));
  const slots: Record<string, number> = {};
  for (const [slot, list] of Object.entries(state.optimizer.slots)) {
    slots[slot] = list.length;
    // Slots are stored as F64: float32 slot values are exact in float64.
    list.forEach((m, i) => tensors.push([`optimizer.${slot}.${i}`, Matrix.fromArray(m.rows, m.cols, m.data)]));
  }
  const rest = { ...state, params: state.params.length, best: state.best?.length ?? null, optimizer: { ...state.optimizer, slots } };
  return encodeSafetensors(tensors, { ...metadata, format: 'ffnn.training-state', version: '1', [STATE_KEY]: JSON.stringify(rest) });
}

/** Decodes {@link encodeTrainingState} bytes. */
export function decodeTrainingState(
  bytes: Uint8Array,
  source = '<buffer>',
): {
  /** The training state, ready for `fit`'s `resume`. */
  state: TrainingState;
  /** The file's string metadata (format, version, and whatever the writer added). */
  metadata: Map<string, string>;
} {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  if (metadata.get('format') !== 'ffnn.training-state') throw new DataFormatError(`${source}: not an ffnn checkpoint (format is ${JSON.stringify(metadata.get('format') ?? null)})`);
  if (metadata.get('version') !== '1') throw new DataFormatError(`${source}: unsupported checkpoint version ${JSON.stringify(metadata.get('version'))}`);
  const rest = parseJson(source, STATE_KEY, metadata.get(STATE_KEY)) as Omit<TrainingState, 'params' | 'best' | 'optimizer'> & {
    params: number;
    best: number | null;
    optimizer: Omit<OptimizerState, 'slots'> & { slots: Record<string, number> };
  };
  const take = (name: string): Matrix => {
    const m = tensors.get(name);
    if (!m) throw new DataFormatError(`${source}: missing tensor "${name}"`);
    return m;
  };
  if (!Number.isInteger(rest.params) || rest.params < 0) throw new DataFormatError(`${source}: bad parameter count`);
  const params = Array.from({ length: rest.params }, (_, i) => take(`param.${i}`));
  const best = rest.best === null ? null : Array.from({ length: rest.best }, (_, i) => take(`best.${i}`));
  const slots: OptimizerState['slots'] = {};
  for (const [slot, count] of Object.entries(rest.optimizer.slots)) {
    slots[slot] = Array.from({ length: count }, (_, i) => {
      const m = take(`optimizer.${slot}.${i}`);
      return { rows: m.rows, cols: m.cols, data: Array.from(m.data) };
    });
  }
  return { state: { ...rest, params, best, optimizer: { ...rest.optimizer, slots } }, metadata };
}
