// Runs one large stimulus import in a thread of its own (stimulus-import.ts): decodes, parses,
// checks, hashes and keeps the file, and answers with the import or the error it met.
import { parentPort, workerData } from 'node:worker_threads';
import { FieldError } from '../../shared/api/run-options';
import type { DieProfile } from '../../shared/model/profile';
import { importMatrixHere, type ImportReply, type ImportRequest } from './stimulus-import';

const { dir, req, profile } = workerData as { dir: string; req: ImportRequest; profile: DieProfile };

let reply: ImportReply;
try {
  reply = { ok: await importMatrixHere(dir, req, profile) };
} catch (e) {
  reply = e instanceof FieldError ? { field: e.field, problem: e.problem } : { error: e instanceof Error ? e.message : String(e) };
}
parentPort?.postMessage(reply);
