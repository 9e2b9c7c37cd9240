import type { Arena } from './memory.js';

/**
 * A pool of Node worker threads that share gemm work with the calling thread on the shared wasm
 * memory.
 *
 * A job is an op, its arguments, and `units` of work cut into `chunks` contiguous ranges (a gemm's
 * micro-tiles of C, a sparse gemm's rows, an Adam update's 16-element blocks, a program's units).
 * The main thread writes the job into a control block, bumps `SEQ` and notifies; then every thread,
 * the main one included, claims chunks from a shared counter until none are left. Dynamic claiming
 * keeps a descheduled worker from stalling the product (the others take its share), and it cannot
 * change results: every element is computed by the same instructions whichever thread runs it.
 * Idle workers poll `SEQ` for {@link SPIN_MS} before sleeping in `Atomics.wait`; the main thread
 * polls, then blocks in `Atomics.wait` (allowed in Node), so a kernel call stays synchronous.
 *
 * The claim word holds `(job tag << 16) | next chunk`, so a worker that wakes late and read the
 * parameters of an older job fails its compare-exchange instead of computing with them.
 */

// Int32 indices in the control block.
const SEQ = 0;
const CLAIM = 1;
const COMPLETED = 2;
const FAILED = 3;
const OP = 4;
const READY = 5;
const WORKER_CHUNKS = 6; // chunks run by workers so far (diagnostics)
const PAGES = 7; // 64 KiB pages of the memory when the job was published
const UNITS = 8; // units of work of the job, cut into CHUNKS ranges
const CHUNKS = 9;
/**
 * First integer argument (gemm: n, k, pA, sAi, sAp, pB, pC, m, byRows, width; sparse gemm: n, pRow,
 * pCol, pVal, pB, pC; adam: size, pw, pg, pm, pv, mode; program: its address).
 */
const ARGS = 10;
const INT_ARGS = 12;
/** Float64 index of the first float argument (gemm, sparse gemm: α, β; adam: stepSize, bc2Sqrt, β1, 1 − β1, β2, 1 − β2, ε, λ, decay). */
const FARGS = 12;
const FLOAT_ARGS = 9;
const SLEEP = 42; // never written (after the float arguments): workers sleep on it with a timeout
export const CONTROL_BYTES = 192;

export const OP_GEMM_F32 = 1;
export const OP_GEMM_F64 = 2;
export const OP_ADAM_F32 = 3;
export const OP_ADAM_F64 = 4;
export const OP_SPARSE_F32 = 5;
export const OP_SPARSE_F64 = 6;
export const OP_PROGRAM_F32 = 7;
export const OP_PROGRAM_F64 = 8;
const OP_QUIT = 99;

/**
 * How long an idle worker keeps polling for the next job before it sleeps in `Atomics.wait`, in
 * milliseconds. A training step issues its kernels microseconds apart, and waking a sleeping thread
 * costs tens of microseconds (more under a hypervisor), so polling lets small products be split too.
 */
export const SPIN_MS = 2;

/** Waits for the workers' last chunks shorter than this (ms) never count as stalls (see WorkerPool.noteWait). */
const STALL_FLOOR_MS = 0.1;
/** Stalls in a row after which the pool rests. */
const SLOW_WAITS = 3;
/** Jobs at the start of a pool that the guard does not judge (the workers' code is still warming up). */
const WARM_UP_JOBS = 128;
/** Jobs over which the workers' share of the chunks is judged (see WorkerPool.noteShare). */
const SHARE_WINDOW = 64;
/** How long the pool rests the first time (ms). */
const REST_MS = 200;

/** Elements per unit of an Adam job (a cache line of f32, two of f64). */
export const ADAM_BLOCK = 16;

/**
 * Claims and runs chunks of the current job until none are left; shared verbatim by the main thread
 * and the workers (whose source embeds it), so both cut the work the same way. Stops at a stale tag.
 * Self-contained (it is stringified into the worker), hence the literal control-block indices.
 */
function drain(i32: Int32Array, f64: Float64Array, x: Record<string, unknown>, tag: number, worker: boolean): void {
  const a = 10; // ARGS
  const f = 12; // FARGS
  const op = i32[4]!; // OP
  const units = i32[8]!, chunks = i32[9]!; // UNITS, CHUNKS
  for (;;) {
    const word = Atomics.load(i32, 1); // CLAIM
    if (word >>> 16 !== tag || (word & 0xffff) >= chunks) return;
    if (Atomics.compareExchange(i32, 1, word, word + 1) !== word) continue;
    const c = word & 0xffff;
    const from = Math.floor((c * units) / chunks), to = Math.floor(((c + 1) * units) / chunks);
    try {
      if (op === 1 || op === 2) {
        // OP_GEMM_F32, OP_GEMM_F64: units are micro-tiles of 4 rows or `width` columns of C.
        const n = i32[a]!, k = i32[a + 1]!, pA = i32[a + 2]! >>> 0, sAi = i32[a + 3]!, sAp = i32[a + 4]!;
        const pB = i32[a + 5]! >>> 0, pC = i32[a + 6]! >>> 0, m = i32[a + 7]!, width = i32[a + 9]!;
        const alpha = f64[f]!, beta = f64[f + 1]!;
        const gemm = (op === 1 ? x.gemmF32 : x.gemmF64) as (...args: number[]) => void;
        if (i32[a + 8]) gemm(n, k, alpha, pA, sAi, sAp, pB, beta, pC, from * 4, Math.min(to * 4, m), 0, n);
        else gemm(n, k, alpha, pA, sAi, sAp, pB, beta, pC, 0, m, from * width, Math.min(to * width, n));
      } else if (op === 5 || op === 6) {
        // OP_SPARSE_F32, OP_SPARSE_F64: units are rows of C.
        const sparse = (op === 5 ? x.gemmSparseF32 : x.gemmSparseF64) as (...args: number[]) => void;
        sparse(i32[a]!, i32[a + 1]! >>> 0, i32[a + 2]! >>> 0, i32[a + 3]! >>> 0, i32[a + 4]! >>> 0, f64[f]!, f64[f + 1]!, i32[a + 5]! >>> 0, from, to);
      } else if (op === 7 || op === 8) {
        // OP_PROGRAM_F32, OP_PROGRAM_F64: units are units of the program at the first argument.
        ((op === 7 ? x.runProgramF32 : x.runProgramF64) as (...args: number[]) => void)(i32[a]! >>> 0, from, to);
      } else {
        // OP_ADAM_F32, OP_ADAM_F64: units are blocks of 16 (ADAM_BLOCK) elements.
        const size = i32[a]!, first = from * 16, last = Math.min(to * 16, size);
        const off = first * (op === 3 ? 4 : 8);
        const adam = (op === 3 ? x.adamF32 : x.adamF64) as (...args: number[]) => void;
        adam(
          last - first, (i32[a + 1]! >>> 0) + off, (i32[a + 2]! >>> 0) + off, (i32[a + 3]! >>> 0) + off, (i32[a + 4]! >>> 0) + off,
          f64[f]!, f64[f + 1]!, f64[f + 2]!, f64[f + 3]!, f64[f + 4]!, f64[f + 5]!, f64[f + 6]!, f64[f + 7]!, f64[f + 8]!, i32[a + 5]!,
        );
      }
    } catch {
      Atomics.store(i32, 3, 1); // FAILED
    }
    if (worker) Atomics.add(i32, 6, 1); // WORKER_CHUNKS
    if (Atomics.add(i32, 2, 1) + 1 === chunks) Atomics.notify(i32, 2); // COMPLETED
  }
}

// Runs as a CommonJS script inside the worker (`eval: true`), so no file has to be resolved.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, control } = workerData;
const x = new WebAssembly.Instance(module, { env: { memory } }).exports;
const i32 = new Int32Array(memory.buffer, control, ${CONTROL_BYTES / 4});
const f64 = new Float64Array(memory.buffer, control, ${CONTROL_BYTES / 8});
const drain = ${drain.toString()};
let seen = Atomics.load(i32, ${SEQ});
let knownPages = 0;
Atomics.add(i32, ${READY}, 1);
parentPort.postMessage('ready');
for (;;) {
  let seq = Atomics.load(i32, ${SEQ});
  if (seq === seen) {
    // Poll for a while (the next kernel of a training step comes within microseconds), then sleep.
    const until = performance.now() + ${SPIN_MS};
    let polls = 0;
    while ((seq = Atomics.load(i32, ${SEQ})) === seen) {
      if ((++polls & 1023) === 0 && performance.now() > until) break;
    }
    if (seq === seen) {
      Atomics.wait(i32, ${SEQ}, seen);
      continue;
    }
  }
  seen = seq;
  if (i32[${OP}] === ${OP_QUIT}) break;
  // The memory may have grown since this thread last looked. V8 updates a worker's bounds for a
  // shared memory at its next interrupt check, so probe the job's last byte until it is in bounds
  // (each retry passes an interrupt check); a thread that cannot see it leaves the job to the others.
  const pages = i32[${PAGES}];
  if (pages > knownPages) {
    for (let tries = 0; tries < 2000; tries++) {
      try {
        x.probe(pages * 65536 - 1);
        knownPages = pages;
        break;
      } catch {
        Atomics.wait(i32, ${SLEEP}, 0, 0.05);
      }
    }
    if (pages > knownPages) continue;
  }
  drain(i32, f64, x, seq & 0x7fff, true);
}
`;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'message' | 'error' | 'exit', listener: (value: unknown) => void): void;
}

/** The part of `node:worker_threads` the pool uses. */
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

export class WorkerPool {
  private readonly workers: NodeWorker[] = [];
  private readonly control: number;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly exports: Record<string, unknown>;
  /** The integer arguments of the next job (in the shared control block; see `drain` for each op's). */
  readonly ints: Int32Array;
  /** The float arguments of the next job. */
  readonly floats: Float64Array;
  /** Resolves once every worker has instantiated the module (or failed to start). */
  readonly ready: Promise<void>;
  private disposed = false;
  private slowWaits = 0;
  private restUntil = 0;
  private restMs = REST_MS;
  private quickWaits = 0;
  private windowJobs = 0;
  private jobs = 0;
  private windowChunks = 0;
  private windowByWorkers = 0;
  /** How many times the pool stopped splitting because the machine was oversubscribed (diagnostics). */
  rests = 0;

  private readonly arena: Arena;

  constructor(threads: WorkerThreadsModule, arena: Arena, module: WebAssembly.Module, exports: object, count: number) {
    this.arena = arena;
    this.exports = exports as Record<string, unknown>;
    this.control = arena.alloc(CONTROL_BYTES);
    // The control block sits low in a shared memory, so these views stay valid when it grows.
    this.i32 = new Int32Array(arena.memory.buffer, this.control, CONTROL_BYTES / 4);
    this.f64 = new Float64Array(arena.memory.buffer, this.control, CONTROL_BYTES / 8);
    this.i32.fill(0);
    this.ints = this.i32.subarray(ARGS, ARGS + INT_ARGS);
    this.floats = this.f64.subarray(FARGS, FARGS + FLOAT_ARGS);
    const started: Promise<void>[] = [];
    for (let w = 0; w < count; w++) {
      const worker = new threads.Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module, memory: arena.memory, control: this.control },
      });
      started.push(
        new Promise<void>((resolve) => {
          // Until it has started, a worker keeps the process alive (so that awaiting `ready` works in
          // a script with nothing else to do); afterwards an idle pool must not.
          const onStart = (): void => {
            worker.unref();
            resolve();
          };
          worker.on('message', onStart);
          worker.on('error', onStart);
          worker.on('exit', onStart);
        }),
      );
      this.workers.push(worker);
    }
    this.ready = Promise.all(started).then(() => undefined);
  }

  /** Chunks computed by worker threads so far. */
  workerChunks(): number {
    return Atomics.load(this.i32, WORKER_CHUNKS);
  }

  /**
   * Runs the job whose arguments are in {@link ints} and {@link floats}: `units` of work cut into
   * `chunks` ranges, claimed by the calling thread and the started workers; returns when all are done.
   */
  run(op: number, units: number, chunks: number): void {
    const { i32, f64 } = this;
    i32[UNITS] = units;
    i32[CHUNKS] = chunks;
    const seq = (i32[SEQ]! + 1) & 0x7fffffff;
    const tag = seq & 0x7fff;
    const byWorkers = Atomics.load(i32, WORKER_CHUNKS);
    i32[OP] = op;
    i32[PAGES] = this.arena.pages;
    Atomics.store(i32, COMPLETED, 0);
    Atomics.store(i32, CLAIM, tag << 16);
    Atomics.store(i32, SEQ, seq);
    Atomics.notify(i32, SEQ);
    const started = performance.now();
    drain(i32, f64, this.exports, tag, false);
    // The chunks still running are the workers' last ones: poll briefly, then sleep until notified.
    if (Atomics.load(i32, COMPLETED) < chunks) {
      const drained = performance.now();
      let polls = 0;
      for (let done = Atomics.load(i32, COMPLETED); done < chunks; done = Atomics.load(i32, COMPLETED)) {
        if (++polls > 20000) Atomics.wait(i32, COMPLETED, done);
      }
      this.noteWait(performance.now() - drained, drained - started);
    }
    this.noteShare(chunks, Atomics.load(i32, WORKER_CHUNKS) - byWorkers);
    if (Atomics.exchange(i32, FAILED, 0) !== 0) throw new Error('wasm backend: a kernel chunk failed');
  }

  /**
   * The other half of the guard: polling workers that other processes keep off the cores take few
   * chunks while still competing for CPU time with the calling thread. When over {@link SHARE_WINDOW}
   * jobs the workers computed less than half their fair share of the chunks, the pool rests too.
   */
  private noteShare(chunks: number, byWorkers: number): void {
    // The first jobs run while the workers' code is still being compiled: not a sign of a busy machine.
    if (++this.jobs <= WARM_UP_JOBS) return;
    this.windowChunks += chunks;
    this.windowByWorkers += byWorkers;
    if (++this.windowJobs < SHARE_WINDOW) return;
    const fair = (this.workers.length / (this.workers.length + 1)) * this.windowChunks;
    const starved = this.windowByWorkers < 0.5 * fair;
    this.windowJobs = this.windowChunks = this.windowByWorkers = 0;
    if (starved) this.rest();
  }

  private rest(): void {
    this.slowWaits = 0;
    this.quickWaits = 0;
    this.restUntil = performance.now() + this.restMs;
    // Resting again soon after a rest: rest longer next time (up to 16 s).
    this.restMs = Math.min(80 * REST_MS, 2 * this.restMs);
    this.rests++;
  }

  /**
   * Oversubscription guard. On a quiet machine the calling thread waits at most about one chunk for
   * the workers, less than its own share of the job took; when other processes keep the cores busy, a
   * worker that was descheduled holding a chunk stalls kernels for up to a scheduler time slice, and
   * splitting makes training slower than one thread. After {@link SLOW_WAITS} such stalls in a row the pool rests
   * (kernels run on the calling thread, with the same bits), from {@link REST_MS} doubling while the
 * stalls continue, then tries again.
   */
  private noteWait(ms: number, drainedMs: number): void {
    if (this.jobs < WARM_UP_JOBS) return;
    // A stall: waiting longer than the calling thread's own share of the job took (on a quiet machine
    // the wait is at most about one chunk, a fraction of that share), and not a sub-0.1 ms blip.
    if (ms < Math.max(STALL_FLOOR_MS, drainedMs)) {
      this.slowWaits = 0;
      // A long run of quick jobs: the machine is quiet again, so the next rest starts short.
      if (++this.quickWaits >= 1000) this.restMs = REST_MS;
      return;
    }
    this.quickWaits = 0;
    if (++this.slowWaits >= SLOW_WAITS) this.rest();
  }

  /** Whether the next kernel should be split: workers started and the pool is not resting. */
  available(): boolean {
    if (this.disposed || Atomics.load(this.i32, READY) === 0) return false;
    // Once a rest is over, forget it, so that later calls need no clock.
    if (this.restUntil !== 0 && performance.now() >= this.restUntil) this.restUntil = 0;
    return this.restUntil === 0;
  }

  /** Stops every worker; later calls run on the calling thread only. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.i32[OP] = OP_QUIT;
    Atomics.store(this.i32, SEQ, (this.i32[SEQ]! + 1) & 0x7fffffff);
    Atomics.notify(this.i32, SEQ);
    for (const worker of this.workers) void worker.terminate();
  }
}
