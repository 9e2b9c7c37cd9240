import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { DataFormatError, FfnnError, InvalidOptionError } from './errors.js';
import { Matrix } from './matrix.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

const sample = () =>
  encodeSafetensors(
    [
      ['W1', Matrix.from([[1, 2.5], [-3, 4e-300]])],
      ['b1', Matrix.from([[0.1, 0.2]], 'float32')],
    ],
    { format: 'test', note: 'hello' },
  );

describe('safetensors', () => {
  it('round-trips matrices bit for bit, float64 and float32, with metadata', () => {
    const { tensors, metadata } = decodeSafetensors(sample());
    expect(tensors.get('W1')!.data).toEqual(new Float64Array([1, 2.5, -3, 4e-300]));
    expect(tensors.get('b1')!.data).toEqual(new Float32Array([0.1, 0.2]));
    expect(tensors.get('b1')!.dtype).toBe('float32');
    expect(Object.fromEntries(metadata)).toEqual({ format: 'test', note: 'hello' });
  });

  it('writes the documented layout: u64 LE header size, JSON header padded to 8 bytes, LE data', () => {
    const bytes = sample();
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: string; shape: number[]; data_offsets: number[] }>;
    expect(header.W1).toEqual({ dtype: 'F64', shape: [2, 2], data_offsets: [0, 32] });
    expect(header.b1).toEqual({ dtype: 'F32', shape: [1, 2], data_offsets: [32, 40] });
    expect(new DataView(bytes.buffer).getFloat64(8 + n + 8, true)).toBe(2.5);
  });

  it('rejects truncated, hostile and inconsistent files with messages that say what is wrong', () => {
    const good = sample();
    expect(() => decodeSafetensors(good.subarray(0, 5), 'm.bin')).toThrow(/m\.bin: too short/);
    expect(() => decodeSafetensors(good.subarray(0, good.length - 3), 'm.bin')).toThrow(/outside the .*data section: truncated\?|trailing bytes|truncated/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 1n << 40n, true);
    expect(() => decodeSafetensors(huge, 'x')).toThrow(/exceeds the 16777216-byte limit/);
    const make = (header: string, data = new Uint8Array(0)) => {
      const h = new TextEncoder().encode(header);
      const b = new Uint8Array(8 + h.length + data.length);
      new DataView(b.buffer).setBigUint64(0, BigInt(h.length), true);
      b.set(h, 8);
      b.set(data, 8 + h.length);
      return b;
    };
    expect(() => decodeSafetensors(make('{"__proto__":{"polluted":1}}'))).toThrow(/forbidden key "__proto__"/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => decodeSafetensors(make('{"a":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}}', new Uint8Array(1)))).toThrow(/dtype "I8"; supported: F64, F32/);
    expect(() => decodeSafetensors(make('{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}', new Uint8Array(8)))).toThrow(/needs 16 bytes/);
    expect(() => decodeSafetensors(make('{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8],"evil":1}}', new Uint8Array(8)))).toThrow(/unknown field/);
    expect(() => decodeSafetensors(make('[1,2]'))).toThrow(/header must be a JSON object/);
    const nan = new Uint8Array(8);
    new DataView(nan.buffer).setFloat64(0, NaN, true);
    expect(() => decodeSafetensors(make('{"a":{"dtype":"F64","shape":[1,1],"data_offsets":[0,8]}}', nan))).toThrow(/is NaN; values must be finite/);
  });

  it('only ever throws typed errors on random bytes and truncations (10,000 cases)', () => {
    const good = sample();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.integer({ min: 0, max: good.length }).map((k) => good.slice(0, k)),
          fc.tuple(fc.integer({ min: 0, max: good.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([i, v]) => {
            const b = good.slice();
            b[i] = v;
            return b;
          }),
        ),
        (bytes) => {
          try {
            decodeSafetensors(bytes, 'fuzz');
          } catch (error) {
            expect(error).toBeInstanceOf(FfnnError);
          }
        },
      ),
      { numRuns: 10_000 },
    );
  });
});

/** A file from a literal header text and data bytes, built by hand (not by the encoder). */
const file = (header: string, data: Uint8Array | number = 0): Uint8Array => {
  const d = typeof data === 'number' ? new Uint8Array(data) : data;
  const h = new TextEncoder().encode(header);
  const b = new Uint8Array(8 + h.length + d.length);
  new DataView(b.buffer).setBigUint64(0, BigInt(h.length), true);
  b.set(h, 8);
  b.set(d, 8 + h.length);
  return b;
};

/** Runs `f` and returns what it threw, failing if it returned. */
const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

/** Asserts that decoding `bytes` throws a DataFormatError with exactly `message`. */
const rejects = (bytes: Uint8Array, message: string, limits = {}): void => {
  const error = thrown(() => decodeSafetensors(bytes, 'f.st', limits));
  expect(error).toBeInstanceOf(DataFormatError);
  expect((error as Error).message).toBe(`f.st: ${message}`);
};

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const f64 = (...vs: number[]): Uint8Array => {
  const b = new Uint8Array(8 * vs.length);
  vs.forEach((v, i) => new DataView(b.buffer).setFloat64(8 * i, v, true));
  return b;
};
const tensor = (name: string, shape: unknown, offsets: unknown, dtype: unknown = 'F64'): string =>
  `${JSON.stringify(name)}:${JSON.stringify({ dtype, shape, data_offsets: offsets })}`;

describe('safetensors encoder', () => {
  it('writes exactly: u64 LE length, JSON padded with spaces to 8 bytes, no __metadata__ when there is none, LE data', () => {
    const bytes = encodeSafetensors([['w', Matrix.from([[1.5, -2]])]]);
    // {"w":{"dtype":"F64","shape":[1,2],"data_offsets":[0,16]}} is 57 bytes: 7 spaces pad it to 64.
    const header = '{"w":{"dtype":"F64","shape":[1,2],"data_offsets":[0,16]}}' + ' '.repeat(7);
    expect(hex(bytes)).toBe(
      '4000000000000000' + hex(new TextEncoder().encode(header)) + '000000000000f83f' + '00000000000000c0',
    );
  });

  it('writes metadata first and float32 tensors as 4-byte LE values after float64 ones', () => {
    const bytes = encodeSafetensors(
      [
        ['a', Matrix.from([[1]])],
        ['b', Matrix.from([[0.5], [-1]], 'float32')],
      ],
      { k: 'v' },
    );
    // 26 + 55 + 56 = 137 bytes of JSON, padded with 7 spaces to 144 = 0x90.
    const header =
      '{"__metadata__":{"k":"v"},"a":{"dtype":"F64","shape":[1,1],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2,1],"data_offsets":[8,16]}}' +
      ' '.repeat(7);
    expect(header.length).toBe(0x90);
    expect(hex(bytes)).toBe('9000000000000000' + hex(new TextEncoder().encode(header)) + '000000000000f03f' + '0000003f' + '000080bf');
  });

  it('pads every header to a multiple of 8 with fewer than 8 spaces (any names, any metadata)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
        (rawNames, metadata) => {
          const names = [...new Set(rawNames)].filter((n) => !['__metadata__', '__proto__', 'constructor', 'prototype'].includes(n));
          const bytes = encodeSafetensors(names.map((n) => [n, Matrix.from([[1]])] as [string, Matrix]), metadata);
          const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
          const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
          const json = text.trimEnd();
          const expected: Record<string, unknown> = {};
          if (Object.keys(metadata).length > 0) expected.__metadata__ = { ...metadata };
          names.forEach((name, i) => (expected[name] = { dtype: 'F64', shape: [1, 1], data_offsets: [8 * i, 8 * i + 8] }));
          expect(json).toBe(JSON.stringify(expected));
          expect(n % 8).toBe(0);
          expect(n - new TextEncoder().encode(json).length).toBeLessThan(8);
          expect(bytes.length).toBe(8 + n + 8 * names.length);
        },
      ),
    );
  });

  it.runIf(new Uint8Array(new Uint16Array([1]).buffer)[0] === 1)(
    'on a little-endian host copies float32 storage byte for byte (a signalling NaN keeps its payload)',
    () => {
      const m = new Matrix(1, 2, 'float32');
      new Uint32Array(m.data.buffer).set([0x7f800001, 0x3f800000]);
      const bytes = encodeSafetensors([['s', m]]);
      expect(hex(bytes.subarray(bytes.length - 8))).toBe('0100807f' + '0000803f');
    },
  );

  it('writes the same little-endian bytes when the host looks big-endian (byte-order probe simulated)', async () => {
    const Real = Uint16Array;
    // Only the module's probe `new Uint16Array([1])` sees big-endian bytes [0, 1]; every other use is real.
    const probe = new Proxy(Real, {
      construct(target, args: unknown[], newTarget) {
        const a = args[0];
        if (Array.isArray(a) && a.length === 1 && a[0] === 1) return { buffer: new Uint8Array([0, 1]).buffer };
        return Reflect.construct(target, args, newTarget) as object;
      },
    });
    vi.resetModules();
    vi.stubGlobal('Uint16Array', probe);
    let bigEndian: { encodeSafetensors: typeof encodeSafetensors };
    try {
      bigEndian = await import('./safetensors.js');
    } finally {
      vi.unstubAllGlobals();
    }
    const tensors: [string, Matrix][] = [
      ['a', Matrix.from([[1.5, -2], [3, 1e-310]])],
      ['b', Matrix.from([[0.5, -1, 3.25]], 'float32')],
      ['c', Matrix.from([[-0.125]])],
    ];
    const bytes = bigEndian.encodeSafetensors(tensors);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const data = new DataView(bytes.buffer, 8 + n);
    expect(bytes.length).toBe(8 + n + 32 + 12 + 8);
    expect([0, 8, 16, 24].map((o) => data.getFloat64(o, true))).toEqual([1.5, -2, 3, 1e-310]);
    expect([32, 36, 40].map((o) => data.getFloat32(o, true))).toEqual([0.5, -1, 3.25]);
    expect(data.getFloat64(44, true)).toBe(-0.125);
    expect(bytes).toEqual(encodeSafetensors(tensors));
  });

  it('rejects non-string metadata, reserved or empty tensor names and duplicates with InvalidOptionError', () => {
    const m = Matrix.from([[1]]);
    const cases: [() => unknown, string][] = [
      [() => encodeSafetensors([], { a: 1 as unknown as string }), 'safetensors metadata "a" must be a string'],
      [() => encodeSafetensors([['__metadata__', m]]), 'safetensors: invalid tensor name "__metadata__"'],
      [() => encodeSafetensors([['__proto__', m]]), 'safetensors: invalid tensor name "__proto__"'],
      [() => encodeSafetensors([['constructor', m]]), 'safetensors: invalid tensor name "constructor"'],
      [() => encodeSafetensors([['prototype', m]]), 'safetensors: invalid tensor name "prototype"'],
      [() => encodeSafetensors([['', m]]), 'safetensors: invalid tensor name ""'],
      [() => encodeSafetensors([['w', m], ['w', m]]), 'safetensors: duplicate tensor name "w"'],
    ];
    for (const [f, message] of cases) {
      const error = thrown(f);
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect((error as Error).message).toBe(message);
    }
  });

  it('accepts tensor names that are Object.prototype members, such as toString and valueOf', () => {
    const bytes = encodeSafetensors([
      ['toString', Matrix.from([[1]])],
      ['valueOf', Matrix.from([[2]])],
    ]);
    const { tensors } = decodeSafetensors(bytes);
    expect([...tensors].map(([n, m]) => [n, ...m.data])).toEqual([['toString', 1], ['valueOf', 2]]);
  });

  it('round-trips any float64/float32 matrices, including empty ones, with names and metadata (property)', () => {
    const matrix = fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom('float64' as const, 'float32' as const))
      .chain(([r, c, dtype]) =>
        fc
          .array(dtype === 'float32' ? fc.float({ noNaN: true, noDefaultInfinity: true }) : fc.double({ noNaN: true, noDefaultInfinity: true }), {
            minLength: r * c,
            maxLength: r * c,
          })
          .map((values) => Matrix.fromArray(r, c, values, dtype)),
      );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), matrix), { selector: ([n]) => n, maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
        (raw, metadata) => {
          const tensors = raw.filter(([n]) => !['__metadata__', '__proto__', 'constructor', 'prototype'].includes(n));
          const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata));
          // (Order is compared as a set: a JS object lists integer-like names such as "0" first.)
          expect(new Set(decoded.tensors.keys())).toEqual(new Set(tensors.map(([n]) => n)));
          for (const [name, m] of tensors) {
            const d = decoded.tensors.get(name)!;
            expect([d.rows, d.cols, d.dtype]).toEqual([m.rows, m.cols, m.dtype]);
            expect(new Uint8Array(d.data.buffer, d.data.byteOffset, d.data.byteLength)).toEqual(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength));
          }
          expect(Object.fromEntries(decoded.metadata)).toEqual(metadata);
        },
      ),
    );
  });
});

describe('safetensors decoder', () => {
  const one = f64(7);

  it('accepts 1-d and 0-d shapes as a row and a 1×1 matrix, and zero-size tensors', () => {
    const { tensors } = decodeSafetensors(
      file(`{${tensor('row', [2], [0, 16])},${tensor('scalar', [], [16, 24])},${tensor('empty', [0, 3], [24, 24])}}`, f64(1, 2, 3)),
    );
    expect([...tensors.get('row')!.shape, ...tensors.get('row')!.data]).toEqual([1, 2, 1, 2]);
    expect([...tensors.get('scalar')!.shape, ...tensors.get('scalar')!.data]).toEqual([1, 1, 3]);
    expect(tensors.get('empty')!.shape).toEqual([0, 3]);
  });

  it('accepts tensors listed out of byte order, keeping header order, even with a zero-size tensor sharing a start', () => {
    const { tensors } = decodeSafetensors(
      file(`{${tensor('c', [1], [16, 24])},${tensor('b', [1], [8, 16])},${tensor('z', [0], [8, 8])},${tensor('a', [1], [0, 8])}}`, f64(1, 2, 3)),
    );
    expect([...tensors].map(([n, m]) => [n, ...m.data])).toEqual([['c', 3], ['b', 2], ['z'], ['a', 1]]);
    const zeroFirst = decodeSafetensors(file(`{${tensor('b', [1], [0, 8])},${tensor('z', [0], [0, 0])}}`, one));
    expect([...zeroFirst.tensors.keys()]).toEqual(['b', 'z']);
  });

  it('names the default source <buffer> and rejects files shorter than 8 bytes', () => {
    const error = thrown(() => decodeSafetensors(new Uint8Array(7)));
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toBe('<buffer>: too short for a safetensors file (7 bytes, need at least 8)');
  });

  it('treats an 8-byte file as a header of length 0, which is not JSON', () => {
    const error = thrown(() => decodeSafetensors(new Uint8Array(8), 'f.st'));
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toMatch(/^f\.st: header is not valid JSON \(/);
  });

  it('enforces maxHeaderBytes inclusively and reports a header running past the end', () => {
    const bytes = file(`{${tensor('a', [1], [0, 8])}}`, one);
    const n = bytes.length - 16;
    expect(decodeSafetensors(bytes, 'f.st', { maxHeaderBytes: n }).tensors.get('a')!.data[0]).toBe(7);
    rejects(bytes, `header of ${n} bytes exceeds the ${n - 1}-byte limit`, { maxHeaderBytes: n - 1 });
    const long = new Uint8Array(16);
    new DataView(long.buffer).setBigUint64(0, 9n, true);
    rejects(long, 'header of 9 bytes runs past the end of the file (16 bytes): truncated?');
  });

  it('rejects a header that is not UTF-8', () => {
    const bytes = file(`{${tensor('a', [1], [0, 8])}}`, one);
    bytes[10] = 0xff; // inside the tensor name
    rejects(bytes, 'header is not valid UTF-8');
  });

  it('rejects headers that are not JSON objects', () => {
    for (const header of ['1', 'null', '"x"', 'true', '[]']) rejects(file(header), 'header must be a JSON object');
  });

  it('enforces maxTensors, not counting __metadata__', () => {
    const meta = '"__metadata__":{"k":"v"}';
    const two = `${tensor('a', [1], [0, 8])},${tensor('b', [1], [8, 16])}`;
    expect(decodeSafetensors(file(`{${two}}`, f64(1, 2)), 'f.st', { maxTensors: 2 }).tensors.size).toBe(2);
    expect(decodeSafetensors(file(`{${meta},${two}}`, f64(1, 2)), 'f.st', { maxTensors: 2 }).tensors.size).toBe(2);
    rejects(file(`{${two}}`, f64(1, 2)), 'more than 1 tensors', { maxTensors: 1 });
    rejects(file(`{${meta},${two}}`, f64(1, 2)), 'more than 1 tensors', { maxTensors: 1 });
    rejects(file(`{${meta},${two}}`, f64(1, 2)), 'more than 0 tensors', { maxTensors: 0 });
  });

  it('rejects __metadata__ that is not an object of strings', () => {
    for (const value of ['1', 'null', '"x"', '["a"]']) {
      rejects(file(`{"__metadata__":${value}}`), '__metadata__ must be an object of strings');
    }
    rejects(file('{"__metadata__":{"k":1}}'), '__metadata__.k must be a string');
  });

  it('rejects tensor entries that are not objects or have unknown fields', () => {
    for (const value of ['1', 'null', '"s"', 'true']) rejects(file(`{"a":${value}}`), 'tensor "a" must be an object');
    rejects(
      file('{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8],"evil":1,"x":2}}', one),
      'tensor "a" has unknown field(s) evil, x',
    );
  });

  it('accepts only the dtype strings F64 and F32, not other types or inherited keys', () => {
    for (const dtype of [['F64'], 'toString', 'constructor', '__proto__', 'F16', null]) {
      rejects(file(`{${tensor('a', [1], [0, 8], dtype)}}`, one), `tensor "a" has dtype ${JSON.stringify(dtype)}; supported: F64, F32`);
    }
  });

  it('rejects shapes that are not at most two non-negative safe integers', () => {
    for (const shape of ['ab', [1, 1, 1], [1.5], ['1'], [-1], [1, -1], [2 ** 53]]) {
      rejects(
        file(`{${tensor('a', shape, [0, 8])}}`, one),
        `tensor "a" has shape ${JSON.stringify(shape)}; expected [rows, cols] of non-negative integers`,
      );
    }
  });

  it('rejects data_offsets that are not two non-negative safe integers', () => {
    for (const offsets of ['ab', [0], [0, 8, 16], ['0', 8], [0.5, 8], [-8, 0], [0, -1], null]) {
      rejects(file(`{${tensor('a', [1], offsets)}}`, one), `tensor "a" has data_offsets ${JSON.stringify(offsets)}; expected [begin, end]`);
    }
  });

  it('rejects offsets outside the data section or not matching the shape', () => {
    rejects(file(`{${tensor('a', [1], [8, 0])}}`, one), 'tensor "a" bytes 8..0 lie outside the 8-byte data section: truncated?');
    rejects(file(`{${tensor('a', [2], [0, 16])}}`, one), 'tensor "a" bytes 0..16 lie outside the 8-byte data section: truncated?');
    rejects(file(`{${tensor('a', [1], [0, 8])},${tensor('b', [2], [8, 16])}}`, f64(1, 2)), 'tensor "b" of shape [2] needs 16 bytes, its offsets span 8');
  });

  it('rejects gaps, overlaps and trailing bytes', () => {
    rejects(file(`{${tensor('a', [1], [8, 16])}}`, f64(1, 2)), 'tensor "a" starts at byte 8, expected 0: tensors must be contiguous and not overlap');
    rejects(
      file(`{${tensor('a', [2], [0, 16])},${tensor('b', [1], [8, 16])}}`, f64(1, 2)),
      'tensor "b" starts at byte 8, expected 16: tensors must be contiguous and not overlap',
    );
    rejects(file(`{${tensor('a', [1], [0, 8])}}`, f64(1, 2)), '8 trailing bytes after the last tensor');
  });
});
