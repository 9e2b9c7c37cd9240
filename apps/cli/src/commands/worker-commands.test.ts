// The hidden commands that sweeps and the study start as worker processes: each installs the kernels
// FFNN_BACKEND names, then hands over to its worker loop (replaced here by recorders; the loops talk to
// their parent over IPC and run end to end in apps/cli/test).
import { getBackend, jsBackend, setBackend } from '@ffnn/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as LogisticJob from '../study/logistic-job.js';
import { runCli } from '../testing.js';

const started = vi.hoisted(() => [] as { loop: string; backend: string }[]);
vi.mock('../sweep/worker.js', () => ({ workerMain: () => started.push({ loop: 'sweep', backend: getBackend().name }) }));
vi.mock('../study/logistic-job.js', async (importOriginal) => ({
  ...(await importOriginal<typeof LogisticJob>()),
  logisticWorkerMain: () => started.push({ loop: 'logistic', backend: getBackend().name }),
}));

const saved = process.env.FFNN_BACKEND;
afterEach(() => {
  if (saved === undefined) delete process.env.FFNN_BACKEND;
  else process.env.FFNN_BACKEND = saved;
  setBackend(jsBackend);
  started.length = 0;
});

describe('worker commands', () => {
  it('sweep-worker and study-worker start their loops on the kernels FFNN_BACKEND names', async () => {
    process.env.FFNN_BACKEND = 'wasm';
    setBackend(jsBackend);
    expect((await runCli('sweep-worker')).code).toBe(0);
    setBackend(jsBackend);
    expect((await runCli('study-worker')).code).toBe(0);
    expect(started.map((s) => s.loop)).toEqual(['sweep', 'logistic']);
    expect(started.every((s) => s.backend !== 'js')).toBe(true);
  });
});
