import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { confusionChart, heatmap, lineChart } from './charts.js';
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
});
