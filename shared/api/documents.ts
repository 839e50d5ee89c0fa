// The documents of a run (Bluesky's event model): start, descriptor, batch, status and stop, each
// with a sequence number in its stream, so a client that reconnects asks for the stream from where
// it left off. The run engine only emits these; the store, the CLI, the server and the app
// subscribe. A procedure's stream holds its own documents and those of its child runs: `runId`
// names the run a document is about, `seq` its place in the stream that was started.
import { z } from 'zod';
import { blockFiguresSchema, blockSampleSchema, railPowerSchema, residualHistogramsSchema, runFiguresSchema } from './figures';

const id = z.number().int().positive();
const count = z.number().int().nonnegative();
const time = z.string().min(1);

export const TERMINAL_STATES = ['completed', 'aborted', 'failed', 'interrupted'] as const;
export type TerminalState = (typeof TERMINAL_STATES)[number];
/** resuming: the link was lost and the run waits for the same board */
export const LIVE_STATES = ['running', 'paused', 'resuming'] as const;
export const STATUS_STATES = [...LIVE_STATES, ...TERMINAL_STATES] as const;
export type StatusState = (typeof STATUS_STATES)[number];

const base = { runId: id, seq: count };

export const startDocumentSchema = z.object({
  type: z.literal('start'),
  ...base,
  guid: z.string(),
  /** 'run', or the procedure a parent run stands for */
  kind: z.string(),
  label: z.string().nullable(),
  parentId: id.nullable(),
  mode: z.string().nullable(),
  /** a measurement run: runConfigSchema; a procedure: its parameters */
  config: z.record(z.string(), z.unknown()),
  /** a measurement run: runProvenanceSchema; a procedure: procedureProvenanceSchema */
  provenance: z.record(z.string(), z.unknown()),
  vectorSet: z.string().nullable(),
  weightSet: z.string().nullable(),
  vectorsTotal: count,
  repeat: z.number().int().positive(),
  calibrationId: id.nullable(),
  time,
});

export const DTYPES = ['int32', 'int16', 'uint8', 'float64'] as const;
export const dataKeySchema = z.object({
  dtype: z.enum(DTYPES),
  /** per batch; 'vectors' stands for the batch's vector count */
  shape: z.array(z.union([z.number().int().positive(), z.literal('vectors')])),
  unit: z.string().nullable(),
  description: z.string(),
});
export type DataKey = z.infer<typeof dataKeySchema>;

export const descriptorDocumentSchema = z.object({
  type: z.literal('descriptor'),
  ...base,
  /** the arrays of a batch's data, by name */
  dataKeys: z.record(z.string(), dataKeySchema),
  /** the figures of a batch, by name, with their units */
  figureUnits: z.record(z.string(), z.string().nullable()),
});

/** A batch's measured arrays, in process (one entry per MAC, vector-major, repeats after each other). */
export interface BatchData {
  /** exact integers that may pass int32 (as the board sent them) */
  readonly digital: Float64Array;
  readonly saliency: Float64Array;
  readonly level: Uint8Array;
  /** per MAC and plane: -1 where the plane was not converted */
  readonly codes: Int16Array;
}

export const batchDocumentSchema = z.object({
  type: z.literal('batch'),
  ...base,
  block: count,
  firstVector: count,
  vectors: z.number().int().positive(),
  repeat: z.number().int().positive(),
  outputs: z.number().int().positive(),
  planes: z.number().int().positive(),
  /** this block against the model */
  figures: blockFiguresSchema,
  power: railPowerSchema,
  /** the run's figures over every block so far, this one included */
  run: runFiguresSchema,
  /** a few of this block's MACs (exact, measured yhat) and its residual histograms; absent for blocks logged before schema 6 */
  sample: blockSampleSchema.optional(),
  /**
   * the residual histograms over every block of the run so far that has a sample, this one
   * included (present when this block has a sample): a client that skips batches still counts all
   */
  residuals: residualHistogramsSchema.optional(),
});

export const stepSchema = z.object({
  name: z.string(),
  /** 1-based */
  index: z.number().int().positive(),
  of: z.number().int().positive().nullable(),
  /** the whole sweep, assuming its steps take alike; null until it can be told */
  sweepEtaSeconds: z.number().nonnegative().nullable(),
});

export const statusDocumentSchema = z.object({
  type: z.literal('status'),
  ...base,
  state: z.enum(STATUS_STATES),
  vectorsDone: count,
  vectorsTotal: count,
  /** vectors per second over the last few reports */
  rate: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** a procedure's step, for a child run */
  step: stepSchema.nullable(),
  /** a board or run event this status reports (reboot, disconnect, pause, ...) */
  event: z.object({ kind: z.string(), detail: z.string().nullable() }).nullable(),
  /** resuming: when the engine stops waiting for the lost board and ends the run interrupted */
  resumeBy: time.optional(),
  time,
});

export const stopDocumentSchema = z.object({
  type: z.literal('stop'),
  ...base,
  state: z.enum(TERMINAL_STATES),
  reason: z.string().nullable(),
  /** a measurement run: runSummarySchema; a procedure: its report */
  summary: z.record(z.string(), z.unknown()),
  time,
});

export const runDocumentSchema = z.discriminatedUnion('type', [
  startDocumentSchema,
  descriptorDocumentSchema,
  batchDocumentSchema,
  statusDocumentSchema,
  stopDocumentSchema,
]);

export type StartDocument = z.infer<typeof startDocumentSchema>;
export type DescriptorDocument = z.infer<typeof descriptorDocumentSchema>;
export type BatchDocument = z.infer<typeof batchDocumentSchema> & { readonly data?: BatchData };
export type StatusDocument = z.infer<typeof statusDocumentSchema>;
export type StopDocument = z.infer<typeof stopDocumentSchema>;
export type RunDocument = StartDocument | DescriptorDocument | BatchDocument | StatusDocument | StopDocument;
/** A document before its stream numbers it. */
export type UnnumberedDocument = RunDocument extends infer D ? (D extends RunDocument ? Omit<D, 'seq'> : never) : never;

/** The batch data keys of a die of `outputs` outputs and `planes` planes. */
export function batchDataKeys(outputs: number, planes: number): Record<string, DataKey> {
  return {
    digital: { dtype: 'float64', shape: ['vectors', outputs], unit: null, description: 'digital partial sum D per MAC (repeats after each other)' },
    saliency: { dtype: 'float64', shape: ['vectors', outputs], unit: null, description: 'saliency S per MAC' },
    level: { dtype: 'uint8', shape: ['vectors', outputs], unit: null, description: 'saliency level per MAC' },
    codes: { dtype: 'int16', shape: ['vectors', outputs, planes], unit: 'LSB', description: 'ADC code per MAC and plane; -1 where the plane was not converted' },
  };
}

export const FIGURE_UNITS: Record<string, string | null> = {
  snrDb: 'dB',
  modelSnrDb: 'dB',
  levelAgreement: null,
  codeResidualMeanLsb: 'LSB',
  codeResidualRmsLsb: 'LSB',
  measuredPjPerMac: 'pJ',
  modelPjPerMac: 'pJ',
  dieTempC: 'degC',
  burstUs: 'us',
  vddDigMw: 'mW',
  vddAnaMw: 'mW',
  vddSramMw: 'mW',
};
