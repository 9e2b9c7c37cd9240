// Exhaustive check of a wasm float32 kernel that decides its result by a rounding test (`tanhF32` or
// `sigmoidF32` in assembly/kernels.ts, `roundedF32`): runs it on all 2^32 float32 bit patterns, 2^20
// at a time, and compares every result bit for bit with Math.fround of the reference's f64 value
// (NaNs included: on V8/x64 the kernel and the reference both return the input NaN quieted):
//   - tanh: Math.tanh(x) (fdlibm's tanh on V8);
//   - sigmoid: jsSigmoid's value (src/backend.ts: z ≥ 0: 1/(1 + Math.exp(−z)); else e = Math.exp(z),
//     e/(1 + e); fdlibm's exp on V8, in f64).
// The kernel runs as `<name>F32Fallbacks` (its code, returning how many pairs took the exact
// fallback). The script also runs the kernel's approximation (`<name>ApproxF32`) on the same inputs
// and reports:
//   - fallbacks: the kernel's count of pairs, and the non-NaN inputs whose rounding test fails
//     (<f32>(y·(1 − δ)) ≠ <f32>(y·(1 + δ)), recomputed here from y), besides the NaNs, which all
//     take the fallback;
//   - the largest relative difference |y − F|/|F| between the approximation y and the reference's F
//     over the nonzero F below the clamp (tanh: |x| < 10, sigmoid: |z| < 110), which must stay well
//     below δ = 2^−40; beyond it y is the function at the clamp;
//   - the inputs where <f32>y ≠ R(x): there the fast path would be wrong without the rounding test.
//
// Usage (from packages/tensor, after `node scripts/build-wasm.mjs`; 1.5–2.5 minutes on one core of an
// idle machine, 6 on a busy one):
//   node scripts/check-rounded-f32.mjs tanh|sigmoid [path/to/kernels.wasm.ts] [--hard out.txt] [--from hex --to hex]
// --hard writes the non-NaN fallback inputs (bits, hex) with the relative distance from the
// reference's value to the f32 rounding boundary, closest first (the vitest tests keep some as
// literals); --from/--to limit the check to a range of bit patterns. Exits 1 on any mismatch.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const hardFile = option('--hard');
const from = Number.parseInt(option('--from') ?? '0', 16);
const to = Number.parseInt(option('--to') ?? '100000000', 16);
/** jsSigmoid's f64 value (src/backend.ts), before the rounding to f32. */
function sigmoid(v) {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}
const KERNELS = { tanh: { reference: Math.tanh, clamp: 10 }, sigmoid: { reference: sigmoid, clamp: 110 } };
const name = args[0];
if (!(name in KERNELS)) {
  console.error(`usage: node scripts/check-rounded-f32.mjs ${Object.keys(KERNELS).join('|')} [path/to/kernels.wasm.ts] [--hard out.txt] [--from hex --to hex]`);
  process.exit(2);
}
const { reference, clamp } = KERNELS[name];
const file = args[1] ?? join(dirname(fileURLToPath(import.meta.url)), '../src/wasm/kernels.wasm.ts');

const b64 = readFileSync(file, 'utf8').match(/kernelsWasm =\s*'([^']+)'/)[1];
const CHUNK = 1 << 20;
const memory = new WebAssembly.Memory({ initial: 320 });
const wasm = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(b64, 'base64')), { env: { memory } }).exports;
const base = (wasm.heapBase() + 63) & ~63;
const pz = base, pa = pz + 4 * CHUNK, py = pa + 4 * CHUNK;
const zBits = new Uint32Array(memory.buffer, pz, CHUNK), z = new Float32Array(memory.buffer, pz, CHUNK);
const aBits = new Uint32Array(memory.buffer, pa, CHUNK);
const y = new Float64Array(memory.buffer, py, CHUNK);
const expected = new Float32Array(CHUNK), expectedBits = new Uint32Array(expected.buffer);
const values = new Float64Array(CHUNK);

const scratch = new Float32Array(1), scratchBits = new Uint32Array(scratch.buffer);
/** |f − m|/|f|, m the f32 rounding boundary (midpoint) between r = <f32>f and its neighbour on f's side. */
function boundaryDistance(f, r) {
  if (f === r) return 0.5; // an f32 value: no boundary near
  scratch[0] = r;
  // Away from zero when |f| > |r|: the next magnitude up; else down.
  scratchBits[0] += Math.abs(f) > Math.abs(r) ? 1 : -1;
  return Math.abs(f - (r + scratch[0]) / 2) / Math.abs(f);
}

const DELTA = 2 ** -40, BELOW = 1 - DELTA, ABOVE = 1 + DELTA;
const started = performance.now();
let mismatches = 0, pairFallbacks = 0, fallbacks = 0, nans = 0, maxError = 0, maxErrorAt = 0;
const shown = [], hard = [], needed = [];
for (let start = from; start < to; start += CHUNK) {
  const size = Math.min(CHUNK, to - start);
  for (let j = 0; j < size; j++) zBits[j] = start + j;
  pairFallbacks += wasm[`${name}F32Fallbacks`](size, pz, pa);
  wasm[`${name}ApproxF32`](size, pz, py);
  for (let j = 0; j < size; j++) expected[j] = values[j] = reference(z[j]);
  for (let j = 0; j < size; j++) {
    if (aBits[j] !== expectedBits[j]) {
      mismatches++;
      if (shown.length < 20) shown.push(`${(start + j).toString(16)}: got ${aBits[j].toString(16)}, expected ${expectedBits[j].toString(16)}`);
    }
    const x = z[j], v = y[j], f = values[j];
    if (Number.isNaN(x)) {
      nans++;
      continue;
    }
    if (Math.fround(v * BELOW) !== Math.fround(v * ABOVE)) {
      fallbacks++;
      if (hardFile) hard.push([start + j, boundaryDistance(f, expected[j])]);
    }
    if (f !== 0 && Math.abs(x) < clamp) {
      const error = Math.abs(v - f) / Math.abs(f);
      if (error > maxError) (maxError = error), (maxErrorAt = start + j);
      if (Math.fround(v) !== expected[j]) needed.push(start + j);
    }
  }
  if (((start - from) / CHUNK) % 256 === 255) {
    console.log(`… ${(start + size).toString(16)}: ${mismatches} mismatches, ${pairFallbacks} pair fallbacks, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(`checked ${(to - from).toString()} float32 bit patterns [${from.toString(16)}, ${to.toString(16)}) in ${seconds.toFixed(1)} s`);
console.log(`mismatches: ${mismatches}`);
for (const line of shown) console.log(`  ${line}`);
console.log(`fallbacks: ${pairFallbacks} pairs (the kernel's count); ${fallbacks} non-NaN inputs fail the rounding test, and ${nans} NaNs`);
console.log(`${name}: largest |y − F|/|F| for |x| < ${clamp}: ${maxError.toExponential(3)} = 2^${Math.log2(maxError).toFixed(2)} at ${maxErrorAt.toString(16)} (δ = 2^−40)`);
console.log(`inputs where <f32>y ≠ R(x) (the fast path alone would be wrong there): ${needed.length}: ${needed.map((b) => `0x${b.toString(16)}`).join(', ')}`);
if (hardFile) {
  hard.sort((p, q) => p[1] - q[1]);
  writeFileSync(hardFile, hard.map(([b, d]) => `0x${b.toString(16).padStart(8, '0')} ${d.toExponential(3)}`).join('\n') + '\n');
  console.log(`wrote ${hard.length} fallback inputs to ${hardFile}, closest to a rounding boundary first`);
}
process.exit(mismatches === 0 ? 0 : 1);
