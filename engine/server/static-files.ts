// HTTP: the built renderer's files (web mode), or, before there is a build, a page saying so.
// Files only from inside the folder, GET and HEAD only, and no Referer: the page's URL holds the
// API token.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const COMMON_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-cache' };

const PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OSA-Bench engine</title></head>
<body><h1>OSA-Bench engine</h1>
<p>The engine is running and its API is at <code>/api</code> (a WebSocket, JSON-RPC 2.0; see docs/api.md).</p>
<p>The desktop UI is not built yet, so there is no page to show here.</p>
</body></html>
`;

function send(res: ServerResponse, status: number, type: string, body: string, head: boolean): void {
  res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

/** Answer one HTTP request from `dir` (null: no renderer build). Never throws. */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, dir: string | null): Promise<void> {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', head);
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    return send(res, 400, 'text/plain; charset=utf-8', 'bad request\n', head);
  }
  if (dir === null) {
    return path === '/' || path === '/index.html'
      ? send(res, 200, 'text/html; charset=utf-8', PLACEHOLDER, head)
      : send(res, 404, 'text/plain; charset=utf-8', 'not found (the UI is not built)\n', head);
  }
  const root = resolve(dir);
  const file = resolve(join(root, path === '/' ? 'index.html' : path));
  if (path.includes('\0') || (file !== root && !file.startsWith(root + sep))) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
  try {
    const s = await stat(file);
    if (!s.isFile()) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
    res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'Content-Length': s.size });
    if (head) return void res.end();
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  } catch {
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
  }
}
