// What goes on the wire: JSON-RPC 2.0 messages, run documents without their typed arrays, and a
// block's arrays as base64 of little-endian bytes (the only byte order of the machines we run on,
// checked below rather than assumed silently).
import { endianness } from 'node:os';
import { REPLAY_DOCUMENT_NOTIFICATION, RUN_DOCUMENT_NOTIFICATION, type BatchDataWire, type RpcErrorBody, type WireDocument } from '../../shared/api/rpc';
import { runDocumentSchema, type RunDocument } from '../../shared/api/documents';
import type { StoredBatch } from '../service/run-records';

export type RpcId = string | number | null;

export function resultMessage(id: RpcId, result: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', id, result: result ?? null });
}

export function errorMessage(id: RpcId, error: RpcErrorBody): string {
  return JSON.stringify({ jsonrpc: '2.0', id, error });
}

/**
 * A document as clients get it: exactly the contract's fields (runDocumentSchema, a few
 * microseconds a document), so a batch goes without its arrays (run.batchData has them) and
 * nothing the engine carries beside the contract leaks onto the wire. A document that does not
 * fit the contract (an engine bug) goes as it is, without its arrays.
 */
export function wireDocument(doc: RunDocument): WireDocument {
  const parsed = runDocumentSchema.safeParse(doc);
  if (parsed.success) return parsed.data;
  if (doc.type !== 'batch' || doc.data === undefined) return doc;
  const summary = { ...doc };
  delete summary.data;
  return summary;
}

// One serialization per document, whatever the number of clients watching it.
const serialized = new WeakMap<RunDocument, string>();

export function documentNotification(doc: RunDocument): string {
  let text = serialized.get(doc);
  if (text === undefined) {
    text = JSON.stringify({ jsonrpc: '2.0', method: RUN_DOCUMENT_NOTIFICATION, params: { document: wireDocument(doc) } });
    serialized.set(doc, text);
  }
  return text;
}

/** A replay's document, to the client that started the replay: `{ replayId, document }`. */
export function replayNotification(replayId: number, doc: RunDocument): string {
  return JSON.stringify({ jsonrpc: '2.0', method: REPLAY_DOCUMENT_NOTIFICATION, params: { replayId, document: wireDocument(doc) } });
}

if (endianness() !== 'LE') throw new Error('the API sends typed arrays as little-endian bytes: this machine is big-endian');

function base64(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** A batch's arrays for run.batchData: each with its dtype and length. */
export function batchDataWire(doc: StoredBatch): BatchDataWire {
  const { data } = doc;
  return {
    runId: doc.runId,
    block: doc.block,
    firstVector: doc.firstVector,
    vectors: doc.vectors,
    repeat: doc.repeat,
    outputs: doc.outputs,
    planes: doc.planes,
    arrays: {
      digital: { dtype: 'float64', length: data.digital.length, base64: base64(data.digital) },
      saliency: { dtype: 'float64', length: data.saliency.length, base64: base64(data.saliency) },
      level: { dtype: 'uint8', length: data.level.length, base64: base64(data.level) },
      codes: { dtype: 'int16', length: data.codes.length, base64: base64(data.codes) },
    },
  };
}
