// Plots as inline SVG, drawn here so that a report opens offline with no script at all: x-y plots
// (lines and dots), histograms and grouped bars, with axes, ticks and a legend. Every text is
// escaped; points that are not finite (an infinite SNR is null) are left out, a line breaks there.
import { escapeHtml, formatNumber } from './html-text';

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', '#7f7f7f'] as const;

const W = 640;
const H = 340;
const M = { left: 64, right: 30, top: 34, bottom: 48 } as const;

export interface Series {
  readonly name: string;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number | null>;
  readonly style: 'line' | 'dots' | 'line+dots';
  readonly color?: string;
}

interface Axis {
  readonly min: number;
  readonly max: number;
  readonly ticks: number[];
}

/** Round tick values (1, 2, 5 x 10^k) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): Axis {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { min: 0, max: 1, ticks: [0, 1] };
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((s) => s * mag >= raw) ?? 10) * mag;
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let t = lo; t <= hi + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return { min: lo, max: hi, ticks };
}

function extent(values: Iterable<number | null>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function* each<T>(a: ArrayLike<T>): Generator<T> {
  for (let i = 0; i < a.length; i++) yield a[i] as T;
}

const num = (v: number) => (Math.round(v * 10) / 10).toString();

/** The frame of a plot: title, axes, ticks, grid, labels; `body` maps data to pixels. */
function frame(
  title: string,
  xLabel: string,
  yLabel: string,
  x: Axis,
  y: Axis,
  body: (px: (v: number) => number, py: (v: number) => number) => string,
  legend: string,
  xTicks?: { at: number; label: string }[],
): string {
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const px = (v: number) => M.left + ((v - x.min) / (x.max - x.min || 1)) * iw;
  const py = (v: number) => M.top + ih - ((v - y.min) / (y.max - y.min || 1)) * ih;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}">`);
  parts.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`);
  parts.push(`<text x="${W / 2}" y="20" text-anchor="middle" class="title">${escapeHtml(title)}</text>`);
  for (const t of y.ticks) {
    const yy = num(py(t));
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${yy}" y2="${yy}" class="grid"/>`);
    parts.push(`<text x="${M.left - 6}" y="${yy}" dy="0.32em" text-anchor="end" class="tick">${escapeHtml(formatNumber(t, 3))}</text>`);
  }
  for (const t of xTicks ?? x.ticks.map((at) => ({ at, label: formatNumber(at, 3) }))) {
    const xx = num(px(t.at));
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${M.top + ih}" y2="${M.top + ih + 4}" class="axis"/>`);
    parts.push(`<text x="${xx}" y="${M.top + ih + 16}" text-anchor="middle" class="tick">${escapeHtml(t.label)}</text>`);
  }
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${M.top + ih}" y2="${M.top + ih}" class="axis"/>`);
  parts.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + ih}" class="axis"/>`);
  parts.push(`<text x="${M.left + iw / 2}" y="${H - 8}" text-anchor="middle" class="label">${escapeHtml(xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${M.top + ih / 2}) rotate(-90)" text-anchor="middle" class="label">${escapeHtml(yLabel)}</text>`);
  parts.push(body(px, py));
  parts.push(legend);
  parts.push('</svg>');
  return parts.join('');
}

function legendOf(names: readonly { name: string; color: string }[]): string {
  if (names.length < 2) return '';
  return names
    .map((s, i) => {
      const x = M.left + 10 + i * 150;
      return `<rect x="${x}" y="${M.top - 4}" width="10" height="10" fill="${s.color}"/><text x="${x + 14}" y="${M.top + 5}" class="tick">${escapeHtml(s.name)}</text>`;
    })
    .join('');
}

/** Lines and dots over shared axes; `diagonal` draws y = x (measured against modelled). */
export function xyPlot(o: { title: string; xLabel: string; yLabel: string; series: readonly Series[]; diagonal?: boolean }): string {
  const colored = o.series.map((s, i) => ({ ...s, color: s.color ?? (PALETTE[i % PALETTE.length] as string) }));
  let [x0, x1] = extent(colored.flatMap((s) => [...each(s.x)]));
  let [y0, y1] = extent(colored.flatMap((s) => [...each(s.y)]));
  if (o.diagonal) {
    x0 = y0 = Math.min(x0, y0);
    x1 = y1 = Math.max(x1, y1);
  }
  if (x0 > x1) return emptyPlot(o.title, 'no data');
  const x = niceTicks(x0, x1);
  const y = o.diagonal ? x : niceTicks(y0, y1);
  const body = (px: (v: number) => number, py: (v: number) => number) => {
    const out: string[] = [];
    if (o.diagonal) out.push(`<line x1="${num(px(x.min))}" y1="${num(py(x.min))}" x2="${num(px(x.max))}" y2="${num(py(x.max))}" class="ref"/>`);
    for (const s of colored) {
      if (s.style !== 'dots') {
        let d = '';
        let pen = false;
        for (let i = 0; i < s.x.length; i++) {
          const xv = s.x[i] as number;
          const yv = s.y[i];
          if (yv === null || yv === undefined || !Number.isFinite(yv) || !Number.isFinite(xv)) {
            pen = false;
            continue;
          }
          d += `${pen ? 'L' : 'M'}${num(px(xv))} ${num(py(yv))}`;
          pen = true;
        }
        if (d) out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`);
      }
      if (s.style !== 'line') {
        const dots: string[] = [];
        for (let i = 0; i < s.x.length; i++) {
          const xv = s.x[i] as number;
          const yv = s.y[i];
          if (yv === null || yv === undefined || !Number.isFinite(yv) || !Number.isFinite(xv)) continue;
          dots.push(`<circle cx="${num(px(xv))}" cy="${num(py(yv))}" r="${s.style === 'dots' && s.x.length > 200 ? 1.2 : 2.5}"/>`);
        }
        out.push(`<g fill="${s.color}" fill-opacity="${s.x.length > 200 ? 0.5 : 1}">${dots.join('')}</g>`);
      }
    }
    return out.join('');
  };
  return frame(o.title, o.xLabel, o.yLabel, x, y, body, legendOf(colored));
}

export interface Bin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

export function histogram(o: { title: string; xLabel: string; bins: readonly Bin[] }): string {
  if (o.bins.length === 0) return emptyPlot(o.title, 'no data');
  const x = niceTicks((o.bins[0] as Bin).from, (o.bins.at(-1) as Bin).to);
  const y = niceTicks(0, Math.max(...o.bins.map((b) => b.count)));
  const body = (px: (v: number) => number, py: (v: number) => number) =>
    `<g fill="${PALETTE[0]}">${o.bins
      .filter((b) => b.count > 0)
      .map((b) => {
        const x0 = px(b.from);
        const w = Math.max(0.5, px(b.to) - x0 - 0.5);
        return `<rect x="${num(x0)}" y="${num(py(b.count))}" width="${num(w)}" height="${num(py(0) - py(b.count))}"/>`;
      })
      .join('')}</g>`;
  return frame(o.title, o.xLabel, 'MACs', x, y, body, '');
}

/** Bars in groups: one group per label, one bar per series. */
export function barChart(o: {
  title: string;
  yLabel: string;
  labels: readonly string[];
  series: readonly { name: string; values: readonly (number | null)[] }[];
}): string {
  if (o.labels.length === 0) return emptyPlot(o.title, 'no data');
  const [, hi] = extent(o.series.flatMap((s) => s.values));
  const [lo] = extent(o.series.flatMap((s) => s.values));
  const y = niceTicks(Math.min(0, lo), Math.max(0, hi));
  const x = { min: 0, max: o.labels.length, ticks: [] };
  const colored = o.series.map((s, i) => ({ ...s, color: PALETTE[i % PALETTE.length] as string }));
  const body = (px: (v: number) => number, py: (v: number) => number) => {
    const out: string[] = [];
    const groupW = px(1) - px(0);
    const barW = (groupW * 0.8) / Math.max(1, colored.length);
    o.labels.forEach((_, g) => {
      colored.forEach((s, k) => {
        const v = s.values[g];
        if (v === null || v === undefined || !Number.isFinite(v)) return;
        const x0 = px(g) + groupW * 0.1 + k * barW;
        const top = Math.min(py(v), py(0));
        out.push(`<rect x="${num(x0)}" y="${num(top)}" width="${num(barW - 1)}" height="${num(Math.abs(py(v) - py(0)))}" fill="${s.color}"/>`);
      });
    });
    return out.join('');
  };
  const ticks = o.labels.map((label, g) => ({ at: g + 0.5, label }));
  return frame(o.title, '', o.yLabel, x, y, body, legendOf(colored), ticks);
}

export function emptyPlot(title: string, why: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} 80" width="${W}" height="80" role="img" aria-label="${escapeHtml(title)}"><text x="${W / 2}" y="30" text-anchor="middle" class="title">${escapeHtml(title)}</text><text x="${W / 2}" y="56" text-anchor="middle" class="tick">${escapeHtml(why)}</text></svg>`;
}

/** `count` bins of equal width over [lo, hi]; values outside are counted in the end bins. */
export class Histogram {
  readonly counts: Float64Array;
  constructor(
    readonly lo: number,
    readonly hi: number,
    readonly count: number,
  ) {
    this.counts = new Float64Array(count);
  }

  add(v: number): void {
    if (!Number.isFinite(v)) return;
    const span = this.hi - this.lo;
    const k = span > 0 ? Math.floor(((v - this.lo) / span) * this.count) : 0;
    this.counts[Math.min(this.count - 1, Math.max(0, k))]!++;
  }

  bins(): Bin[] {
    const span = this.hi - this.lo || 1;
    return Array.from(this.counts, (count, k) => ({ from: this.lo + (span * k) / this.count, to: this.lo + (span * (k + 1)) / this.count, count }));
  }
}

/** A matrix of counts as shaded cells with their numbers: rows down, columns across (a confusion matrix). */
export function heatmap(o: { title: string; rowLabel: string; columnLabel: string; labels: readonly string[]; cells: readonly (readonly number[])[] }): string {
  const n = o.labels.length;
  if (n === 0) return emptyPlot(o.title, 'no data');
  const cell = Math.max(18, Math.min(48, Math.floor(420 / n)));
  const left = 90;
  const top = 56;
  const w = Math.max(W, left + n * cell + 20);
  const h = top + n * cell + 40;
  const top1 = Math.max(1, ...o.cells.flat());
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${escapeHtml(o.title)}">`,
    `<rect x="0" y="0" width="${w}" height="${h}" fill="#fff"/>`,
    `<text x="${w / 2}" y="20" text-anchor="middle" class="title">${escapeHtml(o.title)}</text>`,
    `<text x="${left + (n * cell) / 2}" y="40" text-anchor="middle" class="label">${escapeHtml(o.columnLabel)}</text>`,
    `<text transform="translate(14 ${top + (n * cell) / 2}) rotate(-90)" text-anchor="middle" class="label">${escapeHtml(o.rowLabel)}</text>`,
  ];
  o.labels.forEach((label, k) => {
    parts.push(`<text x="${left + k * cell + cell / 2}" y="${top - 4}" text-anchor="middle" class="tick">${escapeHtml(label)}</text>`);
    parts.push(`<text x="${left - 6}" y="${top + k * cell + cell / 2}" dy="0.32em" text-anchor="end" class="tick">${escapeHtml(label)}</text>`);
  });
  o.cells.forEach((row, r) =>
    row.forEach((v, c) => {
      // a log scale, so that the off-diagonal few show beside the diagonal many
      const shade = v > 0 ? Math.log1p(v) / Math.log1p(top1) : 0;
      const x = left + c * cell;
      const y = top + r * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell - 1}" height="${cell - 1}" fill="${PALETTE[0]}" fill-opacity="${num(0.05 + 0.95 * shade)}"/>`);
      if (cell >= 30) parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2}" dy="0.32em" text-anchor="middle" class="tick">${escapeHtml(formatNumber(v, 3))}</text>`);
    }),
  );
  parts.push('</svg>');
  return parts.join('');
}
