import { describe, expect, it } from 'vitest';
import { fitLogistic, fitLogisticAside } from '../src/study/logistic-job.js';

const bin = new URL('../dist/bin.js', import.meta.url).pathname;
const job = { seed: 7, rows: 300, C: 1, maxIter: 15 };

describe('part (f) logistic regression beside the final training', () => {
  it('fits in a worker process of the entry script to the same bits as here', async () => {
    const here = fitLogistic(job);
    const aside = await fitLogisticAside(job, bin);
    expect(aside.model).toEqual(here.model);
    expect(aside.model.weights).toHaveLength(10);
    expect(aside.fitMs).toBeGreaterThan(0);
  }, 60_000);

  it('fits here when there is no entry script (a library call)', async () => {
    expect((await fitLogisticAside(job, undefined)).model).toEqual(fitLogistic(job).model);
  });

  it('names the failure when the worker process cannot fit', async () => {
    await expect(fitLogisticAside({ ...job, C: -1 }, bin)).rejects.toThrow(/logistic regression failed in its worker process: .*C/);
  }, 60_000);
});
