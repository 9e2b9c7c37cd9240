import { gzipSync } from 'node:zlib';
import { DataFormatError, FfnnError } from '@ffnn/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeIdx, isGzip, parseIdx } from './idx.js';
import { parseIdx as parseIdxNode } from './node/idx-file.js';

function sample(): { dims: number[]; data: Uint8Array; bytes: Uint8Array } {
  const dims = [3, 2, 4];
  const data = Uint8Array.from({ length: 24 }, (_, i) => (i * 37) % 256);
  return { dims, data, bytes: encodeIdx(dims, data) };
}

describe('parseIdx', () => {
  it('round-trips a synthetic IDX file byte for byte', () => {
    const { dims, data, bytes } = sample();
    expect(Array.from(bytes.subarray(0, 16))).toEqual([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 4]);
    const parsed = parseIdx(bytes);
    expect(parsed.dims).toEqual(dims);
    expect(parsed.data).toEqual(data);
    expect(parsed.data.buffer).toBe(bytes.buffer); // a view, not a copy
  });

  it('reads a 1-D label file and big-endian dimensions above 255', () => {
    const data = new Uint8Array(300).map((_, i) => i % 10);
    const parsed = parseIdx(encodeIdx([300], data));
    expect(parsed.dims).toEqual([300]);
    expect(parsed.data).toEqual(data);
  });

  it('works on a view with a byte offset into a larger buffer', () => {
    const { bytes, data } = sample();
    const big = new Uint8Array(bytes.length + 7);
    big.set(bytes, 5);
    expect(parseIdx(big.subarray(5, 5 + bytes.length)).data).toEqual(data);
  });

  it('accepts gzip through the node entry, and explains itself in the browser entry', () => {
    const { dims, data, bytes } = sample();
    const gz = new Uint8Array(gzipSync(bytes));
    expect(isGzip(gz)).toBe(true);
    const parsed = parseIdxNode(gz, 'x.gz');
    expect(parsed.dims).toEqual(dims);
    expect(parsed.data).toEqual(data);
    expect(() => parseIdx(gz, 'x.gz')).toThrow(/x\.gz: gzip-compressed IDX data; decompress it first/);
  });

  it('rejects corrupt gzip with a DataFormatError', () => {
    const gz = new Uint8Array(gzipSync(sample().bytes));
    const broken = gz.subarray(0, gz.length - 10);
    expect(() => parseIdxNode(broken, 'bad.gz')).toThrow(DataFormatError);
    expect(() => parseIdxNode(broken, 'bad.gz')).toThrow(/bad\.gz: invalid gzip data/);
  });

  it('rejects truncated files, naming the source and the sizes', () => {
    const { bytes } = sample();
    expect(() => parseIdx(bytes.subarray(0, 3), 'f.idx')).toThrow(/f\.idx: truncated IDX file: 3 bytes/);
    expect(() => parseIdx(bytes.subarray(0, 10), 'f.idx')).toThrow(
      /f\.idx: truncated IDX header: 3 dimensions need 16 header bytes, file has 10/,
    );
    expect(() => parseIdx(bytes.subarray(0, bytes.length - 1), 'f.idx')).toThrow(
      /f\.idx: truncated IDX file: dimensions 3×2×4 need 24 data bytes, found 23/,
    );
  });

  it('rejects trailing bytes (length mismatch)', () => {
    const { bytes } = sample();
    const longer = new Uint8Array(bytes.length + 2);
    longer.set(bytes);
    expect(() => parseIdx(longer, 'g')).toThrow(/g: trailing bytes in IDX file: dimensions 3×2×4 need 24 data bytes, found 26/);
  });

  it('rejects a wrong magic and a wrong dtype byte', () => {
    const { bytes } = sample();
    const badMagic = bytes.slice();
    badMagic[1] = 0x01;
    expect(() => parseIdx(badMagic, 'm')).toThrow(/m: not an IDX file: magic starts with 0x00 0x01, expected 0x00 0x00/);
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]);
    expect(() => parseIdx(png, 'p')).toThrow(/not an IDX file: magic starts with 0x89 0x50/);
    const float = bytes.slice();
    float[2] = 0x0d;
    expect(() => parseIdx(float, 'd')).toThrow(/d: unsupported IDX data type 0x0d; only unsigned byte \(0x08\)/);
    const zeroDims = Uint8Array.from([0, 0, 8, 0]);
    expect(() => parseIdx(zeroDims, 'z')).toThrow(/z: IDX header declares 0 dimensions/);
    for (const b of [badMagic, float, zeroDims]) expect(() => parseIdx(b)).toThrow(DataFormatError);
  });

  it('rejects a header whose dimension product is absurd', () => {
    const bytes = encodeIdx([1], new Uint8Array(1));
    const huge = new Uint8Array(12 + 1);
    huge.set([0, 0, 8, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(() => parseIdx(huge, 'h')).toThrow(/h: truncated IDX file: dimensions 4294967295×4294967295/);
    expect(parseIdx(bytes).dims).toEqual([1]);
  });

  it('encodeIdx validates its input', () => {
    expect(() => encodeIdx([2, 2], new Uint8Array(3))).toThrow(DataFormatError);
    expect(() => encodeIdx([], new Uint8Array(0))).toThrow(DataFormatError);
    expect(() => encodeIdx([-1], new Uint8Array(0))).toThrow(DataFormatError);
  });

  it('fuzz: random bytes, mutations and truncations only ever throw FfnnError subclasses', () => {
    const { bytes } = sample();
    const gz = new Uint8Array(gzipSync(bytes));
    const onlyTyped = (input: Uint8Array): void => {
      for (const parse of [(b: Uint8Array) => parseIdx(b), (b: Uint8Array) => parseIdxNode(b)]) {
        try {
          const r = parse(input);
          // Whatever parses must be self-consistent.
          expect(r.data.length).toBe(r.dims.reduce((a, b) => a * b, 1));
        } catch (e) {
          if (!(e instanceof FfnnError)) throw e;
          expect(e).toBeInstanceOf(DataFormatError);
        }
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => onlyTyped(b)),
      { numRuns: 4000 },
    );
    // Random bytes behind a plausible header, so the dimension and gzip paths are reached too.
    fc.assert(
      fc.property(
        fc.constantFrom(Uint8Array.of(0, 0, 8), Uint8Array.of(0x1f, 0x8b), Uint8Array.of(0, 0)),
        fc.uint8Array({ maxLength: 64 }),
        (prefix, rest) => {
          const b = new Uint8Array(prefix.length + rest.length);
          b.set(prefix);
          b.set(rest, prefix.length);
          onlyTyped(b);
        },
      ),
      { numRuns: 4000 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(bytes, gz),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        (source, cut, pos, value) => {
          const truncated = source.subarray(0, cut % (source.length + 1));
          onlyTyped(truncated);
          const mutated = source.slice();
          mutated[pos % mutated.length] = value;
          onlyTyped(mutated);
        },
      ),
      { numRuns: 4000 },
    );
  });
});

describe('IDX: edges found by mutation testing', () => {
  it('gzip needs both magic bytes', () => {
    expect(isGzip(Uint8Array.from([0x1f, 0x8b]))).toBe(true);
    expect(isGzip(Uint8Array.from([0x1f, 0x00]))).toBe(false);
    expect(isGzip(Uint8Array.from([0x00, 0x8b]))).toBe(false);
  });

  it('names the buffer by default, and keeps the gunzip error as the cause', () => {
    expect(() => parseIdx(Uint8Array.from([1, 0, 8, 1]))).toThrow('<buffer>: not an IDX file: magic starts with 0x01 0x00, expected 0x00 0x00');
    expect(() => parseIdx(Uint8Array.from([0, 1, 8, 1]))).toThrow('<buffer>: not an IDX file: magic starts with 0x00 0x01, expected 0x00 0x00');
    const boom = new Error('boom');
    try {
      parseIdx(Uint8Array.from([0x1f, 0x8b, 0, 0]), 'f.gz', { gunzip: () => { throw boom; } });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe('f.gz: invalid gzip data (boom)');
      expect((e as Error).cause).toBe(boom);
    }
  });

  it('a header of exactly its length parses (dimension 0: no data)', () => {
    expect(parseIdx(Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 0])).dims).toEqual([0]);
  });

  it('encodeIdx names what is wrong', () => {
    expect(() => encodeIdx([], new Uint8Array(0))).toThrow('encodeIdx: need 1 to 255 dimensions, got 0');
    expect(() => encodeIdx(new Array<number>(256).fill(1), new Uint8Array(1))).toThrow('encodeIdx: need 1 to 255 dimensions, got 256');
    for (const d of [-1, 1.5, 2 ** 32]) {
      expect(() => encodeIdx([d], new Uint8Array(0))).toThrow(`encodeIdx: dimension ${d} is not an unsigned 32-bit integer`);
    }
    expect(() => encodeIdx([2, 3], new Uint8Array(5))).toThrow('encodeIdx: dimensions 2×3 need 6 bytes, data has 5');
    // The ends of the uint32 range are dimensions (0xffffffff then fails on the data length only).
    expect(Array.from(parseIdx(encodeIdx([0], new Uint8Array(0))).dims)).toEqual([0]);
    expect(() => encodeIdx([0xffffffff], new Uint8Array(0))).toThrow('encodeIdx: dimensions 4294967295 need 4294967295 bytes, data has 0');
    expect(encodeIdx([255].concat(new Array<number>(254).fill(1)), new Uint8Array(255)).length).toBe(4 + 4 * 255 + 255);
  });
});
