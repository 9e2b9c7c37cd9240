import { describe, expect, it } from 'vitest';
import { boundingBox, centreOfMass, type Gray, inkFromRgba, resample, toMnistInput } from '../src/playground/mnist.js';

function canvas(w: number, h: number, ink: (x: number, y: number) => number): Gray {
  const data = new Float64Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = ink(x, y);
  return { width: w, height: h, data };
}

describe('MNIST-style preprocessing of a drawing', () => {
  it('reads dark ink on a light, opaque canvas', () => {
    const rgba = new Uint8ClampedArray([255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 0]);
    expect(Array.from(inkFromRgba(rgba, 3, 1).data)).toEqual([0, 1, 0]);
  });

  it('returns null for an empty drawing', () => {
    expect(toMnistInput(canvas(280, 280, () => 0))).toBeNull();
    expect(boundingBox(canvas(10, 10, () => 0))).toBeNull();
  });

  it('area-averages when downsampling, preserving total ink per area', () => {
    const img = canvas(4, 4, (x, y) => (x < 2 && y < 2 ? 1 : 0));
    const small = resample(img, 0, 0, 4, 4, 2, 2);
    expect(Array.from(small.data)).toEqual([1, 0, 0, 0]);
    const half = resample(canvas(2, 1, (x) => x), 0, 0, 2, 1, 1, 1);
    expect(half.data[0]).toBeCloseTo(0.5, 12);
  });

  it('scales the longer side of the digit to 20 px and centres its mass at (14, 14)', () => {
    // An off-centre block in the top-left corner of a 280×280 canvas, 40 wide and 100 tall.
    const input = toMnistInput(canvas(280, 280, (x, y) => (x >= 10 && x < 50 && y >= 5 && y < 105 ? 1 : 0)))!;
    const out: Gray = { width: 28, height: 28, data: input };
    const box = boundingBox(out, 0.5)!;
    expect(box.y1 - box.y0).toBe(20);
    expect(box.x1 - box.x0).toBe(8);
    const com = centreOfMass(out);
    expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(com.y - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.max(...input)).toBeLessThanOrEqual(1);
  });
});
