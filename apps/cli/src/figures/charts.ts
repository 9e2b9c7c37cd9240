import type { TopLevelSpec } from 'vega-lite';

/** One data point of a chart: plain named values. */
export type Datum = Record<string, number | string | null>;

const WIDTH = 460;
const HEIGHT = 280;

/** Options shared by the chart builders. */
export interface AxisTitles {
  title: string;
  /** Axis titles with units, e.g. `epoch` or `test MSE (y units²)`. */
  xTitle: string;
  yTitle: string;
}

/**
 * Lines of `y` against `x`, one per value of `series` (the legend), optionally with points and a
 * log-scaled y axis. Non-finite values are dropped (Vega cannot place them).
 */
export function lineChart(
  data: Datum[],
  options: AxisTitles & { x: string; y: string; series?: string; seriesTitle?: string; logY?: boolean; logX?: boolean; points?: boolean; dash?: string; facet?: string; facetTitle?: string; facetColumns?: number; independentY?: boolean; xType?: 'quantitative' | 'ordinal' },
): TopLevelSpec {
  const finite = data.filter((d) => typeof d[options.y] === 'number' && Number.isFinite(d[options.y] as number) && (!options.logY || (d[options.y] as number) > 0));
  const layerSpec = {
    mark: { type: 'line' as const, point: options.points ?? false, strokeWidth: 1.8 },
    encoding: {
      x: {
        field: options.x,
        type: options.xType ?? ('quantitative' as const),
        title: options.xTitle,
        ...(options.x === 'epoch' ? { axis: { format: 'd', tickMinStep: 1 } } : {}),
        ...(options.logX ? { scale: { type: 'log' as const, nice: false } } : {}),
      },
      y: { field: options.y, type: 'quantitative' as const, title: options.yTitle, scale: options.logY ? { type: 'log' as const } : { zero: false } },
      ...(options.series ? { color: { field: options.series, type: 'nominal' as const, title: options.seriesTitle ?? options.series } } : {}),
      ...(options.dash ? { strokeDash: { field: options.dash, type: 'nominal' as const, title: options.dash } } : {}),
    },
  };
  if (options.facet) {
    return {
      title: options.title,
      data: { values: finite },
      facet: { field: options.facet, type: 'nominal', title: options.facetTitle ?? options.facet },
      columns: options.facetColumns ?? 3,
      spec: { width: 230, height: 200, ...layerSpec },
      resolve: options.independentY ? { scale: { y: 'independent' }, axis: { x: 'independent' } } : { scale: { y: 'shared' } },
    };
  }
  return { title: options.title, width: WIDTH, height: HEIGHT, data: { values: finite }, ...layerSpec };
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
      facet: { column: { field: options.facet, type: 'nominal', title: options.facet } },
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

/** Vertical bars of `y` per category `x`, coloured by `series`. */
export function barChart(data: Datum[], options: AxisTitles & { x: string; y: string; series?: string; seriesTitle?: string; facet?: string }): TopLevelSpec {
  const inner = {
    mark: { type: 'bar' as const },
    encoding: {
      x: { field: options.x, type: 'ordinal' as const, title: options.xTitle },
      y: { field: options.y, type: 'quantitative' as const, title: options.yTitle },
      ...(options.series
        ? { color: { field: options.series, type: 'nominal' as const, title: options.seriesTitle ?? options.series }, xOffset: { field: options.series, type: 'nominal' as const } }
        : {}),
    },
  };
  if (options.facet) {
    return { title: options.title, data: { values: data }, facet: { column: { field: options.facet, type: 'nominal', title: options.facet } }, spec: { width: 200, height: 200, ...inner } };
  }
  return { title: options.title, width: WIDTH, height: HEIGHT, data: { values: data }, ...inner };
}
