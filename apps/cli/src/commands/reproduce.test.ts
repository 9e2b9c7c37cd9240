import { describe, expect, it } from 'vitest';
import { runCli } from '../testing.js';

describe('ffnn reproduce', () => {
  it('names an unknown profile or part (exit 2) before running anything', async () => {
    const profile = await runCli('reproduce', '--profile', 'fast');
    expect(profile.code).toBe(2);
    expect(profile.stderr).toBe('ffnn: --profile must be one of quick, full, test; got "fast"\n');
    const part = await runCli('reproduce', 'b', 'h', '--profile', 'test');
    expect(part.code).toBe(2);
    expect(part.stderr).toBe('ffnn: unknown part "h"; choose from a, b, c, d, e, f, g\n');
    expect(part.stdout).toBe('');
    const seed = await runCli('reproduce', '--seed', '-1');
    expect(seed.code).toBe(2);
    expect(seed.stderr).toBe('ffnn: --seed must be an integer ≥ 0; got "-1"\n');
  });
});
