// A stimulus or weight file a client hands the engine (the API's stimulus.import): its bytes come
// as base64, are parsed as CSV or NPY (by the file's name, or NPY's magic bytes) with the readers
// `osa-bench run --vectors FILE` uses, checked against a die profile, and kept in the engine's
// imports folder under their sha256 (a file imported twice is written once), where a run's
// `vectorsFile` or `weightsFile` names it. An error names the field and the file's own name and line.
// A file from 1 MiB up is imported in a thread of its own (import-thread.ts): parsing, checking
// and hashing tens of MiB would otherwise hold the engine's thread, and a live run's documents, for seconds.
import { createHash } from 'node:crypto';
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';
import { startEngineThread } from '../threads/engine-thread';
import type { ImportedMatrix } from '../../shared/api/rpc';
import { FieldError } from '../../shared/api/run-options';
import { parseIntCsvBytes } from '../../shared/io/csv';
import { DataFileError, type LocatedMatrix } from '../../shared/io/data-file-error';
import { checkVectorSet, checkWeightSet } from '../../shared/io/matrix-checks';
import { parseNpy } from '../../shared/io/npy';
import type { DieProfile } from '../../shared/model/profile';

/** The largest file imported: 64 MiB (a 250,000-vector set of 256 uint8 inputs as NPY). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export interface ImportRequest {
  readonly kind: 'vectors' | 'weights';
  readonly fileName: string;
  readonly base64: string;
}

function formatOf(fileName: string, bytes: Buffer, field: string): 'csv' | 'npy' {
  const ext = extname(fileName).toLowerCase();
  if (ext === '.npy' || bytes.subarray(0, NPY_MAGIC.length).equals(NPY_MAGIC)) return 'npy';
  if (ext === '.csv' || ext === '.txt' || ext === '') return 'csv';
  throw new FieldError(field, `${fileName}: unknown extension '${ext}': use .csv or .npy`);
}

/** Files from this size (of base64) up are imported in a thread of their own: below, starting one costs more than it saves. */
export const IMPORT_THREAD_FROM = 1024 * 1024;

/** What the import thread answers: the import, or the error it met (a FieldError keeps its field). */
export type ImportReply = { readonly ok: ImportedMatrix } | { readonly field: string; readonly problem: string } | { readonly error: string };

/** Decode, parse and check the file; keep it under its sha256 in `dir` (a large file in a thread of its own). */
export async function importMatrix(dir: string, req: ImportRequest, profile: DieProfile): Promise<ImportedMatrix> {
  // refused before decoding, or a copy to a thread: base64 holds 3 bytes in 4 characters
  if (Math.floor((req.base64.length * 3) / 4) > MAX_IMPORT_BYTES + 2)
    throw new FieldError('base64', `the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB: give a smaller one, or name a file on the engine's machine`);
  return req.base64.length < IMPORT_THREAD_FROM ? importMatrixHere(dir, req, profile) : importMatrixInThread(dir, req, profile);
}

/** The import in a thread of its own (import-thread.ts), of a file `importMatrix` has let through. */
export function importMatrixInThread(dir: string, req: ImportRequest, profile: DieProfile): Promise<ImportedMatrix> {
  return new Promise<ImportedMatrix>((done, fail) => {
    const worker = startEngineThread('service/import-thread', { workerData: { dir, req, profile } });
    let replied = false;
    worker.once('message', (r: ImportReply) => {
      replied = true;
      if ('ok' in r) done(r.ok);
      else if ('field' in r) fail(new FieldError(r.field, r.problem));
      else fail(new Error(r.error));
    });
    worker.once('error', (e) => fail(new Error(`the import thread failed: ${e.message}`)));
    worker.once('exit', (code) => {
      if (!replied) fail(new Error(`the import thread stopped (exit code ${code}) before it answered`));
    });
  });
}

/** The import in the caller's thread, of a file `importMatrix` has let through. */
export async function importMatrixHere(dir: string, req: ImportRequest, profile: DieProfile): Promise<ImportedMatrix> {
  const field = req.kind === 'vectors' ? 'vectorsFile' : 'weightsFile';
  if (req.base64.length % 4 !== 0 || !BASE64.test(req.base64)) throw new FieldError('base64', 'is not base64 (RFC 4648, with padding)');
  const bytes = Buffer.from(req.base64, 'base64');
  if (bytes.length > MAX_IMPORT_BYTES) throw new FieldError('base64', `the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`);
  if (bytes.length === 0) throw new FieldError(field, `${req.fileName}: the file is empty`);
  const format = formatOf(req.fileName, bytes, field);
  let rows: number;
  let cols: number;
  try {
    const m: LocatedMatrix = format === 'npy' ? parseNpy(bytes, req.fileName) : parseIntCsvBytes(bytes, req.fileName, () => bytes.toString('utf8'));
    const checked = req.kind === 'vectors' ? checkVectorSet(m, profile, req.fileName) : checkWeightSet(m, profile, req.fileName);
    rows = checked.rows;
    cols = checked.cols;
  } catch (e) {
    if (e instanceof DataFileError) throw new FieldError(field, e.message);
    throw e;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const path = join(resolve(dir), `${sha256}.${format}`);
  await keepOnce(path, bytes);
  return { kind: req.kind, path, rows, cols, sha256 };
}

/** Content-addressed: a file already there has these bytes, and is left as it is. */
async function keepOnce(path: string, bytes: Buffer): Promise<void> {
  const there = await stat(path).then(
    (s) => s.isFile() && s.size === bytes.length,
    () => false,
  );
  if (there) return;
  await mkdir(resolve(path, '..'), { recursive: true });
  const tmp = `${path}.${process.pid}.${threadId}.${Date.now()}.tmp`;
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
