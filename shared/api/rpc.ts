// The engine's API: JSON-RPC 2.0 methods over a WebSocket at /api (docs/api.md). Every request's
// params are validated by the schema here before the engine sees them; documents of a run the
// client subscribed to arrive as `run.document` notifications.
import { z } from 'zod';
import type { BoardCapabilities, BoardIdentity } from '../protocol/payloads';
import type { runDocumentSchema } from './documents';
import { boardChoiceSchema, procedureOptionsSchema, runOptionsSchema } from './run-options';
import type { CalibrationRecord, RunRowDoc } from './runs';
import { compareOptionsSchema, replayOptionsSchema, rescoreOptionsSchema, type RedecodeReport, type RunComparison, type RunsComparison } from './compare';
import { sessionSchema, type SessionDoc } from './session';
import { EXPORT_FILE_FORMATS } from './downloads';

const runRef = z.union([z.number().int().positive(), z.string().min(6).max(64)]);
const runId = z.object({ runId: z.number().int().positive() });
const replayId = z.object({ replayId: z.number().int().positive() });
/** a saved die profile's name: a file name without its extension */
const profileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, dot, dash and underscore, at most 64');

export const METHODS = {
  'bench.info': z.object({}),
  'ports.list': z.object({}),
  'board.info': z.object({ board: z.string().min(1), die: z.string().min(1).optional(), profile: z.string().min(1).optional() }),
  'runs.list': z.object({ limit: z.number().int().min(1).max(10_000).default(50), tag: z.string().min(1).optional() }),
  'runs.get': z.object({ run: runRef }),
  'runs.tag': z.object({ run: runRef, add: z.array(z.string().min(1).max(100)).max(50).default([]), remove: z.array(z.string().min(1).max(100)).max(50).default([]) }),
  'runs.note': z.object({ run: runRef, text: z.string().min(1).max(10_000) }),
  'run.start': runOptionsSchema,
  'procedure.start': procedureOptionsSchema,
  'run.pause': runId,
  'run.resume': runId,
  'run.abort': runId,
  /** documents from `fromSeq` on, then live ones, as run.document notifications */
  'run.subscribe': runId.extend({ fromSeq: z.number().int().nonnegative().default(0) }),
  'run.unsubscribe': runId,
  /** a stored run's documents (start, descriptor, batches, stop), batches without their data */
  'run.read': runId.extend({ fromSeq: z.number().int().nonnegative().default(0), limit: z.number().int().min(1).max(100_000).default(10_000) }),
  /** one block's measured arrays, each as base64 of its little-endian typed array */
  'run.batchData': runId.extend({ block: z.number().int().nonnegative() }),

  // ---- the session and what a run is configured with (the app's Session and Configure) ----
  /** the session the next run is logged under (who, where, which die, ambient) */
  'session.get': z.object({}),
  /** set it: the session in progress ends, the next accepted run opens one with these fields */
  'session.set': sessionSchema,
  /** the die profiles saved in the engine's profiles folder */
  'profiles.list': z.object({}),
  /** a saved profile by name, or any profile file by path (run options' `profile`) */
  'profiles.get': z.union([z.object({ name: profileName }), z.object({ path: z.string().min(1) })]),
  /** check a profile (errors name the field, `profile.adcBits`); save it unless `check` */
  'profiles.save': z.object({ name: profileName, profile: z.record(z.string(), z.unknown()), check: z.boolean().default(false) }),
  /** calibration records, newest first; of one die when `dieId` is given */
  'calibrations.list': z.object({ dieId: z.string().min(1).optional() }),
  /**
   * a stimulus or weight file the user picked (CSV or NPY), checked against a profile (errors name
   * the file and line) and kept in the engine's imports folder; a run names it by the answered path
   */
  'stimulus.import': z.object({
    kind: z.enum(['vectors', 'weights']),
    fileName: z.string().min(1).max(255),
    /** the file's bytes, base64 (at most 64 MiB of file) */
    base64: z.string().max(90_000_000),
    profile: z.string().min(1).optional(),
  }),

  // ---- logged runs: resume, replay, re-score, re-measure, re-decode, compare, export ----
  /** take an interrupted run up again from its last committed batch */
  'runs.resume': boardChoiceSchema.omit({ profile: true }).extend({ run: runRef, anyBoard: z.boolean().default(false) }),
  /** the run's stimulus through the model with another profile or configuration: a derived run */
  'runs.rescore': rescoreOptionsSchema,
  /** the run's stimulus and configuration measured again on a board: a new run linked to it */
  'runs.remeasure': boardChoiceSchema.omit({ profile: true }).extend({ run: runRef, label: z.string().max(200).optional(), wireLog: z.boolean().optional() }),
  /** the run's wire lines decoded again and checked against its stored blocks */
  'runs.redecode': z.object({ run: runRef }),
  /** play a logged run back as its documents (replay.document notifications to this client) */
  'replay.start': replayOptionsSchema.omit({ withData: true }).extend({
    /**
     * pace the replay's progress for a view (the app sets it): its batches at most one every 20 ms
     * and its statuses without an event one every 250 ms to this client, the newest of each, as a
     * slow client gets a live run's; every other document. Off: every document, as a script wants.
     */
    forDisplay: z.boolean().default(false),
  }),
  'replay.pause': replayId,
  'replay.resume': replayId,
  /** go on from the block holding `vector` (of `runId`: the replayed run, or a procedure's child) */
  'replay.seek': replayId.extend({ vector: z.number().int().nonnegative(), runId: z.number().int().positive().optional() }),
  /** another pace from now on (what is left of a gap in progress is rescaled): times the run's own, null as fast as possible */
  'replay.speed': replayId.extend({ speed: replayOptionsSchema.shape.speed.unwrap() }),
  'replay.stop': replayId,
  /** silicon against the model, one run */
  'compare.run': compareOptionsSchema.omit({ with: true }),
  /** run against run over the same stimulus */
  'compare.runs': compareOptionsSchema.required({ with: true }),
  /**
   * write a run's export or report to a file on the engine's machine (the desktop app's save
   * dialog); a browser downloads the same from GET /download/... (shared/api/downloads.ts)
   */
  'export.write': z.object({ run: runRef, format: z.enum(EXPORT_FILE_FORMATS), out: z.string().min(1), with: runRef.optional() }),
} as const;
export type MethodName = keyof typeof METHODS;
export type MethodParams<M extends MethodName> = z.output<(typeof METHODS)[M]>;

export const RPC_ERRORS = {
  PARSE: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL: -32603,
  /** the request was fine, the bench could not do it (a busy board, an unknown run) */
  REFUSED: -32000,
  TOO_LARGE: -32001,
} as const;

export const rpcRequestSchema = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string().max(200), z.number(), z.null()]).optional(),
  method: z.string().max(200),
  params: z.unknown().optional(),
});

/** An error's data: the field at fault, when there is one. */
export const rpcErrorDataSchema = z.object({ field: z.string().optional() }).loose();

export const RUN_DOCUMENT_NOTIFICATION = 'run.document';
/** params { replayId, document }: a replay's documents, to the client that started it */
export const REPLAY_DOCUMENT_NOTIFICATION = 'replay.document';

// ---- What each method answers (the server builds these; clients read them) ----

/** A document as it travels: a batch carries its summary, its arrays come by run.batchData. */
export type WireDocument = z.infer<typeof runDocumentSchema>;

/** A JSON-RPC error object; `data.field` names the params field at fault, when there is one. */
export interface RpcErrorBody {
  readonly code: number;
  readonly message: string;
  readonly data?: z.infer<typeof rpcErrorDataSchema>;
}

/** One array of a block: base64 of its little-endian bytes. */
export interface WireArray {
  readonly dtype: 'float64' | 'int16' | 'uint8' | 'int32';
  readonly length: number;
  readonly base64: string;
}

export interface BatchDataWire {
  readonly runId: number;
  readonly block: number;
  readonly firstVector: number;
  readonly vectors: number;
  readonly repeat: number;
  readonly outputs: number;
  readonly planes: number;
  /** shapes as the run's descriptor document gives them */
  readonly arrays: { readonly digital: WireArray; readonly saliency: WireArray; readonly level: WireArray; readonly codes: WireArray };
}

export interface LiveRunInfo {
  readonly runId: number;
  readonly guid: string;
  readonly paused: boolean;
}

export interface BenchInfo {
  readonly name: string;
  readonly version: string;
  /** the API's version: it changes when a method or document changes incompatibly */
  readonly api: number;
  /** the SQLite store this engine logs to */
  readonly db: string;
  readonly methods: readonly MethodName[];
  /** runs and procedures started through this server and not yet ended */
  readonly live: readonly LiveRunInfo[];
}

export interface PortInfo {
  readonly path: string;
  readonly manufacturer?: string | undefined;
  readonly serialNumber?: string | undefined;
  readonly vendorId?: string | undefined;
  readonly productId?: string | undefined;
}

export interface BoardInfoResult {
  readonly address: string;
  readonly identity: BoardIdentity;
  readonly capabilities: BoardCapabilities;
}

/** A run as runs.get answers it: its row, with its notes and its event log. */
export interface RunDetailDoc extends RunRowDoc {
  readonly notes: readonly { readonly at: string; readonly text: string }[];
  readonly events: readonly { readonly at: string; readonly kind: string; readonly detail: string | null }[];
}

export interface StartedRun {
  readonly runId: number;
  readonly guid: string;
}

export interface StartedReplay {
  readonly replayId: number;
  /** the run replayed */
  readonly runId: number;
  readonly guid: string;
}

export interface ReplayState {
  readonly replayId: number;
  readonly paused: boolean;
  /** the vector after the last batch that went out */
  readonly position: number;
  /** times the run's own pace; null: as fast as possible */
  readonly speed: number | null;
}

export interface SavedProfile {
  readonly name: string;
  /** what a run's `profile` option names it by */
  readonly path: string;
}

export interface ImportedMatrix {
  readonly kind: 'vectors' | 'weights';
  /** what a run's `vectorsFile` or `weightsFile` names it by */
  readonly path: string;
  readonly rows: number;
  readonly cols: number;
  /** sha256 of the file's bytes (a file imported twice is kept once) */
  readonly sha256: string;
}

export interface WrittenExport {
  readonly path: string;
  readonly bytes: number;
}

export interface MethodResults {
  'bench.info': BenchInfo;
  'ports.list': PortInfo[];
  'board.info': BoardInfoResult;
  'runs.list': RunRowDoc[];
  'runs.get': RunDetailDoc;
  'runs.tag': RunRowDoc;
  'runs.note': { readonly runId: number; readonly notes: readonly { readonly at: string; readonly text: string }[] };
  'run.start': StartedRun;
  'procedure.start': StartedRun;
  'run.pause': { readonly runId: number; readonly paused: boolean };
  'run.resume': { readonly runId: number; readonly paused: boolean };
  'run.abort': { readonly runId: number };
  /**
   * source 'stream': the run's stream in this engine (live, or ended lately), numbered as it was
   * emitted; 'store': the run read back from the store (start, descriptor, batches, stop, no status),
   * numbered from 0 in that order, with no live documents to follow.
   */
  'run.subscribe': { readonly runId: number; readonly fromSeq: number; readonly source: 'stream' | 'store' };
  'run.unsubscribe': { readonly runId: number; readonly subscribed: boolean };
  /** next: the fromSeq of the following page, null after the last document */
  'run.read': { readonly runId: number; readonly documents: readonly WireDocument[]; readonly next: number | null };
  'run.batchData': BatchDataWire;
  'session.get': SessionDoc;
  'session.set': SessionDoc;
  'profiles.list': SavedProfile[];
  /** the profile as its file's JSON fields, all of them (defaults filled in) */
  'profiles.get': { readonly name: string | null; readonly path: string; readonly profile: Record<string, unknown> };
  'profiles.save': { readonly name: string; readonly path: string | null; readonly saved: boolean };
  'calibrations.list': CalibrationRecord[];
  'stimulus.import': ImportedMatrix;
  'runs.resume': StartedRun;
  'runs.rescore': StartedRun;
  'runs.remeasure': StartedRun;
  'runs.redecode': RedecodeReport;
  'replay.start': StartedReplay;
  'replay.pause': ReplayState;
  'replay.resume': ReplayState;
  'replay.seek': ReplayState;
  'replay.speed': ReplayState;
  'replay.stop': ReplayState;
  'compare.run': RunComparison;
  'compare.runs': RunsComparison;
  'export.write': WrittenExport;
}
export type MethodResult<M extends MethodName> = MethodResults[M];
