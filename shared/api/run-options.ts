// What a client asks for when it starts a run or a procedure: the options of `osa-bench run` and
// `osa-bench procedure`, by field name. The CLI maps its flags onto these, the server validates
// its requests with them, and an error names the field (FieldError), which each face maps back
// to its own flag or form field.
import { z } from 'zod';
import { MODES } from '../model/modes';
import { MAX_WORKLOAD_VECTORS, WORKLOAD_KINDS } from '../workload/generators';

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const seed = int(0, Number.MAX_SAFE_INTEGER);

/** The board and die a run or procedure works on. */
export const boardChoiceSchema = z.object({
  /** 'sim' (the in-process simulated board), a device such as /dev/ttyUSB0, or tcp://HOST:PORT */
  board: z.string().min(1),
  /** a die profile file (default: the spec defaults) */
  profile: z.string().min(1).optional(),
  /** sim: a die configuration file */
  die: z.string().min(1).optional(),
  /** sim: faults to inject (see osa-bench sim --help) */
  faults: z.string().min(1).optional(),
  /** sim: pace the link at this baud rate (0: unpaced) */
  simBaud: int(0, 100_000_000).optional(),
});

export const workloadSchema = z.object({
  kind: z.enum(WORKLOAD_KINDS),
  vectors: int(1, MAX_WORKLOAD_VECTORS),
  seed: seed.default(1),
});

export const runOptionsSchema = boardChoiceSchema.extend({
  /** a generated stimulus, or vectorsFile with weightsFile */
  workload: workloadSchema.optional(),
  vectorsFile: z.string().min(1).optional(),
  weightsFile: z.string().min(1).optional(),
  mode: z.enum(MODES),
  boundary: int(0, 31).optional(),
  skip: int(0, 31).optional(),
  repeat: int(1, 100_000).default(1),
  /** vectors per batch (default: about a second of link each) */
  batch: int(1, 1_000_000).optional(),
  label: z.string().max(200).optional(),
  tags: z.array(z.string().min(1).max(100)).max(50).default([]),
  /** keep the raw wire lines (default: runs up to 100,000 vectors) */
  wireLog: z.boolean().optional(),
  /** a calibration record to read the ADC codes through */
  calibration: int(1, Number.MAX_SAFE_INTEGER).optional(),
  /** after a disconnect, wait this long for the same board and resume */
  resumeWithinMs: int(0, 3_600_000).default(10_000),
});
export type RunOptions = z.input<typeof runOptionsSchema>;
export type ParsedRunOptions = z.output<typeof runOptionsSchema>;

const sweepWorkload = (vectors: number) => ({
  workload: z.enum(WORKLOAD_KINDS).default('relu'),
  vectors: int(1, MAX_WORKLOAD_VECTORS).default(vectors),
  seed: seed.default(1),
});

/** Each procedure's parameters, by procedure name. */
export const procedureParamsSchemas = {
  functional: z.object({ random: int(1, MAX_WORKLOAD_VECTORS).default(2000), seed: seed.default(1) }),
  march: z.object({}),
  'adc-transfer': z.object({ repeat: int(2, 10_000).default(8) }),
  'snr-sweep': z.object({ ...sweepWorkload(4000), from: int(0, 31).default(0), to: int(0, 31).default(14), skip: int(0, 31).default(0) }),
  'power-per-mode': z.object({ ...sweepWorkload(4000), boundary: int(0, 31).default(9) }),
  'osa-points': z.object({ ...sweepWorkload(4000), offsets: z.array(int(-10_000_000, 10_000_000)).min(1).max(100).default([-12288, -6144, 0, 6144, 12288]) }),
  repeatability: z.object({
    ...sweepWorkload(2000),
    times: int(2, 1000).default(5),
    mode: z.enum(MODES).default('osa'),
    boundary: int(0, 31).optional(),
    /** more dies: die files with board 'sim', board addresses otherwise */
    also: z.array(z.string().min(1)).max(16).default([]),
  }),
} as const;
export type ProcedureName = keyof typeof procedureParamsSchemas;
export const PROCEDURES = Object.keys(procedureParamsSchemas) as ProcedureName[];
export type ProcedureParams<P extends ProcedureName> = z.output<(typeof procedureParamsSchemas)[P]>;

export const procedureOptionsSchema = boardChoiceSchema.extend({
  procedure: z.enum(PROCEDURES as [ProcedureName, ...ProcedureName[]]),
  params: z.record(z.string(), z.unknown()).default({}),
});
export type ProcedureOptions = z.input<typeof procedureOptionsSchema>;

/** Input that cannot be run, naming the field at fault (`workload`, `board`, `calibration`, ...). */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'FieldError';
  }
}

/** The board is running another run: the request was fine, the bench refuses it for now. */
export class BoardBusyError extends FieldError {
  constructor(problem: string) {
    super('board', problem);
    this.name = 'BoardBusyError';
  }
}

/** Parse untrusted options; the first issue becomes a FieldError on its field path. */
export function parseOptions<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.') || '(options)';
  throw new FieldError(field, issue?.message ?? 'invalid');
}
