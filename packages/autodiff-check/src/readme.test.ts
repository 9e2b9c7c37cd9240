import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Matrix, map, sumAll } from '@ffnn/tensor';
import { describe, expect, it } from 'vitest';
import { arbMatrixOfShape, assertGradCheck, formatGradCheckTable, gradCheck } from './index.js';

// The README's example, run as written; the tables it shows must be what this prints.
describe('README example', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const W = Matrix.from([
    [0.5, -1.2, 2.0],
    [0.1, 0.7, -0.3],
  ]);
  const loss = (): number => sumAll(map(W, Math.sin, Matrix.zeros(2, 3)));

  it('passes for cos(W) and shows that table', () => {
    const dW = map(W, Math.cos, Matrix.zeros(2, 3));
    const report = gradCheck(loss, [W], [dW], { names: ['W'] });
    expect(() => assertGradCheck(report)).not.toThrow();
    expect(readme).toContain('```text\n' + formatGradCheckTable(report) + '\n```');
  });

  it('fails for −sin(W) and shows that table', () => {
    const wrong = map(W, (x) => -Math.sin(x), Matrix.zeros(2, 3));
    const report = gradCheck(loss, [W], [wrong], { names: ['W'] });
    expect(() => assertGradCheck(report)).toThrow(formatGradCheckTable(report));
    expect(readme).toContain('```text\n' + formatGradCheckTable(report) + '\n```');
  });
});

describe('README property-test example', () => {
  it('d/dz Σ tanh(z) = 1 − tanh²(z)', () => {
    fc.assert(
      fc.property(arbMatrixOfShape({ min: -3, max: 3 }), (z) => {
        const loss = (): number => sumAll(map(z, Math.tanh, Matrix.zeros(z.rows, z.cols)));
        const dz = map(z, (x) => 1 - Math.tanh(x) ** 2, Matrix.zeros(z.rows, z.cols));
        assertGradCheck(gradCheck(loss, [z], [dz], { names: ['z'] }));
      }),
      { numRuns: 200 },
    );
  });
});
