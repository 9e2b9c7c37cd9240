import type { Arena } from './memory.js';

/**
 * A pool of Node worker threads that run gemm blocks on the shared wasm memory.
 *
 * Each worker owns a 128-byte slot in the memory: the main thread writes a job into it, bumps
 * `seq` and notifies; the worker runs the job, copies `seq` into `done` and notifies back. The main
 * thread blocks in `Atomics.wait` (allowed in Node), so a kernel call stays synchronous.
 */

/** Int32 indices inside a slot. */
const SEQ = 0;
const DONE = 1;
const READY = 2;
const OP = 3;
const FAILED = 4;
const ARGS = 5; // 11 int32 arguments: n, k, pA, sAi, sAp, pB, pC, i0, i1, j0, j1
/** Float64 index (within the slot) of α; β follows. */
const ALPHA = 12;
export const SLOT_BYTES = 128;

export const OP_GEMM_F32 = 1;
export const OP_GEMM_F64 = 2;
const OP_QUIT = 99;

// Runs as a CommonJS script inside the worker (`eval: true`), so no file has to be resolved.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, slot } = workerData;
const x = new WebAssembly.Instance(module, { env: { memory } }).exports;
const i32 = new Int32Array(memory.buffer, slot, ${SLOT_BYTES / 4});
const f64 = new Float64Array(memory.buffer, slot, ${SLOT_BYTES / 8});
Atomics.store(i32, ${READY}, 1);
parentPort.postMessage('ready');
let seen = Atomics.load(i32, ${SEQ});
for (;;) {
  Atomics.wait(i32, ${SEQ}, seen);
  const seq = Atomics.load(i32, ${SEQ});
  if (seq === seen) continue;
  seen = seq;
  const op = i32[${OP}];
  if (op === ${OP_QUIT}) break;
  try {
    const gemm = op === ${OP_GEMM_F32} ? x.gemmF32 : x.gemmF64;
    const a = ${ARGS};
    gemm(i32[a], i32[a + 1], f64[${ALPHA}], i32[a + 2] >>> 0, i32[a + 3], i32[a + 4], i32[a + 5] >>> 0,
      f64[${ALPHA + 1}], i32[a + 6] >>> 0, i32[a + 7], i32[a + 8], i32[a + 9], i32[a + 10]);
  } catch (error) {
    Atomics.store(i32, ${FAILED}, 1);
  }
  Atomics.store(i32, ${DONE}, seq);
  Atomics.notify(i32, ${DONE});
}
`;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'message' | 'error' | 'exit', listener: (value: unknown) => void): void;
}

export interface WorkerThreadsModule {
  Worker: new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;
}

/** The `node:worker_threads` module when running in Node with shared memory, else undefined. */
export function nodeWorkerThreads(): WorkerThreadsModule | undefined {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics?.wait !== 'function') return undefined;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return undefined;
  try {
    return proc.getBuiltinModule('node:worker_threads') as WorkerThreadsModule | undefined;
  } catch {
    return undefined;
  }
}

/** Arguments of one gemm block, as passed to the `gemmF32`/`gemmF64` exports. */
export interface GemmJob {
  op: typeof OP_GEMM_F32 | typeof OP_GEMM_F64;
  n: number;
  k: number;
  alpha: number;
  pA: number;
  sAi: number;
  sAp: number;
  pB: number;
  beta: number;
  pC: number;
}

export class WorkerPool {
  private readonly workers: NodeWorker[] = [];
  private readonly slots: number[] = [];
  /** Resolves once every worker has instantiated the module (or failed to start). */
  readonly ready: Promise<void>;
  private disposed = false;
  private readonly used: number[] = [];

  constructor(
    threads: WorkerThreadsModule,
    private readonly arena: Arena,
    module: WebAssembly.Module,
    count: number,
  ) {
    const started: Promise<void>[] = [];
    for (let w = 0; w < count; w++) {
      const slot = arena.alloc(SLOT_BYTES);
      arena.i32.fill(0, slot >> 2, (slot + SLOT_BYTES) >> 2);
      const worker = new threads.Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory: arena.memory, slot } });
      started.push(
        new Promise<void>((resolve) => {
          worker.on('message', () => resolve());
          worker.on('error', () => resolve());
          worker.on('exit', () => resolve());
        }),
      );
      // An idle pool must not keep the process alive (after the listeners, which would re-ref it).
      worker.unref();
      this.workers.push(worker);
      this.slots.push(slot);
    }
    this.ready = Promise.all(started).then(() => undefined);
  }

  /** Number of workers that have started and can take a block now. */
  readyCount(): number {
    if (this.disposed) return 0;
    let count = 0;
    for (const slot of this.slots) if (Atomics.load(this.arena.i32, (slot >> 2) + READY) === 1) count++;
    return count;
  }

  /**
   * Runs `job` over the blocks `[i0[t], i1[t]) × [j0[t], j1[t])`: block 0 on the calling thread via
   * `runHere`, the others on the first ready workers. Returns when all are done.
   */
  run(
    job: GemmJob,
    blocks: number,
    bounds: Int32Array,
    runHere: (i0: number, i1: number, j0: number, j1: number) => void,
  ): void {
    const i32 = this.arena.i32;
    const f64 = this.arena.f64;
    const used = this.used;
    used.length = 0;
    let w = 0;
    for (let t = 1; t < blocks; t++) {
      while (Atomics.load(i32, (this.slots[w]! >> 2) + READY) !== 1) w++;
      const base = this.slots[w]! >> 2;
      i32[base + OP] = job.op;
      i32[base + ARGS] = job.n;
      i32[base + ARGS + 1] = job.k;
      i32[base + ARGS + 2] = job.pA;
      i32[base + ARGS + 3] = job.sAi;
      i32[base + ARGS + 4] = job.sAp;
      i32[base + ARGS + 5] = job.pB;
      i32[base + ARGS + 6] = job.pC;
      for (let a = 0; a < 4; a++) i32[base + ARGS + 7 + a] = bounds[4 * t + a]!;
      const fbase = this.slots[w]! >> 3;
      f64[fbase + ALPHA] = job.alpha;
      f64[fbase + ALPHA + 1] = job.beta;
      Atomics.add(i32, base + SEQ, 1);
      Atomics.notify(i32, base + SEQ);
      used.push(w);
      w++;
    }
    runHere(bounds[0]!, bounds[1]!, bounds[2]!, bounds[3]!);
    let failed = false;
    for (const u of used) {
      const base = this.slots[u]! >> 2;
      const seq = Atomics.load(i32, base + SEQ);
      for (let done = Atomics.load(i32, base + DONE); done !== seq; done = Atomics.load(i32, base + DONE)) {
        Atomics.wait(i32, base + DONE, done);
      }
      if (Atomics.exchange(i32, base + FAILED, 0) !== 0) failed = true;
    }
    if (failed) throw new Error('wasm backend: a worker thread failed in gemm');
  }

  /** Stops every worker; later calls run on the calling thread only. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const i32 = this.arena.i32;
    for (const slot of this.slots) {
      const base = slot >> 2;
      i32[base + OP] = OP_QUIT;
      Atomics.add(i32, base + SEQ, 1);
      Atomics.notify(i32, base + SEQ);
    }
    for (const worker of this.workers) void worker.terminate();
  }
}
