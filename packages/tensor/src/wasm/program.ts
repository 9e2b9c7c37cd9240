import type { DenseStep } from '../backend.js';
import { InvalidOptionError, ShapeError } from '../errors.js';
import type { FloatArray } from '../matrix.js';
import { type Arena, alignUp } from './memory.js';

/**
 * Programs: kernel calls recorded once and replayed by `runProgramF32/F64` in assembly/kernels.ts,
 * which documents the layout. A record is one kernel call with its byte addresses; a unit is a list of
 * records that one thread runs in order; units of one program are independent of each other.
 */

// Ops of a record (as in assembly/kernels.ts).
const OP_GEMM = 1;
const OP_TRANSPOSE = 2;
const OP_ADD_ROW = 3;
const OP_ADD_ROW_RELU = 4;
const OP_RELU_BACKWARD = 5;
const OP_SUM_ROWS = 6;
const OP_COPY = 7;
const OP_MSE_DELTA = 8;

const RECORD_BYTES = 64;

/** One kernel call: op, up to 11 integer arguments, up to 2 float arguments. */
type KernelRecord = [op: number, ints: number[], floats?: number[]];

/** A program in wasm memory. */
export interface Program {
  /** Byte address. */
  ptr: number;
  units: number;
  /** Keeps the block alive (the arena reclaims it once this is garbage collected). */
  block: FloatArray;
}

function writeProgram(arena: Arena, units: KernelRecord[][]): Program {
  const header = alignUp(4 * (units.length + 2));
  const records = units.reduce((s, u) => s + u.length, 0);
  const bytes = header + RECORD_BYTES * records;
  const block = arena.allocateResident('float64', bytes / 8);
  const ptr = block.byteOffset;
  const i32 = new Int32Array(block.buffer, ptr, bytes / 4);
  i32[0] = units.length;
  let offset = header;
  units.forEach((unit, u) => {
    i32[1 + u] = offset;
    for (const [op, ints, floats = []] of unit) {
      i32[offset / 4] = op;
      ints.forEach((v, j) => (i32[offset / 4 + 1 + j] = v));
      floats.forEach((v, j) => (block[(offset + 48) / 8 + j] = v));
      offset += RECORD_BYTES;
    }
  });
  i32[1 + units.length] = offset;
  return { ptr, units: units.length, block };
}

/** Cuts `count` rows into `parts` ranges whose bounds are multiples of 4 (the gemm micro-tile). */
function ranges(count: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  let from = 0;
  for (let p = 1; p <= parts; p++) {
    const to = p === parts ? count : Math.min(count, Math.round((p * count) / parts / 4) * 4);
    if (to > from) out.push([from, to]);
    from = Math.max(from, to);
  }
  return out;
}

/** Multiply-adds of a weight gradient below which it stays one unit. */
const MIN_SPLIT_GRADIENT = 1 << 15;

/** The three programs of a {@link DenseStep}, run one after the other. */
export interface StepPrograms {
  /** The transposed weights that δ·Wᵀ reads (run by the calling thread). */
  transposes: Program;
  /** Forward pass, output δ and δ of every layer, for ranges of rows (one unit per thread). */
  rows: Program;
  /** dW = xᵀδ in ranges of its rows, and db = Σ δ (one unit each, larger first; all in one unit for one thread). */
  gradients: Program;
  /** The step's arrays when recorded, in {@link sameStep}'s order. */
  arrays: (FloatArray | null)[];
  /** rows, then each layer's inputSize, units and activation. */
  shape: (number | string)[];
  /** The transposed weights the programs write and read (kept alive with them). */
  transposed: (FloatArray | null)[];
}

/** A layer's arrays, in the order {@link StepPrograms.arrays} lists them after X and Y. */
const LAYER_ARRAYS = ['W', 'b', 'dW', 'db', 'z', 'a', 'dz', 'dx'] as const;

/** Whether `step` has the shape and addresses the arrays that `programs` were recorded for. */
export function sameStep({ arrays, shape }: StepPrograms, step: DenseStep): boolean {
  if (arrays[0] !== step.X || arrays[1] !== step.Y || shape[0] !== step.rows || shape.length !== 1 + 3 * step.layers.length) return false;
  let i = 2, j = 1;
  for (const layer of step.layers) {
    if (shape[j++] !== layer.inputSize || shape[j++] !== layer.units || shape[j++] !== layer.activation) return false;
    for (const key of LAYER_ARRAYS) if (arrays[i++] !== layer[key]) return false;
  }
  return true;
}

function check(name: string, data: FloatArray, length: number, f32: boolean, arena: Arena): boolean {
  if (data.length < length) throw new ShapeError(`denseStep: ${name} has ${data.length} elements, needs ${length}`);
  return data instanceof Float32Array === f32 && arena.isResident(data);
}

/**
 * Records the kernel calls of `step` in the order the layer-by-layer path makes them, with the rows of
 * the forward and backward passes cut into `threads` ranges and each weight gradient into `threads`
 * ranges of its rows: every element is still computed by the same kernel and the same operations, so
 * the cut changes no bit. Returns undefined when an array is not resident in `arena` or has another dtype.
 */
export function recordDenseStep(arena: Arena, step: DenseStep, threads: number): StepPrograms | undefined {
  const { rows, X, Y, layers } = step;
  const L = layers.length;
  if (L === 0) throw new ShapeError('denseStep: no layers');
  const f32 = X instanceof Float32Array;
  const size = f32 ? 4 : 8;
  let ok = check('X', X, rows * layers[0]!.inputSize, f32, arena) && check('Y', Y, rows * layers[L - 1]!.units, f32, arena);
  layers.forEach((layer, l) => {
    const { inputSize: nIn, units: n } = layer;
    const name = `layer ${l + 1}`;
    if (l > 0 && nIn !== layers[l - 1]!.units) throw new ShapeError(`denseStep: ${name} takes ${nIn} inputs, layer ${l} gives ${layers[l - 1]!.units}`);
    ok &&= check(`${name} W`, layer.W, nIn * n, f32, arena) && check(`${name} b`, layer.b, n, f32, arena);
    ok &&= check(`${name} dW`, layer.dW, nIn * n, f32, arena) && check(`${name} db`, layer.db, n, f32, arena);
    ok &&= check(`${name} z`, layer.z, rows * n, f32, arena) && check(`${name} a`, layer.a, rows * n, f32, arena);
    ok &&= check(`${name} dz`, layer.dz, rows * n, f32, arena);
    if (l > 0) {
      if (!layer.dx) throw new ShapeError(`denseStep: ${name} needs dx`);
      ok &&= check(`${name} dx`, layer.dx, rows * nIn, f32, arena);
    }
  });
  if (layers[L - 1]!.activation !== 'linear') throw new InvalidOptionError('denseStep: the last layer must be linear (the loss is MSE on its output)');
  if (!ok) return undefined;

  // Wᵀ of every layer but the first, for δ·Wᵀ (the gemm kernel reads op(B) row by row).
  const transposed = layers.map((layer, l) => (l === 0 ? null : arena.allocateResident(f32 ? 'float32' : 'float64', layer.inputSize * layer.units)));
  const transposes = writeProgram(arena, [
    layers.flatMap((layer, l): KernelRecord[] => (l === 0 ? [] : [[OP_TRANSPOSE, [layer.inputSize, layer.units, layer.W.byteOffset, transposed[l]!.byteOffset]]])),
  ]);

  const rowUnits = ranges(rows, Math.min(threads, Math.ceil(rows / 4))).map(([r0, r1]): KernelRecord[] => {
    const m = r1 - r0;
    const unit: KernelRecord[] = [];
    layers.forEach((layer, l) => {
      const { inputSize: nIn, units: n } = layer;
      const x = l === 0 ? X : layers[l - 1]!.a;
      const z = layer.z.byteOffset + r0 * n * size, a = layer.a.byteOffset + r0 * n * size;
      unit.push([OP_GEMM, [n, nIn, x.byteOffset, nIn, 1, layer.W.byteOffset, layer.z.byteOffset, r0, r1, 0, n], [1, 0]]);
      if (layer.activation === 'relu') unit.push([OP_ADD_ROW_RELU, [m, n, z, layer.b.byteOffset, z, a]]);
      else unit.push([OP_ADD_ROW, [m, n, z, layer.b.byteOffset, z]], [OP_COPY, [m * n, 0, z, a]]);
    });
    const out = layers[L - 1]!;
    const k = out.units;
    unit.push([OP_MSE_DELTA, [m * k, out.a.byteOffset + r0 * k * size, Y.byteOffset + r0 * k * size, out.dz.byteOffset + r0 * k * size], [2 / (rows * k)]]);
    for (let l = L - 1; l > 0; l--) {
      const layer = layers[l]!, below = layers[l - 1]!;
      const { inputSize: nIn, units: n } = layer;
      // dx = δ·Wᵀ, then the activation below: dz = dx ⊙ φ'(z).
      unit.push([OP_GEMM, [nIn, n, layer.dz.byteOffset, n, 1, transposed[l]!.byteOffset, layer.dx!.byteOffset, r0, r1, 0, nIn], [1, 0]]);
      const dx = layer.dx!.byteOffset + r0 * nIn * size, dz = below.dz.byteOffset + r0 * nIn * size;
      if (below.activation === 'relu') unit.push([OP_RELU_BACKWARD, [m * nIn, below.z.byteOffset + r0 * nIn * size, dx, dz]]);
      else unit.push([OP_COPY, [m * nIn, 0, dx, dz]]);
    }
    return unit;
  });

  const weightUnits: [work: number, unit: KernelRecord[]][] = [];
  const biasUnit: KernelRecord[] = [];
  layers.forEach((layer, l) => {
    const { inputSize: nIn, units: n } = layer;
    const x = l === 0 ? X : layers[l - 1]!.a;
    const parts = nIn * n * rows >= MIN_SPLIT_GRADIENT ? threads : 1;
    for (const [i0, i1] of ranges(nIn, parts)) {
      // dW = xᵀδ: op(A) = xᵀ is nIn×rows, x is stored rows×nIn.
      weightUnits.push([(i1 - i0) * n * rows, [[OP_GEMM, [n, rows, x.byteOffset, 1, nIn, layer.dz.byteOffset, layer.dW.byteOffset, i0, i1, 0, n], [1, 0]]]]);
    }
    biasUnit.push([OP_SUM_ROWS, [rows, n, layer.dz.byteOffset, layer.db.byteOffset], [0]]);
  });
  weightUnits.sort((p, q) => q[0] - p[0]);
  const gradientUnits = [...weightUnits.map(([, unit]) => unit), biasUnit];
  // One thread: one unit, so that the pool never takes a step that was not meant to be split.
  const gradients = writeProgram(arena, threads === 1 ? [gradientUnits.flat()] : gradientUnits);
  const arrays = [X, Y, ...layers.flatMap((layer) => LAYER_ARRAYS.map((key) => layer[key]))];
  const shape = [rows, ...layers.flatMap((layer) => [layer.inputSize, layer.units, layer.activation])];
  return { transposes, rows: writeProgram(arena, rowUnits), gradients, arrays, shape, transposed };
}
