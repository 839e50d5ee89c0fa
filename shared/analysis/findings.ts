// Findings flagged from a comparison, each with its evidence (docs/replay-compare.md): dead and
// saturated ADC columns, column gain and offset outliers, stuck cells (shared/analysis/
// stuck-cells.ts), saliency thresholds that misfire, digital sums nothing explains. The rules are
// here, apart from the passes that gather the numbers, so each is read and tested on its own.
import type { Finding } from '../api/compare';
import type { ColumnStats, ThresholdStats } from './silicon-vs-model';
import { madSd, median } from './stats';
import type { DigitalMismatches, FittedLine, StuckCell } from './stuck-cells';

/** How far from the rest a column must be, and at least how far in absolute terms, to be flagged. */
export const FINDING_RULES = {
  /** conversions a column needs before it is judged */
  minSamples: 50,
  /** saturated: at full scale this much more often than the ideal ADC would be */
  saturatedExcess: 0.25,
  /** dead: its codes spread less than this share of the ideal codes' spread (which must be at least idealSdLsb) */
  deadSpreadShare: 0.2,
  deadIdealSdLsb: 0.5,
  /** gain and offset outliers: robust z beyond this, and at least this far from the median */
  robustZ: 6,
  gainFloor: 0.05,
  offsetFloorLsb: 0.3,
  /** spread floors, so that a die with no mismatch at all does not flag estimation noise */
  gainSpreadFloor: 0.002,
  offsetSpreadFloorLsb: 0.02,
} as const;

/** Dead or saturated columns: their codes follow no line, so they are left out of what follows. */
export function brokenColumns(columns: readonly ColumnStats[]): Finding[] {
  const out: Finding[] = [];
  const R = FINDING_RULES;
  for (const c of columns) {
    if (c.count < R.minSamples) continue;
    const place = { column: c.column, output: c.output, weightBit: c.weightBit };
    if (c.topFraction >= c.idealTopFraction + R.saturatedExcess) {
      out.push({
        kind: 'saturated-column',
        ...place,
        evidence: {
          samples: c.count,
          fractionAtTop: c.topFraction,
          idealFractionAtTop: c.idealTopFraction,
          measuredMeanLsb: c.measuredMeanLsb,
          idealMeanLsb: c.idealMeanLsb,
        },
      });
    } else if (c.idealSdLsb >= R.deadIdealSdLsb && c.measuredSdLsb <= R.deadSpreadShare * c.idealSdLsb) {
      out.push({
        kind: 'dead-column',
        ...place,
        evidence: { samples: c.count, code: c.modeCode, fractionAtCode: c.modeFraction, measuredSdLsb: c.measuredSdLsb, idealSdLsb: c.idealSdLsb },
      });
    }
  }
  return out;
}

/**
 * Columns whose gain or offset (their lines, in the measuring ADC's LSB) stands out from the
 * die's other columns (robust z: median and MAD). An offset is judged after taking away what the
 * stuck cells found in its column explain.
 */
export function columnOutliers(
  columns: readonly ColumnStats[],
  lines: readonly (FittedLine | null)[],
  skip: ReadonlySet<number>,
  stuck: readonly StuckCell[],
): Finding[] {
  const R = FINDING_RULES;
  const fitted = columns.filter((c) => !skip.has(c.column) && c.count >= R.minSamples && lines[c.column]);
  if (fitted.length < 3) return [];
  const share = new Map<number, number>();
  for (const s of stuck) share.set(s.column, (share.get(s.column) ?? 0) + s.offsetShareLsb);
  const offsets = fitted.map((c) => (lines[c.column] as FittedLine).offset - (share.get(c.column) ?? 0));
  const gains = fitted.map((c) => (lines[c.column] as FittedLine).gain);
  const gMed = median(gains);
  const gSpread = Math.max(madSd(gains), R.gainSpreadFloor);
  const oMed = median(offsets);
  const oSpread = Math.max(madSd(offsets), R.offsetSpreadFloorLsb);
  const out: Finding[] = [];
  fitted.forEach((c, k) => {
    const place = { column: c.column, output: c.output, weightBit: c.weightBit };
    const g = gains[k] as number;
    const gz = (g - gMed) / gSpread;
    if (Math.abs(gz) > R.robustZ && Math.abs(g - gMed) > R.gainFloor)
      out.push({ kind: 'column-gain', ...place, evidence: { gain: g, medianGain: gMed, spreadGain: gSpread, robustZ: gz } });
    const o = offsets[k] as number;
    const oz = (o - oMed) / oSpread;
    if (Math.abs(oz) > R.robustZ && Math.abs(o - oMed) > R.offsetFloorLsb) {
      out.push({
        kind: 'column-offset',
        ...place,
        evidence: { offsetLsb: o, medianOffsetLsb: oMed, spreadOffsetLsb: oSpread, robustZ: oz, stuckCellShareLsb: share.get(c.column) ?? 0 },
      });
    }
  });
  return out;
}

/** A saliency threshold the die's level does not follow: the saliency is an exact digital sum, so any misfire is a fault. */
export function thresholdMisfires(thresholds: readonly ThresholdStats[]): Finding[] {
  return thresholds
    .filter((t) => t.firedBelow + t.missedAbove > 0)
    .map((t) => ({
      kind: 'threshold-misfire' as const,
      threshold: t.threshold,
      theta: t.theta,
      evidence: { macs: t.macs, firedBelow: t.firedBelow, missedAbove: t.missedAbove, effectiveLo: t.effectiveLo, effectiveHi: t.effectiveHi, examples: t.examples },
    }));
}

export function stuckCellFindings(cells: readonly StuckCell[]): Finding[] {
  return cells.map((s) => ({
    kind: 'stuck-cell' as const,
    row: s.row,
    column: s.column,
    output: s.output,
    weightBit: s.weightBit,
    stuckAt: s.stuckAt,
    evidence: { channel: s.channel, analogShare: s.analogShare, analogZ: s.analogZ, analogSamples: s.analogSamples, digitalMacs: s.digitalMacs },
  }));
}

export function digitalFindings(digital: readonly DigitalMismatches[]): Finding[] {
  return digital
    .filter((d) => d.unexplained > 0)
    .map((d) => ({ kind: 'digital-mismatch' as const, output: d.output, evidence: { macs: d.macs, unexplained: d.unexplained, examples: d.examples } }));
}
