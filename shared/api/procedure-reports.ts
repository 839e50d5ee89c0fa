// What each characterization procedure (spec section 5) reports: its figures as numbers, one
// schema per procedure, in one union keyed by `procedure`. Faces format them (the CLI's tables:
// cli/procedure-report-format.ts). JSON has no infinity: a dB figure that is infinite (a run with
// no error at all) is null, as in the run figures.
import { z } from 'zod';
import type { ProcedureName } from './run-options';

const id = z.number().int().positive();
const count = z.number().int().nonnegative();
/** dB; null: infinite (no error at all) */
const dB = z.number().nullable();

/** The spread of a handful of figures (shared/analysis/spread.ts). */
export const spreadSchema = z.object({ mean: z.number(), sd: z.number().nonnegative(), min: z.number(), max: z.number() });
export type SpreadDoc = z.infer<typeof spreadSchema>;

/** The spread of dB figures: null where it is not finite (an infinite SNR among the figures). */
export const dbSpreadSchema = z.object({ mean: dB, sd: z.number().nonnegative().nullable(), min: dB, max: dB });
export type DbSpread = z.infer<typeof dbSpreadSchema>;

// functional: DCIM bit-exactness, one child run per stimulus
export const functionalSummarySchema = z.object({
  steps: z.array(z.object({ step: z.string(), vectors: count, digitalMismatches: count, runId: id })),
  vectors: count,
  digitalMismatches: count,
});
export type FunctionalSummary = z.infer<typeof functionalSummarySchema>;

// march: the stuck-cell map
export const stuckCellSchema = z.object({
  row: count,
  /** physical column m * BW + j */
  column: count,
  stuckAt: z.union([z.literal(0), z.literal(1)]),
});
export const marchSummarySchema = z.object({
  /** cells tested: rows x outputs x weight bits */
  cells: count,
  backgrounds: z.array(z.object({ background: z.string(), bitsWrong: count })),
  stuckCells: z.array(stuckCellSchema),
});
export type MarchSummary = z.infer<typeof marchSummarySchema>;

// adc-transfer: per column fit, the spread over columns, and the calibration record made of it
export const columnFitSchema = z.object({
  column: count,
  gain: z.number(),
  offsetLsb: z.number(),
  noiseLsb: z.number().nonnegative(),
  maxDnlLsb: z.number().nonnegative(),
  maxInlLsb: z.number().nonnegative(),
});
/** a figure over the columns: mean, sd, and the largest magnitude */
export const columnStatSchema = z.object({ mean: z.number(), sd: z.number().nonnegative(), worst: z.number().nonnegative() });
export const adcTransferSummarySchema = z.object({
  /** the ramp: P = 0..rows active rows on input plane 0 */
  rows: count,
  repeat: z.number().int().positive(),
  columns: z.array(columnFitSchema),
  gain: columnStatSchema,
  offsetLsb: columnStatSchema,
  noiseLsb: columnStatSchema,
  maxDnlLsb: columnStatSchema,
  maxInlLsb: columnStatSchema,
  calibrationId: id,
});
export type AdcTransferSummary = z.infer<typeof adcTransferSummarySchema>;

// snr-sweep: hcim at each boundary, measured and modelled
export const snrSweepSummarySchema = z.object({
  points: z.array(z.object({ boundary: count, snrDb: dB, modelSnrDb: dB, measuredPjPerMac: z.number().nonnegative(), runId: id })),
});
export type SnrSweepSummary = z.infer<typeof snrSweepSummarySchema>;

// power-per-mode: energy per MAC and TOPS/W, measured and modelled
export const powerPerModeSummarySchema = z.object({
  points: z.array(
    z.object({
      /** dcim, acim, 'hcim b=B' or osa */
      mode: z.string(),
      measuredPjPerMac: z.number().nonnegative(),
      modelPjPerMac: z.number().nonnegative(),
      /** 0 when the energy is 0 */
      topsPerWatt: z.number().nonnegative(),
      modelTopsPerWatt: z.number().nonnegative(),
      runId: id,
    }),
  ),
});
export type PowerPerModeSummary = z.infer<typeof powerPerModeSummarySchema>;

// osa-points: operating points and their Pareto front
export const osaPointsSummarySchema = z.object({
  points: z.array(
    z.object({
      /** added to every threshold of the profile */
      offset: z.number().int(),
      thresholds: z.array(z.number()),
      snrDb: dB,
      gainVsDcim: z.number().nonnegative(),
      modelGainVsDcim: z.number().nonnegative(),
      /** the share of MACs at each saliency level, summing to 1 */
      levelMix: z.array(z.number().min(0).max(1)),
      /** no other point has both more gain and more SNR */
      pareto: z.boolean(),
      runId: id,
    }),
  ),
});
export type OsaPointsSummary = z.infer<typeof osaPointsSummarySchema>;

// repeatability: run-to-run spread per die, and the spread between dies
export const dieRepeatabilitySchema = z.object({
  dieId: z.string(),
  /** the die's runs, in order */
  runs: z.array(z.object({ runId: id, snrDb: dB, measuredPjPerMac: z.number().nonnegative() })),
  snrDb: dbSpreadSchema,
  measuredPjPerMac: spreadSchema,
});
export const repeatabilitySummarySchema = z.object({
  dies: z.array(dieRepeatabilitySchema).min(1),
  /** the spread of the dies' means; null with one die */
  betweenDies: z.object({ snrDb: dbSpreadSchema, measuredPjPerMac: spreadSchema }).nullable(),
  /** the pooled run-to-run sd within a die; null with one die */
  withinDieSd: z.object({ snrDb: z.number().nonnegative().nullable(), measuredPjPerMac: z.number().nonnegative() }).nullable(),
});
export type DieRepeatability = z.infer<typeof dieRepeatabilitySchema>;
export type RepeatabilitySummary = z.infer<typeof repeatabilitySummarySchema>;

/** Each procedure's summary, by procedure name. */
export const procedureSummarySchemas = {
  functional: functionalSummarySchema,
  march: marchSummarySchema,
  'adc-transfer': adcTransferSummarySchema,
  'snr-sweep': snrSweepSummarySchema,
  'power-per-mode': powerPerModeSummarySchema,
  'osa-points': osaPointsSummarySchema,
  repeatability: repeatabilitySummarySchema,
} as const satisfies Record<ProcedureName, z.ZodType>;

const base = { runId: id, guid: z.string() };
/** pass/fail checks say whether the die passed; measurements have no criterion (null) */
const checked = z.boolean();
const measured = z.null();

/** A procedure's report: its parent run and its figures. */
export const procedureReportSchema = z.discriminatedUnion('procedure', [
  z.object({ procedure: z.literal('functional'), ...base, passed: checked, summary: functionalSummarySchema }),
  z.object({ procedure: z.literal('march'), ...base, passed: checked, summary: marchSummarySchema }),
  z.object({ procedure: z.literal('adc-transfer'), ...base, passed: measured, summary: adcTransferSummarySchema }),
  z.object({ procedure: z.literal('snr-sweep'), ...base, passed: measured, summary: snrSweepSummarySchema }),
  z.object({ procedure: z.literal('power-per-mode'), ...base, passed: measured, summary: powerPerModeSummarySchema }),
  z.object({ procedure: z.literal('osa-points'), ...base, passed: measured, summary: osaPointsSummarySchema }),
  z.object({ procedure: z.literal('repeatability'), ...base, passed: measured, summary: repeatabilitySummarySchema }),
]);
export type ProcedureReport = z.infer<typeof procedureReportSchema>;
/** The report of procedure P. */
export type ProcedureReportOf<P extends ProcedureName> = Extract<ProcedureReport, { procedure: P }>;
export type ProcedureSummary<P extends ProcedureName> = ProcedureReportOf<P>['summary'];
