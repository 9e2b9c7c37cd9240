import { getBackend } from './backend.js';

/**
 * Record and replay: the kernel calls a piece of ordinary code makes, captured once and replayed in
 * one backend call per phase (in the spirit of CUDA graphs and tinygrad's JIT). The code is not
 * special: a network's own forward and backward pass, for example. Nothing here knows what the code
 * computes; the backend only sees its kernel calls.
 */

/** A captured sequence of kernel calls (see {@link capture}). */
export interface Replay {
  /**
   * Runs the captured kernel calls again, in their order, on the current contents of the same
   * buffers: exactly the bits the calls would compute one by one.
   */
  run(): void;
  /** Number of kernel calls captured. */
  readonly kernels: number;
}

/**
 * Thrown inside a capture by a call that cannot be recorded (host computation, an operand outside
 * the backend's memory); {@link capture} catches it and returns undefined.
 */
export class CaptureDeclined extends Error {
  constructor(reason: string) {
    super(`capture declined: ${reason}`);
    this.name = 'CaptureDeclined';
  }
}

let capturing = false;

/**
 * Runs `fn` once with the installed backend recording instead of computing: every kernel call it
 * makes appends a record (and computes nothing yet). Returns the {@link Replay} of those calls, or
 * undefined, having computed nothing, when the backend cannot capture (e.g. the JavaScript backend)
 * or `fn` did something that cannot be replayed: computation on the host ({@link hostCompute}), an
 * operand the backend cannot address in place, a nested capture. Host code in `fn` that is not
 * computation (shape checks, allocating buffers) runs once, now; it is not part of the replay.
 * Errors thrown by `fn` propagate.
 *
 * @example
 * ```ts
 * const layer = () => {
 *   matmul(X, W, Z);
 *   addRowVector(Z, b, Z);
 * };
 * const replay = capture(layer); // computes nothing yet
 * if (replay) replay.run(); // both kernels in one backend call
 * else layer();
 * ```
 */
export function capture(fn: () => void): Replay | undefined {
  const backend = getBackend();
  if (capturing || backend.beginCapture === undefined || backend.endCapture === undefined) return undefined;
  capturing = true;
  backend.beginCapture();
  let declined = true;
  try {
    fn();
    declined = false;
  } catch (error) {
    if (!(error instanceof CaptureDeclined)) {
      backend.endCapture(true);
      capturing = false;
      throw error;
    }
  }
  capturing = false;
  return backend.endCapture(declined);
}

/**
 * Marks computation on the host (JavaScript loops over a matrix's elements): outside a capture it
 * does nothing; inside one it declines the capture, since a replay would skip it.
 */
export function hostCompute(what: string): void {
  if (capturing) throw new CaptureDeclined(`${what} runs in JavaScript`);
}

/** Whether a {@link capture} is recording. */
export function isCapturing(): boolean {
  return capturing;
}
