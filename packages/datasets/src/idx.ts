import { DataFormatError } from '@ffnn/tensor';

/** A parsed IDX file: its dimensions and its unsigned-byte payload. */
export interface IdxData {
  /** Dimensions, outermost first (e.g. `[60000, 28, 28]` for MNIST training images). */
  dims: number[];
  /** The payload, row-major, `dims` multiplied together bytes long. */
  data: Uint8Array;
}

/** Options of {@link parseIdx}. */
export interface ParseIdxOptions {
  /**
   * Decompressor used when the bytes start with the gzip magic `1f 8b`. The main entry stays
   * browser-safe and has none; `parseIdx` from `@ffnn/datasets/node` passes `node:zlib`'s.
   */
  gunzip?: (bytes: Uint8Array) => Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

/** Whether `bytes` start with the gzip magic number `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses an IDX file (the format of the MNIST files, http://yann.lecun.com/exdb/mnist/):
 * a 4-byte magic `00 00 08 ndims`, then `ndims` big-endian uint32 dimensions, then exactly
 * `∏ dims` unsigned bytes. Only the unsigned-byte type (0x08) is supported, as MNIST uses.
 *
 * The returned `data` is a view into `bytes` (or into the decompressed buffer), not a copy.
 * Every malformed input gives a {@link DataFormatError} naming `source`.
 *
 * @param bytes - the file's content
 * @param source - a name for messages, e.g. the file path
 */
export function parseIdx(bytes: Uint8Array, source = '<buffer>', options: ParseIdxOptions = {}): IdxData {
  if (isGzip(bytes)) {
    if (options.gunzip === undefined) {
      throw new DataFormatError(
        `${source}: gzip-compressed IDX data; decompress it first or use parseIdx from @ffnn/datasets/node`,
      );
    }
    let raw: Uint8Array;
    try {
      raw = options.gunzip(bytes);
    } catch (e) {
      throw new DataFormatError(`${source}: invalid gzip data (${e instanceof Error ? e.message : String(e)})`, {
        cause: e,
      });
    }
    return parseIdx(raw, source, {});
  }
  if (bytes.length < 4) {
    throw new DataFormatError(`${source}: truncated IDX file: ${bytes.length} bytes, the header alone needs at least 4`);
  }
  const [b0, b1, type, ndims] = [bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!];
  if (b0 !== 0 || b1 !== 0) {
    throw new DataFormatError(
      `${source}: not an IDX file: magic starts with ${hex(b0)} ${hex(b1)}, expected 0x00 0x00`,
    );
  }
  if (type !== UNSIGNED_BYTE) {
    throw new DataFormatError(
      `${source}: unsupported IDX data type ${hex(type)}; only unsigned byte (0x08) is supported`,
    );
  }
  if (ndims === 0) throw new DataFormatError(`${source}: IDX header declares 0 dimensions`);
  const headerLength = 4 + 4 * ndims;
  if (bytes.length < headerLength) {
    throw new DataFormatError(
      `${source}: truncated IDX header: ${ndims} dimensions need ${headerLength} header bytes, file has ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerLength);
  const dims: number[] = [];
  let size = 1;
  for (let d = 0; d < ndims; d++) {
    const dim = view.getUint32(4 + 4 * d, false);
    dims.push(dim);
    size *= dim; // exact: the product is compared below, and any product > 2^53 exceeds every buffer
  }
  const payload = bytes.length - headerLength;
  if (size !== payload) {
    const what = size > payload ? 'truncated' : 'trailing bytes in';
    throw new DataFormatError(
      `${source}: ${what} IDX file: dimensions ${dims.join('×')} need ${size} data bytes, found ${payload}`,
    );
  }
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerLength, payload) };
}

/** Builds IDX bytes (unsigned-byte type) from dimensions and data; the inverse of {@link parseIdx}. */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  if (dims.length < 1 || dims.length > 255) {
    throw new DataFormatError(`encodeIdx: need 1 to 255 dimensions, got ${dims.length}`);
  }
  let size = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0 || d > 0xffffffff) {
      throw new DataFormatError(`encodeIdx: dimension ${d} is not an unsigned 32-bit integer`);
    }
    size *= d;
  }
  if (size !== data.length) {
    throw new DataFormatError(`encodeIdx: dimensions ${dims.join('×')} need ${size} bytes, data has ${data.length}`);
  }
  const headerLength = 4 + 4 * dims.length;
  const out = new Uint8Array(headerLength + data.length);
  out[2] = UNSIGNED_BYTE;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, headerLength);
  return out;
}

function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}
