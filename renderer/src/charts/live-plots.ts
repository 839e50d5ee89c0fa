// The live plots of a run, from its folded view: SNR measured beside the model, level agreement,
// rail power with the die temperature, and the ADC code residual per batch, all against the
// vectors done (a procedure's child runs one after the other).
import type { RunView } from '../fold/run-fold';
import type { PlotSpec } from './plot-spec';

const X = { label: 'vectors' };

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
  ];
}
