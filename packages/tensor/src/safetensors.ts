import { DataFormatError, InvalidOptionError } from './errors.js';
import { isForbiddenKey, parseJsonSafely } from './json.js';
import { type DType, Matrix } from './matrix.js';

/**
 * The safetensors container (https://github.com/huggingface/safetensors), so other tools can read
 * our weights: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
 * `{ name: { dtype, shape, data_offsets: [begin, end] }, …, "__metadata__": { key: string } }`
 * (padded with spaces to a multiple of 8), then the little-endian tensor bytes, contiguous, in header order.
 * Matrices are stored with shape `[rows, cols]`, dtype `F64` or `F32`.
 */

/** Limits that protect a reader from hostile files. */
export interface SafetensorsLimits {
  /** Largest accepted header, bytes. Default 16 MiB. */
  maxHeaderBytes?: number;
  /** Largest number of tensors. Default 10,000. */
  maxTensors?: number;
  /** Reject NaN/±Infinity values. Default true. */
  requireFinite?: boolean;
}

/** A decoded file: tensors in file order, and the string metadata. */
export interface SafetensorsContent {
  /** The tensors by name, in file order. */
  tensors: Map<string, Matrix>;
  /** The `__metadata__` strings of the header. */
  metadata: Map<string, string>;
}

const DTYPES: Record<string, { dtype: DType; bytes: number }> = { F64: { dtype: 'float64', bytes: 8 }, F32: { dtype: 'float32', bytes: 4 } };
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Encodes named matrices and string metadata as safetensors bytes. */
export function encodeSafetensors(tensors: Iterable<[string, Matrix]>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  const parts: Matrix[] = [];
  let offset = 0;
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new InvalidOptionError(`safetensors metadata "${k}" must be a string`);
    meta[k] = v;
  }
  if (Object.keys(meta).length > 0) header.__metadata__ = meta;
  for (const [name, m] of tensors) {
    if (name === '__metadata__' || isForbiddenKey(name) || name.length === 0) throw new InvalidOptionError(`safetensors: invalid tensor name ${JSON.stringify(name)}`);
    if (Object.hasOwn(header, name)) throw new InvalidOptionError(`safetensors: duplicate tensor name ${JSON.stringify(name)}`);
    const bytes = m.data.BYTES_PER_ELEMENT * m.size;
    header[name] = { dtype: m.dtype === 'float32' ? 'F32' : 'F64', shape: [m.rows, m.cols], data_offsets: [offset, offset + bytes] };
    offset += bytes;
    parts.push(m);
  }
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  let head = encoder.encode(json);
  const pad = (8 - (head.length % 8)) % 8;
  if (pad) {
    json += ' '.repeat(pad);
    head = encoder.encode(json);
  }
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let pos = 8 + head.length;
  for (const m of parts) {
    if (littleEndian) {
      out.set(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength), pos);
      pos += m.data.byteLength;
    } else {
      for (const v of m.data) {
        if (m.dtype === 'float32') view.setFloat32(pos, v, true);
        else view.setFloat64(pos, v, true);
        pos += m.data.BYTES_PER_ELEMENT;
      }
    }
  }
  return out;
}

function fail(source: string, message: string): never {
  throw new DataFormatError(`${source}: ${message}`);
}

/** Decodes and validates safetensors bytes; every problem is a {@link DataFormatError} naming `source`. */
export function decodeSafetensors(bytes: Uint8Array, source = '<buffer>', limits: SafetensorsLimits = {}): SafetensorsContent {
  const maxHeader = limits.maxHeaderBytes ?? 16 * 1024 * 1024;
  const maxTensors = limits.maxTensors ?? 10_000;
  if (bytes.length < 8) fail(source, `too short for a safetensors file (${bytes.length} bytes, need at least 8)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(maxHeader)) fail(source, `header of ${n} bytes exceeds the ${maxHeader}-byte limit`);
  const headerLength = Number(n);
  if (8 + headerLength > bytes.length) fail(source, `header of ${headerLength} bytes runs past the end of the file (${bytes.length} bytes): truncated?`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    fail(source, 'header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = parseJsonSafely(text);
  } catch (error) {
    fail(source, `header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail(source, 'header must be a JSON object');
  const data = bytes.subarray(8 + headerLength);
  const entries = Object.entries(header as Record<string, unknown>);
  if (entries.length - (Object.hasOwn(header, '__metadata__') ? 1 : 0) > maxTensors) fail(source, `more than ${maxTensors} tensors`);
  const metadata = new Map<string, string>();
  const specs: { name: string; dtype: DType; bytesPer: number; rows: number; cols: number; begin: number; end: number }[] = [];
  for (const [name, value] of entries) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(source, '__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(source, `__metadata__.${k} must be a string`);
        metadata.set(k, v);
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) fail(source, `tensor "${name}" must be an object`);
    const spec = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const unknown = Object.keys(spec).filter((k) => k !== 'dtype' && k !== 'shape' && k !== 'data_offsets');
    if (unknown.length) fail(source, `tensor "${name}" has unknown field(s) ${unknown.join(', ')}`);
    const dt = typeof spec.dtype === 'string' && Object.hasOwn(DTYPES, spec.dtype) ? DTYPES[spec.dtype] : undefined;
    if (!dt) fail(source, `tensor "${name}" has dtype ${JSON.stringify(spec.dtype)}; supported: F64, F32`);
    const shape = spec.shape;
    if (!Array.isArray(shape) || shape.length > 2 || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      fail(source, `tensor "${name}" has shape ${JSON.stringify(shape)}; expected [rows, cols] of non-negative integers`);
    }
    const dims = shape as number[];
    const rows = dims.length === 2 ? dims[0]! : 1;
    const cols = dims.length === 2 ? dims[1]! : dims.length === 1 ? dims[0]! : 1;
    const off = spec.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      fail(source, `tensor "${name}" has data_offsets ${JSON.stringify(off)}; expected [begin, end]`);
    }
    const [begin, end] = off as [number, number];
    if (end < begin || end > data.length) fail(source, `tensor "${name}" bytes ${begin}..${end} lie outside the ${data.length}-byte data section: truncated?`);
    if (end - begin !== rows * cols * dt.bytes) fail(source, `tensor "${name}" of shape ${JSON.stringify(dims)} needs ${rows * cols * dt.bytes} bytes, its offsets span ${end - begin}`);
    specs.push({ name, dtype: dt.dtype, bytesPer: dt.bytes, rows, cols, begin, end });
  }
  const sorted = [...specs].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const s of sorted) {
    if (s.begin !== expected) fail(source, `tensor "${s.name}" starts at byte ${s.begin}, expected ${expected}: tensors must be contiguous and not overlap`);
    expected = s.end;
  }
  if (expected !== data.length) fail(source, `${data.length - expected} trailing bytes after the last tensor`);
  const tensors = new Map<string, Matrix>();
  const requireFinite = limits.requireFinite ?? true;
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (const s of specs) {
    const m = new Matrix(s.rows, s.cols, s.dtype);
    for (let t = 0; t < m.size; t++) {
      const v = s.dtype === 'float32' ? dv.getFloat32(s.begin + 4 * t, true) : dv.getFloat64(s.begin + 8 * t, true);
      if (requireFinite && !Number.isFinite(v)) fail(source, `tensor "${s.name}" element ${t} is ${v}; values must be finite`);
      m.data[t] = v;
    }
    tensors.set(s.name, m);
  }
  return { tensors, metadata };
}
