/**
 * Natural logarithm, a line-by-line port of FreeBSD/Sun fdlibm `e_log.c` (© 1993 Sun Microsystems,
 * freely redistributable). It uses only IEEE-754 `+ - * /` and bit manipulation, so it gives the same
 * bits on every JavaScript engine; `Math.log` is allowed to differ between engines, and the seeded
 * normal draws of {@link Rng} must not.
 */
const ln2Hi = 6.93147180369123816490e-1;
const ln2Lo = 1.90821492927058770002e-10;
const two54 = 1.8014398509481984e16;
const Lg1 = 6.666666666666735130e-1;
const Lg2 = 3.999999999940941908e-1;
const Lg3 = 2.857142874366239149e-1;
const Lg4 = 2.222219843214978396e-1;
const Lg5 = 1.818357216161805012e-1;
const Lg6 = 1.531383769920937332e-1;
const Lg7 = 1.479819860511658591e-1;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Word order of a double inside the buffer (little- or big-endian host).
const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;

/** ln(x), bit-identical on every platform. */
export function log(x: number): number {
  f64[0] = x;
  let hx = u32[HI]! | 0;
  const lx = u32[LO]!;
  let k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= two54;
    f64[0] = x;
    hx = u32[HI]! | 0;
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i0 = (hx + 0x95f64) & 0x100000;
  f64[0] = x;
  u32[HI] = hx | (i0 ^ 0x3ff00000);
  x = f64[0];
  k += i0 >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f === 0) {
      if (k === 0) return 0;
      return k * ln2Hi + k * ln2Lo;
    }
    const R = f * f * (0.5 - 0.3333333333333333 * f);
    if (k === 0) return f - R;
    return k * ln2Hi - (R - k * ln2Lo - f);
  }
  const s = f / (2.0 + f);
  const dk = k;
  const z = s * s;
  let i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  const t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k === 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2Hi - (hfsq - (s * (hfsq + R) + dk * ln2Lo) - f);
  }
  if (k === 0) return f - s * (f - R);
  return dk * ln2Hi - (s * (f - R) - dk * ln2Lo - f);
}
