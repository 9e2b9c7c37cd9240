import {
  type AdamStepScalars, type BackendInfo, backendInfo, jsAddRowVectorRelu, jsAllFinite, jsBackend, jsCopy, jsReluBackward, jsScaleBytes,
  jsAxpy, jsDifferenceOver, jsMaskedScale, jsSignAxpy, jsSoftmaxRows, jsSigmoid, jsSigmoidBackward, jsLeakyRelu, jsLeakyReluBackward, jsTanh, jsTanhBackward, jsGelu, jsGeluBackward, jsGemmCsr, type KernelBackend, setBackend,
} from '../backend.js';
import { CaptureDeclined, type Replay } from '../capture.js';
import { InvalidOptionError, StateError, formatValue } from '../errors.js';
import type { DType, FloatArray } from '../matrix.js';
import { kernelsSharedWasm, kernelsWasm } from './kernels.wasm.js';
import { Arena, alignUp } from './memory.js';
import { type Program, Recorder, type Schedule } from './program.js';
import { MIN_SPARSE_WORK, SPARSE_FRACTION, type SparseLayout, sparseLayout } from './sparse.js';
import {
  ADAM_BLOCK, OP_ADAM_F32, OP_ADAM_F64, OP_GEMM_F32, OP_GEMM_F64, OP_PROGRAM_F32, OP_PROGRAM_F64, OP_SPARSE_F32, OP_SPARSE_F64,
  WorkerPool, type WorkerThreadsModule, nodeWorkerThreads,
} from './threads.js';

/** Options of {@link createWasmBackend}. */
export interface WasmBackendOptions {
  /**
   * Total threads for matrix products, including the calling one (default: all cores in Node,
   * 1 elsewhere). More than 1 needs Node worker_threads and SharedArrayBuffer; otherwise the
   * backend silently runs on one thread (its `threads` says so). Results do not depend on it.
   */
  threads?: number;
}

/** The exports of assembly/kernels.ts (pointers are byte offsets, sizes are element counts). */
interface Kernels {
  gemmF32: GemmKernel;
  gemmF64: GemmKernel;
  transposeF32: (rows: number, cols: number, src: number, out: number) => void;
  transposeF64: (rows: number, cols: number, src: number, out: number) => void;
  addRowVectorF32: (m: number, n: number, pA: number, pb: number, pOut: number) => void;
  addRowVectorF64: (m: number, n: number, pA: number, pb: number, pOut: number) => void;
  addRowVectorReluF32: (m: number, n: number, pA: number, pb: number, pZ: number, pAct: number) => void;
  addRowVectorReluF64: (m: number, n: number, pA: number, pb: number, pZ: number, pAct: number) => void;
  sumRowsF32: (m: number, n: number, pA: number, beta: number, pOut: number) => void;
  sumRowsF64: (m: number, n: number, pA: number, beta: number, pOut: number) => void;
  reluBackwardF32: (size: number, pz: number, pda: number, pdz: number) => void;
  reluBackwardF64: (size: number, pz: number, pda: number, pdz: number) => void;
  scaledDifferenceF32: (size: number, pa: number, pb: number, pOut: number, c: number) => void;
  scaledDifferenceF64: (size: number, pa: number, pb: number, pOut: number, c: number) => void;
  differenceOverF32: (size: number, pa: number, pb: number, pOut: number, d: number) => void;
  differenceOverF64: (size: number, pa: number, pb: number, pOut: number, d: number) => void;
  axpyF32: (size: number, px: number, py: number, pOut: number, alpha: number) => void;
  axpyF64: (size: number, px: number, py: number, pOut: number, alpha: number) => void;
  signAxpyF32: (size: number, px: number, py: number, pOut: number, alpha: number) => void;
  signAxpyF64: (size: number, px: number, py: number, pOut: number, alpha: number) => void;
  maskedScaleF32: (size: number, px: number, pm: number, pOut: number, s: number) => void;
  maskedScaleF64: (size: number, px: number, pm: number, pOut: number, s: number) => void;
  softmaxRowsF32: (rows: number, cols: number, pz: number, pa: number) => void;
  softmaxRowsF64: (rows: number, cols: number, pz: number, pa: number) => void;
  sigmoidF32: (size: number, pz: number, pa: number) => void;
  sigmoidF64: (size: number, pz: number, pa: number) => void;
  sigmoidBackwardF32: (size: number, pa: number, pda: number, pdz: number) => void;
  sigmoidBackwardF64: (size: number, pa: number, pda: number, pdz: number) => void;
  tanhF32: (size: number, pz: number, pa: number) => void;
  tanhF64: (size: number, pz: number, pa: number) => void;
  tanhBackwardF32: (size: number, pa: number, pda: number, pdz: number) => void;
  tanhBackwardF64: (size: number, pa: number, pda: number, pdz: number) => void;
  geluF32: (size: number, pz: number, pa: number, pth: number) => void;
  geluF64: (size: number, pz: number, pa: number, pth: number) => void;
  geluBackwardF32: (size: number, pz: number, pda: number, pdz: number, pth: number) => void;
  geluBackwardF64: (size: number, pz: number, pda: number, pdz: number, pth: number) => void;
  leakyReluF32: (size: number, pz: number, pa: number, alpha: number) => void;
  leakyReluF64: (size: number, pz: number, pa: number, alpha: number) => void;
  leakyReluBackwardF32: (size: number, pz: number, pda: number, pdz: number, alpha: number) => void;
  leakyReluBackwardF64: (size: number, pz: number, pda: number, pdz: number, alpha: number) => void;
  adamF32: AdamKernel;
  adamF64: AdamKernel;
  allFiniteF32: (size: number, p: number) => number;
  allFiniteF64: (size: number, p: number) => number;
  moreNonzerosThanF32: (size: number, p: number, limit: number) => number;
  moreNonzerosThanF64: (size: number, p: number, limit: number) => number;
  csrF32: CsrKernel;
  csrF64: CsrKernel;
  gemmSparseF32: SparseKernel;
  gemmSparseF64: SparseKernel;
  scaleBytesF32: (size: number, pSrc: number, divisor: number, pOut: number) => void;
  scaleBytesF64: (size: number, pSrc: number, divisor: number, pOut: number) => void;
  runProgramF32: (p: number, from: number, to: number) => void;
  runProgramF64: (p: number, from: number, to: number) => void;
  heapBase: () => number;
}

type GemmKernel = (
  n: number, k: number, alpha: number, pA: number, sAi: number, sAp: number, pB: number, beta: number, pC: number,
  i0: number, i1: number, j0: number, j1: number,
) => void;

type CsrKernel = (m: number, k: number, pA: number, ldb: number, pRow: number, pCol: number, pVal: number) => void;

type SparseKernel = (
  n: number, pRow: number, pCol: number, pVal: number, pB: number, alpha: number, beta: number, pC: number, i0: number, i1: number,
) => void;

type AdamKernel = (
  size: number, pw: number, pg: number, pm: number, pv: number, stepSize: number, bc2Sqrt: number, beta1: number, rest1: number,
  beta2: number, rest2: number, eps: number, weightDecay: number, decay: number, mode: number,
) => void;

/** The weight decay an Adam kernel applies (see assembly/kernels.ts): none, Adam's coupled L2, AdamW's decoupled. */
function adamMode(s: AdamStepScalars): number {
  return s.decoupled ? 2 : s.coupled ? 1 : 0;
}

/**
 * Multiply-adds below which a product stays on one thread. Workers poll for jobs while a step runs
 * (see SPIN_MS in threads.ts), so handing out a job costs about a microsecond, but the worker must
 * still pull its operands from the other core's cache: measured here, a 64×50·50×50 product (160k)
 * gains nothing from a second thread, 64×64·64×64 (262k) and larger run 1.5–1.9× faster.
 */
const MIN_SPLIT_WORK = 1 << 18;


/**
 * Multiply-adds of a captured sequence (its products) below which its replay runs on one thread. A
 * split replay pays for moving the weights and every row's activations between the cores' caches;
 * measured here, a training step of the Runge 1-50-50-1 network on batches of 64 (500k) ran no
 * faster on two threads.
 */
const MIN_SPLIT_REPLAY = 1 << 21;

/** Parameters below which an Adam update stays on one thread (about 35 µs of work). */
const MIN_SPLIT_ADAM = 1 << 14;

// The smallest module that uses a SIMD instruction (i8x16.splat, i8x16.popcnt), as in wasm-feature-detect.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/** Whether this runtime can compile WebAssembly with 128-bit SIMD (Node ≥ 16, all current browsers). */
export function wasmSimdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function defaultThreads(): number {
  if (nodeWorkerThreads() === undefined) return 1;
  const os = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.(
    'node:os',
  ) as { availableParallelism?: () => number; cpus(): unknown[] } | undefined;
  if (os === undefined) return 1;
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

function checkThreads(threads: unknown): number | undefined {
  if (threads === undefined) return undefined;
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new InvalidOptionError(`threads must be an integer from 1 to 256, got ${formatValue(threads)}`);
  }
  return threads;
}

function sameDtype(a: FloatArray, b: FloatArray): boolean {
  return a instanceof Float32Array === b instanceof Float32Array;
}

/** The WebAssembly SIMD backend; see {@link createWasmBackend}. */
class WasmBackend implements KernelBackend {
  readonly name = 'wasm-simd';
  threads: number;
  /**
   * How many kernels were large enough to be split over the worker threads (for tests and
   * diagnostics); they ran split unless the pool was resting (see `WorkerPool.noteWait`).
   */
  parallelCalls = 0;
  /** How many products took the sparse-A path (for tests and diagnostics). */
  sparseCalls = 0;

  /** How many chunks of products worker threads computed (for tests and diagnostics). */
  get workerChunks(): number {
    return this.pool?.workerChunks() ?? 0;
  }
  private readonly x: Kernels;
  private readonly arena: Arena;
  private pool: WorkerPool | undefined;
  private disposed = false;
  /** The capture in progress (see {@link beginCapture}). */
  private recorder: Recorder | undefined;
  /** How many captured sequences were replayed (for tests and diagnostics). */
  replays = 0;
  /**
   * {@link KernelBackend.beginCapture} and `endCapture`, offered only on shared memory: without it
   * buffers cannot live in wasm memory (see `allocate`), so no call could be recorded.
   */
  readonly beginCapture: (() => void) | undefined;
  readonly endCapture: ((declined: boolean) => Replay | undefined) | undefined;

  constructor(threads: number, module: WebAssembly.Module, shared: boolean, workerThreads: WorkerThreadsModule | undefined) {
    // The module's static data ends below 64 KiB; the heap starts at the second page.
    this.arena = new Arena(shared, 65536);
    this.x = new WebAssembly.Instance(module, { env: { memory: this.arena.memory } }).exports as unknown as Kernels;
    if (this.x.heapBase() > 65536) throw new StateError('wasm backend: module data overlaps the heap');
    this.threads = workerThreads !== undefined ? threads : 1;
    if (workerThreads !== undefined) this.pool = new WorkerPool(workerThreads, this.arena, module, this.x, threads - 1);
    this.beginCapture = shared ? () => this.startRecording() : undefined;
    this.endCapture = shared ? (declined) => this.stopRecording(declined) : undefined;
  }

  /** Resolves when every worker thread can take work. */
  get ready(): Promise<void> {
    return this.pool?.ready ?? Promise.resolve();
  }

  /** Counts a kernel large enough to split; whether the pool takes it now. */
  private offer(): boolean {
    this.parallelCalls++;
    return this.pool?.available() ?? false;
  }

  private alive(): void {
    if (this.disposed) throw new StateError('wasm backend: used after dispose()');
  }

  /** Before a kernel that cannot be recorded: the backend is alive and not capturing. */
  private check(): void {
    this.alive();
    if (this.recorder !== undefined) throw new CaptureDeclined('a kernel that cannot be recorded was called');
  }

  /**
   * Byte address of `data` in wasm memory: its own place when resident, else a scratch slot at
   * `scratchOffset` (filled with a copy of `data` when `copyIn`).
   */
  private place(data: FloatArray, length: number, scratch: number, copyIn: boolean): number {
    if (this.arena.isResident(data)) return data.byteOffset;
    if (copyIn) {
      if (data instanceof Float32Array) this.arena.f32.set(data.length === length ? data : data.subarray(0, length), scratch >> 2);
      else this.arena.f64.set(data.length === length ? data : data.subarray(0, length), scratch >> 3);
    }
    return scratch;
  }

  /** Copies `length` elements at `ptr` back into `data` unless `data` is resident (already written). */
  private copyOut(data: FloatArray, length: number, ptr: number): void {
    if (this.arena.isResident(data)) return;
    if (data instanceof Float32Array) data.set(this.arena.f32.subarray(ptr >> 2, (ptr >> 2) + length));
    else data.set(this.arena.f64.subarray(ptr >> 3, (ptr >> 3) + length));
  }

  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    alpha: number, A: FloatArray, B: FloatArray, beta: number, C: FloatArray,
  ): void {
    if (this.recording()) return this.recorder!.gemm(transA, transB, m, n, k, alpha, A, B, beta, C);
    this.check();
    if (m === 0 || n === 0) return;
    if (k === 0 || alpha === 0 || !sameDtype(A, C) || !sameDtype(B, C)) {
      jsBackend.gemm(transA, transB, m, n, k, alpha, A, B, beta, C);
      return;
    }
    const f32 = C instanceof Float32Array;
    const size = f32 ? 4 : 8;
    const bytesA = alignUp(m * k * size), bytesB = alignUp(k * n * size), bytesC = alignUp(m * n * size);
    const sparse = m * n * k >= MIN_SPARSE_WORK ? sparseLayout(m, k, size, transA) : null;
    const base = this.arena.scratch(bytesA + bytesB + (transB ? bytesB : 0) + bytesC + (sparse?.bytes ?? 0));
    const pA = this.place(A, m * k, base, true);
    let pB = this.place(B, k * n, base + bytesA, true);
    const pC = this.place(C, m * n, base + bytesA + bytesB, beta !== 0);
    if (transB) {
      // op(B) must be row-major k×n for the micro-kernel; B is stored n×k.
      const pT = base + bytesA + bytesB + bytesC;
      (f32 ? this.x.transposeF32 : this.x.transposeF64)(n, k, pB, pT);
      pB = pT;
    }
    if (sparse && this.sparseGemm(transA, m, n, k, alpha, pA, pB, beta, pC, f32, sparse, base + bytesA + bytesB + (transB ? bytesB : 0) + bytesC)) {
      this.copyOut(C, m * n, pC);
      return;
    }
    const gemm = f32 ? this.x.gemmF32 : this.x.gemmF64;
    const sAi = transA ? 1 : k;
    const sAp = transA ? m : 1;
    if (this.pool === undefined || m * n * k < MIN_SPLIT_WORK || !this.offer()) {
      gemm(n, k, alpha, pA, sAi, sAp, pB, beta, pC, 0, m, 0, n);
    } else {
      // Cut C along the dimension with more micro-tiles (4 rows, or 2 vectors of columns) into a
      // few chunks per thread; threads claim chunks as they go (see WorkerPool).
      const width = f32 ? 8 : 4; // columns of one micro-tile (2 vectors)
      const rowTiles = Math.ceil(m / 4);
      const colTiles = Math.ceil(n / width);
      const byRows = rowTiles >= colTiles;
      const tiles = byRows ? rowTiles : colTiles;
      const a = this.pool.ints, f = this.pool.floats;
      a[0] = n; a[1] = k; a[2] = pA; a[3] = sAi; a[4] = sAp; a[5] = pB; a[6] = pC; a[7] = m; a[8] = byRows ? 1 : 0; a[9] = width;
      f[0] = alpha; f[1] = beta;
      this.pool.run(f32 ? OP_GEMM_F32 : OP_GEMM_F64, tiles, Math.min(tiles, 4 * this.threads));
    }
    this.copyOut(C, m * n, pC);
  }

  /**
   * The sparse path of {@link gemm}: op(A) (transposed into scratch first when `transA`) in CSR form
   * at `scratch` (laid out by {@link sparseLayout}), then only its nonzero terms. Returns false, having
   * computed nothing, when more than {@link SPARSE_FRACTION} of A is nonzero.
   */
  private sparseGemm(
    transA: boolean, m: number, n: number, k: number, alpha: number, pA: number, pB: number, beta: number, pC: number,
    f32: boolean, layout: SparseLayout, scratch: number,
  ): boolean {
    // The count does not depend on the layout, so a dense A is turned away before any transpose.
    if ((f32 ? this.x.moreNonzerosThanF32 : this.x.moreNonzerosThanF64)(m * k, pA, layout.limit)) return false;
    let pOpA = pA;
    if (transA) {
      // A is stored k×m; the CSR kernel reads op(A) row by row.
      pOpA = scratch;
      (f32 ? this.x.transposeF32 : this.x.transposeF64)(k, m, pA, pOpA);
    }
    const pRow = scratch + layout.row, pCol = scratch + layout.col, pVal = scratch + layout.val;
    (f32 ? this.x.csrF32 : this.x.csrF64)(m, k, pOpA, n * (f32 ? 4 : 8), pRow, pCol, pVal);
    this.runSparse(f32, m, n, pRow, pCol, pVal, pB, alpha, beta, pC, m * n * k * SPARSE_FRACTION);
    this.sparseCalls++;
    return true;
  }

  /**
   * The sparse kernel on a CSR matrix in the arena (row starts, columns as byte offsets of B's rows,
   * values): C ← α·S·B + β·C, its m rows split over the threads when `work` (multiply-adds) pays for it.
   */
  private runSparse(
    f32: boolean, m: number, n: number, pRow: number, pCol: number, pVal: number, pB: number, alpha: number, beta: number, pC: number,
    work: number,
  ): void {
    if (this.pool === undefined || work < MIN_SPLIT_WORK || m < 2 || !this.offer()) {
      (f32 ? this.x.gemmSparseF32 : this.x.gemmSparseF64)(n, pRow, pCol, pVal, pB, alpha, beta, pC, 0, m);
      return;
    }
    const a = this.pool.ints, f = this.pool.floats;
    a[0] = n; a[1] = pRow; a[2] = pCol; a[3] = pVal; a[4] = pB; a[5] = pC;
    f[0] = alpha; f[1] = beta;
    this.pool.run(f32 ? OP_SPARSE_F32 : OP_SPARSE_F64, m, Math.min(m, 4 * this.threads));
  }

  /**
   * A product of a sparse S held in CSR form ({@link KernelBackend.gemmCsr}): the sparse kernel of
   * {@link gemm}'s sparse path, on S's entries as given (no scan, no conversion of a dense A). Not
   * recorded: a capture that calls it declines.
   */
  gemmCsr(
    transB: boolean, m: number, n: number, k: number, alpha: number,
    rowStart: Int32Array, colIndex: Int32Array, values: FloatArray, B: FloatArray, beta: number, C: FloatArray,
  ): void {
    this.check();
    if (m === 0 || n === 0) return;
    if (k === 0 || alpha === 0 || !sameDtype(values, C) || !sameDtype(B, C)) {
      jsGemmCsr(transB, m, n, k, alpha, rowStart, colIndex, values, B, beta, C);
      return;
    }
    const f32 = C instanceof Float32Array;
    const size = f32 ? 4 : 8;
    const nnz = rowStart[m]!;
    const bytesB = alignUp(k * n * size), bytesC = alignUp(m * n * size);
    const bytesRow = alignUp((m + 1) * 4), bytesCol = alignUp(nnz * 4), bytesVal = alignUp(nnz * size);
    const base = this.arena.scratch(bytesB + (transB ? bytesB : 0) + bytesC + bytesRow + bytesCol + bytesVal);
    let pB = this.place(B, k * n, base, true);
    const pC = this.place(C, m * n, base + bytesB, beta !== 0);
    let at = base + bytesB + bytesC;
    if (transB) {
      (f32 ? this.x.transposeF32 : this.x.transposeF64)(n, k, pB, at);
      pB = at;
      at += bytesB;
    }
    const pRow = at, pCol = pRow + bytesRow;
    const words = new Int32Array(this.arena.u8.buffer);
    words.set(rowStart.subarray(0, m + 1), pRow >> 2);
    // The kernel reads each entry's column as the byte offset of its row of B.
    const ldb = n * size, col = pCol >> 2;
    for (let t = 0; t < nnz; t++) words[col + t] = colIndex[t]! * ldb;
    const pVal = this.place(values, nnz, pCol + bytesCol, true);
    this.runSparse(f32, m, n, pRow, pCol, pVal, pB, alpha, beta, pC, nnz * n);
    this.copyOut(C, m * n, pC);
  }

  addRowVector(m: number, n: number, A: FloatArray, b: FloatArray, out: FloatArray): void {
    if (this.recording()) return this.recorder!.addRowVector(m, n, A, b, out);
    this.check();
    if (!sameDtype(A, out) || !sameDtype(b, out)) {
      jsBackend.addRowVector(m, n, A, b, out);
      return;
    }
    const f32 = out instanceof Float32Array;
    const size = f32 ? 4 : 8;
    const bytesA = alignUp(m * n * size), bytesB = alignUp(n * size);
    const base = this.arena.scratch(bytesA + bytesB + bytesA);
    const pA = this.place(A, m * n, base, true);
    const pb = this.place(b, n, base + bytesA, true);
    // `out` may alias `A`: then it shares A's place (resident) or its scratch copy.
    const pOut = out === A ? pA : this.place(out, m * n, base + bytesA + bytesB, false);
    (f32 ? this.x.addRowVectorF32 : this.x.addRowVectorF64)(m, n, pA, pb, pOut);
    this.copyOut(out, m * n, pOut);
  }

  sumRows(m: number, n: number, A: FloatArray, beta: number, out: FloatArray): void {
    if (this.recording()) return this.recorder!.sumRows(m, n, A, beta, out);
    this.check();
    if (!sameDtype(A, out)) {
      jsBackend.sumRows(m, n, A, beta, out);
      return;
    }
    const f32 = out instanceof Float32Array;
    const size = f32 ? 4 : 8;
    const bytesA = alignUp(m * n * size);
    const base = this.arena.scratch(bytesA + alignUp(n * size));
    const pA = this.place(A, m * n, base, true);
    const pOut = this.place(out, n, base + bytesA, beta !== 0);
    (f32 ? this.x.sumRowsF32 : this.x.sumRowsF64)(m, n, pA, beta, pOut);
    this.copyOut(out, n, pOut);
  }

  addRowVectorRelu(m: number, n: number, A: FloatArray, b: FloatArray, z: FloatArray, a: FloatArray): void {
    if (this.recording()) return this.recorder!.addRowVectorRelu(m, n, A, b, z, a);
    this.check();
    if (!sameDtype(A, z) || !sameDtype(b, z) || !sameDtype(a, z)) {
      jsAddRowVectorRelu(m, n, A, b, z, a);
      return;
    }
    const f32 = z instanceof Float32Array;
    const size = f32 ? 4 : 8;
    const bytesA = alignUp(m * n * size), bytesB = alignUp(n * size);
    const base = this.arena.scratch(3 * bytesA + bytesB);
    const pA = this.place(A, m * n, base, true);
    const pb = this.place(b, n, base + bytesA, true);
    const pZ = z === A ? pA : this.place(z, m * n, base + bytesA + bytesB, false);
    const pAct = this.place(a, m * n, base + 2 * bytesA + bytesB, false);
    (f32 ? this.x.addRowVectorReluF32 : this.x.addRowVectorReluF64)(m, n, pA, pb, pZ, pAct);
    this.copyOut(z, m * n, pZ);
    this.copyOut(a, m * n, pAct);
  }

  reluBackward(size: number, z: FloatArray, da: FloatArray, dz: FloatArray): void {
    if (this.recording()) return this.recorder!.reluBackward(size, z, da, dz);
    this.check();
    if (!sameDtype(z, dz) || !sameDtype(da, dz)) {
      jsReluBackward(size, z, da, dz);
      return;
    }
    const f32 = dz instanceof Float32Array;
    const bytes = alignUp(size * (f32 ? 4 : 8));
    const base = this.arena.scratch(3 * bytes);
    const pz = this.place(z, size, base, true);
    const pda = this.place(da, size, base + bytes, true);
    const pdz = dz === da ? pda : this.place(dz, size, base + 2 * bytes, false);
    (f32 ? this.x.reluBackwardF32 : this.x.reluBackwardF64)(size, pz, pda, pdz);
    this.copyOut(dz, size, pdz);
  }

  adamStep(size: number, w: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, s: AdamStepScalars): boolean {
    this.check();
    if (!sameDtype(g, w) || !sameDtype(m, w) || !sameDtype(v, w)) return false;
    const f32 = w instanceof Float32Array;
    const bytes = alignUp(size * (f32 ? 4 : 8));
    const base = this.arena.scratch(4 * bytes);
    const pw = this.place(w, size, base, true);
    const pg = this.place(g, size, base + bytes, true);
    const pm = this.place(m, size, base + 2 * bytes, true);
    const pv = this.place(v, size, base + 3 * bytes, true);
    if (this.pool === undefined || size < MIN_SPLIT_ADAM || !this.offer()) {
      (f32 ? this.x.adamF32 : this.x.adamF64)(
        size, pw, pg, pm, pv, s.stepSize, s.bc2Sqrt, s.beta1, s.rest1, s.beta2, s.rest2, s.eps, s.weightDecay, s.decay, adamMode(s),
      );
    } else {
      // Elementwise, so cutting it into ranges cannot change a bit.
      const a = this.pool.ints, f = this.pool.floats;
      a[0] = size; a[1] = pw; a[2] = pg; a[3] = pm; a[4] = pv; a[5] = adamMode(s);
      f[0] = s.stepSize; f[1] = s.bc2Sqrt; f[2] = s.beta1; f[3] = s.rest1; f[4] = s.beta2; f[5] = s.rest2; f[6] = s.eps; f[7] = s.weightDecay;
      f[8] = s.decay;
      const blocks = Math.ceil(size / ADAM_BLOCK);
      this.pool.run(f32 ? OP_ADAM_F32 : OP_ADAM_F64, blocks, Math.min(blocks, 2 * this.threads));
    }
    this.copyOut(w, size, pw);
    this.copyOut(m, size, pm);
    this.copyOut(v, size, pv);
    return true;
  }

  copy(size: number, src: FloatArray, out: FloatArray): void {
    if (this.recording()) return this.recorder!.copy(size, src, out);
    this.check();
    jsCopy(size, src, out);
  }

  scaledDifference(size: number, c: number, a: FloatArray, b: FloatArray, out: FloatArray): void {
    if (this.recording()) return this.recorder!.scaledDifference(size, c, a, b, out);
    this.binary(size, a, b, out, this.x.scaledDifferenceF32, this.x.scaledDifferenceF64, (n, x, y, o, k) => jsBackend.scaledDifference!(n, k!, x, y, o), c);
  }

  differenceOver(size: number, d: number, a: FloatArray, b: FloatArray, out: FloatArray): void {
    if (this.recording()) return this.recorder!.differenceOver(size, d, a, b, out);
    this.binary(size, a, b, out, this.x.differenceOverF32, this.x.differenceOverF64, (n, x, y, o, k) => jsDifferenceOver(n, k!, x, y, o), d);
  }

  axpy(size: number, alpha: number, x: FloatArray, y: FloatArray): void {
    if (this.recording()) return this.recorder!.axpy(size, alpha, x, y);
    this.binary(size, x, y, y, this.x.axpyF32, this.x.axpyF64, (n, a, b, _o, k) => jsAxpy(n, k!, a, b), alpha);
  }

  signAxpy(size: number, alpha: number, x: FloatArray, y: FloatArray): void {
    if (this.recording()) return this.recorder!.signAxpy(size, alpha, x, y);
    this.binary(size, x, y, y, this.x.signAxpyF32, this.x.signAxpyF64, (n, a, b, _o, k) => jsSignAxpy(n, k!, a, b), alpha);
  }

  maskedScale(size: number, s: number, x: FloatArray, mask: FloatArray, out: FloatArray): void {
    if (this.recording()) return this.recorder!.maskedScale(size, s, x, mask, out);
    this.binary(size, x, mask, out, this.x.maskedScaleF32, this.x.maskedScaleF64, (n, a, m, o, k) => jsMaskedScale(n, k!, a, m, o), s);
  }

  softmaxRows(rows: number, cols: number, z: FloatArray, a: FloatArray): void {
    if (this.recording()) return this.recorder!.softmaxRows(rows, cols, z, a);
    if (rows === 0 || cols === 0) return;
    // unary's k carries the row length; its size is rows·cols.
    this.unary(
      rows * cols, z, a,
      (size, pz, pa, n) => this.x.softmaxRowsF32(size / n, n, pz, pa),
      (size, pz, pa, n) => this.x.softmaxRowsF64(size / n, n, pz, pa),
      (size, x, o, n) => jsSoftmaxRows(size / n!, n!, x, o),
      cols,
    );
  }

  sigmoid(size: number, z: FloatArray, a: FloatArray): void {
    if (this.recording()) return this.recorder!.sigmoid(size, z, a);
    this.unary(size, z, a, this.x.sigmoidF32, this.x.sigmoidF64, jsSigmoid);
  }

  sigmoidBackward(size: number, a: FloatArray, da: FloatArray, dz: FloatArray): void {
    if (this.recording()) return this.recorder!.sigmoidBackward(size, a, da, dz);
    this.binary(size, a, da, dz, this.x.sigmoidBackwardF32, this.x.sigmoidBackwardF64, jsSigmoidBackward);
  }

  tanh(size: number, z: FloatArray, a: FloatArray): void {
    if (this.recording()) return this.recorder!.tanh(size, z, a);
    this.unary(size, z, a, this.x.tanhF32, this.x.tanhF64, jsTanh);
  }

  tanhBackward(size: number, a: FloatArray, da: FloatArray, dz: FloatArray): void {
    if (this.recording()) return this.recorder!.tanhBackward(size, a, da, dz);
    this.binary(size, a, da, dz, this.x.tanhBackwardF32, this.x.tanhBackwardF64, jsTanhBackward);
  }

  gelu(size: number, z: FloatArray, a: FloatArray, th?: Float64Array): void {
    if (this.recording()) return this.recorder!.gelu(size, z, a, th);
    this.check();
    if (!sameDtype(z, a)) {
      jsGelu(size, z, a, th);
      return;
    }
    // unary's layout, then th (float64 whatever z's dtype) when it is given and not resident.
    const f32 = a instanceof Float32Array;
    const bytes = alignUp(size * (f32 ? 4 : 8));
    const base = this.arena.scratch(2 * bytes + (th === undefined ? 0 : alignUp(size * 8)));
    const pz = this.place(z, size, base, true);
    const pa = a === z ? pz : this.place(a, size, base + bytes, false);
    const pth = th === undefined ? 0 : this.place(th, size, base + 2 * bytes, false);
    (f32 ? this.x.geluF32 : this.x.geluF64)(size, pz, pa, pth);
    this.copyOut(a, size, pa);
    if (th !== undefined) this.copyOut(th, size, pth);
  }

  geluBackward(size: number, z: FloatArray, da: FloatArray, dz: FloatArray, th: Float64Array): void {
    if (this.recording()) return this.recorder!.geluBackward(size, z, da, dz, th);
    this.check();
    if (!sameDtype(z, dz) || !sameDtype(da, dz)) {
      jsGeluBackward(size, z, da, dz, th);
      return;
    }
    // binary's layout, then th (float64 whatever z's dtype) when it is not resident.
    const f32 = dz instanceof Float32Array;
    const bytes = alignUp(size * (f32 ? 4 : 8));
    const base = this.arena.scratch(3 * bytes + alignUp(size * 8));
    const pz = this.place(z, size, base, true);
    const pda = this.place(da, size, base + bytes, true);
    const pdz = dz === z ? pz : dz === da ? pda : this.place(dz, size, base + 2 * bytes, false);
    const pth = this.place(th, size, base + 3 * bytes, true);
    (f32 ? this.x.geluBackwardF32 : this.x.geluBackwardF64)(size, pz, pda, pdz, pth);
    this.copyOut(dz, size, pdz);
  }

  leakyRelu(size: number, z: FloatArray, a: FloatArray, alpha: number): void {
    if (this.recording()) return this.recorder!.leakyRelu(size, z, a, alpha);
    this.unary(size, z, a, this.x.leakyReluF32, this.x.leakyReluF64, (n, x, o, k) => jsLeakyRelu(n, x, o, k!), alpha);
  }

  leakyReluBackward(size: number, z: FloatArray, da: FloatArray, dz: FloatArray, alpha: number): void {
    if (this.recording()) return this.recorder!.leakyReluBackward(size, z, da, dz, alpha);
    this.binary(size, z, da, dz, this.x.leakyReluBackwardF32, this.x.leakyReluBackwardF64, (n, x, y, o, k) => jsLeakyReluBackward(n, x, y, o, k!), alpha);
  }

  /** Whether a capture is in progress (the caller then records its call instead of computing). */
  private recording(): boolean {
    if (this.recorder === undefined) return false;
    this.alive();
    return true;
  }

  /**
   * `out = f(x)` element-wise over `size` elements by a kernel pair (float32, float64), called with the
   * scalar `k` after the pointers when given; the JavaScript reference `js` when the dtypes differ.
   * `out` may alias `x`.
   */
  private unary(
    size: number, x: FloatArray, out: FloatArray,
    f32Kernel: (size: number, px: number, pOut: number, k: number) => void,
    f64Kernel: (size: number, px: number, pOut: number, k: number) => void,
    js: (size: number, x: FloatArray, out: FloatArray, k?: number) => void,
    k?: number,
  ): void {
    this.check();
    if (!sameDtype(x, out)) {
      js(size, x, out, k);
      return;
    }
    const f32 = out instanceof Float32Array;
    const bytes = alignUp(size * (f32 ? 4 : 8));
    const base = this.arena.scratch(2 * bytes);
    const px = this.place(x, size, base, true);
    const pOut = out === x ? px : this.place(out, size, base + bytes, false);
    (f32 ? f32Kernel : f64Kernel)(size, px, pOut, k!);
    this.copyOut(out, size, pOut);
  }

  /** {@link unary} with two inputs: `out = f(x, y)` element-wise; `out` may alias `x` or `y`. */
  private binary(
    size: number, x: FloatArray, y: FloatArray, out: FloatArray,
    f32Kernel: (size: number, px: number, py: number, pOut: number, k: number) => void,
    f64Kernel: (size: number, px: number, py: number, pOut: number, k: number) => void,
    js: (size: number, x: FloatArray, y: FloatArray, out: FloatArray, k?: number) => void,
    k?: number,
  ): void {
    this.check();
    if (!sameDtype(x, out) || !sameDtype(y, out)) {
      js(size, x, y, out, k);
      return;
    }
    const f32 = out instanceof Float32Array;
    const bytes = alignUp(size * (f32 ? 4 : 8));
    const base = this.arena.scratch(3 * bytes);
    const px = this.place(x, size, base, true);
    const py = this.place(y, size, base + bytes, true);
    const pOut = out === x ? px : out === y ? py : this.place(out, size, base + 2 * bytes, false);
    (f32 ? f32Kernel : f64Kernel)(size, px, py, pOut, k!);
    this.copyOut(out, size, pOut);
  }

  private startRecording(): void {
    this.check();
    this.recorder = new Recorder(this.arena);
  }

  /**
   * The recorded calls as a replay: one program on one thread (below {@link MIN_SPLIT_REPLAY}
   * multiply-adds), else phases whose independent units the pool's threads share.
   */
  private stopRecording(declined: boolean): Replay | undefined {
    const recorder = this.recorder;
    this.recorder = undefined;
    if (declined || recorder === undefined) return undefined;
    const schedule = recorder.schedule(this.threads, MIN_SPLIT_REPLAY);
    const kernels = recorder.calls.length;
    // The replay keeps the programs and the buffers they write (e.g. transposed operands) alive.
    const buffers = recorder.buffers;
    return {
      kernels,
      run: () => {
        this.check();
        this.replay(schedule, buffers);
      },
    };
  }

  private replay({ phases, f32 }: Schedule, _buffers: FloatArray[]): void {
    for (const program of phases) this.runProgram(program, f32);
    this.replays++;
  }

  /** Runs a program's units on the pool's threads (each claims whole units), or all on this one. */
  private runProgram(program: Program, f32: boolean): void {
    if (this.pool === undefined || program.units < 2 || !this.offer()) {
      (f32 ? this.x.runProgramF32 : this.x.runProgramF64)(program.ptr, 0, program.units);
    } else {
      this.pool.ints[0] = program.ptr;
      this.pool.run(f32 ? OP_PROGRAM_F32 : OP_PROGRAM_F64, program.units, program.units);
    }
  }

  allFinite(size: number, x: FloatArray): boolean {
    this.check();
    // Copying in costs as much as checking in JavaScript, so only resident buffers use the kernel.
    if (!this.arena.isResident(x)) return jsAllFinite(size, x);
    return (x instanceof Float32Array ? this.x.allFiniteF32 : this.x.allFiniteF64)(size, x.byteOffset) !== 0;
  }

  scaleBytes(size: number, src: Uint8Array, divisor: number, out: FloatArray): void {
    this.check();
    const f32 = out instanceof Float32Array;
    // The f32 kernel divides in f32, which equals the f64 quotient rounded only for an f32 divisor.
    if (f32 && Math.fround(divisor) !== divisor) {
      jsScaleBytes(size, src, divisor, out);
      return;
    }
    const bytesIn = alignUp(size);
    const base = this.arena.scratch(bytesIn + alignUp(size * (f32 ? 4 : 8)));
    this.arena.u8.set(src.length === size ? src : src.subarray(0, size), base);
    const pOut = this.place(out, size, base + bytesIn, false);
    (f32 ? this.x.scaleBytesF32 : this.x.scaleBytesF64)(size, base, divisor, pOut);
    this.copyOut(out, size, pOut);
  }

  allocate(dtype: DType, length: number): FloatArray {
    this.alive();
    // A non-shared memory detaches its old views when it grows, so only shared memory can lend them.
    if (!this.arena.shared) return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
    return this.arena.allocateResident(dtype, length);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pool?.dispose();
    this.pool = undefined;
    this.threads = 1;
  }
}

/** Scratch of the sparse path: op(A) at offset 0 when `transA`, then CSR row starts, column offsets and values (byte offsets). */

interface Plan {
  threads: number;
  shared: boolean;
  workerThreads: WorkerThreadsModule | undefined;
  bytes: Uint8Array<ArrayBuffer>;
}

/**
 * Whether a shared WebAssembly memory can be created (Node; browsers with cross-origin isolation).
 * Shared memory never moves when it grows, so buffers can live in it even on one thread.
 */
function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

function plan(options: WasmBackendOptions): Plan {
  if (!wasmSimdSupported()) {
    throw new StateError('wasm backend: this runtime has no WebAssembly SIMD; use jsBackend (or useFastestBackend())');
  }
  const threads = checkThreads(options.threads) ?? defaultThreads();
  const shared = sharedMemorySupported();
  const workerThreads = threads > 1 && shared ? nodeWorkerThreads() : undefined;
  // Threads and resident buffers need the shared-memory build of the kernels; the plain build serves
  // where SharedArrayBuffer is unavailable (browsers without cross-origin isolation).
  const bytes = decodeBase64(shared ? kernelsSharedWasm : kernelsWasm);
  return { threads, shared, workerThreads, bytes };
}

/**
 * Creates the WebAssembly SIMD backend and waits until its worker threads are ready. Install it
 * with `setBackend`, or call {@link useFastestBackend}. Throws a `StateError` without SIMD.
 *
 * @example
 * ```ts
 * const backend = await createWasmBackend({ threads: 2 });
 * setBackend(backend);
 * // … train …
 * backend.dispose?.();
 * ```
 */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<KernelBackend> {
  const p = plan(options);
  const backend = new WasmBackend(p.threads, await WebAssembly.compile(p.bytes), p.shared, p.workerThreads);
  await backend.ready;
  return backend;
}

/**
 * Synchronous {@link createWasmBackend} (compiles with `new WebAssembly.Module`, which browsers
 * refuse on the main thread for modules over 4 KB; fine in Node and in web workers). Worker
 * threads start in the background; products run on the calling thread until they are ready,
 * with identical results.
 */
export function createWasmBackendSync(options: WasmBackendOptions = {}): KernelBackend {
  const p = plan(options);
  return new WasmBackend(p.threads, new WebAssembly.Module(p.bytes), p.shared, p.workerThreads);
}

let fastest: KernelBackend | undefined;

/**
 * Installs the WebAssembly SIMD backend where the runtime supports SIMD and keeps the current
 * backend (normally `jsBackend`) otherwise; returns {@link backendInfo} of the backend in use.
 * Calling it again replaces (and disposes) the wasm backend it installed before.
 */
export async function useFastestBackend(options: WasmBackendOptions = {}): Promise<BackendInfo> {
  if (!wasmSimdSupported()) return backendInfo();
  const backend = await createWasmBackend(options);
  setBackend(backend);
  fastest?.dispose?.();
  fastest = backend;
  return backendInfo();
}
