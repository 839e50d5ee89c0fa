// The engine server: HTTP for the built renderer and a WebSocket at /api speaking JSON-RPC 2.0
// (docs/api.md). It takes the Bench service and a clock from its caller and owns only the
// sockets: closing it leaves the bench to its owner.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock, TimerHandle } from '../../shared/clock';
import { DEFAULT_QUEUE_LIMITS, type QueueLimits } from './client-queue';
import { Connection, type ClientStats } from './connection';
import { DOWNLOAD_PREFIX, serveDownload } from './download';
import { createMethods, type MethodDeps } from './methods';
import { Dispatcher } from './rpc-dispatch';
import { checkUpgrade, isLoopbackHost, newToken, ownOriginHosts, urlHost } from './security';
import { serveStatic } from './static-files';

export interface ServerDeps extends MethodDeps {
  readonly clock: Clock;
  /** a line for the operator: a bug caught, a client dropped */
  readonly log: (line: string) => void;
}

export interface ServerOptions {
  /** default 127.0.0.1 */
  readonly host?: string;
  /** default 0: a free port */
  readonly port?: number;
  /** required to bind anything but loopback; default: a random one */
  readonly token?: string;
  /** the built renderer (null: a page saying there is none) */
  readonly staticDir?: string | null;
  /** default 1 MiB: larger requests are answered TOO_LARGE (but stimulus.import's) */
  readonly maxMessageBytes?: number;
  /** default 96 MiB: a stimulus.import request (a 64 MiB file as base64), one at a time per client */
  readonly maxImportMessageBytes?: number;
  readonly queue?: Partial<QueueLimits>;
  /** ping every client this often; one that has not answered the last ping is dropped (0: off) */
  readonly pingMs?: number;
  readonly maxInFlight?: number;
}

export interface EngineServer {
  readonly host: string;
  readonly port: number;
  readonly token: string;
  /** http://HOST:PORT/?token=TOKEN */
  readonly url: string;
  /** ws://HOST:PORT/api?token=TOKEN */
  readonly apiUrl: string;
  clients(): ClientStats[];
  /** Stop listening and close every client connection. */
  close(): Promise<void>;
}

/** A setting that would expose the bench: refused before anything listens. */
export class ServerConfigError extends Error {
  constructor(
    readonly field: 'host' | 'token',
    message: string,
  ) {
    super(message);
    this.name = 'ServerConfigError';
  }
}

const MIN_TOKEN_CHARS = 16;
/** above maxMessageBytes, up to this (or the import limit), a message is read and answered TOO_LARGE; beyond it ws closes (1009) */
const HARD_MAX_PAYLOAD = 16 * 1024 * 1024;
/** the methods whose requests carry a file's bytes: the only ones over maxMessageBytes */
const LARGE_METHODS: ReadonlySet<string> = new Set(['stimulus.import']);

/** Refuse settings that would expose the bench: a host other than loopback needs an explicit token. */
export function checkServerOptions(options: ServerOptions): void {
  const host = options.host ?? '127.0.0.1';
  if (options.token !== undefined && options.token.length < MIN_TOKEN_CHARS)
    throw new ServerConfigError('token', `a token needs at least ${MIN_TOKEN_CHARS} characters`);
  if (!isLoopbackHost(host) && options.token === undefined) {
    throw new ServerConfigError(
      'host',
      `refusing to serve on ${host} without an explicit token: anyone who can reach it could run the bench (give --token, at least ${MIN_TOKEN_CHARS} random characters, or serve on 127.0.0.1)`,
    );
  }
}

export async function startServer(deps: ServerDeps, options: ServerOptions = {}): Promise<EngineServer> {
  checkServerOptions(options);
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newToken();
  const maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
  const maxLargeMessageBytes = Math.max(maxMessageBytes, options.maxImportMessageBytes ?? 96 * 1024 * 1024);
  const connectionOptions = {
    maxMessageBytes,
    maxLargeMessageBytes,
    largeMethods: LARGE_METHODS,
    maxInFlight: options.maxInFlight ?? 32,
    queue: { ...DEFAULT_QUEUE_LIMITS, ...options.queue },
  };
  const dispatcher = new Dispatcher(createMethods(deps), {
    maxBatch: 100,
    onInternalError: (method, e) => deps.log(`internal error in ${method}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
  });
  const connections = new Set<Connection>();
  let nextId = 1;

  // the port and the Origin hosts are known once listening; a download cannot come before
  let download: { port: number; hosts: ReadonlySet<string> } = { port: 0, hosts: new Set() };
  const http = createServer((req, res) => {
    if (pathOf(req)?.startsWith(DOWNLOAD_PREFIX)) void serveDownload(req, res, { store: () => deps.bench.store, token, ...download });
    else void serveStatic(req, res, options.staticDir ?? null);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: Math.max(HARD_MAX_PAYLOAD, maxLargeMessageBytes + 1), perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const hosts = ownOriginHosts(host);
  download = { port, hosts };

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refusal = pathOf(req) !== '/api' ? { status: 404 as const, reason: 'the API is at /api' } : checkUpgrade(req, token, port, hosts);
    if (refusal) return refuse(socket, refusal.status, refusal.reason);
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const c = new Connection(nextId++, ws, deps.bench, dispatcher, connectionOptions, (e) => deps.log(`client error: ${String(e)}`));
      connections.add(c);
      ws.on('close', () => connections.delete(c));
    });
  });
  http.on('clientError', (_e, socket) => socket.destroy());

  // a client that stopped answering pings (a dead peer, a stalled reader) is dropped
  let pinger: TimerHandle | null = null;
  const pingMs = options.pingMs ?? 30_000;
  const ping = () => {
    for (const c of connections) {
      if (!c.alive) {
        deps.log(`client ${c.id} did not answer a ping for ${pingMs} ms: dropped`);
        c.terminate();
        continue;
      }
      c.alive = false;
      c.ping();
    }
    pinger = deps.clock.setTimeout(ping, pingMs);
  };
  if (pingMs > 0) pinger = deps.clock.setTimeout(ping, pingMs);

  const shownHost = urlHost(host);
  return {
    host,
    port,
    token,
    url: `http://${shownHost}:${port}/?token=${token}`,
    apiUrl: `ws://${shownHost}:${port}/api?token=${token}`,
    clients: () => [...connections].map((c) => c.stats),
    async close() {
      if (pinger) deps.clock.clearTimeout(pinger);
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      for (const c of connections) c.close(1001, 'the engine is stopping');
      http.closeIdleConnections();
      // a client that does not answer the close handshake at once is cut off
      await new Promise<void>((resolve) => setImmediate(resolve));
      for (const c of connections) c.terminate();
      http.closeAllConnections();
      await closed;
    },
  };
}

function pathOf(req: IncomingMessage): string | null {
  try {
    return new URL(req.url ?? '/', 'http://x').pathname;
  } catch {
    return null;
  }
}

function refuse(socket: Duplex, status: 401 | 403 | 404, reason: string): void {
  const text = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status];
  const body = `${reason}\n`;
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
