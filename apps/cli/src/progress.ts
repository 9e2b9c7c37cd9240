import type { EpochInfo } from '@ffnn/layers';

function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A loss or metric as shown everywhere: 4 decimals from 0.01 to a million, else 4 significant digits with an exponent. */
export function formatNumber(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 0.01 && Math.abs(v) < 1e6 ? v.toFixed(4) : v.toExponential(3);
}

/** `1 epoch`, `5 epochs`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function fmt(v: number | undefined): string {
  return v === undefined ? '' : formatNumber(v);
}

/** Progress of a training run: a redrawn bar on a TTY, plain lines (about 20 per run) otherwise. */
export class Progress {
  private readonly started = Date.now();
  private readonly tty: boolean;
  private lastLine = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label: string,
    private readonly quiet = false,
  ) {
    this.tty = stream.isTTY === true;
  }

  private lastBatchDraw = 0;

  /** Call after every batch: on a TTY, long epochs show their batches (redrawn at most 4 times a second). */
  batch(info: { epoch: number; batch: number; batches: number; loss: number }, epochs: number): void {
    if (this.quiet || !this.tty) return;
    const now = Date.now();
    if (now - this.lastBatchDraw < 250 || info.batch + 1 === info.batches) return;
    this.lastBatchDraw = now;
    this.stream.write(`\r\x1b[2K${this.label} epoch ${info.epoch + 1}/${epochs} batch ${info.batch + 1}/${info.batches} loss ${fmt(info.loss)}`);
  }

  /** Call at the end of every epoch. */
  epoch(info: EpochInfo, metricName: string): void {
    if (this.quiet) return;
    const done = info.epoch + 1;
    const elapsed = Date.now() - this.started;
    const eta = (elapsed / done) * (info.epochs - done);
    const val = info.valLoss === undefined ? '' : ` val_loss ${fmt(info.valLoss)} val_${metricName} ${fmt(info.valMetric)}`;
    const text = `epoch ${done}/${info.epochs} loss ${fmt(info.loss)} ${metricName} ${fmt(info.metric)}${val} ETA ${formatDuration(eta)}`;
    if (this.tty) {
      const width = 24;
      const filled = Math.round((done / info.epochs) * width);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
      this.stream.write(`\r\x1b[2K${this.label} ${bar} ${text}`);
      if (done === info.epochs) this.stream.write('\n');
      return;
    }
    const every = Math.max(1, Math.ceil(info.epochs / 20));
    if (done === 1 || done === info.epochs || done - this.lastLine >= every) {
      this.stream.write(`${this.label} ${text}\n`);
      this.lastLine = done;
    }
  }

  /** Ends a redrawn line early (e.g. early stopping). */
  end(): void {
    if (this.tty && !this.quiet) this.stream.write('\n');
  }
}

/** A small text plot of a curve (log scale when positive and spanning more than a decade). */
export function asciiCurve(values: readonly number[], options: { width?: number; height?: number; title?: string } = {}): string {
  const width = Math.min(options.width ?? 60, values.length);
  const height = options.height ?? 10;
  if (values.length === 0) return '';
  const finite = values.filter(Number.isFinite);
  const positive = finite.every((v) => v > 0);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const log = positive && hi / lo > 10;
  const tr = (v: number) => (log ? Math.log10(v) : v);
  const tlo = tr(lo), thi = tr(hi);
  const rows: string[][] = Array.from({ length: height }, () => new Array<string>(width).fill(' '));
  for (let c = 0; c < width; c++) {
    const i = Math.min(values.length - 1, Math.round((c / Math.max(1, width - 1)) * (values.length - 1)));
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const r = thi === tlo ? 0 : Math.round(((thi - tr(v)) / (thi - tlo)) * (height - 1));
    rows[r]![c] = '•';
  }
  const label = (v: number) => fmt(v).padStart(10);
  const lines = rows.map((r, i) => `${i === 0 ? label(hi) : i === height - 1 ? label(lo) : ' '.repeat(10)} │${r.join('')}`);
  lines.push(`${' '.repeat(10)} └${'─'.repeat(width)}`);
  const first = 'epoch 1';
  const last = `epoch ${values.length}`;
  const gap = width - first.length - last.length;
  lines.push(`${' '.repeat(12)}${gap >= 2 ? `${first}${' '.repeat(gap)}${last}` : `epochs 1–${values.length}`}`);
  if (options.title) lines.unshift(`${options.title}${log ? ' (log scale)' : ''}`);
  return lines.join('\n');
}
