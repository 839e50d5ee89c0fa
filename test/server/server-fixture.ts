// The engine served for tests: the real Bench on a SQLite file in a temporary folder, the simulated
// board, the server on a free port; and a JSON-RPC client over the ws package that keeps every
// notification and lets a test wait on events, never on time.
import { mkdtempSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { systemClock } from '../../drivers/clock';
import { serveBench, type ServedBench } from '../../engine/server/serve-bench';
import type { ServerOptions } from '../../engine/server/server';
import type { MethodName, MethodResult, RpcErrorBody, WireDocument } from '../../shared/api/rpc';

export interface TestServer extends ServedBench {
  readonly dir: string;
  readonly dbPath: string;
  readonly logs: string[];
}

/**
 * Blocks are committed in this thread (the Bench's 'inline' writer): a writer thread takes seconds
 * to start under tsx, per run, and what is tested here does not depend on where commits happen
 * (the Python example's test runs `osa-bench serve` with its writer thread).
 */
export async function startTestServer(options: ServerOptions = {}, dbPath?: string): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'osa-server-'));
  const path = dbPath ?? join(dir, 'runs.db');
  const logs: string[] = [];
  const served = await serveBench(
    {
      dbPath: path,
      folders: { profiles: join(dir, 'profiles'), imports: join(dir, 'imports') },
      clock: systemClock,
      session: { operator: 'test', bench: 'test', ambientC: null, notes: null },
      version: 'test',
      log: (l) => logs.push(l),
      telemetryMs: 0,
      writer: 'inline',
    },
    options,
  );
  return Object.assign(served, { dir, dbPath: path, logs });
}

/** A small simulated run: 5 batches of 200 vectors. */
export const SMALL_RUN = { board: 'sim', workload: { kind: 'relu', vectors: 1000, seed: 1 }, mode: 'osa', batch: 200 } as const;

export class RpcCallError extends Error {
  constructor(readonly error: RpcErrorBody) {
    super(`${error.code}: ${error.message}`);
  }
}

type Message = { id?: unknown; result?: unknown; error?: RpcErrorBody; method?: string; params?: { document: WireDocument } };

/** A JSON-RPC client over the ws package. */
export class RpcClient {
  readonly documents: WireDocument[] = [];
  /** every message, in order of arrival */
  readonly messages: unknown[] = [];
  private readonly calls = new Map<number, { resolve: (m: Message) => void }>();
  private readonly waiters = new Set<() => void>();
  private nextId = 1;
  closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.receive(data.toString('utf8')));
    ws.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(url: string, options: WebSocket.ClientOptions = {}): Promise<RpcClient> {
    const ws = new WebSocket(url, options);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new RpcClient(ws)));
      ws.once('error', reject);
    });
  }

  /** Send a raw frame and wait for the next answer that is not a notification. */
  async raw(frame: string | Buffer, binary = false): Promise<Message | Message[]> {
    const seen = this.messages.length;
    this.ws.send(frame, { binary });
    await this.until(() => this.messages.slice(seen).some((m) => !isNotification(m)));
    return this.messages.slice(seen).find((m) => !isNotification(m)) as Message | Message[];
  }

  async request(method: string, params?: unknown): Promise<Message> {
    const id = this.nextId++;
    const answer = new Promise<Message>((resolve) => this.calls.set(id, { resolve }));
    this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
    return answer;
  }

  async call<M extends MethodName>(method: M, params?: unknown): Promise<MethodResult<M>> {
    const m = await this.request(method, params);
    if (m.error) throw new RpcCallError(m.error);
    return m.result as MethodResult<M>;
  }

  /** The documents of one run received so far. */
  docsOf(runId: number): WireDocument[] {
    return this.documents.filter((d) => d.runId === runId);
  }

  /** Resolves once `check` holds (checked at every message and at close). */
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = () => {
        if (check()) {
          this.waiters.delete(w);
          resolve();
        } else if (this.closed) {
          this.waiters.delete(w);
          reject(new Error('the connection closed while waiting'));
        }
      };
      this.waiters.add(w);
    });
  }

  /** Resolves with the run's stop document. */
  async stopOf(runId: number): Promise<WireDocument> {
    const stop = () => this.documents.find((d) => d.type === 'stop' && d.runId === runId);
    await this.until(() => stop() !== undefined);
    return stop() as WireDocument;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }

  private receive(text: string): void {
    const m = JSON.parse(text) as Message | Message[];
    this.messages.push(m);
    if (!Array.isArray(m)) {
      if (m.method === 'run.document' && m.params) this.documents.push(m.params.document);
      else if (typeof m.id === 'number') this.calls.get(m.id)?.resolve(m);
    }
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

const isNotification = (m: unknown) => typeof m === 'object' && m !== null && !Array.isArray(m) && 'method' in m;

/** The HTTP status an upgrade to `url` is answered with (101 when it succeeds). */
export function upgradeStatus(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      resolve(101);
      ws.close();
    });
    ws.once('error', (e) => reject(e));
  });
}

/**
 * A client that completes the WebSocket upgrade, can send requests, and reads nothing after that:
 * the server's writes pile up in the kernel's buffers and then in its own.
 */
export class StalledClient {
  private constructor(private readonly socket: Socket) {}

  static async open(port: number, token: string): Promise<StalledClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const key = randomBytes(16).toString('base64');
    socket.write(
      `GET /api?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    let head = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (b: Buffer) => {
        head += b.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        socket.off('data', onData);
        socket.pause(); // from here on nothing is read
        if (head.startsWith('HTTP/1.1 101')) resolve();
        else reject(new Error(head.split('\r\n')[0]));
      };
      socket.on('data', onData);
    });
    return new StalledClient(socket);
  }

  /** A masked text frame, as a client must send it. */
  send(text: string): void {
    const payload = Buffer.from(text, 'utf8');
    const mask = randomBytes(4);
    const len = payload.length;
    const head =
      len < 126
        ? Buffer.from([0x81, 0x80 | len])
        : len < 65536
          ? Buffer.from([0x81, 0x80 | 126, len >> 8, len & 0xff])
          : Buffer.concat([Buffer.from([0x81, 0x80 | 127]), bigLength(len)]);
    const masked = Buffer.alloc(len);
    for (let i = 0; i < len; i++) masked[i] = (payload[i] as number) ^ (mask[i % 4] as number);
    this.socket.write(Buffer.concat([head, mask, masked]));
  }

  request(id: number, method: string, params: unknown): void {
    this.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}
