import { describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { trialFlags } from './train-options.js';

describe('trialFlags messages and ranges', () => {
  it('--dropout takes a rate in [0, 1)', () => {
    expect(trialFlags({ dropout: 0 }).dropout).toBe(0);
    expect(trialFlags({ dropout: 0.5 }).dropout).toBe(0.5);
    for (const bad of [1, -0.1, 1.5]) {
      expect(() => trialFlags({ dropout: bad })).toThrow(UsageError);
      expect(() => trialFlags({ dropout: bad })).toThrow(`trial options {"dropout":${bad}}: --dropout must be a number in [0, 1); got "${bad}"`);
    }
  });

  it('names every unknown option and every allowed choice', () => {
    expect(() => trialFlags({ epoch: 3, lrate: 1 })).toThrow('trial options {"epoch":3,"lrate":1}: unknown option(s) "epoch", "lrate"');
    expect(() => trialFlags({ dtype: 'float16' })).toThrow('trial options {"dtype":"float16"}: dtype must be one of float64, float32; got "float16"');
  });
});
