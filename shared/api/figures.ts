// The numbers a run reports, as schemas: what a batch carries about its block and what the run
// has measured so far. JSON has no infinity, so an extreme of nothing (a dcim block has no codes)
// is null, never a sentinel.
import { z } from 'zod';

const count = z.number().int().nonnegative();
const dB = z.number().nullable();

/** The run's figures so far, measured beside modelled (shared/analysis/run-figures.ts). */
export const runFiguresSchema = z.object({
  macs: count,
  snrDb: dB,
  modelSnrDb: dB,
  levelAgreement: z.number().min(0).max(1),
  digitalMismatches: count,
  codeResidualMeanLsb: z.number(),
  codeResidualRmsLsb: z.number().nonnegative(),
  measuredPjPerMac: z.number().nonnegative(),
  modelPjPerMac: z.number().nonnegative(),
  gainVsDcim: z.number().nonnegative(),
  modelGainVsDcim: z.number().nonnegative(),
  dieTempC: z.number().nullable(),
});
export type RunFiguresDoc = z.infer<typeof runFiguresSchema>;

/** One block's comparison with the model: sums a reader can add up over blocks. */
export const blockFiguresSchema = z.object({
  macs: count,
  digitalMismatches: count,
  levelAgreements: count,
  signalSq: z.number().nonnegative(),
  errorSq: z.number().nonnegative(),
  modelErrorSq: z.number().nonnegative(),
  /** null: the block has no MAC */
  yhatResidualMin: z.number().nullable(),
  yhatResidualMax: z.number().nullable(),
  codeResidualCount: count,
  codeResidualSum: z.number(),
  codeResidualSq: z.number().nonnegative(),
  /** null: the block has no analog code (dcim) */
  codeResidualMin: z.number().nullable(),
  codeResidualMax: z.number().nullable(),
  modelEnergyPj: z.number().nonnegative(),
});
export type BlockFigures = z.infer<typeof blockFiguresSchema>;

/** The rails during a block's timed burst. */
export const railPowerSchema = z.object({
  burstUs: z.number().nonnegative(),
  dieTempC: z.number(),
  vddDigMw: z.number(),
  vddAnaMw: z.number(),
  vddSramMw: z.number(),
});
export type RailPower = z.infer<typeof railPowerSchema>;

/** A block's figures as a document carries them (these fields only): an extreme over nothing is null. */
export function blockFigures(s: { [K in keyof BlockFigures]: number }): BlockFigures {
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    macs: s.macs,
    digitalMismatches: s.digitalMismatches,
    levelAgreements: s.levelAgreements,
    signalSq: s.signalSq,
    errorSq: s.errorSq,
    modelErrorSq: s.modelErrorSq,
    codeResidualCount: s.codeResidualCount,
    codeResidualSum: s.codeResidualSum,
    codeResidualSq: s.codeResidualSq,
    modelEnergyPj: s.modelEnergyPj,
    yhatResidualMin: finite(s.yhatResidualMin),
    yhatResidualMax: finite(s.yhatResidualMax),
    codeResidualMin: finite(s.codeResidualMin),
    codeResidualMax: finite(s.codeResidualMax),
  };
}

// A block's live sample (shared/analysis/block-sample.ts): what the Run screen's scatter and
// residual histograms draw. The bins are fixed, so blocks add up and a live run and its read-back
// count the same.

/** MACs of a block whose (exact, measured yhat) a batch carries, at most */
export const SAMPLE_MACS = 64;
/** ADC code residual bins: one per integer LSB from -SPAN to +SPAN, an open bin each side */
export const CODE_RESIDUAL_SPAN = 8;
export const CODE_RESIDUAL_BINS = 2 * CODE_RESIDUAL_SPAN + 3;
/**
 * yhat error (measured yhat - exact) bins, in signed octaves: |e| < 1 in the middle, then
 * 2^k <= |e| < 2^(k+1) for k = 0 .. OCTAVES - 1 on each side, the outermost open. One fixed scale
 * for every mode: errors run from tens (hcim) to a hundred thousand (acim) on the default die.
 */
export const YHAT_ERROR_OCTAVES = 24;
export const YHAT_ERROR_BINS = 2 * YHAT_ERROR_OCTAVES + 1;

const codeResidualCounts = z.array(count).length(CODE_RESIDUAL_BINS);
const yhatErrorCounts = z.array(count).length(YHAT_ERROR_BINS);

/** Counts per bin: the code residual over a block's conversions, the yhat error over its MACs. */
export const residualHistogramsSchema = z.object({ codeResidual: codeResidualCounts, yhatError: yhatErrorCounts });
export type ResidualHistograms = z.infer<typeof residualHistogramsSchema>;

export const blockSampleSchema = residualHistogramsSchema.extend({
  /** (exact, measured yhat) of a few of the block's MACs, picked by a fixed rule (the same block gives the same pairs) */
  pairs: z.array(z.tuple([z.number(), z.number()])).max(SAMPLE_MACS),
});
export type BlockSample = z.infer<typeof blockSampleSchema>;

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const pow2 = (k: number) => `2${[...String(k)].map((d) => SUPERSCRIPT[Number(d)]).join('')}`;

/** The code residual bins' names, in LSB: '≤−9', '−8', ..., '+8', '≥+9'. */
export function codeResidualBinLabels(): string[] {
  const s = CODE_RESIDUAL_SPAN;
  return Array.from({ length: CODE_RESIDUAL_BINS }, (_, i) => {
    const k = i - s - 1;
    if (i === 0) return `≤−${s + 1}`;
    if (i === CODE_RESIDUAL_BINS - 1) return `≥+${s + 1}`;
    return k < 0 ? `−${-k}` : k > 0 ? `+${k}` : '0';
  });
}

/** The yhat error bins' names, by the lower bound of |e|: '≤−2²³', ..., '−2⁰', '0' (|e| < 1), '+2⁰', ..., '≥+2²³'. */
export function yhatErrorBinLabels(): string[] {
  const o = YHAT_ERROR_OCTAVES;
  return Array.from({ length: YHAT_ERROR_BINS }, (_, i) => {
    if (i === o) return '0';
    const k = i < o ? o - 1 - i : i - o - 1;
    const open = k === o - 1;
    return i < o ? `${open ? '≤' : ''}−${pow2(k)}` : `${open ? '≥' : ''}+${pow2(k)}`;
  });
}
