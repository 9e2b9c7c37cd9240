import { describe, expect, it } from 'vitest';
import { runCli } from '../testing.js';

// The help of each command is what users read first: a change to it should be seen in review.
describe('--help of each command', () => {
  for (const command of [['train'], ['evaluate'], ['predict'], ['gradcheck'], ['reproduce'], ['export'], ['sweep'], ['sweep', 'run'], ['sweep', 'merge'], ['sweep', 'report']]) {
    it(`ffnn ${command.join(' ')} --help`, async () => {
      const r = await runCli(...command, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatchSnapshot();
    });
  }
});
