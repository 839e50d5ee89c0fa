// The live plots of a run, from its folded view: SNR measured beside the model, level agreement,
// rail power with the die temperature, and the ADC code residual per batch, all against the
// vectors done (a procedure's child runs one after the other); measured yhat against exact for
// the MACs the batches sampled, with the line y = x; and the run's residual histograms.
import { codeResidualBinLabels, YHAT_ERROR_OCTAVES, yhatErrorBinLabels } from '../../../shared/api/figures';
import type { Point } from '../fold/bounded-series';
import type { RunView } from '../fold/run-fold';
import type { PlotSpec } from './plot-spec';

const X = { label: 'vectors' };
const CODE_LABELS = codeResidualBinLabels();
const YHAT_LABELS = yhatErrorBinLabels();
const NO_SAMPLE = 'no sampled MACs: the run was logged before batches kept them';

/** The line y = x across the scatter's range (both axes), so a die that gets yhat right sits on it. */
export function diagonal(points: readonly Point[]): Point[] {
  if (points.length === 0) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    lo = Math.min(lo, p.x, p.y);
    hi = Math.max(hi, p.x, p.y);
  }
  return [
    { x: lo, y: lo },
    { x: hi, y: hi },
  ];
}

/** The yhat error bins that hold counts, widened to be symmetric about 0 (at least ±2⁴), so the plot stays readable as it fills. */
export function yhatErrorWindow(counts: readonly number[]): { from: number; to: number } {
  const mid = YHAT_ERROR_OCTAVES;
  let reach = 5;
  counts.forEach((n, i) => {
    if (n > 0) reach = Math.max(reach, Math.abs(i - mid));
  });
  return { from: mid - reach, to: mid + reach + 1 };
}

const bars = (counts: readonly number[]) => counts.map((y, x) => ({ x, y }));
const total = (counts: readonly number[]) => counts.reduce((a, b) => a + b, 0);

export function livePlots(view: RunView): PlotSpec[] {
  const s = view.series;
  const waiting = view.batches === 0 ? 'waiting for the first batch…' : undefined;
  return [
    {
      id: 'live-snr',
      title: 'SNR: measured and model',
      kind: 'line',
      x: X,
      y: { label: 'SNR (dB)' },
      series: [
        { label: 'measured', points: s.snrDb, tone: 'measured' },
        { label: 'model', points: s.modelSnrDb, tone: 'model', dashed: true },
      ],
      decimate: true,
      empty: waiting,
    },
    {
      id: 'live-level',
      title: 'Saliency level agreement with the model',
      kind: 'line',
      x: X,
      y: { label: 'agreement', max: 1 },
      series: [{ label: 'level agreement', points: s.levelAgreement, tone: 'c3' }],
      decimate: true,
      empty: waiting,
    },
    {
      id: 'live-power',
      title: 'Rail power and die temperature',
      kind: 'line',
      x: X,
      y: { label: 'power (mW)' },
      y2: { label: 'die temperature (°C)' },
      series: [
        { label: 'VDD dig', points: s.vddDigMw, tone: 'measured' },
        { label: 'VDD ana', points: s.vddAnaMw, tone: 'c4' },
        { label: 'VDD sram', points: s.vddSramMw, tone: 'c6' },
        { label: 'die °C', points: s.dieTempC, tone: 'bad', axis: 'y2', dashed: true },
      ],
      decimate: true,
      empty: waiting,
    },
    {
      id: 'live-residual',
      title: 'ADC code residual per batch',
      kind: 'line',
      x: X,
      y: { label: 'residual (LSB)' },
      series: [
        { label: 'mean', points: s.codeResidualMeanLsb, tone: 'measured' },
        { label: 'rms', points: s.codeResidualRmsLsb, tone: 'model' },
        { label: 'min', points: s.codeResidualMinLsb, tone: 'muted', dashed: true },
        { label: 'max', points: s.codeResidualMaxLsb, tone: 'muted', dashed: true },
      ],
      decimate: true,
      empty: view.batches === 0 ? waiting : 'no analog codes in this run (dcim)',
    },
    ...sampledPlots(view, waiting),
  ];
}

/** The scatter of sampled MACs and the residual histograms. */
function sampledPlots(view: RunView, waiting: string | undefined): PlotSpec[] {
  const r = view.residuals;
  const code = r && total(r.codeResidual) > 0 ? r.codeResidual : null;
  const error = r && total(r.yhatError) > 0 ? r.yhatError : null;
  const window = yhatErrorWindow(error ?? []);
  // in x order: Chart.js takes points given unparsed as sorted, and would size the axis from the first and last
  const scatter = [...view.scatter].sort((a, b) => a.x - b.x);
  return [
    {
      id: 'live-scatter',
      title: 'Measured yhat against exact (sampled MACs)',
      kind: 'line',
      x: { label: 'exact' },
      y: { label: 'measured yhat' },
      series: [
        { label: 'sampled MACs', points: scatter, tone: 'measured', line: false, pointRadius: 1.5 },
        { label: 'y = x', points: diagonal(scatter), tone: 'model', dashed: true },
      ],
      // not thinned by Chart.js (its decimation wants x in order): the fold keeps the scatter bounded
      empty: waiting ?? NO_SAMPLE,
    },
    {
      id: 'live-code-histogram',
      title: 'ADC code residual, every conversion',
      kind: 'bar',
      x: { label: 'code − ideal code (LSB)', categories: CODE_LABELS },
      y: { label: 'conversions', min: 0 },
      series: code ? [{ label: 'conversions', points: bars(code), tone: 'c3' }] : [],
      empty: waiting ?? (r ? 'no analog codes in this run (dcim)' : NO_SAMPLE),
    },
    {
      id: 'live-yhat-histogram',
      title: 'yhat error against exact, every MAC',
      kind: 'bar',
      x: { label: 'measured yhat − exact (by octave of |error|)', categories: YHAT_LABELS.slice(window.from, window.to) },
      y: { label: 'MACs', min: 0 },
      series: error ? [{ label: 'MACs', points: bars(error.slice(window.from, window.to)), tone: 'measured' }] : [],
      empty: waiting ?? NO_SAMPLE,
    },
  ];
}
