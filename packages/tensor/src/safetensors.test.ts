import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FfnnError } from './errors.js';
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
