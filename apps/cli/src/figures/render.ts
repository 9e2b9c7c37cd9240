import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { join } from 'node:path';
import { writeFileAtomic } from '../io.js';

/** A figure written by {@link renderFigure}: paths relative to the output directory. */
export interface FigureFile {
  name: string;
  title: string;
  svg: string;
  png: string | null;
}

const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

/** Shared look: readable fonts (resvg needs a font it can find), white background. */
function withTheme(spec: TopLevelSpec): TopLevelSpec {
  return {
    background: 'white',
    padding: 8,
    ...spec,
    config: {
      font: FONT,
      title: { fontSize: 15, font: FONT, anchor: 'start' },
      axisX: { labelAngle: 0 },
      axis: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 12 },
      // Legends below the plot (beside it they took up to half the width) with swatches as strong as
      // the marks they name (Vega's default swatch stroke, 1.5 px on a short dash, reads paler than our 1.8 px lines).
      legend: { labelFont: FONT, titleFont: FONT, labelFontSize: 11, titleFontSize: 12, labelLimit: 420, titleLimit: 300, orient: 'bottom', direction: 'horizontal', columns: 2, symbolOpacity: 1, symbolStrokeWidth: 2.5, symbolSize: 120, columnPadding: 16 },
      header: { labelFont: FONT, titleFont: FONT, labelFontSize: 12, titleFontSize: 12 },
      ...(spec.config ?? {}),
    },
  };
}

/** Compiles a Vega-Lite spec and renders it to an SVG string headlessly (no browser, no canvas). */
export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile(withTheme(spec)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG to PNG at 2× scale with the system fonts. */
export function svgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/**
 * Renders `spec` into `<outDir>/<subdir>/<name>.svg` and `.png` (atomically). PNG rendering is
 * skipped with `png: false` (tests) and reported as null when resvg is unavailable.
 */
export async function renderFigure(
  outDir: string,
  subdir: string,
  name: string,
  spec: TopLevelSpec,
  options: { png?: boolean } = {},
): Promise<FigureFile> {
  const svg = await specToSvg(spec);
  const svgRel = join(subdir, `${name}.svg`);
  writeFileAtomic(join(outDir, svgRel), svg);
  let pngRel: string | null = null;
  if (options.png ?? true) {
    pngRel = join(subdir, `${name}.png`);
    writeFileAtomic(join(outDir, pngRel), svgToPng(svg));
  }
  const title = typeof spec.title === 'string' ? spec.title : Array.isArray(spec.title) ? spec.title.join(' ') : (spec.title?.text as string | undefined) ?? name;
  return { name, title: String(title), svg: svgRel, png: pngRel };
}
