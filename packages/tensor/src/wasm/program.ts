import { CaptureDeclined } from '../capture.js';
import type { FloatArray } from '../matrix.js';
import { type Arena, alignUp } from './memory.js';
import { MIN_SPARSE_WORK, SPARSE_FRACTION, SPARSE_PER_MILLE } from './sparse.js';

/**
 * Programs: kernel calls recorded during a capture (see `capture` in @ffnn/tensor) and replayed by
 * `runProgramF32/F64` in assembly/kernels.ts, which documents the layout. A record is one kernel call
 * with its byte addresses; a unit is a list of records that one thread runs in order; the units of
 * one program are independent of each other. Nothing here knows what the calls compute.
 */

// Ops of a record (as in assembly/kernels.ts).
const OP_GEMM = 1;
const OP_TRANSPOSE = 2;
const OP_ADD_ROW = 3;
const OP_ADD_ROW_RELU = 4;
const OP_RELU_BACKWARD = 5;
const OP_SUM_ROWS = 6;
const OP_COPY = 7;
const OP_SCALED_DIFFERENCE = 8;
const OP_SIGMOID = 9;
const OP_SIGMOID_BACKWARD = 10;
const OP_LEAKY_RELU = 11;
const OP_LEAKY_RELU_BACKWARD = 12;
const OP_TANH = 13;
const OP_TANH_BACKWARD = 14;
const OP_GEMM_SPARSE = 15;
const OP_SOFTMAX_ROWS = 16;
const OP_DIFFERENCE_OVER = 17;
const OP_AXPY = 18;
const OP_SIGN_AXPY = 19;
const OP_GELU = 20;
const OP_GELU_BACKWARD = 21;
const OP_MASKED_SCALE = 22;

const RECORD_BYTES = 64;

/** One kernel call: op, up to 11 integer arguments, up to 2 float arguments. */
type KernelRecord = [op: number, ints: number[], floats?: number[]];

/** A byte range [start, end) of wasm memory. */
type Span = [start: number, end: number];

/** A recorded call with the memory it reads and writes (for the order between calls) and its work. */
interface Call {
  record: KernelRecord;
  reads: Span[];
  writes: Span[];
  /** Multiply-adds (products) or elements touched. */
  work: number;
  /** Rows of C of a product, which can be cut into ranges computed independently. */
  rows?: number;
}

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

/** Nonzero entries among the first `length` of `data`. */
function nonzeros(data: FloatArray, length: number): number {
  let count = 0;
  for (let t = 0; t < length; t++) if (data[t] !== 0) count++;
  return count;
}

/** Multiply-adds of a product below which it stays one unit. */
const MIN_SPLIT_PRODUCT = 1 << 15;

function overlaps(a: Span[], b: Span[]): boolean {
  for (const [s, e] of a) for (const [t, f] of b) if (s < f && t < e) return true;
  return false;
}

/** The recorded calls cut into phases: each phase's units are independent; phases run in order. */
export interface Schedule {
  phases: Program[];
  f32: boolean;
}

/**
 * The kernel calls of one capture, checked and recorded with their byte addresses. Every operand must
 * live in the arena (resident) and have the capture's dtype; otherwise the call throws
 * {@link CaptureDeclined} and the capture keeps nothing.
 */
export class Recorder {
  readonly calls: Call[] = [];
  /** Buffers the program writes and reads besides the caller's (transposed operands). */
  readonly buffers: FloatArray[] = [];
  private f32: boolean | undefined;

  constructor(private readonly arena: Arena) {}

  /** Byte address of `data` (whose first `length` elements are used) after checking it can be recorded. */
  private operand(kernel: string, data: FloatArray, length: number): Span {
    const f32 = data instanceof Float32Array;
    if (this.f32 === undefined) this.f32 = f32;
    if (this.f32 !== f32) throw new CaptureDeclined(`${kernel} mixes float32 and float64 operands`);
    if (!this.arena.isResident(data)) throw new CaptureDeclined(`${kernel} has an operand outside the backend's memory`);
    if (data.length < length) throw new CaptureDeclined(`${kernel} has an operand shorter than its size`);
    return [data.byteOffset, data.byteOffset + length * (f32 ? 4 : 8)];
  }

  /** {@link operand} for GELU's th, float64 whatever the capture's dtype. */
  private tanhOperand(kernel: string, th: Float64Array, length: number): Span {
    if (!this.arena.isResident(th)) throw new CaptureDeclined(`${kernel} has an operand outside the backend's memory`);
    if (th.length < length) throw new CaptureDeclined(`${kernel} has an operand shorter than its size`);
    return [th.byteOffset, th.byteOffset + length * 8];
  }

  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, A: FloatArray, B: FloatArray, beta: number, C: FloatArray): void {
    if (m === 0 || n === 0) return;
    if (k === 0 || alpha === 0) throw new CaptureDeclined('gemm with k = 0 or α = 0');
    const a = this.operand('gemm', A, m * k), b = this.operand('gemm', B, k * n), c = this.operand('gemm', C, m * n);
    let pB = b[0], bSpan = b;
    if (transB) {
      // op(B) must be row-major k×n for the micro-kernel; B is stored n×k.
      const T = this.arena.allocateResident(this.f32 ? 'float32' : 'float64', k * n);
      this.buffers.push(T);
      const t = this.operand('gemm', T, k * n);
      this.calls.push({ record: [OP_TRANSPOSE, [n, k, b[0], t[0]]], reads: [b], writes: [t], work: k * n });
      pB = t[0];
      bSpan = t;
    }
    // A is an input of the capture (no recorded call writes it, so it holds its data now) and mostly
    // zeros (MNIST pixels): every replay decides sparse or dense again, as the immediate gemm does,
    // for each range of rows it cuts the product into. Other products stay dense: the same bits for
    // finite B.
    if (m * n * k >= MIN_SPARSE_WORK && !this.calls.some((call) => overlaps([a], call.writes)) && nonzeros(A, m * k) <= Math.floor(m * k * SPARSE_FRACTION)) {
      this.sparseGemm(transA, m, n, k, alpha, a, pB, bSpan, beta, c);
      return;
    }
    const sAi = transA ? 1 : k, sAp = transA ? m : 1;
    this.calls.push({
      record: [OP_GEMM, [n, k, a[0], sAi, sAp, pB, c[0], 0, m, 0, n], [alpha, beta]],
      reads: beta === 0 ? [a, bSpan] : [a, bSpan, c],
      writes: [c],
      work: m * n * k,
      rows: m,
    });
  }

  /**
   * A product with a mostly-zero A as one splittable record: op(A) row-major (transposed into a buffer
   * of its own by a recorded call when `transA`), then per range of rows the sparse-or-dense kernel,
   * with CSR scratch laid out so that ranges never share it (see gemmMaybeSparse in assembly/kernels.ts).
   */
  private sparseGemm(transA: boolean, m: number, n: number, k: number, alpha: number, a: Span, pB: number, bSpan: Span, beta: number, c: Span): void {
    const dtype = this.f32 ? 'float32' : 'float64', size = this.f32 ? 4 : 8;
    let opA = a;
    if (transA) {
      const T = this.arena.allocateResident(dtype, m * k);
      this.buffers.push(T);
      opA = [T.byteOffset, T.byteOffset + m * k * size];
      this.calls.push({ record: [OP_TRANSPOSE, [k, m, a[0], opA[0]]], reads: [a], writes: [opA], work: m * k });
    }
    const rowBytes = alignUp((2 * m + 1) * 4), colBytes = alignUp(m * k * 4), valBytes = alignUp(m * k * size);
    const S = this.arena.allocateResident(dtype, (rowBytes + colBytes + valBytes) / size);
    this.buffers.push(S);
    const pRow = S.byteOffset, pCol = pRow + rowBytes, pVal = pCol + colBytes;
    this.calls.push({
      // The last int is the sparse fraction in thousandths: the kernel's q/1000 is the same double.
      record: [OP_GEMM_SPARSE, [n, k, opA[0], pB, c[0], pRow, pCol, 0, m, pVal, SPARSE_PER_MILLE], [alpha, beta]],
      reads: beta === 0 ? [opA, bSpan] : [opA, bSpan, c],
      writes: [c, [pRow, pVal + valBytes]],
      work: m * n * k,
      rows: m,
    });
  }

  addRowVector(m: number, n: number, A: FloatArray, b: FloatArray, out: FloatArray): void {
    const a = this.operand('addRowVector', A, m * n), v = this.operand('addRowVector', b, n), o = this.operand('addRowVector', out, m * n);
    this.calls.push({ record: [OP_ADD_ROW, [m, n, a[0], v[0], o[0]]], reads: [a, v], writes: [o], work: m * n });
  }

  addRowVectorRelu(m: number, n: number, A: FloatArray, b: FloatArray, z: FloatArray, act: FloatArray): void {
    const a = this.operand('addRowVectorRelu', A, m * n), v = this.operand('addRowVectorRelu', b, n);
    const pz = this.operand('addRowVectorRelu', z, m * n), pa = this.operand('addRowVectorRelu', act, m * n);
    this.calls.push({ record: [OP_ADD_ROW_RELU, [m, n, a[0], v[0], pz[0], pa[0]]], reads: [a, v], writes: [pz, pa], work: m * n });
  }

  sumRows(m: number, n: number, A: FloatArray, beta: number, out: FloatArray): void {
    const a = this.operand('sumRows', A, m * n), o = this.operand('sumRows', out, n);
    this.calls.push({ record: [OP_SUM_ROWS, [m, n, a[0], o[0]], [beta]], reads: beta === 0 ? [a] : [a, o], writes: [o], work: m * n });
  }

  reluBackward(size: number, z: FloatArray, da: FloatArray, dz: FloatArray): void {
    const pz = this.operand('reluBackward', z, size), pda = this.operand('reluBackward', da, size), pdz = this.operand('reluBackward', dz, size);
    this.calls.push({ record: [OP_RELU_BACKWARD, [size, pz[0], pda[0], pdz[0]]], reads: [pz, pda], writes: [pdz], work: size });
  }

  copy(size: number, src: FloatArray, out: FloatArray): void {
    const s = this.operand('copy', src, size), o = this.operand('copy', out, size);
    if (s[0] !== o[0]) this.calls.push({ record: [OP_COPY, [size, 0, s[0], o[0]]], reads: [s], writes: [o], work: size });
  }

  scaledDifference(size: number, c: number, a: FloatArray, b: FloatArray, out: FloatArray): void {
    const pa = this.operand('scaledDifference', a, size), pb = this.operand('scaledDifference', b, size);
    const o = this.operand('scaledDifference', out, size);
    this.calls.push({ record: [OP_SCALED_DIFFERENCE, [size, pa[0], pb[0], o[0]], [c]], reads: [pa, pb], writes: [o], work: size });
  }

  differenceOver(size: number, d: number, a: FloatArray, b: FloatArray, out: FloatArray): void {
    const pa = this.operand('differenceOver', a, size), pb = this.operand('differenceOver', b, size);
    const o = this.operand('differenceOver', out, size);
    this.calls.push({ record: [OP_DIFFERENCE_OVER, [size, pa[0], pb[0], o[0]], [d]], reads: [pa, pb], writes: [o], work: size });
  }

  axpy(size: number, alpha: number, x: FloatArray, y: FloatArray): void {
    const px = this.operand('axpy', x, size), py = this.operand('axpy', y, size);
    this.calls.push({ record: [OP_AXPY, [size, px[0], py[0], py[0]], [alpha]], reads: [px, py], writes: [py], work: size });
  }

  maskedScale(size: number, s: number, x: FloatArray, mask: FloatArray, out: FloatArray): void {
    const px = this.operand('maskedScale', x, size), pm = this.operand('maskedScale', mask, size);
    const pOut = this.operand('maskedScale', out, size);
    this.calls.push({ record: [OP_MASKED_SCALE, [size, px[0], pm[0], pOut[0]], [s]], reads: [px, pm], writes: [pOut], work: size });
  }

  signAxpy(size: number, alpha: number, x: FloatArray, y: FloatArray): void {
    const px = this.operand('signAxpy', x, size), py = this.operand('signAxpy', y, size);
    this.calls.push({ record: [OP_SIGN_AXPY, [size, px[0], py[0], py[0]], [alpha]], reads: [px, py], writes: [py], work: size });
  }

  softmaxRows(rows: number, cols: number, z: FloatArray, a: FloatArray): void {
    if (rows === 0 || cols === 0) return;
    const pz = this.operand('softmaxRows', z, rows * cols), pa = this.operand('softmaxRows', a, rows * cols);
    this.calls.push({ record: [OP_SOFTMAX_ROWS, [rows, cols, pz[0], pa[0]]], reads: [pz], writes: [pa], work: rows * cols * 8 });
  }

  sigmoid(size: number, z: FloatArray, a: FloatArray): void {
    const pz = this.operand('sigmoid', z, size), pa = this.operand('sigmoid', a, size);
    this.calls.push({ record: [OP_SIGMOID, [size, pz[0], pa[0]]], reads: [pz], writes: [pa], work: size });
  }

  sigmoidBackward(size: number, a: FloatArray, da: FloatArray, dz: FloatArray): void {
    const pa = this.operand('sigmoidBackward', a, size), pda = this.operand('sigmoidBackward', da, size);
    const pdz = this.operand('sigmoidBackward', dz, size);
    this.calls.push({ record: [OP_SIGMOID_BACKWARD, [size, pa[0], pda[0], pdz[0]]], reads: [pa, pda], writes: [pdz], work: size });
  }

  tanh(size: number, z: FloatArray, a: FloatArray): void {
    const pz = this.operand('tanh', z, size), pa = this.operand('tanh', a, size);
    this.calls.push({ record: [OP_TANH, [size, pz[0], pa[0]]], reads: [pz], writes: [pa], work: size });
  }

  tanhBackward(size: number, a: FloatArray, da: FloatArray, dz: FloatArray): void {
    const pa = this.operand('tanhBackward', a, size), pda = this.operand('tanhBackward', da, size);
    const pdz = this.operand('tanhBackward', dz, size);
    this.calls.push({ record: [OP_TANH_BACKWARD, [size, pa[0], pda[0], pdz[0]]], reads: [pa, pda], writes: [pdz], work: size });
  }

  /** GELU; the record's th address is 0 without `th` (the kernel then stores none). */
  gelu(size: number, z: FloatArray, a: FloatArray, th?: Float64Array): void {
    const pz = this.operand('gelu', z, size), pa = this.operand('gelu', a, size);
    const writes = [pa];
    let pth = 0;
    if (th !== undefined) {
      const span = this.tanhOperand('gelu', th, size);
      writes.push(span);
      pth = span[0];
    }
    this.calls.push({ record: [OP_GELU, [size, pz[0], pa[0], pth]], reads: [pz], writes, work: size });
  }

  geluBackward(size: number, z: FloatArray, da: FloatArray, dz: FloatArray, th: Float64Array): void {
    const pz = this.operand('geluBackward', z, size), pda = this.operand('geluBackward', da, size);
    const pdz = this.operand('geluBackward', dz, size), pth = this.tanhOperand('geluBackward', th, size);
    this.calls.push({ record: [OP_GELU_BACKWARD, [size, pz[0], pda[0], pdz[0], pth[0]]], reads: [pz, pda, pth], writes: [pdz], work: size });
  }

  leakyRelu(size: number, z: FloatArray, a: FloatArray, alpha: number): void {
    const pz = this.operand('leakyRelu', z, size), pa = this.operand('leakyRelu', a, size);
    this.calls.push({ record: [OP_LEAKY_RELU, [size, pz[0], pa[0]], [alpha]], reads: [pz], writes: [pa], work: size });
  }

  leakyReluBackward(size: number, z: FloatArray, da: FloatArray, dz: FloatArray, alpha: number): void {
    const pz = this.operand('leakyReluBackward', z, size), pda = this.operand('leakyReluBackward', da, size);
    const pdz = this.operand('leakyReluBackward', dz, size);
    this.calls.push({ record: [OP_LEAKY_RELU_BACKWARD, [size, pz[0], pda[0], pdz[0]], [alpha]], reads: [pz, pda], writes: [pdz], work: size });
  }

  /**
   * The calls as programs. On one thread (or below `minSplitWork` multiply-adds in all): one program
   * of one unit, the calls in their order. Otherwise phases: each call goes in the phase after the
   * last one holding a call it depends on (it reads what that one writes, or writes what it reads or
   * writes), so the calls of a phase are independent; products of `MIN_SPLIT_PRODUCT` multiply-adds
   * or more are cut into `threads` ranges of rows of C. Every element is still computed by the same
   * kernel with the same operations, so neither the phases nor the cuts change a bit.
   */
  schedule(threads: number, minSplitWork: number): Schedule {
    const f32 = this.f32 ?? false;
    const work = this.calls.reduce((s, c) => s + (c.rows === undefined ? 0 : c.work), 0);
    if (threads === 1 || work < minSplitWork) return { phases: [writeProgram(this.arena, [this.calls.map((c) => c.record)])], f32 };
    const phaseOf: number[] = [];
    const phases: KernelRecord[][][] = [];
    this.calls.forEach((call, j) => {
      let phase = 0;
      for (let i = 0; i < j; i++) {
        const before = this.calls[i]!;
        if (phaseOf[i]! >= phase && (overlaps(before.writes, call.reads) || overlaps(before.writes, call.writes) || overlaps(before.reads, call.writes))) {
          phase = phaseOf[i]! + 1;
        }
      }
      phaseOf.push(phase);
      const units = (phases[phase] ??= []);
      const [op, ints, floats] = call.record;
      if (call.rows !== undefined && call.work >= MIN_SPLIT_PRODUCT) {
        for (const [i0, i1] of ranges(call.rows, threads)) {
          const cut = [...ints];
          cut[7] = i0;
          cut[8] = i1;
          units.push([[op, cut, floats]]);
        }
      } else {
        units.push([call.record]);
      }
    });
    return { phases: phases.map((units) => writeProgram(this.arena, units)), f32 };
  }
}
