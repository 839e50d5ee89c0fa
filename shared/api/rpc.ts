// The engine's API: JSON-RPC 2.0 methods over a WebSocket at /api (docs/api.md). Every request's
// params are validated by the schema here before the engine sees them; documents of a run the
// client subscribed to arrive as `run.document` notifications.
import { z } from 'zod';
import type { BoardCapabilities, BoardIdentity } from '../protocol/payloads';
import type { runDocumentSchema } from './documents';
import { procedureOptionsSchema, runOptionsSchema } from './run-options';
import type { RunRowDoc } from './runs';

const runRef = z.union([z.number().int().positive(), z.string().min(6).max(64)]);
const runId = z.object({ runId: z.number().int().positive() });

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
}
export type MethodResult<M extends MethodName> = MethodResults[M];
