// What a plot shows, independent of Chart.js: series of points on a linear or category x axis,
// one or two y axes. Made by pure functions from a run's view or a procedure's report
// (live-plots.ts, report-plots.ts); drawn by components/ChartPanel.vue.
import type { Point } from '../fold/bounded-series';

export type { Point };

/** A series' colour, by role: measured and model are the same hues everywhere. */
export type Tone = 'measured' | 'model' | 'c3' | 'c4' | 'bad' | 'c6' | 'muted';
export const TONES: readonly Tone[] = ['measured', 'model', 'c3', 'c4', 'bad', 'c6', 'muted'];

export interface PlotSeries {
  readonly label: string;
  readonly points: readonly Point[];
  readonly tone: Tone;
  readonly axis?: 'y' | 'y2';
  /** joined by a line (default), or points only */
  readonly line?: boolean;
  readonly dashed?: boolean;
  /** point radius (default: none on lines, 3 on points only) */
  readonly pointRadius?: number;
}

export interface Axis {
  readonly label: string;
  readonly min?: number;
  readonly max?: number;
}

export interface PlotSpec {
  /** stable: names the exported file and the panel's data-testid */
  readonly id: string;
  readonly title: string;
  readonly kind: 'line' | 'bar';
  readonly x: Axis & { readonly categories?: readonly string[]; readonly integer?: boolean };
  readonly y: Axis;
  readonly y2?: Axis;
  readonly series: readonly PlotSeries[];
  /** thin long series to the canvas width (Chart.js decimation, min-max) */
  readonly decimate?: boolean;
  /** shown instead of the plot when there is nothing to draw */
  readonly empty?: string;
}

export function hasData(spec: PlotSpec): boolean {
  return spec.series.some((s) => s.points.length > 0);
}
