/**
 * Turns a drawing into an MNIST-like 28×28 input, the way the MNIST images were made: the digit's
 * bounding box is scaled (keeping its aspect ratio) to fit a 20×20 box, anti-aliased by area
 * averaging, then placed in a 28×28 field so that its centre of mass is at the centre.
 */

/** A grayscale image: `width × height` ink values in [0, 1], row-major (1 = full ink). */
export interface Gray {
  width: number;
  height: number;
  data: Float64Array;
}

/** Ink of an RGBA canvas drawn with dark strokes on a light background (or the reverse with `inkIsLight`). */
export function inkFromRgba(rgba: ArrayLike<number>, width: number, height: number, inkIsLight = false): Gray {
  const data = new Float64Array(width * height);
  for (let p = 0; p < width * height; p++) {
    const alpha = rgba[4 * p + 3]! / 255;
    const lum = (0.299 * rgba[4 * p]! + 0.587 * rgba[4 * p + 1]! + 0.114 * rgba[4 * p + 2]!) / 255;
    // Transparent pixels are background; opaque ones carry ink by their luminance.
    data[p] = alpha * (inkIsLight ? lum : 1 - lum);
  }
  return { width, height, data };
}

/** Bounding box of pixels with ink > `threshold`, or null for an empty image. */
export function boundingBox(img: Gray, threshold = 0.05): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.data[y * img.width + x]! > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/** Area-average resampling of the region [sx0, sx0+sw) × [sy0, sy0+sh) of `img` to `w × h` pixels. */
export function resample(img: Gray, sx0: number, sy0: number, sw: number, sh: number, w: number, h: number): Gray {
  const out = new Float64Array(w * h);
  const fx = sw / w, fy = sh / h;
  for (let ty = 0; ty < h; ty++) {
    const ya = sy0 + ty * fy, yb = ya + fy;
    for (let tx = 0; tx < w; tx++) {
      const xa = sx0 + tx * fx, xb = xa + fx;
      let s = 0;
      for (let y = Math.floor(ya); y < Math.ceil(yb); y++) {
        if (y < 0 || y >= img.height) continue;
        const wy = Math.min(yb, y + 1) - Math.max(ya, y);
        for (let x = Math.floor(xa); x < Math.ceil(xb); x++) {
          if (x < 0 || x >= img.width) continue;
          const wx = Math.min(xb, x + 1) - Math.max(xa, x);
          s += wx * wy * img.data[y * img.width + x]!;
        }
      }
      out[ty * w + tx] = s / (fx * fy);
    }
  }
  return { width: w, height: h, data: out };
}

/** Centre of mass (x, y) of the ink, in pixel-centre coordinates. */
export function centreOfMass(img: Gray): { x: number; y: number } {
  let m = 0, mx = 0, my = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const v = img.data[y * img.width + x]!;
      m += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  return m === 0 ? { x: img.width / 2, y: img.height / 2 } : { x: mx / m, y: my / m };
}

/**
 * The 784 network inputs (row-major 28×28, values in [0, 1] like pixel/255) of a drawing, or null
 * when nothing is drawn.
 */
export function toMnistInput(img: Gray): Float64Array | null {
  const box = boundingBox(img);
  if (!box) return null;
  const bw = box.x1 - box.x0, bh = box.y1 - box.y0;
  // Longer side → 20 px; keep the aspect ratio (a "1" stays thin).
  const scale = 20 / Math.max(bw, bh);
  const w = Math.max(1, Math.round(bw * scale)), h = Math.max(1, Math.round(bh * scale));
  const digit = resample(img, box.x0, box.y0, bw, bh, w, h);
  const com = centreOfMass(digit);
  const left = Math.round(14 - com.x), top = Math.round(14 - com.y);
  const out = new Float64Array(784);
  for (let y = 0; y < h; y++) {
    const ty = y + top;
    if (ty < 0 || ty >= 28) continue;
    for (let x = 0; x < w; x++) {
      const tx = x + left;
      if (tx < 0 || tx >= 28) continue;
      out[ty * 28 + tx] = Math.min(1, digit.data[y * w + x]!);
    }
  }
  return out;
}
