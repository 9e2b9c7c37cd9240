import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { type TrainFlags, registerTrain } from './commands/train.js';
import { UsageError } from './errors.js';
import { studyBSpec, studyBWidthSpec } from './study/part-b.js';
import { studyESpec } from './study/part-e.js';
import { studyFSpec } from './study/part-f.js';
import { studyGSpec } from './study/part-g.js';
import { settingsFor } from './study/profiles.js';
import { PROFILES } from './study/types.js';
import { type OptionValue, expandTrials } from './sweep/spec.js';
import { trialFlags } from './train-options.js';

/** What `ffnn train` makes of the same settings on its command line (the reference). */
function parsedByCommandLine(config: Record<string, OptionValue>): TrainFlags {
  const program = new Command().exitOverride();
  registerTrain(program);
  let flags: TrainFlags | undefined;
  program.commands[0]!.exitOverride().action((f: TrainFlags) => {
    flags = f;
  });
  const argv = Object.entries(config).flatMap(([k, v]) => {
    const flag = k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    return v === true ? [`--${flag}`] : v === false ? [`--no-${flag}`] : [`--${flag}`, String(v)];
  });
  program.parse(['node', 'ffnn', 'train', ...argv]);
  return flags!;
}

describe('trialFlags', () => {
  it('gives every trial of the study, in every profile, the settings its flags give on the command line', () => {
    let trials = 0;
    for (const profile of PROFILES) {
      const s = settingsFor(profile);
      for (const spec of [studyBSpec(s, 1993), studyBWidthSpec(s, 1993, 'adam', 0.01), studyESpec(s, 7), studyFSpec(s, 1993), studyGSpec(s, 1993)]) {
        for (const t of expandTrials(spec)) {
          expect(trialFlags(t.config)).toEqual(parsedByCommandLine(t.config));
          trials++;
        }
      }
    }
    expect(trials).toBeGreaterThan(100);
  });

  it('applies the command defaults and parses values as their flags do', () => {
    const flags = trialFlags({ hidden: '10,10', lr: 0.01, features: 'poly:3', standardizeTarget: false, testCurves: true });
    expect(flags).toEqual(parsedByCommandLine({ hidden: '10,10', lr: 0.01, features: 'poly:3', standardizeTarget: false, testCurves: true }));
    expect(flags).toMatchObject({ data: 'runge', hidden: [10, 10], lr: 0.01, epochs: 100, batchSize: 64, standardize: true, standardizeTarget: false, testCurves: true });
    expect(trialFlags({ hidden: 7 }).hidden).toEqual([7]);
  });

  it('rejects bad configurations with a usage error naming the option', () => {
    expect(() => trialFlags({ lr: -1 })).toThrow(UsageError);
    expect(() => trialFlags({ lr: -1 })).toThrow(/trial options \{"lr":-1\}: --lr must be a positive number; got "-1"/);
    expect(() => trialFlags({ epoch: 3 })).toThrow(/unknown option\(s\) "epoch"/);
    expect(() => trialFlags({ activation: 'softmax' })).toThrow(/activation must be one of .*; got "softmax"/);
    expect(() => trialFlags({ testCurves: 'yes' })).toThrow(/testCurves is a switch/);
    expect(() => trialFlags({ epochs: true })).toThrow(/epochs takes a value/);
  });
});
