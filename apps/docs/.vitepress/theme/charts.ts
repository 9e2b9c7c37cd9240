/** Small canvas charts for the playground: axes with ticks and labels, lines, points and a legend. */

/** A chart's drawing area inside its canvas (CSS px). */
export interface Frame {
  ctx: CanvasRenderingContext2D;
  left: number;
  top: number;
  width: number;
  height: number;
}

export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** Sizes the canvas for the device's pixel ratio at `heightPx` CSS px tall and clears it. */
export function setup(canvas: HTMLCanvasElement, heightPx: number): Frame {
  const dpr = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth || 600;
  canvas.style.height = `${heightPx}px`;
  canvas.width = Math.round(cssWidth * dpr);
  canvas.height = Math.round(heightPx * dpr);
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, cssWidth, heightPx);
  ctx.font = '12px system-ui, sans-serif';
  const left = 58, top = 28, right = 14, bottom = 40;
  return { ctx, left, top, width: cssWidth - left - right, height: heightPx - top - bottom };
}

/** Round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Grid, tick labels, frame and axis titles. */
export function axes(f: Frame, xTicks: { v: number; label: string; px: number }[], yTicks: { v: number; label: string; px: number }[], xLabel: string, yLabel: string): void {
  const { ctx, left, top, width, height } = f;
  const fg = cssVar('--vp-c-text-2', '#555');
  const grid = cssVar('--vp-c-divider', '#ddd');
  ctx.strokeStyle = grid;
  ctx.lineWidth = 1;
  ctx.fillStyle = fg;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of xTicks) {
    ctx.beginPath();
    ctx.moveTo(t.px, top);
    ctx.lineTo(t.px, top + height);
    ctx.stroke();
    ctx.fillText(t.label, t.px, top + height + 4);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of yTicks) {
    ctx.beginPath();
    ctx.moveTo(left, t.px);
    ctx.lineTo(left + width, t.px);
    ctx.stroke();
    ctx.fillText(t.label, left - 6, t.px);
  }
  ctx.strokeStyle = fg;
  ctx.strokeRect(left, top, width, height);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(xLabel, left + width / 2, top + height + 36);
  ctx.save();
  ctx.translate(14, top + height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = 'middle';
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
}

/** A one-line legend above the plot. */
export function legend(f: Frame, items: { label: string; color: string; dot?: boolean; dash?: number[] }[]): void {
  const { ctx, left, top } = f;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  let x = left;
  for (const it of items) {
    ctx.fillStyle = it.color;
    ctx.strokeStyle = it.color;
    if (it.dot) {
      ctx.beginPath();
      ctx.arc(x + 8, top - 14, 3, 0, 2 * Math.PI);
      ctx.fill();
    } else {
      ctx.lineWidth = 2.5;
      ctx.setLineDash(it.dash ?? []);
      ctx.beginPath();
      ctx.moveTo(x, top - 14);
      ctx.lineTo(x + 16, top - 14);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.fillStyle = cssVar('--vp-c-text-1', '#222');
    ctx.fillText(it.label, x + 21, top - 14);
    x += 21 + ctx.measureText(it.label).width + 16;
  }
}

/** The Runge data (training points), the clean f and the network's prediction on [−1, 1]. */
export function drawFitChart(canvas: HTMLCanvasElement, d: { trainX: ArrayLike<number>; trainY: ArrayLike<number>; x: number[]; yhat: number[]; f: number[] }): void {
  const f = setup(canvas, 300);
  const yLo = -0.3, yHi = 1.3;
  const px = (x: number) => f.left + ((x + 1) / 2) * f.width;
  const py = (y: number) => f.top + (1 - (Math.min(yHi, Math.max(yLo, y)) - yLo) / (yHi - yLo)) * f.height;
  axes(
    f,
    niceTicks(-1, 1, 8).map((v) => ({ v, label: String(v), px: px(v) })),
    niceTicks(yLo, yHi, 6).map((v) => ({ v, label: String(v), px: py(v) })),
    'x',
    'y',
  );
  const { ctx } = f;
  ctx.fillStyle = 'rgba(120, 120, 120, 0.35)';
  for (let i = 0; i < d.trainX.length; i++) {
    ctx.beginPath();
    ctx.arc(px(d.trainX[i]!), py(d.trainY[i]!), 1.8, 0, 2 * Math.PI);
    ctx.fill();
  }
  const line = (ys: number[], color: string, width: number) => {
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.beginPath();
    d.x.forEach((x, i) => (i === 0 ? ctx.moveTo(px(x), py(ys[i]!)) : ctx.lineTo(px(x), py(ys[i]!))));
    ctx.stroke();
  };
  line(d.f, '#059669', 2);
  line(d.yhat, '#dc2626', 2.5);
  legend(f, [
    { label: 'training data (noisy)', color: 'rgba(120,120,120,0.8)', dot: true },
    { label: 'f(x) = 1/(1+25x²)', color: '#059669' },
    { label: 'network', color: '#dc2626' },
  ]);
}

/** One curve of {@link drawLossChart}: `dash` as for `setLineDash`, `width` in CSS px (default 2). */
export interface LossSeries {
  label: string;
  values: number[];
  color: string;
  dash?: number[];
  width?: number;
}

/**
 * Loss curves per epoch on a log scale, drawn in reverse order so the first series lies on top (curves
 * that coincide stay visible: dashed ones underneath show through); `floor` draws a labelled
 * horizontal reference line.
 */
export function drawLossChart(canvas: HTMLCanvasElement, epochs: number, series: LossSeries[], floor?: { value: number; label: string }): void {
  const f = setup(canvas, 260);
  const all = [...series.flatMap((s) => s.values), ...(floor ? [floor.value] : [])].filter((v) => v > 0 && Number.isFinite(v));
  const lo = all.length ? Math.floor(Math.log10(Math.min(...all))) : -4;
  const hi = all.length ? Math.ceil(Math.log10(Math.max(...all))) : 0;
  const top = hi === lo ? hi + 1 : hi;
  const px = (e: number) => f.left + ((e - 1) / Math.max(1, epochs - 1)) * f.width;
  const py = (v: number) => f.top + (1 - (Math.log10(v) - lo) / (top - lo)) * f.height;
  const yTicks: { v: number; label: string; px: number }[] = [];
  for (let k = lo; k <= top; k++) yTicks.push({ v: 10 ** k, label: `1e${k}`, px: py(10 ** k) });
  axes(
    f,
    niceTicks(1, Math.max(2, epochs), 6).map((v) => ({ v, label: String(v), px: px(v) })),
    yTicks,
    'epoch',
    'MSE (log scale)',
  );
  const { ctx } = f;
  if (floor) {
    ctx.strokeStyle = cssVar('--vp-c-text-3', '#999');
    ctx.lineWidth = 1;
    ctx.setLineDash([2, 3]);
    ctx.beginPath();
    ctx.moveTo(f.left, py(floor.value));
    ctx.lineTo(f.left + f.width, py(floor.value));
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = cssVar('--vp-c-text-2', '#555');
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    ctx.fillText(floor.label, f.left + f.width - 4, py(floor.value) - 2);
  }
  for (const s of [...series].reverse()) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width ?? 2;
    ctx.setLineDash(s.dash ?? []);
    ctx.beginPath();
    s.values.forEach((v, i) => (i === 0 ? ctx.moveTo(px(i + 1), py(v)) : ctx.lineTo(px(i + 1), py(v))));
    ctx.stroke();
  }
  ctx.setLineDash([]);
  legend(f, series.map((s) => ({ label: s.label, color: s.color, dash: s.dash })));
}
