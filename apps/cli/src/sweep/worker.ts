import { trialConfigOf, trialFlags } from '../train-options.js';
import { runTrial } from '../trial.js';
import type { Trial } from './spec.js';
import type { TrialRecord } from './results.js';

/**
 * Trains one trial of a sweep (its config, optionally for another number of epochs) and returns its
 * record. The seeds are in the record's `config` (`splitSeed` when given, else `seed`); records keep
 * their layout so that result files from before merge with new ones.
 */
export async function runSweepTrial(trial: Trial, epochs: number | undefined, rung: number): Promise<TrialRecord> {
  const config = trialConfigOf(trialFlags(epochs === undefined ? trial.config : { ...trial.config, epochs }));
  const started = Date.now();
  // A diverging trial is a result of the sweep (stopReason `diverged`, best weights kept), not a failure.
  const result = await runTrial(config);
  return {
    trial: trial.index,
    id: trial.id,
    rung,
    epochs: config.epochs,
    config: trial.config,
    train: result.train,
    test: result.test,
    loss: result.history.loss,
    metric: result.history.metric,
    ...(config.testCurves ? { testLoss: result.history.valLoss, testMetric: result.history.valMetric } : {}),
    stopReason: result.history.stopReason,
    ...(result.history.divergence ? { divergence: result.history.divergence.message } : {}),
    diagnostics: result.diagnostics.map(({ layer, activation, deadFraction, saturatedFraction }) => ({ layer, activation, deadFraction, saturatedFraction })),
    ...(result.spectral ? { spectral: result.spectral } : {}),
    timing: { seconds: (Date.now() - started) / 1000, epochMs: result.history.timeMs },
  };
}

/** Body of a worker process: trains the trials the parent sends, one at a time. */
export function workerMain(): void {
  // The parent disconnects when there is no more work, or is gone (killed): either way, stop.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (msg: { trial: Trial; epochs?: number; rung: number }) => {
    runSweepTrial(msg.trial, msg.epochs, msg.rung).then(
      (record) => process.send!({ ok: true, record }),
      (error: unknown) => process.send!({ ok: false, trial: msg.trial.index, error: error instanceof Error ? error.message : String(error) }),
    );
  });
}
