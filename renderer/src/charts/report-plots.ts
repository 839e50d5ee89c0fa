// A procedure's result as plots and tables, from its typed report: SNR against boundary, the OSA
// Pareto front, per-column INL/DNL, energy per mode, the stuck-cell map, the repeatability spread,
// and the functional check's steps.
import type { ReportView } from '../fold/reports';
import { dB, int, num, percent } from './format';
import type { PlotSeries, PlotSpec, Point, Tone } from './plot-spec';

export interface ReportTable {
  readonly id: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface ReportFigures {
  /** one line on the outcome */
  readonly headline: string;
  readonly plots: readonly PlotSpec[];
  readonly tables: readonly ReportTable[];
}

const pts = <T>(items: readonly T[], x: (t: T) => number, y: (t: T) => number | null): Point[] =>
  items.flatMap((t) => {
    const v = y(t);
    return v === null || !Number.isFinite(v) ? [] : [{ x: x(t), y: v }];
  });

const CYCLE: readonly Tone[] = ['measured', 'model', 'c3', 'c4', 'bad', 'c6'];

export function reportFigures(r: ReportView): ReportFigures {
  switch (r.procedure) {
    case 'snr-sweep': {
      const p = r.summary.points;
      return {
        headline: `${p.length} boundaries swept`,
        plots: [
          {
            id: 'snr-vs-boundary',
            title: 'SNR against the boundary b (HCIM)',
            kind: 'line',
            x: { label: 'boundary b', integer: true },
            y: { label: 'SNR (dB)' },
            y2: { label: 'energy (pJ/MAC)' },
            series: [
              {
                label: 'measured',
                points: pts(
                  p,
                  (q) => q.boundary,
                  (q) => q.snrDb,
                ),
                tone: 'measured',
                pointRadius: 3,
              },
              {
                label: 'model',
                points: pts(
                  p,
                  (q) => q.boundary,
                  (q) => q.modelSnrDb,
                ),
                tone: 'model',
                dashed: true,
                pointRadius: 3,
              },
              {
                label: 'energy',
                points: pts(
                  p,
                  (q) => q.boundary,
                  (q) => q.measuredPjPerMac,
                ),
                tone: 'c3',
                axis: 'y2',
                pointRadius: 2,
              },
            ],
          },
        ],
        tables: [
          {
            id: 'snr-sweep-points',
            title: 'Points',
            columns: ['b', 'SNR measured', 'SNR model', 'pJ/MAC', 'run'],
            rows: p.map((q) => [String(q.boundary), dB(q.snrDb), dB(q.modelSnrDb), num(q.measuredPjPerMac, 3), `#${q.runId}`]),
          },
        ],
      };
    }
    case 'osa-points': {
      const p = r.summary.points;
      const front = p.filter((q) => q.pareto).sort((a, b) => a.gainVsDcim - b.gainVsDcim);
      return {
        headline: `${p.length} operating points, ${front.length} on the Pareto front`,
        plots: [
          {
            id: 'osa-pareto',
            title: 'OSA operating points: SNR against energy gain over DCIM',
            kind: 'line',
            x: { label: 'energy gain vs DCIM (×)' },
            y: { label: 'SNR (dB)' },
            series: [
              {
                label: 'Pareto front',
                points: pts(
                  front,
                  (q) => q.gainVsDcim,
                  (q) => q.snrDb,
                ),
                tone: 'measured',
                pointRadius: 4,
              },
              {
                label: 'all points',
                points: pts(
                  p,
                  (q) => q.gainVsDcim,
                  (q) => q.snrDb,
                ),
                tone: 'muted',
                line: false,
                pointRadius: 4,
              },
              {
                label: 'model gain',
                points: pts(
                  p,
                  (q) => q.modelGainVsDcim,
                  (q) => q.snrDb,
                ),
                tone: 'model',
                line: false,
                pointRadius: 3,
              },
            ],
          },
        ],
        tables: [
          {
            id: 'osa-points-table',
            title: 'Points',
            columns: ['offset', 'SNR', 'gain', 'model gain', 'level mix', 'Pareto', 'run'],
            rows: p.map((q) => [
              String(q.offset),
              dB(q.snrDb),
              `${num(q.gainVsDcim, 3)}×`,
              `${num(q.modelGainVsDcim, 3)}×`,
              q.levelMix.map((m) => percent(m, 0)).join(' / '),
              q.pareto ? 'yes' : '',
              `#${q.runId}`,
            ]),
          },
        ],
      };
    }
    case 'adc-transfer': {
      const c = r.summary.columns;
      const s = r.summary;
      return {
        headline: `${c.length} columns; worst INL ${num(s.maxInlLsb.worst, 3)} LSB, worst DNL ${num(s.maxDnlLsb.worst, 3)} LSB; calibration #${s.calibrationId}`,
        plots: [
          {
            id: 'adc-inl-dnl',
            title: 'ADC linearity per column',
            kind: 'line',
            x: { label: 'column', integer: true },
            y: { label: 'LSB', min: 0 },
            series: [
              {
                label: 'max |INL|',
                points: pts(
                  c,
                  (q) => q.column,
                  (q) => q.maxInlLsb,
                ),
                tone: 'measured',
                pointRadius: 2,
              },
              {
                label: 'max |DNL|',
                points: pts(
                  c,
                  (q) => q.column,
                  (q) => q.maxDnlLsb,
                ),
                tone: 'model',
                pointRadius: 2,
              },
              {
                label: 'noise',
                points: pts(
                  c,
                  (q) => q.column,
                  (q) => q.noiseLsb,
                ),
                tone: 'muted',
                dashed: true,
              },
            ],
            decimate: false,
          },
          {
            id: 'adc-gain-offset',
            title: 'ADC gain and offset per column',
            kind: 'line',
            x: { label: 'column', integer: true },
            y: { label: 'offset (LSB)' },
            y2: { label: 'gain' },
            series: [
              {
                label: 'offset',
                points: pts(
                  c,
                  (q) => q.column,
                  (q) => q.offsetLsb,
                ),
                tone: 'c4',
                pointRadius: 2,
              },
              {
                label: 'gain',
                points: pts(
                  c,
                  (q) => q.column,
                  (q) => q.gain,
                ),
                tone: 'c3',
                axis: 'y2',
                pointRadius: 2,
              },
            ],
          },
        ],
        tables: [
          {
            id: 'adc-stats',
            title: 'Over the columns',
            columns: ['figure', 'mean', 'sd', 'worst'],
            rows: (
              [
                ['gain', s.gain],
                ['offset (LSB)', s.offsetLsb],
                ['noise (LSB)', s.noiseLsb],
                ['max |DNL| (LSB)', s.maxDnlLsb],
                ['max |INL| (LSB)', s.maxInlLsb],
              ] as const
            ).map(([name, st]) => [name, num(st.mean, 4), num(st.sd, 4), num(st.worst, 4)]),
          },
        ],
      };
    }
    case 'power-per-mode': {
      const p = r.summary.points;
      return {
        headline: `${p.length} modes measured`,
        plots: [
          {
            id: 'power-per-mode',
            title: 'Energy per MAC by mode',
            kind: 'bar',
            x: { label: 'mode', categories: p.map((q) => q.mode) },
            y: { label: 'pJ/MAC', min: 0 },
            series: [
              { label: 'measured', points: p.map((q, i) => ({ x: i, y: q.measuredPjPerMac })), tone: 'measured' },
              { label: 'model', points: p.map((q, i) => ({ x: i, y: q.modelPjPerMac })), tone: 'model' },
            ],
          },
        ],
        tables: [
          {
            id: 'power-table',
            title: 'By mode',
            columns: ['mode', 'pJ/MAC', 'model pJ/MAC', 'TOPS/W', 'model TOPS/W', 'run'],
            rows: p.map((q) => [q.mode, num(q.measuredPjPerMac, 3), num(q.modelPjPerMac, 3), num(q.topsPerWatt, 2), num(q.modelTopsPerWatt, 2), `#${q.runId}`]),
          },
        ],
      };
    }
    case 'march': {
      const s = r.summary;
      const series: PlotSeries[] = [
        {
          label: 'stuck at 0',
          points: s.stuckCells.filter((c) => c.stuckAt === 0).map((c) => ({ x: c.column, y: c.row })),
          tone: 'measured',
          line: false,
          pointRadius: 4,
        },
        { label: 'stuck at 1', points: s.stuckCells.filter((c) => c.stuckAt === 1).map((c) => ({ x: c.column, y: c.row })), tone: 'bad', line: false, pointRadius: 4 },
      ];
      return {
        headline: s.stuckCells.length === 0 ? `no stuck cells among ${int(s.cells)}` : `${s.stuckCells.length} stuck cells among ${int(s.cells)}`,
        plots: [
          {
            id: 'march-map',
            title: 'Stuck-cell map',
            kind: 'line',
            x: { label: 'physical column', integer: true, min: 0 },
            y: { label: 'row', min: 0 },
            series,
            empty: `no stuck cells: all ${int(s.cells)} cells passed`,
          },
        ],
        tables: [
          { id: 'march-backgrounds', title: 'Backgrounds', columns: ['background', 'bits wrong'], rows: s.backgrounds.map((b) => [b.background, int(b.bitsWrong)]) },
          {
            id: 'march-cells',
            title: 'Stuck cells',
            columns: ['row', 'column', 'stuck at'],
            rows: s.stuckCells.slice(0, 500).map((c) => [String(c.row), String(c.column), String(c.stuckAt)]),
          },
        ],
      };
    }
    case 'repeatability': {
      const s = r.summary;
      return {
        headline:
          s.betweenDies === null
            ? `${s.dies[0]?.runs.length ?? 0} runs on one die: SNR sd ${num(s.dies[0]?.snrDb.sd, 3)} dB`
            : `${s.dies.length} dies: SNR sd between dies ${num(s.betweenDies.snrDb.sd, 3)} dB, within a die ${num(s.withinDieSd?.snrDb, 3)} dB`,
        plots: [
          {
            id: 'repeatability-snr',
            title: 'SNR run after run, per die',
            kind: 'line',
            x: { label: 'run', integer: true },
            y: { label: 'SNR (dB)' },
            series: s.dies.map((d, i) => ({
              label: d.dieId,
              points: d.runs.flatMap((q, j) => (q.snrDb === null ? [] : [{ x: j + 1, y: q.snrDb }])),
              tone: CYCLE[i % CYCLE.length] ?? 'measured',
              pointRadius: 3,
            })),
          },
          {
            id: 'repeatability-energy',
            title: 'Energy per MAC run after run, per die',
            kind: 'line',
            x: { label: 'run', integer: true },
            y: { label: 'pJ/MAC' },
            series: s.dies.map((d, i) => ({
              label: d.dieId,
              points: d.runs.map((q, j) => ({ x: j + 1, y: q.measuredPjPerMac })),
              tone: CYCLE[i % CYCLE.length] ?? 'measured',
              pointRadius: 3,
            })),
          },
        ],
        tables: [
          {
            id: 'repeatability-spread',
            title: 'Spread per die',
            columns: ['die', 'runs', 'SNR mean', 'SNR sd', 'SNR min…max', 'pJ/MAC mean', 'pJ/MAC sd'],
            rows: s.dies.map((d) => [
              d.dieId,
              String(d.runs.length),
              dB(d.snrDb.mean, 3),
              d.snrDb.sd === null ? '–' : `${num(d.snrDb.sd, 3)} dB`,
              `${dB(d.snrDb.min)} … ${dB(d.snrDb.max)}`,
              num(d.measuredPjPerMac.mean, 3),
              num(d.measuredPjPerMac.sd, 4),
            ]),
          },
        ],
      };
    }
    case 'functional': {
      const s = r.summary;
      return {
        headline: `${int(s.vectors)} vectors, ${int(s.digitalMismatches)} digital mismatches`,
        plots: [],
        tables: [
          {
            id: 'functional-steps',
            title: 'Steps',
            columns: ['step', 'vectors', 'mismatches', 'run'],
            rows: s.steps.map((t) => [t.step, int(t.vectors), int(t.digitalMismatches), `#${t.runId}`]),
          },
        ],
      };
    }
  }
}
