// A PlotSpec as a Chart.js configuration: no animation, `parsing: false` on line plots (the points
// are given in Chart.js's own {x, y} form), min-max decimation for long series, and the theme's
// colours. Only the Chart.js parts the plots use are registered, so the rest is left out of the
// bundle.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Decimation,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
  type ChartType,
  type Plugin,
  type ScaleOptionsByType,
} from 'chart.js';
import type { PlotColors } from './colors';
import type { Axis, PlotSeries, PlotSpec } from './plot-spec';

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    /** the canvas filled with the panel's colour, so an exported PNG is not transparent */
    osaBackground?: { color: string; type?: TType };
  }
}

const backgroundPlugin: Plugin = {
  id: 'osaBackground',
  beforeDraw(chart, _args, options: { color?: string }) {
    const { ctx } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = options.color ?? '#fff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

let registered = false;

export function registerCharts(): void {
  if (registered) return;
  registered = true;
  Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Legend, Tooltip, Decimation, backgroundPlugin);
}

/** Chart.js's dataset for one series. */
function dataset(spec: PlotSpec, s: PlotSeries, colors: PlotColors): ChartDataset<'line' | 'bar'> {
  const color = colors.tones[s.tone];
  const common = { label: s.label, borderColor: color, backgroundColor: color, yAxisID: s.axis ?? 'y' };
  if (spec.kind === 'bar') return { ...common, type: 'bar', data: s.points.map((p) => p.y), borderWidth: 0 };
  const line = s.line ?? true;
  return {
    ...common,
    type: 'line',
    data: s.points,
    showLine: line,
    borderWidth: 1.75,
    borderDash: s.dashed ? [6, 4] : [],
    pointRadius: s.pointRadius ?? (line ? 0 : 3),
    pointHoverRadius: 4,
    parsing: false,
    normalized: true,
    spanGaps: false,
  } as ChartDataset<'line'>;
}

function axis(a: Axis, colors: PlotColors, extra: Partial<ScaleOptionsByType<'linear'>> = {}) {
  return {
    title: { display: a.label !== '', text: a.label, color: colors.text },
    grid: { color: colors.grid },
    ticks: { color: colors.text, maxTicksLimit: 8 },
    border: { color: colors.grid },
    ...(a.min === undefined ? {} : { min: a.min }),
    ...(a.max === undefined ? {} : { max: a.max }),
    ...extra,
  };
}

export function chartConfig(spec: PlotSpec, colors: PlotColors): ChartConfiguration<'line' | 'bar'> {
  const bar = spec.kind === 'bar';
  const xAxis = bar
    ? { ...axis(spec.x, colors), type: 'category' as const }
    : { ...axis(spec.x, colors), type: 'linear' as const, ticks: { color: colors.text, maxTicksLimit: 8, ...(spec.x.integer ? { precision: 0, stepSize: 1 } : {}) } };
  const scales: Record<string, unknown> = { x: xAxis, y: { ...axis(spec.y, colors), type: 'linear' } };
  if (spec.y2) scales.y2 = { ...axis(spec.y2, colors), type: 'linear', position: 'right', grid: { drawOnChartArea: false, color: colors.grid } };
  return {
    type: bar ? 'bar' : 'line',
    data: { labels: bar ? [...(spec.x.categories ?? [])] : undefined, datasets: spec.series.map((s) => dataset(spec, s, colors)) },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: bar ? undefined : false,
      normalized: true,
      interaction: { mode: 'nearest', intersect: false, axis: 'x' },
      plugins: {
        legend: { position: 'bottom', labels: { color: colors.text, boxWidth: 14, boxHeight: 2, usePointStyle: false } },
        tooltip: { enabled: true },
        decimation: { enabled: spec.decimate === true && !bar, algorithm: 'min-max' },
        osaBackground: { color: colors.background },
      },
      scales,
    },
  } as ChartConfiguration<'line' | 'bar'>;
}
