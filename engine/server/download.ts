// GET /download/runs/RUN.EXT?token=T[&with=RUN2]: a run's export or report, for a browser to save
// (shared/api/downloads.ts). The token and Origin are checked as on the API's upgrade; the export
// is written onto the response as the store is read, block by block, never held whole; the
// response's headers go out with the first bytes, so a run that cannot be exported is still
// answered with a JSON error naming the field at fault.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DOWNLOAD_EXTENSIONS, EXPORT_FILE_FORMATS, type ExportFileFormat } from '../../shared/api/downloads';
import { FieldError } from '../../shared/api/run-options';
import type { ByteSink } from '../export/byte-sink';
import { writableSink } from '../export/byte-sink';
import { ExportedRunNotFoundError, exportedRunId, streamExport } from '../service/exports';
import { RunNotFoundError } from '../service/run-records';
import type { RunStore } from '../store/run-store';
import { StoredRunError } from '../store/stored-run';
import { checkUpgrade } from './security';

export const DOWNLOAD_PREFIX = '/download/';

const CONTENT_TYPES: Readonly<Record<ExportFileFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/x-ndjson; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
  html: 'text/html; charset=utf-8',
};

const HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' };

export interface DownloadDeps {
  readonly store: () => RunStore;
  readonly token: string;
  readonly port: number;
  readonly hosts: ReadonlySet<string>;
}

function sendJson(res: ServerResponse, status: number, body: { error: string; field?: string }, head: boolean): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { ...HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(head ? undefined : text);
}

function sendText(res: ServerResponse, status: number, text: string, head: boolean, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...HEADERS, ...extra, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(`${text}\n`) });
  res.end(head ? undefined : `${text}\n`);
}

/** A run named in a URL: its number, or a GUID (prefix). */
function runRef(text: string): string | number {
  return /^[1-9][0-9]{0,15}$/.test(text) ? Number(text) : text;
}

/** Which download a path names; an error body when it names none. */
function parseDownload(url: URL): { run: string | number; format: ExportFileFormat; with?: string | number } | { status: 400 | 404; error: string; field?: string } {
  const m = /^\/download\/runs\/([^/]+)$/.exec(url.pathname);
  if (!m) return { status: 404, error: 'downloads are at /download/runs/RUN.EXT' };
  let name: string;
  try {
    name = decodeURIComponent(m[1] as string);
  } catch {
    return { status: 400, error: 'the run in the path is not valid percent-encoding', field: 'run' };
  }
  const dot = name.lastIndexOf('.');
  const ext = dot < 0 ? '' : name.slice(dot + 1);
  const format = EXPORT_FILE_FORMATS.find((f) => DOWNLOAD_EXTENSIONS[f] === ext);
  if (!format)
    return {
      status: 400,
      error: `unknown format '${ext}': the file's extension is one of ${EXPORT_FILE_FORMATS.map((f) => DOWNLOAD_EXTENSIONS[f]).join(', ')}`,
      field: 'format',
    };
  const run = name.slice(0, dot);
  if (run.length === 0 || run.length > 64) return { status: 400, error: 'name the run by its number or at least 6 characters of its GUID', field: 'run' };
  const other = url.searchParams.get('with');
  return other === null ? { run: runRef(run), format } : { run: runRef(run), format, with: runRef(other) };
}

/** Headers on the first write: until then an error can still be answered as JSON. */
function responseSink(res: ServerResponse, headers: Record<string, string>): ByteSink & { readonly started: boolean } {
  const out = writableSink(res);
  let started = false;
  return {
    get bytes() {
      return out.bytes;
    },
    get started() {
      return started;
    },
    write(chunk) {
      if (!started) {
        started = true;
        res.writeHead(200, headers);
      }
      return out.write(chunk);
    },
  };
}

/** Answer one request under /download/. Never throws. */
export async function serveDownload(req: IncomingMessage, res: ServerResponse, deps: DownloadDeps): Promise<void> {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) return sendText(res, 405, 'method not allowed', head, { Allow: 'GET, HEAD' });
  const refusal = checkUpgrade(req, deps.token, deps.port, deps.hosts);
  if (refusal) return sendText(res, refusal.status, refusal.reason, head);
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://x');
  } catch {
    return sendJson(res, 400, { error: 'bad request' }, head);
  }
  const asked = parseDownload(url);
  if ('status' in asked) return sendJson(res, asked.status, asked.field === undefined ? { error: asked.error } : { error: asked.error, field: asked.field }, head);
  const store = deps.store();
  let runId: number;
  try {
    runId = exportedRunId(store, asked);
  } catch (e) {
    return answerError(res, e, head);
  }
  const fileName = `run-${runId}${asked.with === undefined ? '' : `-vs-${String(asked.with)}`}.${DOWNLOAD_EXTENSIONS[asked.format]}`;
  const headers = {
    ...HEADERS,
    'Content-Type': CONTENT_TYPES[asked.format],
    'Content-Disposition': `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
  };
  if (head) {
    res.writeHead(200, headers);
    return void res.end();
  }
  const sink = responseSink(res, headers);
  try {
    await streamExport(store, asked, sink);
    if (!sink.started) res.writeHead(200, headers);
    res.end();
  } catch (e) {
    // once the file has begun, all the client can be told is that it was cut short
    if (sink.started) return void res.destroy();
    answerError(res, e, head);
  }
}

function answerError(res: ServerResponse, e: unknown, head: boolean): void {
  if (res.headersSent) return void res.destroy();
  if (e instanceof ExportedRunNotFoundError) return sendJson(res, 404, { error: e.message, field: e.which }, head);
  if (e instanceof RunNotFoundError) return sendJson(res, 404, { error: e.message, field: 'run' }, head);
  if (e instanceof FieldError) return sendJson(res, 400, { error: e.message, field: e.field }, head);
  if (e instanceof StoredRunError) return sendJson(res, 400, { error: e.message, field: 'run' }, head);
  sendJson(res, 500, { error: 'the export failed' }, head);
}
