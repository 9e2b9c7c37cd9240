/**
 * e^x, a line-by-line port of FreeBSD/Sun fdlibm `e_exp.c` (© 1993 Sun Microsystems, freely
 * redistributable), the algorithm V8 uses for `Math.exp` (a test checks they agree bit for bit).
 * It uses only IEEE-754 `+ - * /` and bit manipulation, so its WebAssembly twin in
 * assembly/kernels.ts (`exp64`) gives the same bits: kernels built on it (the logistic sigmoid)
 * match the JavaScript backend exactly.
 */
const halF = [0.5, -0.5];
const huge = 1.0e300;
const oThreshold = 7.09782712893383973096e2;
const uThreshold = -7.45133219101941108420e2;
const ln2HI = [6.93147180369123816490e-1, -6.93147180369123816490e-1];
const ln2LO = [1.90821492927058770002e-10, -1.90821492927058770002e-10];
const invln2 = 1.44269504088896338700e0;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;
const twom1000 = 9.33263618503218878990e-302;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Word order of a double inside the buffer (little- or big-endian host).
const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;

/** 2^k for −1022 ≤ k ≤ 1023, exactly. */
function twoTo(k: number): number {
  u32[HI] = (0x3ff00000 + (k << 20)) >>> 0;
  u32[LO] = 0;
  return f64[0]!;
}

/** e^x, bit-identical on every platform. */
export function exp(x: number): number {
  f64[0] = x;
  let hx = u32[HI]!;
  const xsb = hx >>> 31;
  hx &= 0x7fffffff;
  if (hx >= 0x40862e42) {
    // |x| ≥ 709.78…: NaN, ±∞, overflow or underflow.
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | u32[LO]!) !== 0) return x + x;
      return xsb === 0 ? x : 0;
    }
    if (x > oThreshold) return huge * huge;
    if (x < uThreshold) return twom1000 * twom1000;
  }
  let hi = 0, lo = 0, k = 0;
  if (hx > 0x3fd62e42) {
    // Argument reduction: x = k·ln2 + r, |r| ≤ 0.5·ln2.
    if (hx < 0x3ff0a2b2) {
      // V8's one change to fdlibm: the algorithm gets the last bit of e^1 wrong.
      if (x === 1) return 2.718281828459045;
      hi = x - ln2HI[xsb]!;
      lo = ln2LO[xsb]!;
      k = 1 - xsb - xsb;
    } else {
      k = (invln2 * x + halF[xsb]!) | 0;
      hi = x - k * ln2HI[0]!;
      lo = k * ln2LO[0]!;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2⁻²⁸
    if (huge + x > 1) return 1 + x;
  }
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2.0) - x);
  const y = 1 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k === 1024) return y * 2.0 * twoTo(1023);
    return y * twoTo(k);
  }
  return y * twoTo(k + 1000) * twom1000;
}
