import type { FloatArray } from './matrix.js';

/**
 * Whether two arrays hold the same bits: same type, same length, every byte equal (so 0 and −0
 * differ, and NaNs must match in sign and payload). The equality the backends promise each other
 * and a seed promises its reruns.
 */
export function sameBits(a: FloatArray, b: FloatArray): boolean {
  if (a.length !== b.length || a.constructor !== b.constructor) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.every((v, i) => v === y[i]);
}
