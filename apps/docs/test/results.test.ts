import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildResultsPages, csvToMarkdown, figureSize, figuresToHtml, formatCell, localTargets, notGeneratedPage, rewriteLinks, splitSections, timingsMarkdown, writeResults } from '../src/report/generate.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A results directory shaped like `ffnn reproduce` output (values are arbitrary test data, never published). */
function fixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ffnn-docs-results-test-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'b'));
  mkdirSync(join(dir, 'd'));
  writeFileSync(join(dir, 'b/data.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="320"/>');
  writeFileSync(join(dir, 'b/grid.csv'), 'hidden,lr,test_mse\n"50,50",0.001,0.00251234567\n');
  writeFileSync(join(dir, 'b/extra.png'), 'png');
  writeFileSync(join(dir, 'd/gap.csv'), 'activation,gap\nrelu,1\n');
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ profile: 'quick', seed: 1993, versions: { node: 'v20' }, timings: [1, 2] }));
  writeFileSync(
    join(dir, 'report.md'),
    [
      '# Study report',
      'Intro {{ not vue }}.',
      '## Contents',
      '- [(b) Regression](#b-regression)',
      '## (b) Regression',
      'Text ![data](b/data.svg) and [grid](b/grid.csv).',
      '```md',
      '## not a heading',
      '```',
      '## Where our numbers differ',
      'Differences $x^2$.',
    ].join('\n'),
  );
  return dir;
}

describe('results pages from a reproduce directory', () => {
  it('splits report.md into sections, ignoring headings in code fences', () => {
    const s = splitSections('# T\npre\n## A\na\n```\n## no\n```\n## B\nb');
    expect(s.title).toBe('T');
    expect(s.preamble).toBe('pre');
    expect(s.sections.map((x) => x.heading)).toEqual(['A', 'B']);
    expect(s.sections[0]!.body).toContain('## no');
  });

  it('rewrites relative links to the published assets and leaves absolute ones', () => {
    const md = '![f on [−5, 5]](b/x.svg) [t](./b/t.csv) [w](https://e.org) [s](#a) <img src="d/y.png">';
    expect(localTargets(md)).toEqual(['b/x.svg', './b/t.csv', 'd/y.png']);
    expect(rewriteLinks(md, '.', '/r')).toBe('![f on [−5, 5]](/r/b/x.svg) [t](/r/b/t.csv) [w](https://e.org) [s](#a) <img src="/r/d/y.png">');
  });

  it('sizes figures as drawn: SVG width/height, a 2× PNG at half its pixels, and prefers the SVG of a PNG', () => {
    const dir = fixture();
    expect(figureSize(dir, 'b/data.svg')).toEqual({ width: 640, height: 320 });
    const png = Buffer.alloc(24);
    png.write('\x89PNG', 0, 'latin1');
    png.writeUInt32BE(1300, 16);
    png.writeUInt32BE(600, 20);
    writeFileSync(join(dir, 'b/data.png'), png);
    writeFileSync(join(dir, 'b/only.png'), png);
    expect(figureSize(dir, 'b/only.png')).toEqual({ width: 650, height: 300 });
    expect(figureSize(dir, 'b/extra.png')).toBeNull(); // not a PNG at all: no size is made up
    const html = figuresToHtml('![A plot](b/data.png)\n\n![B](b/only.png) ![C](https://e.org/c.png) ![D](b/missing.png)', dir, '/r');
    expect(html).toContain('<img src="/r/b/data.svg" alt="A plot" width="640" height="320"');
    expect(html).toContain('<img src="/r/b/only.png" alt="B" width="650" height="300"');
    expect(html).toContain('![C](https://e.org/c.png) ![D](b/missing.png)');
  });

  it('renders CSV tables with quoted cells and readable numbers', () => {
    expect(csvToMarkdown('a,b\n"x,y",0.00251234567\n').table).toBe('| a | b |\n| --- | --- |\n| x,y | 0.00251235 |');
    expect(formatCell('0.0000123456')).toBe('1.235e-5');
    expect(formatCell('97')).toBe('97');
    expect(formatCell('relu')).toBe('relu');
    expect(csvToMarkdown('a\n1\n2\n3\n', 2)).toMatchObject({ rows: 3, shown: 2 });
  });

  it('makes one page per section, shows every file, and finds the differences section', () => {
    const dir = fixture();
    const out = buildResultsPages(dir, '/results-data');
    expect(out.pages.map((p) => p.slug)).toEqual(['index', 'b-regression', 'where-our-numbers-differ', 'files-d']);
    const b = out.pages[1]!.markdown;
    // A figure at its drawn size (640 px wide), not a Markdown image squeezed into the column.
    expect(b).toContain('<span class="results-figure" style="--figure-width: 640px"><img src="/results-data/b/data.svg" alt="data" width="640" height="320" data-natural-width="640"');
    expect(b).toMatch(/^---\naside: false\npageClass: results-page\n---/);
    expect(b).toContain('::: v-pre'); // report text is not compiled as a Vue template
    expect(b).toContain('/results-data/b/extra.png'); // not referenced by the report, still shown on its part's page
    expect(b).not.toContain('### Grid'); // grid.csv is linked by the report, so it is not repeated
    const index = out.pages[0]!.markdown;
    expect(index).toContain('[Where our numbers differ](./where-our-numbers-differ)');
    expect(index).toContain('| `profile` | quick |');
    expect(index).toContain('| `versions.node` | v20 |');
    expect(out.pages[3]!.markdown).toContain('| relu | 1 |');
    expect(out.assets).toContain('b/data.svg');
    expect(out.sidebar[0]).toEqual({ text: 'Overview', link: '/results/' });

    const pagesDir = join(dir, 'out-pages');
    const assetsDir = join(dir, 'out-assets');
    writeResults(out, dir, pagesDir, assetsDir);
    expect(readFileSync(join(assetsDir, 'b/data.svg'), 'utf8')).toContain('<svg');
    expect(readFileSync(join(pagesDir, 'index.md'), 'utf8')).toContain('# Study report');
  });

  it('warns when the report has no differences section, and says so when nothing was generated', () => {
    const dir = fixture();
    writeFileSync(join(dir, 'report.md'), '# R\n## (a) Gradients\ntext');
    expect(buildResultsPages(dir, '/x').pages[0]!.markdown).toContain('No "where our numbers differ" section');
    expect(notGeneratedPage('no reproduce command').pages[0]!.markdown).toContain('no reproduce command');
  });

  it('tables the wall time of every part (seconds below a minute), with the phases the manifest breaks a part into', () => {
    const md = timingsMarkdown({ timingsMs: { a: 800, b: 60000, f: 1800000, total: 1860800 }, phaseTimingsMs: { f: { grid: 1500000, final: 240000, logistic: 59000 } } });
    expect(md).toContain('| a | 0.8 s |  |');
    expect(md).toContain('| b | 1.0 min |  |');
    expect(md).toContain('| f | 30.0 min | grid 25.0 min, final 4.0 min, logistic 59.0 s |');
    expect(md).toContain('| **total** | 31.0 min |  |');
    expect(timingsMarkdown({ profile: 'quick' })).toBe('');
  });
});
