// The comparison plots as PlotSpecs (drawn by ChartPanel through chart-config.ts) and matrices (drawn
// by HeatmapPanel on a canvas of cells, since Chart.js has no heatmap): residual histograms, the
// transfer curve against the ideal one, SNR per level, energy per rail, the code residual per plane;
// the per-column heatmaps and the confusion matrices. Pure functions of the engine's answers
// (shared/api/compare.ts). A bar with no value (an SNR of a level without MACs, the SRAM rail's model)
// is NaN, which Chart.js leaves out; the bars stay at their category.
import type { ColumnStat, Histogram, RunComparison, RunsComparison } from '../../../shared/api/compare';
import type { PlotSeries, PlotSpec, Tone } from './plot-spec';

/** A matrix of cells: rows top to bottom, columns left to right; null: no value. */
export interface MatrixSpec {
  /** stable: names the exported file and the panel's data-testid */
  readonly id: string;
  readonly title: string;
  readonly rows: readonly string[];
  readonly cols: readonly string[];
  readonly rowLabel: string;
  readonly colLabel: string;
  readonly values: readonly (readonly (number | null)[])[];
  /** diverging: around 0 (a residual's mean); sequential: from 0 up (a spread, a count) */
  readonly scale: 'diverging' | 'sequential';
  /** what a value is, for the legend and the cell's tooltip */
  readonly unit: string;
  /** print each cell's value in it (small matrices) */
  readonly showValues?: boolean;
  readonly empty?: string;
}

/** a count as it is; a mean or spread to 3 significant figures or so */
const fmt = (v: number) => (Number.isInteger(v) || Math.abs(v) >= 1000 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Bin centres as category labels. */
function binLabels(h: Histogram): string[] {
  return h.counts.map((_, k) => fmt(h.lo + (k + 0.5) * h.binWidth));
}

function bars(label: string, h: Histogram, tone: Tone): PlotSeries {
  return { label, tone, points: h.counts.map((y, x) => ({ x, y })) };
}

/** One histogram, or several over the same bins (measured and model), as bars. */
export function histogramPlot(id: string, title: string, xLabel: string, parts: readonly { label: string; h: Histogram; tone: Tone }[]): PlotSpec {
  const first = parts[0]?.h;
  return {
    id,
    title,
    kind: 'bar',
    x: { label: xLabel, categories: first ? binLabels(first) : [] },
    y: { label: 'count' },
    series: parts.filter((p) => p.h.total > 0).map((p) => bars(p.label, p.h, p.tone)),
    empty: 'nothing to count',
  };
}

/** The plots of one run against the model. */
export function runPlots(c: RunComparison, prefix = `run-${c.run.runId}`): PlotSpec[] {
  const levels = c.levels.perLevel;
  const levelNames = levels.map((l) => `level ${l.level}`);
  const rails = c.energy.rails;
  return [
    histogramPlot(`${prefix}-yhat-error`, 'yhat error against exact: measured and model', 'yhat − exact', [
      { label: 'measured', h: c.yhatError, tone: 'measured' },
      { label: 'model', h: c.modelYhatError, tone: 'model' },
    ]),
    histogramPlot(`${prefix}-yhat-residual`, 'yhat residual: measured − model', 'measured − model yhat', [{ label: 'residual', h: c.yhatResidual, tone: 'c4' }]),
    histogramPlot(`${prefix}-code-residual`, 'ADC code residual (every conversion)', 'code − ideal code (LSB)', [
      { label: 'conversions', h: c.codeResidual, tone: 'c3' },
    ]),
    {
      id: `${prefix}-planes`,
      title: 'Code residual per plane: mean and spread',
      kind: 'bar',
      x: { label: 'plane (input bit i × weight bit j)', categories: c.planes.map((p) => `${p.inputBit}×${p.weightBit}`) },
      y: { label: 'LSB' },
      series: [
        { label: 'mean', tone: 'measured', points: c.planes.map((p, x) => ({ x, y: p.meanLsb })) },
        { label: 'sd', tone: 'model', points: c.planes.map((p, x) => ({ x, y: p.sdLsb })) },
      ],
      empty: 'no analog plane (dcim)',
    },
    {
      id: `${prefix}-transfer`,
      title: 'Transfer curve: mean code per popcount, measured and ideal',
      kind: 'line',
      x: { label: 'plane popcount P' },
      y: { label: 'ADC code' },
      series: [
        { label: 'measured', tone: 'measured', points: c.transfer.map((t) => ({ x: t.popcount, y: t.meanCode })) },
        { label: 'ideal', tone: 'model', dashed: true, points: c.transfer.map((t) => ({ x: t.popcount, y: t.idealCode })) },
      ],
      empty: 'no analog conversion in the scanned sample',
    },
    {
      id: `${prefix}-snr-level`,
      title: 'SNR per saliency level: measured and model',
      kind: 'bar',
      x: { label: 'level the model chose', categories: levelNames },
      y: { label: 'SNR (dB)' },
      series: [
        { label: 'measured', tone: 'measured', points: levels.map((l, x) => ({ x, y: l.measuredSnrDb ?? NaN })) },
        { label: 'model', tone: 'model', points: levels.map((l, x) => ({ x, y: l.modelSnrDb ?? NaN })) },
      ],
      empty: 'no level with an error to measure',
    },
    {
      id: `${prefix}-energy`,
      title: 'Energy per rail: measured and modelled',
      kind: 'bar',
      x: { label: 'rail', categories: rails.map((r) => r.rail) },
      y: { label: 'pJ per MAC' },
      series: [
        { label: 'measured', tone: 'measured', points: rails.map((r, x) => ({ x, y: r.measuredPjPerMac })) },
        { label: 'model', tone: 'model', points: rails.map((r, x) => ({ x, y: r.modelPjPerMac ?? NaN })) },
      ],
      empty: 'no power measured',
    },
  ];
}

/** Per physical column (output m × weight bit j) as a matrix: a row per output, a column per weight bit. */
export function columnMatrix(
  id: string,
  title: string,
  columns: readonly Pick<ColumnStat, 'output' | 'weightBit'>[],
  value: (c: number) => number | null,
  unit: string,
  scale: MatrixSpec['scale'],
): MatrixSpec {
  const outputs = columns.reduce((m, c) => Math.max(m, c.output + 1), 0);
  const bits = columns.reduce((m, c) => Math.max(m, c.weightBit + 1), 0);
  const values: (number | null)[][] = Array.from({ length: outputs }, () => Array.from({ length: bits }, () => null));
  columns.forEach((c, k) => {
    const row = values[c.output];
    if (row) row[c.weightBit] = value(k);
  });
  return {
    id,
    title,
    rows: Array.from({ length: outputs }, (_, m) => `out ${m}`),
    cols: Array.from({ length: bits }, (_, j) => `b${j}`),
    rowLabel: 'output m',
    colLabel: 'weight bit j',
    values,
    scale,
    unit,
    empty: 'no analog column (dcim)',
  };
}

/** The per-column code residual of one run: its mean and its spread. */
export function columnHeatmaps(c: RunComparison, prefix = `run-${c.run.runId}`): MatrixSpec[] {
  const cols = c.columns;
  const has = (k: number) => (cols[k]?.count ?? 0) > 0;
  return [
    columnMatrix(`${prefix}-columns-mean`, 'Code residual per column: mean', cols, (k) => (has(k) ? (cols[k]?.meanLsb ?? null) : null), 'LSB', 'diverging'),
    columnMatrix(`${prefix}-columns-sd`, 'Code residual per column: spread', cols, (k) => (has(k) ? (cols[k]?.sdLsb ?? null) : null), 'LSB sd', 'sequential'),
  ];
}

/** A confusion matrix of levels. */
export function confusionMatrix(id: string, title: string, confusion: readonly (readonly number[])[], rowLabel: string, colLabel: string): MatrixSpec {
  return {
    id,
    title,
    rows: confusion.map((_, k) => `L${k}`),
    cols: (confusion[0] ?? []).map((_, k) => `L${k}`),
    rowLabel,
    colLabel,
    values: confusion.map((r) => [...r]),
    scale: 'sequential',
    unit: 'MACs',
    showValues: true,
    empty: 'no MAC',
  };
}

/** The plots of run B against run A. */
export function runsPlots(c: RunsComparison): { plots: PlotSpec[]; matrices: MatrixSpec[] } {
  const prefix = `runs-${c.a.runId}-${c.b.runId}`;
  const cols = c.columns;
  return {
    plots: [
      histogramPlot(`${prefix}-yhat-difference`, `yhat of #${c.b.runId} − yhat of #${c.a.runId}, MAC by MAC`, 'yhat B − yhat A', [
        { label: 'MACs', h: c.yhatDifference, tone: 'c4' },
      ]),
    ],
    matrices: [
      columnMatrix(
        `${prefix}-columns-delta`,
        `Code of #${c.b.runId} − code of #${c.a.runId} per column: mean`,
        cols,
        (k) => ((cols[k]?.count ?? 0) > 0 ? (cols[k]?.meanDeltaLsb ?? null) : null),
        'LSB',
        'diverging',
      ),
      columnMatrix(
        `${prefix}-columns-delta-sd`,
        'Per column: spread of the code difference',
        cols,
        (k) => ((cols[k]?.count ?? 0) > 0 ? (cols[k]?.sdDeltaLsb ?? null) : null),
        'LSB sd',
        'sequential',
      ),
      confusionMatrix(
        `${prefix}-levels`,
        `Levels: #${c.a.runId} (rows) against #${c.b.runId} (columns)`,
        c.levels.confusion,
        `#${c.a.runId} level`,
        `#${c.b.runId} level`,
      ),
    ],
  };
}

/** The largest |value| of a matrix (the diverging scale's reach), and its largest value. */
export function matrixRange(m: MatrixSpec): { max: number; reach: number } {
  let max = 0;
  let reach = 0;
  for (const row of m.values)
    for (const v of row) {
      if (v === null || !Number.isFinite(v)) continue;
      max = Math.max(max, v);
      reach = Math.max(reach, Math.abs(v));
    }
  return { max, reach };
}

/** A cell's colour: diverging from the model's tone (below 0) through the panel to the measured tone; sequential from the panel to the measured tone. */
export function cellColor(
  v: number | null,
  m: MatrixSpec,
  range: { max: number; reach: number },
  colors: { low: string; high: string; none: string },
): { color: string; alpha: number } {
  if (v === null || !Number.isFinite(v)) return { color: colors.none, alpha: 1 };
  if (m.scale === 'diverging') {
    const t = range.reach > 0 ? v / range.reach : 0;
    return { color: t < 0 ? colors.low : colors.high, alpha: Math.min(1, Math.abs(t)) };
  }
  return { color: colors.high, alpha: range.max > 0 ? Math.min(1, Math.max(0, v / range.max)) : 0 };
}

export function hasCells(m: MatrixSpec): boolean {
  return m.values.some((r) => r.some((v) => v !== null));
}

export { fmt as formatCell };
