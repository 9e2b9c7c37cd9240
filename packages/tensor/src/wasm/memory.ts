import type { DType, FloatArray } from '../matrix.js';

const PAGE = 65536;
/** Alignment of every block: a cache line, so SIMD loads never straddle one needlessly. */
const ALIGN = 64;
/** The largest linear memory a wasm32 module can address (4 GiB). */
const MAX_PAGES = 65536;

export function alignUp(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}

/**
 * The linear memory of the kernels and a small allocator over it: resident buffers (allocated once,
 * reused through exact-size free lists) and one scratch block, grown geometrically and reused by
 * every call, so steady-state kernels allocate nothing.
 */
export class Arena {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  /** Views of the whole memory, refreshed after every growth. */
  f32!: Float32Array;
  f64!: Float64Array;
  i32!: Int32Array;
  u8!: Uint8Array;
  /** Size of the memory in 64 KiB pages. */
  pages = 0;
  private top: number;
  private readonly free = new Map<number, number[]>();
  private scratchPtr = 0;
  private scratchBytes = 0;
  /**
   * Every ArrayBuffer/SharedArrayBuffer object that has backed this memory. A shared memory hands out
   * a new buffer object after each growth, and views made earlier keep the old object (and stay valid).
   */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  /** The buffer object of the memory since its last growth. */
  private current!: ArrayBufferLike;
  /**
   * Gives a resident block back to the free lists once its typed array has been garbage collected,
   * so that building many networks does not exhaust the 4 GiB of wasm32 memory. A subarray does not
   * keep its parent alive: callers keep the array itself (as a Matrix does) while they use the memory.
   */
  private readonly reclaim = new FinalizationRegistry<{ ptr: number; bytes: number }>(({ ptr, bytes }) => this.release(ptr, bytes));

  constructor(shared: boolean, start: number) {
    this.shared = shared;
    const initial = Math.max(16, Math.ceil((start + 1) / PAGE));
    this.memory = shared
      ? new WebAssembly.Memory({ initial, maximum: MAX_PAGES, shared: true })
      : new WebAssembly.Memory({ initial });
    this.top = alignUp(start);
    this.refresh();
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    this.current = buffer;
    this.pages = buffer.byteLength / PAGE;
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
  }

  /** Reserves `bytes` at the top of the heap, growing the memory (at least doubling) when needed. */
  private bump(bytes: number): number {
    const ptr = this.top;
    const end = ptr + alignUp(bytes);
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil(Math.max(end, 2 * have) / PAGE);
      const wanted = Math.min(pages, MAX_PAGES) - have / PAGE;
      if (end > (have / PAGE + wanted) * PAGE) throw new RangeError(`wasm backend: ${end} bytes exceed the 4 GiB of wasm32 memory`);
      this.memory.grow(wanted);
      this.refresh();
    }
    this.top = end;
    return ptr;
  }

  /** A block of `bytes` (64-byte aligned); reuses a released block of the same size when there is one. */
  alloc(bytes: number): number {
    const size = alignUp(Math.max(bytes, 1));
    const list = this.free.get(size);
    const reused = list?.pop();
    return reused ?? this.bump(size);
  }

  /** Returns a block from {@link alloc} for reuse by a later request of the same size. */
  release(ptr: number, bytes: number): void {
    const size = alignUp(Math.max(bytes, 1));
    let list = this.free.get(size);
    if (list === undefined) this.free.set(size, (list = []));
    list.push(ptr);
  }

  /**
   * The scratch block, at least `bytes` long. Valid until the next call of `scratch`; grows by
   * doubling so that a training loop reaches its steady size after a few calls.
   */
  scratch(bytes: number): number {
    if (bytes > this.scratchBytes) {
      if (this.scratchBytes > 0) this.release(this.scratchPtr, this.scratchBytes);
      const size = Math.max(alignUp(bytes), 2 * this.scratchBytes, 1 << 16);
      this.scratchPtr = this.alloc(size);
      this.scratchBytes = alignUp(size);
    }
    return this.scratchPtr;
  }

  /** Whether `data` lives in this memory, as a view the kernels can use without copying. */
  isResident(data: FloatArray): boolean {
    const buffer = data.buffer;
    // Most resident arrays were made since the last growth: one comparison instead of a WeakSet lookup.
    return buffer === this.current || this.buffers.has(buffer);
  }

  /** A typed array of `length` elements living in this memory (see {@link isResident}). */
  allocateResident(dtype: DType, length: number): FloatArray {
    const bytesPer = dtype === 'float32' ? 4 : 8;
    const ptr = this.alloc(length * bytesPer);
    // The buffer object of the last refresh, not `memory.buffer`: V8 may hand out a new object for a
    // shared memory that has not grown, and views on it would not be recognised as resident.
    const buffer = this.current;
    const out = dtype === 'float32' ? new Float32Array(buffer, ptr, length) : new Float64Array(buffer, ptr, length);
    out.fill(0);
    this.reclaim.register(out, { ptr, bytes: length * bytesPer });
    return out;
  }
}
