/**
 * tanh(x) and e^x − 1, line-by-line ports of FreeBSD/Sun fdlibm `s_tanh.c` and `s_expm1.c`
 * (© 1993 Sun Microsystems, freely redistributable), the algorithms V8 uses for `Math.tanh` (a test
 * checks they agree bit for bit). Only IEEE-754 `+ - * /` and bit manipulation, so the WebAssembly
 * twins in assembly/kernels.ts (`tanh64`, `expm164`) give the same bits.
 */
const tiny = 1.0e-300;
const huge = 1.0e300;
const oThreshold = 7.09782712893383973096e2;
const ln2Hi = 6.93147180369123816490e-1;
const ln2Lo = 1.90821492927058770002e-10;
const invln2 = 1.44269504088896338700e0;
const Q1 = -3.33333333333331316428e-2;
const Q2 = 1.58730158725481460165e-3;
const Q3 = -7.93650757867487942473e-5;
const Q4 = 4.00821782732936239552e-6;
const Q5 = -2.01099218183624371326e-7;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Word order of a double inside the buffer (little- or big-endian host).
const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;

function highWord(x: number): number {
  f64[0] = x;
  return u32[HI]!;
}

/** The double whose high word is `hi` and low word 0. */
function fromHigh(hi: number): number {
  u32[HI] = hi >>> 0;
  u32[LO] = 0;
  return f64[0]!;
}

/** e^x − 1, accurate near 0; bit-identical on every platform. */
export function expm1(x: number): number {
  let hx = highWord(x);
  const xsb = hx >>> 31;
  hx &= 0x7fffffff;
  if (hx >= 0x4043687a) {
    // |x| ≥ 56·ln2
    if (hx >= 0x40862e42) {
      if (hx >= 0x7ff00000) {
        if (((hx & 0xfffff) | u32[LO]!) !== 0) return x + x;
        return xsb === 0 ? x : -1.0;
      }
      if (x > oThreshold) return huge * huge;
    }
    if (xsb !== 0 && x + tiny < 0.0) return tiny - 1;
  }
  let c = 0, k = 0;
  if (hx > 0x3fd62e42) {
    let hi: number, lo: number;
    if (hx < 0x3ff0a2b2) {
      if (xsb === 0) {
        hi = x - ln2Hi;
        lo = ln2Lo;
        k = 1;
      } else {
        hi = x + ln2Hi;
        lo = -ln2Lo;
        k = -1;
      }
    } else {
      k = (invln2 * x + (xsb === 0 ? 0.5 : -0.5)) | 0;
      hi = x - k * ln2Hi;
      lo = k * ln2Lo;
    }
    x = hi - lo;
    c = hi - x - lo;
  } else if (hx < 0x3c900000) {
    // |x| < 2⁻⁵⁴
    const t = huge + x;
    return x - (t - (huge + x));
  }
  const hfx = 0.5 * x;
  const hxs = x * hfx;
  const r1 = 1 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  let t = 3.0 - r1 * hfx;
  let e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k === 0) return x - (x * e - hxs);
  const twopk = fromHigh(0x3ff00000 + (k << 20));
  e = x * (e - c) - c;
  e -= hxs;
  if (k === -1) return 0.5 * (x - e) - 0.5;
  if (k === 1) {
    if (x < -0.25) return -2.0 * (e - (x + 0.5));
    return 1 + 2.0 * (x - e);
  }
  let y: number;
  if (k <= -2 || k > 56) {
    y = 1 - (e - x);
    if (k === 1024) y = y * 2.0 * fromHigh(0x7fe00000);
    else y = y * twopk;
    return y - 1;
  }
  if (k < 20) {
    t = fromHigh(0x3ff00000 - (0x200000 >> k));
    y = t - (e - x);
    y = y * twopk;
  } else {
    t = fromHigh((0x3ff - k) << 20);
    y = x - (e + t);
    y += 1;
    y = y * twopk;
  }
  return y;
}

/** tanh(x), bit-identical on every platform. */
export function tanh(x: number): number {
  const jx = highWord(x) | 0;
  const ix = jx & 0x7fffffff;
  if (ix >= 0x7ff00000) {
    // ±∞ or NaN
    if (jx >= 0) return 1 / x + 1;
    return 1 / x - 1;
  }
  let z: number;
  if (ix < 0x40360000) {
    // |x| < 22
    if (ix < 0x3e300000 && huge + x > 1) return x;
    if (ix >= 0x3ff00000) {
      const t = expm1(2 * Math.abs(x));
      z = 1 - 2 / (t + 2);
    } else {
      const t = expm1(-2 * Math.abs(x));
      z = -t / (t + 2);
    }
  } else {
    z = 1 - tiny;
  }
  return jx >= 0 ? z : -z;
}
