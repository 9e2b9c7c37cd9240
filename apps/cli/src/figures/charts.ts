import type { TopLevelSpec } from 'vega-lite';

/** One data point of a chart: plain named values. */
export type Datum = Record<string, number | string | null>;

const WIDTH = 460;
const HEIGHT = 280;

/**
 * The order of facet panels: the values in the order they first appear in the data (the order the
 * study lists its settings), numbers compared as numbers ("width 50, 100, 200", never "100, 200, 50").
 */
export function facetOrder(data: readonly Datum[], field: string): (string | number)[] {
  const seen: (string | number)[] = [];
  for (const d of data) {
    const v = d[field];
    if (v !== null && v !== undefined && !seen.includes(v)) seen.push(v);
  }
  const numberIn = (v: string | number) => (typeof v === 'number' ? v : Number(/-?\d+(?:\.\d+)?(?:e-?\d+)?/i.exec(v)?.[0] ?? NaN));
  const prefix = (v: string | number) => (typeof v === 'number' ? '' : v.replace(/-?\d.*$/, ''));
  // Sort numerically only when every value carries a number after the same words ("width 50", "width 100").
  if (seen.every((v) => Number.isFinite(numberIn(v))) && new Set(seen.map(prefix)).size === 1) return [...seen].sort((a, b) => numberIn(a) - numberIn(b));
  return seen;
}

/** Options shared by the chart builders. */
export interface AxisTitles {
  title: string;
  /** Axis titles with units, e.g. `epoch` or `test MSE (y units²)`. */
  xTitle: string;
  yTitle: string;
}

/** A title with an optional second line (a note the reader needs, e.g. why a panel is empty). */
function titleOf(title: string, subtitle?: string): string | { text: string; subtitle: string } {
  return subtitle ? { text: title, subtitle } : title;
}

/**
 * Lines of `y` against `x`, one per value of `series` (the legend), optionally with points and a
 * log-scaled y axis. With `yLow`/`yHigh` each line gets a band (or, with points, error bars) over
 * that range: the seed-to-seed spread (mean ± sd). Non-finite values are dropped (Vega cannot place them).
 */
export function lineChart(
  data: Datum[],
  options: AxisTitles & { x: string; y: string; series?: string; seriesTitle?: string; logY?: boolean; logX?: boolean; points?: boolean; dash?: string; facet?: string; facetTitle?: string; facetColumns?: number; independentY?: boolean; xType?: 'quantitative' | 'ordinal'; yLow?: string; yHigh?: string; subtitle?: string },
): TopLevelSpec {
  const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && (!options.logY || v > 0);
  const finite = data.filter((d) => positive(d[options.y]));
  const x = {
    field: options.x,
    type: options.xType ?? ('quantitative' as const),
    title: options.xTitle,
    ...(options.x === 'epoch' ? { axis: { format: 'd', tickMinStep: 1 } } : {}),
    ...(options.logX ? { scale: { type: 'log' as const, nice: false } } : {}),
  };
  const y = { field: options.y, type: 'quantitative' as const, title: options.yTitle, scale: options.logY ? { type: 'log' as const } : { zero: false } };
  const color = options.series ? { color: { field: options.series, type: 'nominal' as const, title: options.seriesTitle ?? options.series } } : {};
  const line = {
    mark: { type: 'line' as const, point: options.points ?? false, strokeWidth: 1.8 },
    encoding: { x, y, ...color, ...(options.dash ? { strokeDash: { field: options.dash, type: 'nominal' as const, title: options.dash } } : {}) },
  };
  // The spread: a band under lines, error bars on points; only where both ends can be drawn.
  const spread =
    options.yLow && options.yHigh
      ? {
          transform: [{ filter: `isValid(datum['${options.yLow}']) && isValid(datum['${options.yHigh}'])${options.logY ? ` && datum['${options.yLow}'] > 0` : ''}` }],
          mark: options.points ? { type: 'rule' as const, strokeWidth: 1.5 } : { type: 'area' as const, opacity: 0.2 },
          // One band per line: per series and, for dashed lines, per dash value too.
          encoding: { x, y: { ...y, field: options.yLow }, y2: { field: options.yHigh }, ...color, ...(options.dash ? { detail: { field: options.dash, type: 'nominal' as const } } : {}) },
        }
      : null;
  const layerSpec = spread ? { layer: [spread, line] } : line;
  if (options.facet) {
    return {
      title: titleOf(options.title, options.subtitle),
      data: { values: finite },
      facet: { field: options.facet, type: 'nominal', title: options.facetTitle ?? options.facet, sort: facetOrder(finite, options.facet) },
      columns: options.facetColumns ?? 3,
      spec: { width: 230, height: 200, ...layerSpec },
      resolve: options.independentY ? { scale: { y: 'independent' }, axis: { x: 'independent' } } : { scale: { y: 'shared' } },
    } as TopLevelSpec;
  }
  return { title: titleOf(options.title, options.subtitle), width: WIDTH, height: HEIGHT, data: { values: finite }, ...layerSpec };
}

/** A heatmap of `value` over two categorical axes, with the value printed in each cell. */
export function heatmap(
  data: Datum[],
  options: AxisTitles & { x: string; y: string; value: string; valueTitle: string; format?: string; scheme?: string; reverse?: boolean; logColor?: boolean; domainMid?: number; facet?: string; sortX?: (string | number)[]; sortY?: (string | number)[] },
): TopLevelSpec {
  const format = options.format ?? '.3g';
  const layers = {
    encoding: {
      x: { field: options.x, type: 'ordinal' as const, title: options.xTitle, ...(options.sortX ? { sort: options.sortX } : {}) },
      y: { field: options.y, type: 'ordinal' as const, title: options.yTitle, ...(options.sortY ? { sort: options.sortY } : {}) },
    },
    layer: [
      {
        mark: { type: 'rect' as const },
        encoding: {
          color: {
            field: options.value,
            type: 'quantitative' as const,
            title: options.valueTitle,
            scale: {
              scheme: { name: options.scheme ?? 'viridis', extent: options.scheme === 'redblue' ? [0.12, 0.88] : [0.3, 1] },
              reverse: options.reverse ?? false,
              ...(options.logColor ? { type: 'log' as const } : {}),
              ...(options.domainMid === undefined ? {} : { domainMid: options.domainMid }),
            },
          },
        },
      },
      {
        mark: { type: 'text' as const, fontSize: 10 },
        encoding: {
          text: { field: options.value, type: 'quantitative' as const, format },
          color: { value: 'black' },
        },
      },
    ],
  };
  const finite = data.filter((d) => typeof d[options.value] !== 'number' || Number.isFinite(d[options.value] as number));
  if (options.facet) {
    return {
      title: options.title,
      data: { values: finite },
      facet: { column: { field: options.facet, type: 'nominal', title: options.facet, sort: facetOrder(finite, options.facet) as string[] } },
      spec: { width: 200, height: 160, ...layers },
    };
  }
  return { title: options.title, width: 340, height: 260, data: { values: finite }, ...layers };
}

/** A confusion matrix: counts in each (true, predicted) cell, shaded on a log scale. */
export function confusionChart(cm: readonly (readonly number[])[], title: string): TopLevelSpec {
  const data: Datum[] = [];
  cm.forEach((row, t) => row.forEach((count, p) => data.push({ true: String(t), predicted: String(p), count, shade: count + 1 })));
  return {
    title,
    width: 320,
    height: 320,
    data: { values: data },
    encoding: {
      x: { field: 'predicted', type: 'ordinal', title: 'predicted digit' },
      y: { field: 'true', type: 'ordinal', title: 'true digit' },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'shade', type: 'quantitative', title: 'images (log)', scale: { type: 'log', scheme: { name: 'blues', extent: [0, 0.85] } } } } },
      {
        mark: { type: 'text', fontSize: 9 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: { value: 'black' },
        },
      },
    ],
  };
}

/** Scatter points (e.g. noisy data) with lines over them (e.g. the true function and predictions). */
export function pointsAndLines(
  points: Datum[],
  lines: Datum[],
  options: AxisTitles & { x: string; y: string; series: string; seriesTitle: string },
): TopLevelSpec {
  const all = [...points, ...lines];
  return {
    title: options.title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: all },
    encoding: {
      x: { field: options.x, type: 'quantitative', title: options.xTitle },
      y: { field: options.y, type: 'quantitative', title: options.yTitle },
      color: { field: options.series, type: 'nominal', title: options.seriesTitle },
    },
    layer: [
      { transform: [{ filter: "datum.kind === 'points'" }], mark: { type: 'point', size: 12, opacity: 0.5, filled: true } },
      { transform: [{ filter: "datum.kind === 'line'" }], mark: { type: 'line', strokeWidth: 2 } },
    ],
  };
}

/**
 * Vertical bars of `y` per category `x`, coloured by `series`, each labelled with its value (so a
 * bar of height 0 still reads "0"). With `yLow`/`yHigh`, error bars over that range (mean ± sd).
 */
export function barChart(data: Datum[], options: AxisTitles & { x: string; y: string; series?: string; seriesTitle?: string; facet?: string; facetTitle?: string; format?: string; yLow?: string; yHigh?: string; subtitle?: string; xSort?: (string | number)[] }): TopLevelSpec {
  const byX = { field: options.x, type: 'ordinal' as const, title: options.xTitle, ...(options.xSort ? { sort: options.xSort } : {}) };
  const offset = options.series ? { xOffset: { field: options.series, type: 'nominal' as const } } : {};
  const color = options.series ? { color: { field: options.series, type: 'nominal' as const, title: options.seriesTitle ?? options.series } } : {};
  const y = { field: options.y, type: 'quantitative' as const, title: options.yTitle };
  const inner = {
    encoding: { x: byX, ...offset },
    layer: [
      { mark: { type: 'bar' as const }, encoding: { y, ...color } },
      { mark: { type: 'text' as const, dy: -6, fontSize: 9 }, encoding: { y, text: { field: options.y, type: 'quantitative' as const, format: options.format ?? '.2~f' }, color: { value: 'black' } } },
      ...(options.yLow && options.yHigh ? [{ mark: { type: 'rule' as const, strokeWidth: 1.2 }, encoding: { y: { ...y, field: options.yLow }, y2: { field: options.yHigh }, color: { value: 'black' } } }] : []),
    ],
  };
  if (options.facet) {
    return {
      title: titleOf(options.title, options.subtitle),
      data: { values: data },
      facet: { column: { field: options.facet, type: 'nominal', title: options.facetTitle ?? options.facet, sort: facetOrder(data, options.facet) } },
      spec: { width: 200, height: 200, ...inner },
    } as TopLevelSpec;
  }
  return { title: titleOf(options.title, options.subtitle), width: WIDTH, height: HEIGHT, data: { values: data }, ...inner };
}
