// A procedure's report as the lines `osa-bench procedure` prints: one line per step and a verdict
// or summary line, from the report's numbers (shared/api/procedure-reports.ts).
import type { DbSpread, ProcedureReport, ProcedureReportOf } from '../shared/api/procedure-reports';

/** dB to 2 decimals; null is infinite */
const fmtDb = (v: number | null) => (v === null ? 'inf' : v.toFixed(2));
/** a figure that may not be finite (null) */
const fix = (v: number | null, digits: number) => (v === null ? 'inf' : v.toFixed(digits));
const sdOf = (s: DbSpread, digits: number) => (s.sd === null ? 'n/a' : s.sd.toFixed(digits));

export function formatProcedureReport(report: ProcedureReport): string[] {
  switch (report.procedure) {
    case 'functional':
      return functional(report);
    case 'march':
      return march(report);
    case 'adc-transfer':
      return adcTransfer(report);
    case 'snr-sweep':
      return snrSweep(report);
    case 'power-per-mode':
      return powerPerMode(report);
    case 'osa-points':
      return osaPoints(report);
    case 'repeatability':
      return repeatability(report);
  }
}

function functional({ passed, summary: s }: ProcedureReportOf<'functional'>): string[] {
  return [
    ...s.steps.map((t) => `${t.step.padEnd(14)} ${String(t.vectors).padStart(7)} vectors  ${t.digitalMismatches} digital mismatches  (run ${t.runId})`),
    passed ? `PASS: DCIM bit-exact on ${s.vectors} vectors` : `FAIL: ${s.digitalMismatches} MACs differ from the exact sum`,
  ];
}

function march({ summary: s }: ProcedureReportOf<'march'>): string[] {
  const cells = s.stuckCells;
  return [
    ...s.backgrounds.map((b) => `${b.background.padEnd(22)} ${b.bitsWrong} bit(s) read back wrong`),
    cells.length === 0
      ? 'PASS: no stuck cells'
      : `FAIL: ${cells.length} stuck cell(s): ${cells.map((c) => `(row ${c.row}, column ${c.column}) stuck at ${c.stuckAt}`).join(', ')}`,
  ];
}

function adcTransfer({ summary: s }: ProcedureReportOf<'adc-transfer'>): string[] {
  return [
    `${s.columns.length} columns, ramp P = 0..${s.rows} on input plane 0, ${s.repeat} repeats each`,
    `gain        ${s.gain.mean.toFixed(4)} +- ${s.gain.sd.toFixed(4)} (sd over columns)`,
    `offset      ${s.offsetLsb.mean.toFixed(3)} +- ${s.offsetLsb.sd.toFixed(3)} LSB`,
    `noise       ${s.noiseLsb.mean.toFixed(3)} LSB rms (worst column ${s.noiseLsb.worst.toFixed(3)})`,
    `max |DNL|   ${s.maxDnlLsb.mean.toFixed(3)} LSB (worst column ${s.maxDnlLsb.worst.toFixed(3)})`,
    `max |INL|   ${s.maxInlLsb.mean.toFixed(3)} LSB (worst column ${s.maxInlLsb.worst.toFixed(3)})`,
    `calibration record ${s.calibrationId} holds gain and offset per column`,
  ];
}

function snrSweep({ summary: s }: ProcedureReportOf<'snr-sweep'>): string[] {
  return [
    '    b   measured dB   model dB   pJ/MAC',
    ...s.points.map(
      (p) => `${String(p.boundary).padStart(5)}   ${fmtDb(p.snrDb).padStart(11)}   ${fmtDb(p.modelSnrDb).padStart(8)}   ${p.measuredPjPerMac.toFixed(2).padStart(6)}`,
    ),
  ];
}

function powerPerMode({ summary: s }: ProcedureReportOf<'power-per-mode'>): string[] {
  return [
    'mode         measured pJ/MAC   model pJ/MAC   measured TOPS/W   model TOPS/W   ratio',
    ...s.points.map(
      (p) =>
        `${p.mode.padEnd(12)} ${p.measuredPjPerMac.toFixed(2).padStart(15)}   ${p.modelPjPerMac.toFixed(2).padStart(12)}   ${p.topsPerWatt.toFixed(2).padStart(15)}   ${p.modelTopsPerWatt.toFixed(2).padStart(12)}   ${(p.measuredPjPerMac / p.modelPjPerMac).toFixed(3)}`,
    ),
  ];
}

function osaPoints({ summary: s }: ProcedureReportOf<'osa-points'>): string[] {
  return [
    'offset   SNR dB   gain (measured)   gain (model)   level mix %            Pareto',
    ...s.points.map(
      (p) =>
        `${String(p.offset).padStart(6)}   ${fmtDb(p.snrDb).padStart(6)}   ${p.gainVsDcim.toFixed(3).padStart(15)}   ${p.modelGainVsDcim.toFixed(3).padStart(12)}   ${p.levelMix
          .map((x) => (100 * x).toFixed(0))
          .join('/')
          .padEnd(20)}   ${p.pareto ? 'yes' : ''}`,
    ),
  ];
}

function repeatability({ summary: s }: ProcedureReportOf<'repeatability'>): string[] {
  const lines: string[] = [];
  for (const die of s.dies) {
    die.runs.forEach((r, k) =>
      lines.push(`${die.dieId}  repeat ${String(k + 1).padStart(3)}   SNR ${fmtDb(r.snrDb)} dB   ${r.measuredPjPerMac.toFixed(3)} pJ/MAC   (run ${r.runId})`),
    );
    lines.push(
      `${die.dieId}  SNR ${fix(die.snrDb.mean, 3)} +- ${sdOf(die.snrDb, 3)} dB; energy ${die.measuredPjPerMac.mean.toFixed(3)} +- ${die.measuredPjPerMac.sd.toFixed(3)} pJ/MAC`,
    );
  }
  const { betweenDies: between, withinDieSd: within } = s;
  if (between && within) {
    lines.push(
      `${s.dies.length} dies: SNR ${fix(between.snrDb.min, 2)} to ${fix(between.snrDb.max, 2)} dB (sd ${sdOf(between.snrDb, 3)} between dies, ${within.snrDb === null ? 'n/a' : within.snrDb.toFixed(3)} within); ` +
        `energy ${between.measuredPjPerMac.min.toFixed(3)} to ${between.measuredPjPerMac.max.toFixed(3)} pJ/MAC (sd ${between.measuredPjPerMac.sd.toFixed(3)} between, ${within.measuredPjPerMac.toFixed(3)} within)`,
    );
  }
  return lines;
}
