// The engine's API: JSON-RPC 2.0 methods over a WebSocket at /api (docs/api.md). Every request's
// params are validated by the schema here before the engine sees them; documents of a run the
// client subscribed to arrive as `run.document` notifications.
import { z } from 'zod';
import { procedureOptionsSchema, runOptionsSchema } from './run-options';

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
