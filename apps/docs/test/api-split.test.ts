import { describe, expect, it } from 'vitest';
import { anchorOf, barrelModules, splitByModule, symbolName, unescapeMath } from '../scripts/api-split.js';

describe('API reference pages per module', () => {
  const barrel = [
    '/** a package */',
    "export { type Activation, activation, reluForward } from './activations.js';",
    "export { Sequential, type SequentialOptions as Options } from './network.js';",
    "export { StandardScaler } from './preprocessing/scalers.js';",
  ].join('\n');

  it('reads which module each public name comes from', () => {
    const m = barrelModules(barrel);
    expect(m.get('activation')).toEqual({ path: 'activations', page: 'activations' });
    expect(m.get('Activation')!.path).toBe('activations');
    expect(m.get('Options')!.path).toBe('network');
    expect(m.has('SequentialOptions')).toBe(false);
    expect(m.get('StandardScaler')).toEqual({ path: 'preprocessing/scalers', page: 'preprocessing-scalers' });
  });

  it('splits a TypeDoc page by module, keeps kinds in order, and points links at the other pages', () => {
    const page = [
      'Intro.',
      '## Classes',
      '### Sequential',
      'Uses [Activation](#activation) and [itself](#sequential).',
      '```ts',
      '## not a heading',
      '```',
      '## Interfaces',
      '### Activation',
      'See [Sequential](#sequential).',
      '## Functions',
      '### activation()',
      'Returns [Activation](#activation).',
      '### mystery()',
      'Not in the barrel; see [MNIST_FILES](#mnist_files).',
      '## Variables',
      '### MNIST\\_FILES',
      'Files.',
      '## Classes',
      '### `abstract` LinearRegressor',
      'Base.',
    ].join('\n');
    const { preamble, pages } = splitByModule(page, barrelModules(barrel));
    expect(preamble).toBe('Intro.');
    expect([...pages.keys()]).toEqual(['network', 'activations', 'other']);
    const network = pages.get('network')!.markdown;
    expect(network).toContain('## Classes\n\n### Sequential');
    expect(network).toContain('[Activation](./activations#activation) and [itself](#sequential)');
    expect(network).toContain('## not a heading'); // inside a code fence: not split
    const acts = pages.get('activations')!;
    expect(acts.symbols).toEqual(['Activation', 'activation()']);
    expect(acts.markdown.indexOf('## Interfaces')).toBeLessThan(acts.markdown.indexOf('## Functions'));
    expect(acts.markdown).toContain('See [Sequential](./network#sequential).');
    expect(acts.markdown).toContain('Returns [Activation](#activation).');
    expect(pages.get('other')!.symbols).toEqual(['mystery()', 'MNIST_FILES', 'abstract LinearRegressor']);
    expect(pages.get('other')!.markdown).toContain('[MNIST_FILES](#mnist-files)'); // TypeDoc's anchor, VitePress's slug
  });

  it('gives a heading the anchor VitePress gives it', () => {
    expect(anchorOf('activation()')).toBe('activation');
    expect(anchorOf('MNIST_FILES')).toBe('mnist-files');
    expect(anchorOf('abstract LinearRegressor')).toBe('abstract-linearregressor');
    expect(symbolName('`abstract` LinearRegressor')).toBe('LinearRegressor');
    expect(symbolName('OPTIMIZER\\_NAMES')).toBe('OPTIMIZER_NAMES');
  });

  it('undoes the sanitizer inside math only', () => {
    expect(unescapeMath('a \\{b\\} $z^\\{(l)\\} = \\frac\\{1\\}\\{2\\}$ and $$x_\\{i\\}$$')).toBe('a \\{b\\} $z^{(l)} = \\frac{1}{2}$ and $$x_{i}$$');
    expect(unescapeMath('$$\nJ = \\sum\\_l \\{a\\}\n$$\n\nthen $y\\_\\{i\\}$ \\_')).toBe('$$\nJ = \\sum_l {a}\n$$\n\nthen $y_{i}$ \\_');
  });
});
