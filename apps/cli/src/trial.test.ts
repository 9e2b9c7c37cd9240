import { describe, expect, it } from 'vitest';
import { trialConfigOf, trialFlags } from './train-options.js';
import { type TrialConfig, runTrial } from './trial.js';

/** A small Runge trial with the command's defaults. */
const config = (over: Record<string, number | string | boolean> = {}): TrialConfig => trialConfigOf(trialFlags({ n: 120, hidden: '6', epochs: 3, batchSize: 16, lr: 0.01, ...over }));

describe('runTrial', () => {
  it('same config, bit-identical result', async () => {
    const [a, b] = [await runTrial(config()), await runTrial(config())];
    expect(a.history.loss).toEqual(b.history.loss);
    expect(a.test).toEqual(b.test);
    expect(a.network.parameters().map((p) => Array.from(p.data))).toEqual(b.network.parameters().map((p) => Array.from(p.data)));
  });

  it('keeps the split seed apart from the seed: another seed trains other weights on the same rows', async () => {
    const base = await runTrial(config({ seed: 1 }));
    expect(base).toMatchObject({ seed: 1, splitSeed: 1 });
    const otherSeed = await runTrial(config({ seed: 2, splitSeed: 1 }));
    expect(otherSeed).toMatchObject({ seed: 2, splitSeed: 1 });
    expect(Array.from(otherSeed.prepared.trainRows)).toEqual(Array.from(base.prepared.trainRows));
    expect(otherSeed.history.loss).not.toEqual(base.history.loss);
    const otherSplit = await runTrial(config({ seed: 1, splitSeed: 2 }));
    expect(Array.from(otherSplit.prepared.trainRows)).not.toEqual(Array.from(base.prepared.trainRows));
  });

  it('reports to its hooks: the start once, then every batch and epoch', async () => {
    const events: string[] = [];
    const result = await runTrial(config(), {
      onStart: ({ prepared, network }) => events.push(`start ${prepared.trainRows.length} ${network.outputSize}`),
      onBatchEnd: (info) => events.push(`batch ${info.epoch}`),
      onEpochEnd: (info) => events.push(`epoch ${info.epoch}`),
    });
    expect(events[0]).toBe('start 96 1');
    expect(events.filter((e) => e.startsWith('batch'))).toHaveLength(3 * Math.ceil(96 / 16));
    expect(events.filter((e) => e.startsWith('epoch'))).toEqual(['epoch 0', 'epoch 1', 'epoch 2']);
    expect(result.history.loss).toHaveLength(3);
  });

  it('a standardized target trains in its own units: epoch losses and metrics in the hooks and the history agree', async () => {
    const seen: number[] = [];
    const result = await runTrial(config({ standardizeTarget: true }), { onEpochEnd: (info) => seen.push(info.loss) });
    expect(result.prepared.targetScale).not.toBeNull();
    expect(seen).toEqual(result.history.loss);
  });

  it('rejects test curves with early stopping, naming both', async () => {
    await expect(runTrial(config({ testCurves: true, earlyStopping: 3 }))).rejects.toThrow(/--test-curves and --early-stopping cannot be combined/);
  });
});
