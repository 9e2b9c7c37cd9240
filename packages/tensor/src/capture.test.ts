import { describe, expect, it } from 'vitest';
import { type KernelBackend, jsBackend, withBackend } from './backend.js';
import { CaptureDeclined, type Replay, capture, hostCompute, isCapturing } from './capture.js';
import { bytesToFloat } from './fused.js';
import { Matrix } from './matrix.js';

/** jsBackend plus a capture protocol that logs what `capture` asks of it. */
function recordingBackend() {
  const log: string[] = [];
  let recording = false;
  const backend: KernelBackend = {
    ...jsBackend,
    name: 'recording',
    sumRows(m, n, A, beta, out) {
      if (recording) log.push(`record sumRows ${m}×${n}`);
      else jsBackend.sumRows(m, n, A, beta, out);
    },
    beginCapture() {
      log.push('begin');
      recording = true;
    },
    endCapture(declined): Replay | undefined {
      log.push(`end declined=${declined}`);
      recording = false;
      return declined ? undefined : { kernels: log.filter((l) => l.startsWith('record')).length, run: () => log.push('run') };
    },
  };
  return { backend, log };
}

const A = Float64Array.of(1, 2, 3, 4);
const out = new Float64Array(2);

describe('capture', () => {
  it('returns undefined without calling fn on a backend that cannot capture (jsBackend)', () => {
    let called = 0;
    withBackend(jsBackend, () => expect(capture(() => called++)).toBeUndefined());
    expect(called).toBe(0);
  });

  it('returns undefined without calling fn on a backend with only one half of the capture protocol', () => {
    const { backend } = recordingBackend();
    let called = 0;
    for (const half of [{ ...backend, beginCapture: undefined }, { ...backend, endCapture: undefined }]) {
      withBackend(half, () => expect(capture(() => called++)).toBeUndefined());
    }
    expect(called).toBe(0);
  });

  it('records the kernel calls of fn between beginCapture and endCapture, and is capturing only meanwhile', () => {
    const { backend, log } = recordingBackend();
    const seen: boolean[] = [];
    const replay = withBackend(backend, () =>
      capture(() => {
        seen.push(isCapturing());
        backend.sumRows(2, 2, A, 0, out);
      }),
    );
    expect(seen).toEqual([true]);
    expect(isCapturing()).toBe(false);
    expect(log).toEqual(['begin', 'record sumRows 2×2', 'end declined=false']);
    expect(replay?.kernels).toBe(1);
    replay!.run();
    expect(log.at(-1)).toBe('run');
  });

  it('declines (undefined, endCapture told so) when fn computes on the host, and names what', () => {
    const { backend, log } = recordingBackend();
    expect(withBackend(backend, () => capture(() => hostCompute('a softmax loop')))).toBeUndefined();
    expect(log).toEqual(['begin', 'end declined=true']);
    expect(isCapturing()).toBe(false);
    let message = '';
    withBackend(backend, () =>
      capture(() => {
        try {
          hostCompute('a softmax loop');
        } catch (error) {
          message = (error as Error).message;
          expect(error).toBeInstanceOf(CaptureDeclined);
          expect((error as Error).name).toBe('CaptureDeclined');
          throw error;
        }
      }),
    );
    expect(message).toBe('capture declined: a softmax loop runs in JavaScript');
    // Operations that loop in JavaScript say which one declined.
    withBackend(backend, () =>
      capture(() => {
        try {
          bytesToFloat(Uint8Array.of(1), 255, Matrix.zeros(1, 1));
        } catch (error) {
          message = (error as Error).message;
          throw error;
        }
      }),
    );
    expect(message).toBe('capture declined: bytesToFloat runs in JavaScript');
  });

  it('hostCompute outside a capture does nothing', () => {
    expect(() => hostCompute('anything')).not.toThrow();
  });

  it('lets other errors of fn through, after ending the capture as declined', () => {
    const { backend, log } = recordingBackend();
    expect(() => withBackend(backend, () => capture(() => { throw new RangeError('bad shape'); }))).toThrow(RangeError);
    expect(log).toEqual(['begin', 'end declined=true']);
    expect(isCapturing()).toBe(false);
  });

  it('does not nest: a capture inside a capture returns undefined and the outer one goes on', () => {
    const { backend, log } = recordingBackend();
    let inner: Replay | undefined | null = null;
    const outer = withBackend(backend, () =>
      capture(() => {
        inner = capture(() => backend.sumRows(2, 2, A, 0, out));
        backend.sumRows(2, 2, A, 0, out);
      }),
    );
    expect(inner).toBeUndefined();
    expect(outer?.kernels).toBe(1);
    expect(log).toEqual(['begin', 'record sumRows 2×2', 'end declined=false']);
  });
});
