import { describe, expect, it } from 'vitest';
import { formatProcedureReport } from '../../cli/procedure-report-format';
import { PROCEDURES } from '../../shared/api/run-options';
import { procedureReportSchema, type ProcedureReport } from '../../shared/api/procedure-reports';

const ids = { runId: 1, guid: 'f3c1a6f0-0000-4000-8000-000000000001' };
const stat = (mean: number, sd: number, worst: number) => ({ mean, sd, worst });
const column = (c: number) => ({ column: c, gain: 1, offsetLsb: 0, noiseLsb: 0.3, maxDnlLsb: 0.1, maxInlLsb: 0.2 });

// each report beside the lines `osa-bench procedure` prints for it
const cases: { name: string; report: ProcedureReport; lines: string[] }[] = [
  {
    name: 'functional, passed',
    report: {
      procedure: 'functional',
      ...ids,
      passed: true,
      summary: {
        steps: [
          { step: 'corners', vectors: 260, digitalMismatches: 0, runId: 2 },
          { step: 'walking ones', vectors: 2048, digitalMismatches: 0, runId: 3 },
          { step: 'random', vectors: 2000, digitalMismatches: 0, runId: 4 },
        ],
        vectors: 4308,
        digitalMismatches: 0,
      },
    },
    lines: [
      'corners            260 vectors  0 digital mismatches  (run 2)',
      'walking ones      2048 vectors  0 digital mismatches  (run 3)',
      'random            2000 vectors  0 digital mismatches  (run 4)',
      'PASS: DCIM bit-exact on 4308 vectors',
    ],
  },
  {
    name: 'functional, failed',
    report: {
      procedure: 'functional',
      ...ids,
      passed: false,
      summary: { steps: [{ step: 'random', vectors: 10, digitalMismatches: 7, runId: 2 }], vectors: 10, digitalMismatches: 7 },
    },
    lines: ['random              10 vectors  7 digital mismatches  (run 2)', 'FAIL: 7 MACs differ from the exact sum'],
  },
  {
    name: 'march, passed',
    report: {
      procedure: 'march',
      ...ids,
      passed: true,
      summary: {
        cells: 16384,
        backgrounds: ['solid 0', 'solid 1', 'checkerboard', 'inverse checkerboard'].map((background) => ({ background, bitsWrong: 0 })),
        stuckCells: [],
      },
    },
    lines: [
      'solid 0                0 bit(s) read back wrong',
      'solid 1                0 bit(s) read back wrong',
      'checkerboard           0 bit(s) read back wrong',
      'inverse checkerboard   0 bit(s) read back wrong',
      'PASS: no stuck cells',
    ],
  },
  {
    name: 'march, stuck cells',
    report: {
      procedure: 'march',
      ...ids,
      passed: false,
      summary: {
        cells: 16384,
        backgrounds: [{ background: 'solid 0', bitsWrong: 1 }],
        stuckCells: [
          { row: 3, column: 0, stuckAt: 1 },
          { row: 17, column: 9, stuckAt: 0 },
        ],
      },
    },
    lines: ['solid 0                1 bit(s) read back wrong', 'FAIL: 2 stuck cell(s): (row 3, column 0) stuck at 1, (row 17, column 9) stuck at 0'],
  },
  {
    name: 'adc-transfer',
    report: {
      procedure: 'adc-transfer',
      ...ids,
      passed: null,
      summary: {
        rows: 256,
        repeat: 8,
        columns: [column(0), column(1), column(2)],
        gain: stat(0.99876, 0.00512, 1.0071),
        offsetLsb: stat(-0.0123, 0.0634, 0.15),
        noiseLsb: stat(0.2912, 0.01, 0.3125),
        maxDnlLsb: stat(0.1, 0.02, 0.25),
        maxInlLsb: stat(0.2, 0.03, 0.4567),
        calibrationId: 12,
      },
    },
    lines: [
      '3 columns, ramp P = 0..256 on input plane 0, 8 repeats each',
      'gain        0.9988 +- 0.0051 (sd over columns)',
      'offset      -0.012 +- 0.063 LSB',
      'noise       0.291 LSB rms (worst column 0.313)',
      'max |DNL|   0.100 LSB (worst column 0.250)',
      'max |INL|   0.200 LSB (worst column 0.457)',
      'calibration record 12 holds gain and offset per column',
    ],
  },
  {
    name: 'snr-sweep, with an exact point (infinite SNR)',
    report: {
      procedure: 'snr-sweep',
      ...ids,
      passed: null,
      summary: {
        points: [
          { boundary: 0, snrDb: null, modelSnrDb: null, measuredPjPerMac: 25.6, runId: 2 },
          { boundary: 9, snrDb: 31.234, modelSnrDb: 31.5, measuredPjPerMac: 12.346, runId: 3 },
        ],
      },
    },
    lines: ['    b   measured dB   model dB   pJ/MAC', '    0           inf        inf    25.60', '    9         31.23      31.50    12.35'],
  },
  {
    name: 'power-per-mode',
    report: {
      procedure: 'power-per-mode',
      ...ids,
      passed: null,
      summary: {
        points: [
          { mode: 'dcim', measuredPjPerMac: 50, modelPjPerMac: 51.2, topsPerWatt: 10.24, modelTopsPerWatt: 10, runId: 2 },
          { mode: 'hcim b=9', measuredPjPerMac: 20, modelPjPerMac: 16, topsPerWatt: 25.6, modelTopsPerWatt: 32, runId: 3 },
        ],
      },
    },
    lines: [
      'mode         measured pJ/MAC   model pJ/MAC   measured TOPS/W   model TOPS/W   ratio',
      'dcim                   50.00          51.20             10.24          10.00   0.977',
      'hcim b=9               20.00          16.00             25.60          32.00   1.250',
    ],
  },
  {
    name: 'osa-points',
    report: {
      procedure: 'osa-points',
      ...ids,
      passed: null,
      summary: {
        points: [
          { offset: -12288, thresholds: [1, 2], snrDb: 30.5, gainVsDcim: 1.5, modelGainVsDcim: 1.55, levelMix: [0.25, 0.5, 0.25], pareto: true, runId: 2 },
          { offset: 6144, thresholds: [3, 4], snrDb: null, gainVsDcim: 1.25, modelGainVsDcim: 1.2, levelMix: [1, 0, 0], pareto: false, runId: 3 },
        ],
      },
    },
    lines: [
      'offset   SNR dB   gain (measured)   gain (model)   level mix %            Pareto',
      '-12288    30.50             1.500          1.550   25/50/25               yes',
      '  6144      inf             1.250          1.200   100/0/0                ',
    ],
  },
  {
    name: 'repeatability, one die',
    report: {
      procedure: 'repeatability',
      ...ids,
      passed: null,
      summary: {
        dies: [
          {
            dieId: 'SIM-DIE-0001',
            runs: [
              { runId: 2, snrDb: 30, measuredPjPerMac: 10 },
              { runId: 3, snrDb: 30.5, measuredPjPerMac: 10.5 },
            ],
            snrDb: { mean: 30.25, sd: 0.3536, min: 30, max: 30.5 },
            measuredPjPerMac: { mean: 10.25, sd: 0.3536, min: 10, max: 10.5 },
          },
        ],
        betweenDies: null,
        withinDieSd: null,
      },
    },
    lines: [
      'SIM-DIE-0001  repeat   1   SNR 30.00 dB   10.000 pJ/MAC   (run 2)',
      'SIM-DIE-0001  repeat   2   SNR 30.50 dB   10.500 pJ/MAC   (run 3)',
      'SIM-DIE-0001  SNR 30.250 +- 0.354 dB; energy 10.250 +- 0.354 pJ/MAC',
    ],
  },
  {
    name: 'repeatability, two dies, one of them exact (infinite SNR)',
    report: {
      procedure: 'repeatability',
      ...ids,
      passed: null,
      summary: {
        dies: [
          {
            dieId: 'A',
            runs: [{ runId: 2, snrDb: 30, measuredPjPerMac: 10 }],
            snrDb: { mean: 30, sd: 0, min: 30, max: 30 },
            measuredPjPerMac: { mean: 10, sd: 0, min: 10, max: 10 },
          },
          {
            dieId: 'B',
            runs: [{ runId: 3, snrDb: null, measuredPjPerMac: 12 }],
            snrDb: { mean: null, sd: null, min: null, max: null },
            measuredPjPerMac: { mean: 12, sd: 0, min: 12, max: 12 },
          },
        ],
        betweenDies: { snrDb: { mean: null, sd: null, min: 30, max: null }, measuredPjPerMac: { mean: 11, sd: 1.4142, min: 10, max: 12 } },
        withinDieSd: { snrDb: null, measuredPjPerMac: 0 },
      },
    },
    lines: [
      'A  repeat   1   SNR 30.00 dB   10.000 pJ/MAC   (run 2)',
      'A  SNR 30.000 +- 0.000 dB; energy 10.000 +- 0.000 pJ/MAC',
      'B  repeat   1   SNR inf dB   12.000 pJ/MAC   (run 3)',
      'B  SNR inf +- n/a dB; energy 12.000 +- 0.000 pJ/MAC',
      '2 dies: SNR 30.00 to inf dB (sd n/a between dies, n/a within); energy 10.000 to 12.000 pJ/MAC (sd 1.414 between, 0.000 within)',
    ],
  },
];

describe('formatProcedureReport', () => {
  it.each(cases)('$name', ({ report, lines }) => {
    expect(procedureReportSchema.parse(report)).toEqual(report); // the cases are reports a procedure could make
    expect(formatProcedureReport(report)).toEqual(lines);
  });

  it('has a case for every procedure, and the report union one member per procedure', () => {
    expect(new Set(cases.map((c) => c.report.procedure))).toEqual(new Set(PROCEDURES));
    expect(procedureReportSchema.options.map((o) => o.shape.procedure.value)).toEqual(PROCEDURES);
  });

  it('the report schema refuses what JSON cannot carry: an infinite or NaN figure', () => {
    const sweep = (snrDb: number | null) => ({
      procedure: 'snr-sweep',
      ...ids,
      passed: null,
      summary: { points: [{ boundary: 0, snrDb, modelSnrDb: null, measuredPjPerMac: 1, runId: 2 }] },
    });
    expect(procedureReportSchema.safeParse(sweep(null)).success).toBe(true);
    expect(procedureReportSchema.safeParse(sweep(Infinity)).success).toBe(false);
    expect(procedureReportSchema.safeParse(sweep(NaN)).success).toBe(false);
    // and a measurement has no pass criterion, a check always one
    expect(procedureReportSchema.safeParse({ ...sweep(null), passed: true }).success).toBe(false);
    expect(procedureReportSchema.safeParse({ ...cases[0]!.report, passed: null }).success).toBe(false);
  });
});
