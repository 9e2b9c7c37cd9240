import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { barChart, confusionChart, facetOrder, heatmap, lineChart } from './charts.js';
import { renderFigure, specToSvg } from './render.js';

const dir = process.env.FFNN_FIGURE_TEST_DIR ?? mkdtempSync(join(tmpdir(), 'ffnn-fig-'));
afterAll(() => {
  if (!process.env.FFNN_FIGURE_TEST_DIR) rmSync(dir, { recursive: true, force: true });
});

const curves = ['train', 'test'].flatMap((series, s) => Array.from({ length: 30 }, (_, i) => ({ epoch: i + 1, mse: (s + 1) / (i + 1), series })));

describe('figures', () => {
  it('renders a line chart to SVG with its title, axis titles and legend', async () => {
    const svg = await specToSvg(
      lineChart(curves, { title: 'Learning curves of a test run', x: 'epoch', y: 'mse', series: 'series', seriesTitle: 'data', xTitle: 'epoch', yTitle: 'MSE (y units²)', logY: true }),
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('</svg>');
    expect(svg).toContain('Learning curves of a test run');
    expect(svg).toContain('MSE (y units²)');
    expect(svg).toContain('epoch');
    expect(svg).toContain('train');
  });

  it('writes SVG and PNG files for heatmaps and confusion matrices', async () => {
    const heat = await renderFigure(
      dir,
      'x',
      'heat',
      heatmap(
        [
          { l1: '0', l2: '0', mse: 0.0031 },
          { l1: '1e-5', l2: '0', mse: 0.0029 },
        ],
        { title: 'A heatmap', x: 'l1', y: 'l2', value: 'mse', valueTitle: 'test MSE', xTitle: 'λ1', yTitle: 'λ2' },
      ),
    );
    const cm = await renderFigure(dir, 'x', 'cm', confusionChart([[50, 2], [3, 45]], 'A confusion matrix'));
    for (const f of [heat, cm]) {
      expect(readFileSync(join(dir, f.svg), 'utf8')).toContain(f.title);
      const png = readFileSync(join(dir, f.png!));
      expect([...png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // "PNG"
    }
    expect(readFileSync(join(dir, heat.svg), 'utf8')).toContain('λ2');
  });

  it('orders facet panels numerically, else as the data lists them', () => {
    const widths = [100, 200, 50].map((w) => ({ w: `width ${w}` }));
    expect(facetOrder(widths, 'w')).toEqual(['width 50', 'width 100', 'width 200']);
    expect(facetOrder([{ a: 'sigmoid' }, { a: 'relu' }, { a: 'sigmoid' }, { a: 'gelu' }], 'a')).toEqual(['sigmoid', 'relu', 'gelu']);
    expect(facetOrder([{ l: '1e-4' }, { l: '0' }, { l: '1e-5' }], 'l')).toEqual(['0', '1e-5', '1e-4']);
  });

  it('draws the panels in that order, legends below the plot with full-strength swatches', async () => {
    const data = [100, 200, 50].flatMap((w) => [1, 2].map((d) => ({ w: `width ${w}`, depth: d, mse: w * d })));
    const svg = await specToSvg(lineChart(data, { title: 'Facets', x: 'depth', y: 'mse', series: 'w', facet: 'w', xTitle: 'depth', yTitle: 'MSE' }));
    const at = (label: string) => svg.indexOf(`>${label}<`);
    expect(at('width 50')).toBeGreaterThan(-1);
    expect(at('width 50')).toBeLessThan(at('width 100'));
    expect(at('width 100')).toBeLessThan(at('width 200'));
    // Legend swatches: full opacity and a stroke at least as wide as the lines (1.8) they name.
    const swatches = [...svg.matchAll(/role-legend-symbol[^>]*>(<path[^>]*>)/g)].map((m) => m[1]!);
    expect(swatches.length).toBe(3);
    for (const sw of swatches) {
      expect(sw).toContain('opacity="1"');
      expect(sw).toContain('stroke-width="2.5"');
    }
  });

  it('labels every bar with its value, so a panel of zeros is not blank, and prints a subtitle note', async () => {
    const svg = await specToSvg(barChart([{ a: 'sigmoid', w: '10', v: 0 }, { a: 'relu', w: '10', v: 12.5 }], { title: 'Bars', subtitle: 'sigmoid: every bar is 0', x: 'w', y: 'v', facet: 'a', xTitle: 'width', yTitle: '%', format: '.1f' }));
    expect(svg).toContain('>0.0<');
    expect(svg).toContain('>12.5<');
    expect(svg).toContain('sigmoid: every bar is 0');
  });

  it('draws a band over the seed spread when yLow/yHigh are given', async () => {
    const data = [1, 2, 3].map((e) => ({ epoch: e, m: e, lo: e - 0.5, hi: e + 0.5 }));
    const withBand = await specToSvg(lineChart(data, { title: 'Band', x: 'epoch', y: 'm', yLow: 'lo', yHigh: 'hi', xTitle: 'epoch', yTitle: 'm' }));
    const without = await specToSvg(lineChart(data, { title: 'Band', x: 'epoch', y: 'm', xTitle: 'epoch', yTitle: 'm' }));
    expect(withBand).toContain('mark-area');
    expect(without).not.toContain('mark-area');
  });

  it('draws one band per line when lines are also told apart by dash (train and test of one series)', async () => {
    const data = [1, 2, 3].flatMap((e) => [
      { epoch: e, m: 10 * e, lo: 10 * e - 1, hi: 10 * e + 1, s: 'relu', data: 'train' },
      { epoch: e, m: e, lo: e - 0.5, hi: e + 0.5, s: 'relu', data: 'test' },
    ]);
    const svg = await specToSvg(lineChart(data, { title: 'Bands', x: 'epoch', y: 'm', yLow: 'lo', yHigh: 'hi', series: 's', dash: 'data', xTitle: 'epoch', yTitle: 'm' }));
    // Two areas (one per dash value), each drawn as its own path.
    expect(svg.match(/<path[^>]*aria-roledescription="area mark"/g)).toHaveLength(2);
  });
});
