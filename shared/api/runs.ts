// A logged run as clients read it: its row, its summary and its calibration records, typed.
import { z } from 'zod';
import { runFiguresSchema } from './figures';
import { STATUS_STATES, TERMINAL_STATES } from './documents';

export const RUN_STATES = ['running', ...TERMINAL_STATES] as const;

/** How a measurement run ended: its figures over exactly the committed vectors. */
export const runSummarySchema = runFiguresSchema.extend({
  runId: z.number().int().positive(),
  guid: z.string(),
  state: z.enum(TERMINAL_STATES),
  reason: z.string().nullable(),
  /** vectors committed to the store: the figures cover exactly these */
  vectors: z.number().int().nonnegative(),
  outputs: z.number().int().positive(),
  /** times the run went on after a disconnect */
  resumes: z.number().int().nonnegative(),
  /** times the board rebooted under the run and was set up again */
  reboots: z.number().int().nonnegative(),
});
export type RunSummaryDoc = z.infer<typeof runSummarySchema>;

export const runRowSchema = z.object({
  id: z.number().int().positive(),
  guid: z.string(),
  kind: z.string(),
  label: z.string().nullable(),
  parentId: z.number().int().positive().nullable(),
  state: z.enum(RUN_STATES),
  stateReason: z.string().nullable(),
  mode: z.string().nullable(),
  config: z.record(z.string(), z.unknown()),
  provenance: z.record(z.string(), z.unknown()),
  vectorSet: z.string().nullable(),
  weightSet: z.string().nullable(),
  vectorsTotal: z.number().int().nonnegative(),
  vectorsDone: z.number().int().nonnegative(),
  repeat: z.number().int().positive(),
  summary: z.record(z.string(), z.unknown()).nullable(),
  sessionId: z.number().int().positive().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  tags: z.array(z.string()),
});
export type RunRowDoc = z.infer<typeof runRowSchema>;

export const calibrationRecordSchema = z.object({
  id: z.number().int().positive(),
  guid: z.string(),
  dieId: z.string(),
  sourceRunId: z.number().int().positive().nullable(),
  /** per physical column m * BW + j */
  gain: z.array(z.number()),
  offsetLsb: z.array(z.number()),
  createdAt: z.string(),
  notes: z.string().nullable(),
});
export type CalibrationRecord = z.infer<typeof calibrationRecordSchema>;

export { STATUS_STATES };
