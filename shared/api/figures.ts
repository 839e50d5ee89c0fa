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
