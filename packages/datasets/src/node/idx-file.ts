import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { FfnnError } from '@ffnn/tensor';
import { type IdxData, parseIdx as parseIdxCore } from '../idx.js';

// Far above any IDX file we read (MNIST training images are 47 MB), but it stops a gzip bomb.
const MAX_GUNZIP_BYTES = 1 << 30;

/** `node:zlib` gunzip with an output cap of 1 GiB. */
export function gunzip(bytes: Uint8Array): Uint8Array {
  return gunzipSync(bytes, { maxOutputLength: MAX_GUNZIP_BYTES });
}

/**
 * {@link parseIdxCore | parseIdx} of the main entry, plus gzip: bytes starting with `1f 8b` are
 * decompressed with `node:zlib` first. Errors are `DataFormatError`s naming `source`.
 */
export function parseIdx(bytes: Uint8Array, source = '<buffer>'): IdxData {
  return parseIdxCore(bytes, source, { gunzip });
}

/** Reads and parses an IDX file (plain or `.gz`); errors name the path. */
export function readIdx(path: string): IdxData {
  return parseIdx(readBytes(path), path);
}

/** Reads a whole file, turning a failure into an `E_IO` {@link FfnnError} that names the path. */
export function readBytes(path: string): Uint8Array {
  try {
    const buf = readFileSync(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw new FfnnError('E_IO', `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
