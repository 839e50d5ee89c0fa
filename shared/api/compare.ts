// What replay, re-scoring, re-decoding and the comparisons ask for and answer, as schemas: the
// server validates requests with them, and the CLI and the app format the typed answers (numbers,
// never text). A comparison is made in engine/compare from shared/analysis; docs/replay-compare.md
// says what each figure and finding means.
import { z } from 'zod';
import { MODES } from '../model/modes';
import { runFiguresSchema } from './figures';

const id = z.number().int().positive();
const count = z.number().int().nonnegative();
const dB = z.number().nullable();
const runRef = z.union([id, z.string().min(1)]);

// ---- requests -----------------------------------------------------------------------------------

/** Replay a logged run as its documents: `speed` x its original pace (null: as fast as possible). */
export const replayOptionsSchema = z.object({
  run: runRef,
  /** 1 = the run's own pace; 4 = four times faster; null = as fast as possible */
  speed: z.number().positive().max(1_000_000).nullable().default(1),
  /** start at the block holding this vector */
  fromVector: count.optional(),
  /** batch documents carry their measured arrays (in process only; JSON clients get the figures) */
  withData: z.boolean().default(true),
});
export type ReplayOptions = z.input<typeof replayOptionsSchema>;

/** Re-score a logged run against the model with another profile or mode configuration (no board). */
export const rescoreOptionsSchema = z.object({
  run: runRef,
  /** a die profile file whose fields replace the run's own (the others stay as the run had them) */
  profile: z.string().min(1).optional(),
  /** the same, given as an object (the API) */
  profileFields: z.record(z.string(), z.unknown()).optional(),
  mode: z.enum(MODES).optional(),
  boundary: z.number().int().min(0).max(31).optional(),
  skip: z.number().int().min(0).max(31).optional(),
  label: z.string().max(200).optional(),
});
export type RescoreOptions = z.input<typeof rescoreOptionsSchema>;

/** Compare one run with the model, or (with `with`) with another run over the same stimulus. */
export const compareOptionsSchema = z.object({
  run: runRef,
  with: runRef.optional(),
  /** vectors the stuck-cell scan reads, spread over the run (default 4096) */
  scanVectors: z.number().int().min(1).max(10_000_000).optional(),
  /** outliers listed (default 20) */
  outliers: z.number().int().min(0).max(10_000).optional(),
});
export type CompareOptions = z.input<typeof compareOptionsSchema>;

// ---- shared pieces ------------------------------------------------------------------------------

export const histogramSchema = z.object({
  lo: z.number(),
  hi: z.number(),
  binWidth: z.number().positive(),
  counts: z.array(count),
  underflow: count,
  overflow: count,
  total: count,
  mean: z.number().nullable(),
  sd: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
});

/** A mean of per-segment differences (B - A) with its 95 % interval; t = mean / se. */
export const meanStatSchema = z.object({
  n: count,
  mean: z.number().nullable(),
  sd: z.number().nullable(),
  se: z.number().nullable(),
  ci95Lo: z.number().nullable(),
  ci95Hi: z.number().nullable(),
  t: z.number().nullable(),
});

export const comparedRunSchema = z.object({
  runId: id,
  guid: z.string(),
  kind: z.string(),
  label: z.string().nullable(),
  parentId: id.nullable(),
  mode: z.string().nullable(),
  dieId: z.string().nullable(),
  vectorSet: z.string(),
  weightSet: z.string(),
  /** committed vectors */
  vectors: count,
  repeat: z.number().int().positive(),
});

const column = { column: count, output: count, weightBit: count };

// ---- findings -------------------------------------------------------------------------------

export const FINDING_KINDS = ['stuck-cell', 'dead-column', 'saturated-column', 'column-gain', 'column-offset', 'threshold-misfire', 'digital-mismatch'] as const;

export const findingSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('stuck-cell'),
    /** SRAM row and physical column m * BW + j */
    row: count,
    ...column,
    stuckAt: z.union([z.literal(0), z.literal(1)]),
    evidence: z.object({
      /** the ADC codes of the column's analog planes, the exact digital sums, or both */
      channel: z.enum(['analog', 'digital', 'both']),
      /** codes: the column's code moves as a stuck cell would move it, this share of the way (1: all of it; a healthy cell reads about 0) */
      analogShare: z.number().nullable(),
      /** codes: how many standard errors the codes favour the stuck cell over a healthy one */
      analogZ: z.number().nullable(),
      /** conversions of the column with the cell's input bit set (in the scanned sample) */
      analogSamples: count,
      /** digital sums: MACs whose digital sum differs from the model's by exactly this cell's contribution */
      digitalMacs: count,
    }),
  }),
  z.object({
    kind: z.literal('dead-column'),
    ...column,
    evidence: z.object({ samples: count, code: count, fractionAtCode: z.number(), measuredSdLsb: z.number(), idealSdLsb: z.number() }),
  }),
  z.object({
    kind: z.literal('saturated-column'),
    ...column,
    evidence: z.object({ samples: count, fractionAtTop: z.number(), idealFractionAtTop: z.number(), measuredMeanLsb: z.number(), idealMeanLsb: z.number() }),
  }),
  z.object({
    kind: z.literal('column-gain'),
    ...column,
    evidence: z.object({ gain: z.number(), medianGain: z.number(), spreadGain: z.number(), robustZ: z.number() }),
  }),
  z.object({
    kind: z.literal('column-offset'),
    ...column,
    evidence: z.object({ offsetLsb: z.number(), medianOffsetLsb: z.number(), spreadOffsetLsb: z.number(), robustZ: z.number(), stuckCellShareLsb: z.number() }),
  }),
  z.object({
    kind: z.literal('threshold-misfire'),
    /** which threshold q (level q -> q + 1) */
    threshold: count,
    theta: z.number(),
    evidence: z.object({
      macs: count,
      /** the level went above q with the measured saliency at or below theta */
      firedBelow: count,
      /** the level stayed at or below q with the measured saliency above theta */
      missedAbove: count,
      /** the board's threshold lies in (lo, hi]: from the saliencies it fired and did not fire at */
      effectiveLo: z.number().nullable(),
      effectiveHi: z.number().nullable(),
      examples: z.array(z.object({ vector: count, output: count, saliency: z.number(), level: count })),
    }),
  }),
  z.object({
    kind: z.literal('digital-mismatch'),
    output: count,
    evidence: z.object({
      /** MACs whose digital sum differs from the model's at the level the die used */
      macs: count,
      /** of those, not explained by the stuck cells found */
      unexplained: count,
      examples: z.array(z.object({ vector: count, output: count, residual: z.number() })),
    }),
  }),
]);
export type Finding = z.infer<typeof findingSchema>;
export type FindingKind = Finding['kind'];

// ---- one run against the model ------------------------------------------------------------------

export const planeStatSchema = z.object({
  plane: count,
  inputBit: count,
  weightBit: count,
  count,
  meanLsb: z.number(),
  sdLsb: z.number(),
  minLsb: z.number().nullable(),
  maxLsb: z.number().nullable(),
});

export const columnStatSchema = z.object({
  ...column,
  /** conversions seen (every plane of the column the die converted) */
  count,
  /** code residual: measured code - the model's ideal code of the plane, LSB (conversions both made) */
  meanLsb: z.number(),
  sdLsb: z.number(),
  minLsb: z.number().nullable(),
  maxLsb: z.number().nullable(),
  /** code = gain * P * L / N + offset (measuring ADC's LSB), fitted over the scanned sample off both ends of the scale */
  gain: z.number().nullable(),
  offsetLsb: z.number().nullable(),
  fitSdLsb: z.number().nullable(),
  zeroFraction: z.number(),
  idealZeroFraction: z.number(),
  topFraction: z.number(),
  idealTopFraction: z.number(),
});

export const transferPointSchema = z.object({ popcount: count, count, meanCode: z.number(), sdCode: z.number(), idealCode: count });

export const levelStatSchema = z.object({
  level: count,
  /** MACs the model put at this level, and the die */
  modelMacs: count,
  measuredMacs: count,
  /** over the MACs the model put at this level: the die's yhat and the model's against exact */
  measuredSnrDb: dB,
  modelSnrDb: dB,
});

export const railEnergySchema = z.object({
  rail: z.enum(['VDD_DIG', 'VDD_ANA', 'VDD_SRAM']),
  measuredPj: z.number(),
  /** the energy model has no SRAM rail: null there */
  modelPj: z.number().nullable(),
  measuredPjPerMac: z.number(),
  modelPjPerMac: z.number().nullable(),
  /** measured / modelled */
  ratio: z.number().nullable(),
});

export const outlierSchema = z.object({
  vector: count,
  output: count,
  block: count,
  /** which repeat of the vector (0 for the first) */
  repeat: count,
  yhat: z.number(),
  modelYhat: z.number(),
  exact: z.number(),
  /** yhat - modelYhat */
  residual: z.number(),
  /** residual / the rms residual of the run */
  z: z.number(),
});

export const runComparisonSchema = z.object({
  kind: z.literal('run'),
  run: comparedRunSchema,
  geometry: z.object({ rows: count, outputs: count, inputBits: count, weightBits: count, adcBits: count, measuredAdcBits: count }),
  config: z.object({ mode: z.enum(MODES), boundary: z.number().int().nullable(), skip: z.number().int().nullable() }),
  macs: count,
  /** the run's figures from its block summaries (no blob read) */
  figures: runFiguresSchema,
  /** measured yhat - model yhat per MAC */
  yhatResidual: histogramSchema,
  /** measured yhat - exact, and the model's yhat - exact, over the same bins */
  yhatError: histogramSchema,
  modelYhatError: histogramSchema,
  /** code residual of every conversion, LSB, in bins of 1 LSB */
  codeResidual: histogramSchema,
  planes: z.array(planeStatSchema),
  /** per physical column (output m x weight bit j, m * BW + j) */
  columns: z.array(columnStatSchema),
  /** mean measured code per plane popcount over the scanned sample, all columns together, beside the ideal code */
  transfer: z.array(transferPointSchema),
  levels: z.object({
    levels: z.number().int().positive(),
    perLevel: z.array(levelStatSchema),
    /** rows: the die's level, columns: the model's */
    confusion: z.array(z.array(count)),
    agreement: z.number(),
  }),
  energy: z.object({ rails: z.array(railEnergySchema), burstUs: z.number(), measuredPjPerMac: z.number(), modelPjPerMac: z.number() }),
  outliers: z.array(outlierSchema),
  findings: z.array(findingSchema),
  /** the stuck-cell scan read these vectors (blocks spread over the run) */
  scan: z.object({ vectors: count, blocks: count }),
});
export type RunComparison = z.infer<typeof runComparisonSchema>;
export type Histogram = z.infer<typeof histogramSchema>;
export type ColumnStat = z.infer<typeof columnStatSchema>;

// ---- run against run ----------------------------------------------------------------------------

export const runsComparisonSchema = z.object({
  kind: z.literal('runs'),
  a: comparedRunSchema,
  b: comparedRunSchema,
  /** vectors both runs committed, aligned by index from 0 */
  vectors: count,
  /** stretches of vectors where both runs end a block: the unit of the paired statistics */
  segments: count,
  /** each run's figures over the aligned vectors (from block summaries) */
  figures: z.object({ a: runFiguresSchema, b: runFiguresSchema }),
  /** B - A per segment */
  deltas: z.object({
    snrDb: meanStatSchema,
    modelSnrDb: meanStatSchema,
    measuredPjPerMac: meanStatSchema,
    codeResidualMeanLsb: meanStatSchema,
    codeResidualRmsLsb: meanStatSchema,
    levelAgreement: meanStatSchema,
  }),
  rails: z.array(z.object({ rail: z.enum(['VDD_DIG', 'VDD_ANA', 'VDD_SRAM']), aPjPerMac: z.number(), bPjPerMac: z.number(), delta: meanStatSchema })),
  /** MAC by MAC, first repeat of each vector: yhat of B - yhat of A */
  yhatDifference: histogramSchema,
  levels: z.object({ macs: count, same: count, confusion: z.array(z.array(count)) }),
  /** per physical column: code of B - code of A (in A's LSB), over conversions both made */
  columns: z.array(z.object({ ...column, count, meanDeltaLsb: z.number(), sdDeltaLsb: z.number() })),
});
export type RunsComparison = z.infer<typeof runsComparisonSchema>;

// ---- re-decoding --------------------------------------------------------------------------------

export const REDECODE_STATUSES = ['equal', 'differing', 'missing', 'undecodable'] as const;

export const redecodeReportSchema = z.object({
  runId: id,
  blocks: count,
  equal: count,
  differing: count,
  /** no wire log kept for the block (runs over 100,000 vectors, --no-wire-log) */
  missing: count,
  /** a wire log that does not hold the block's results whole */
  undecodable: count,
  /** every block that is not equal, in order */
  problems: z.array(z.object({ block: count, firstVector: count, vectors: count, status: z.enum(REDECODE_STATUSES), detail: z.string() })),
});
export type RedecodeReport = z.infer<typeof redecodeReportSchema>;
