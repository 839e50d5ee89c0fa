// @vitest-environment happy-dom
// Every procedure's report, as its stop document carries it ({ passed, ...summary }), typed by its
// schema and turned into plots and tables; and the summaries that are not reports.
import { describe, expect, it } from 'vitest';
import { reportFigures } from '../../renderer/src/charts/report-plots';
import { parseReport, parseRunSummary } from '../../renderer/src/fold/reports';
import { runSummary } from './support/streams';

const spread = { mean: 20, sd: 0.1, min: 19.9, max: 20.1 };
const col = { mean: 1, sd: 0.01, worst: 1.05 };

const SUMMARIES: Record<string, Record<string, unknown>> = {
  functional: { passed: true, steps: [{ step: 'corners', vectors: 64, digitalMismatches: 0, runId: 2 }], vectors: 64, digitalMismatches: 0 },
  march: { passed: false, cells: 16384, backgrounds: [{ background: 'zeros', bitsWrong: 1 }], stuckCells: [{ row: 3, column: 17, stuckAt: 1 }] },
  'adc-transfer': {
    passed: null,
    rows: 256,
    repeat: 8,
    columns: [0, 1, 2].map((c) => ({ column: c, gain: 1 + c / 100, offsetLsb: 0.1 * c, noiseLsb: 0.3, maxDnlLsb: 0.2, maxInlLsb: 0.4 })),
    gain: col,
    offsetLsb: col,
    noiseLsb: col,
    maxDnlLsb: col,
    maxInlLsb: col,
    calibrationId: 4,
  },
  'snr-sweep': { passed: null, points: [{ boundary: 8, snrDb: 31.4, modelSnrDb: 32.6, measuredPjPerMac: 32.7, runId: 5 }] },
  'power-per-mode': {
    passed: null,
    points: ['dcim', 'acim', 'hcim b=9', 'osa'].map((mode, i) => ({
      mode,
      measuredPjPerMac: 50 - 8 * i,
      modelPjPerMac: 49 - 8 * i,
      topsPerWatt: 20 + i,
      modelTopsPerWatt: 21 + i,
      runId: 10 + i,
    })),
  },
  'osa-points': {
    passed: null,
    points: [-1, 0, 1].map((k, i) => ({
      offset: k * 6144,
      thresholds: [1, 2, 3],
      snrDb: 17 + k,
      gainVsDcim: 1.9 - k / 10,
      modelGainVsDcim: 1.92 - k / 10,
      levelMix: [0.25, 0.25, 0.25, 0.25],
      pareto: i !== 1,
      runId: 20 + i,
    })),
  },
  repeatability: {
    passed: null,
    dies: [
      { dieId: 'SIM-DIE-0001', runs: [1, 2, 3].map((n) => ({ runId: n, snrDb: 20 + n / 100, measuredPjPerMac: 26.8 })), snrDb: spread, measuredPjPerMac: spread },
      {
        dieId: 'SIM-DIE-0002',
        runs: [4, 5, 6].map((n) => ({ runId: n, snrDb: null, measuredPjPerMac: 27 })),
        snrDb: { mean: null, sd: null, min: null, max: null },
        measuredPjPerMac: spread,
      },
    ],
    betweenDies: { snrDb: { mean: null, sd: null, min: null, max: null }, measuredPjPerMac: spread },
    withinDieSd: { snrDb: null, measuredPjPerMac: 0.1 },
  },
};

describe('procedure reports', () => {
  it.each(Object.keys(SUMMARIES))('%s: typed from its summary, and drawn', (procedure) => {
    const report = parseReport(procedure, SUMMARIES[procedure]);
    expect(report?.procedure).toBe(procedure);
    const figures = reportFigures(report!);
    expect(figures.headline.length).toBeGreaterThan(0);
    expect(figures.plots.length + figures.tables.length).toBeGreaterThan(0);
    for (const p of figures.plots) for (const s of p.series) for (const pt of s.points) expect(Number.isFinite(pt.x) && Number.isFinite(pt.y)).toBe(true);
    for (const t of figures.tables) for (const r of t.rows) expect(r).toHaveLength(t.columns.length);
  });

  it('keeps the pass verdict, and gives a Pareto front in the order of gain', () => {
    expect(parseReport('functional', SUMMARIES.functional)?.passed).toBe(true);
    expect(parseReport('march', SUMMARIES.march)?.passed).toBe(false);
    const osa = reportFigures(parseReport('osa-points', SUMMARIES['osa-points'])!);
    const front = osa.plots[0]!.series.find((s) => s.label === 'Pareto front')!;
    expect(front.points.map((p) => Math.round(p.x * 100) / 100)).toEqual([1.8, 2]);
  });

  it('reads nothing it cannot type', () => {
    expect(parseReport('snr-sweep', { points: [{ boundary: 'x' }] })).toBeNull();
    expect(parseReport('run', runSummary(1, 10))).toBeNull();
    expect(parseReport('nonsense', {})).toBeNull();
    expect(parseRunSummary(runSummary(1, 10))?.vectors).toBe(10);
    expect(parseRunSummary(SUMMARIES['snr-sweep'])).toBeNull();
    expect(parseRunSummary(null)).toBeNull();
  });
});
