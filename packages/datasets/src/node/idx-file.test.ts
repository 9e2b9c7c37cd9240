import { gzipSync } from 'node:zlib';
import { DataFormatError } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { gunzip, parseIdx } from './idx-file.js';

describe('gunzip', () => {
  it('inflates gzip data, several members in a row included', () => {
    const bytes = Uint8Array.of(1, 2, 3, 250);
    const twice = new Uint8Array([...gzipSync(bytes), ...gzipSync(bytes)]);
    expect([...gunzip(twice)]).toEqual([1, 2, 3, 250, 1, 2, 3, 250]);
  });

  it('stops a gzip bomb: a well-formed IDX file that inflates past 1 GiB is refused, not read', () => {
    // An IDX1 header declaring 2^30 bytes, then 2^30 zero bytes: one byte-valid file of 2^30 + 8
    // bytes, sent as 1 + 64 gzip members (about 1 MB compressed).
    const header = gzipSync(Uint8Array.of(0, 0, 8, 1, 0x40, 0, 0, 0));
    const zeros = gzipSync(new Uint8Array(1 << 24), { level: 9 });
    const bomb = new Uint8Array(header.length + 64 * zeros.length);
    bomb.set(header);
    for (let i = 0; i < 64; i++) bomb.set(zeros, header.length + i * zeros.length);
    expect(bomb.length).toBeLessThan(4e6);
    let error: unknown;
    try {
      parseIdx(bomb, 'bomb.gz');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toMatch(/^bomb\.gz: invalid gzip data \(.+\)$/);
    // Refused for its size, not as malformed data.
    expect((error as Error).cause).toMatchObject({ code: 'ERR_BUFFER_TOO_LARGE' });
  });
});
