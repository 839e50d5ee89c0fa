// A typed client of the engine's API (rpc.ts): JSON-RPC 2.0 over a WebSocket, calls typed by
// method, errors carrying the field at fault, and run documents dispatched to subscribers by run.
// DOM- and Node-free: the socket comes from an injected factory (the browser passes
// `new WebSocket(url)`, Node the `ws` package's). After a connection that had opened is lost, the
// client reconnects with backoff and subscribes each watched run again from the last sequence
// number it saw + 1, so a subscriber gets every document once, in order. A replay's documents
// (replay.document notifications, to the connection that started it) go to its watcher; a replay
// ends with its connection, so a lost connection ends its watch.
import type { z } from 'zod';
import type { Clock, TimerHandle } from '../clock';
import type { METHODS, MethodName, MethodResult, RpcErrorBody, WireDocument } from './rpc';
import { REPLAY_DOCUMENT_NOTIFICATION, RUN_DOCUMENT_NOTIFICATION } from './rpc';

/** A handler property typed like a method, so DOM's and ws's sockets (with richer events) fit. */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** What the client needs of a WebSocket: the browser's and the `ws` package's both fit. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ readonly data: unknown }> | null;
  onclose: Handler<{ readonly code: number; readonly reason: string }> | null;
  onerror: Handler<unknown> | null;
}
export type SocketFactory = (url: string) => SocketLike;

/** What a method takes, before the server fills in its defaults. */
export type MethodInput<M extends MethodName> = z.input<(typeof METHODS)[M]>;

/** The client's own error codes, beside RPC_ERRORS: the call never got an answer. */
export const CLIENT_ERRORS = {
  /** the connection was lost (or closed) before the answer came */
  DISCONNECTED: -32098,
  /** no answer within the call timeout */
  TIMEOUT: -32097,
} as const;

/** A call that failed: the engine's error (code, message, the params field at fault) or the client's. */
export class RpcClientError extends Error {
  constructor(
    readonly code: number,
    message: string,
    /** the field the error is about (`workload.vectors`, `board`, `params.from`), when the engine named one */
    readonly field: string | null = null,
    readonly method: string | null = null,
  ) {
    super(message);
    this.name = 'RpcClientError';
  }

  static from(body: RpcErrorBody, method: string | null): RpcClientError {
    const field = typeof body.data?.field === 'string' ? body.data.field : null;
    return new RpcClientError(body.code, body.message, field, method);
  }

  /** the engine refused what was asked (bad params, a busy board), as against a lost connection */
  get isRefusal(): boolean {
    return this.code !== CLIENT_ERRORS.DISCONNECTED && this.code !== CLIENT_ERRORS.TIMEOUT;
  }
}

/**
 * connecting: the first open is under way; open; reconnecting: the connection was lost and the
 * client is trying again; failed: the first open failed (a refused token, an engine that is not
 * there): nothing more is tried; closed: close() was called.
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'failed' | 'closed';

export interface ConnectionStatus {
  readonly state: ConnectionState;
  /** reconnecting: attempts made since the connection was lost */
  readonly attempt: number;
  /** reconnecting: when the next attempt is made (the client's clock, ms) */
  readonly nextAttemptAt: number | null;
  /** the close code of the last lost connection */
  readonly lastCloseCode: number | null;
}

export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

export interface ClientOptions {
  /** ws://HOST:PORT/api?token=... */
  readonly url: string;
  readonly socket: SocketFactory;
  readonly backoff?: Partial<BackoffOptions>;
  /** reject a call not answered within this (0: never) */
  readonly callTimeoutMs?: number;
  /** reconnect delays and call timeouts (default: the host's timers) */
  readonly clock?: Clock;
}

export type DocumentListener = (doc: WireDocument) => void;

/** A run being watched: its documents go to `listener` until close(). */
export interface Subscription {
  readonly runId: number;
  /** the highest sequence number delivered, -1 before the first */
  readonly lastSeq: number;
  /** resolves with the engine's answer to the (first) run.subscribe */
  readonly ready: Promise<MethodResult<'run.subscribe'>>;
  close(): void;
}

/** A replay being watched: its documents go to the listener until it ends or close(). */
export interface ReplayWatch {
  readonly replayId: number;
  /** the replay sent its last document (its run's stop, or its own 'aborted' status), or the connection was lost */
  readonly ended: boolean;
  /** stop listening; a replay still playing is stopped (replay.stop) */
  close(): void;
}

class ReplayWatcher implements ReplayWatch {
  ended = false;
  closed = false;
  /** the run replayed: its start document comes first */
  rootRunId: number | null = null;

  constructor(
    readonly replayId: number,
    readonly listener: DocumentListener,
    private readonly owner: EngineClient,
  ) {}

  close(): void {
    this.owner.unwatchReplay(this);
  }
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 5000, factor: 2 };

// the host's timers: the browser and Node both have them (shared/ has neither's types)
declare function setTimeout(fn: () => void, ms: number): unknown;
declare function clearTimeout(handle: unknown): void;

const hostClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as TimerHandle,
  clearTimeout: (h) => clearTimeout(h),
};

interface Pending {
  readonly method: string;
  /** called with the result as the answer is read, before any later message is */
  readonly onAnswer?: ((result: unknown) => void) | undefined;
  resolve(result: unknown): void;
  reject(e: RpcClientError): void;
  timer: TimerHandle | null;
}

class Watch implements Subscription {
  lastSeq: number;
  closed = false;
  /** the run itself stopped: the engine ends the subscription, nothing to renew */
  ended = false;
  ready!: Promise<MethodResult<'run.subscribe'>>;

  constructor(
    readonly runId: number,
    readonly listener: DocumentListener,
    fromSeq: number,
    private readonly owner: EngineClient,
  ) {
    this.lastSeq = fromSeq - 1;
  }

  close(): void {
    this.owner.unwatch(this);
  }
}

/** A message from the engine, as far as the client reads it. */
interface Incoming {
  readonly id?: unknown;
  readonly result?: unknown;
  readonly error?: RpcErrorBody;
  readonly method?: unknown;
  readonly params?: { readonly document?: WireDocument; readonly replayId?: unknown };
}

export class EngineClient {
  private socket: SocketLike | null = null;
  private readonly pending = new Map<number, Pending>();
  /** calls made before the first open */
  private readonly queued: { readonly text: string; readonly id: number }[] = [];
  /** runId -> its subscribers (a run watched by two screens is subscribed to once) */
  private readonly watches = new Map<number, Set<Watch>>();
  /** child run -> its parent, from start documents: a procedure's stream carries its children's */
  private readonly parents = new Map<number, number>();
  /** replayId -> its watcher */
  private readonly replays = new Map<number, ReplayWatcher>();
  private readonly stateListeners = new Set<(s: ConnectionStatus) => void>();
  private readonly errorListeners = new Set<(e: RpcClientError) => void>();
  private readonly backoff: BackoffOptions;
  private readonly timers: Clock;
  private nextId = 1;
  private everOpened = false;
  private reconnectTimer: TimerHandle | null = null;
  private firstOpen: { resolve: () => void; reject: (e: RpcClientError) => void } | null = null;
  private current: ConnectionStatus = { state: 'connecting', attempt: 0, nextAttemptAt: null, lastCloseCode: null };

  constructor(private readonly options: ClientOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.timers = options.clock ?? hostClock;
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  /** Open the connection; rejects (state 'failed') when the first open fails. */
  connect(): Promise<void> {
    if (this.current.state === 'open') return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.firstOpen = { resolve, reject };
      this.open();
    });
  }

  /** Call a method; rejects with an RpcClientError. */
  call<M extends MethodName>(method: M, params: MethodInput<M>): Promise<MethodResult<M>> {
    return this.send(method, params) as Promise<MethodResult<M>>;
  }

  /**
   * Watch a run: its documents from `fromSeq` on (and, for a procedure, its child runs'), then its
   * live ones, each passed to `listener` once, in order, across reconnects. A run may have several
   * subscribers, each from its own `fromSeq`.
   */
  subscribe(runId: number, listener: DocumentListener, fromSeq = 0): Subscription {
    const watch = new Watch(runId, listener, fromSeq, this);
    let set = this.watches.get(runId);
    if (!set) this.watches.set(runId, (set = new Set()));
    set.add(watch);
    watch.ready = this.renew(runId);
    // a subscription whose first answer nobody awaits must not be an unhandled rejection
    watch.ready.catch(() => undefined);
    return watch;
  }

  /**
   * Watch a replay this client started (replay.start): its documents, as replay.document
   * notifications, go to `listener` in order. The documents follow replay.start's answer at once,
   * and documents that came before the watch are not kept: startReplay sets the watch as the answer
   * is read, so that none is missed.
   */
  watchReplay(replayId: number, listener: DocumentListener): ReplayWatch {
    this.replays.get(replayId)?.close();
    const watch = new ReplayWatcher(replayId, listener, this);
    this.replays.set(replayId, watch);
    return watch;
  }

  /** Start a replay and watch it: its answer, and its watch, once the engine answered. */
  async startReplay(
    params: MethodInput<'replay.start'>,
    listener: DocumentListener,
  ): Promise<{ readonly started: MethodResult<'replay.start'>; readonly watch: ReplayWatch }> {
    let watch: ReplayWatch | null = null;
    // the watch is set where the answer is read, before the next message is (a socket may hand
    // several messages over in one go, with no turn between them for a promise's continuation)
    const started = (await this.send('replay.start', params, (r) => {
      watch = this.watchReplay((r as MethodResult<'replay.start'>).replayId, listener);
    })) as MethodResult<'replay.start'>;
    return { started, watch: watch ?? this.watchReplay(started.replayId, listener) };
  }

  /** @internal ReplayWatcher.close */
  unwatchReplay(watch: ReplayWatcher): void {
    if (watch.closed) return;
    watch.closed = true;
    if (this.replays.get(watch.replayId) === watch) this.replays.delete(watch.replayId);
    if (!watch.ended && this.current.state === 'open') this.call('replay.stop', { replayId: watch.replayId }).catch(() => undefined);
  }

  /** Called with every change of the connection's state. */
  onStatus(listener: (s: ConnectionStatus) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Errors the engine sent without a request to answer (a frame too large, too many in flight). */
  onUnansweredError(listener: (e: RpcClientError) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** Close for good: pending calls are rejected, nothing reconnects. */
  close(): void {
    if (this.reconnectTimer !== null) this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.setStatus({ ...this.current, state: 'closed', nextAttemptAt: null });
    const s = this.socket;
    this.socket = null;
    if (s) {
      detach(s);
      s.close(1000, 'client closed');
    }
    this.failAll('the client was closed');
  }

  /** @internal Watch.close */
  unwatch(watch: Watch): void {
    if (watch.closed) return;
    watch.closed = true;
    const set = this.watches.get(watch.runId);
    set?.delete(watch);
    if (set && set.size > 0) return; // still watched
    this.watches.delete(watch.runId);
    if (!watch.ended && this.current.state === 'open') this.call('run.unsubscribe', { runId: watch.runId }).catch(() => undefined);
  }

  /** (Re)subscribe to a run from where its least advanced subscriber is; the others skip what they have. */
  private renew(runId: number): Promise<MethodResult<'run.subscribe'>> {
    const open = [...(this.watches.get(runId) ?? [])].filter((w) => !w.closed);
    const fromSeq = Math.min(...open.map((w) => w.lastSeq + 1));
    return this.call('run.subscribe', { runId, fromSeq: Number.isFinite(fromSeq) ? fromSeq : 0 });
  }

  private send(method: string, params: unknown, onAnswer?: (result: unknown) => void): Promise<unknown> {
    const state = this.current.state;
    if (state !== 'open' && state !== 'connecting') {
      return Promise.reject(new RpcClientError(CLIENT_ERRORS.DISCONNECTED, `not connected to the engine (${state})`, null, method));
    }
    const id = this.nextId++;
    const text = JSON.stringify({ jsonrpc: '2.0', id, method, params });
    return new Promise((resolve, reject) => {
      const p: Pending = { method, onAnswer, resolve, reject, timer: null };
      const timeout = this.options.callTimeoutMs ?? 0;
      if (timeout > 0) {
        p.timer = this.timers.setTimeout(() => {
          this.pending.delete(id);
          reject(new RpcClientError(CLIENT_ERRORS.TIMEOUT, `${method}: no answer within ${timeout} ms`, null, method));
        }, timeout);
      }
      this.pending.set(id, p);
      if (state === 'open' && this.socket) this.socket.send(text);
      else this.queued.push({ text, id });
    });
  }

  private open(): void {
    let socket: SocketLike;
    try {
      socket = this.options.socket(this.options.url);
    } catch {
      this.lost(1006);
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.opened();
    socket.onmessage = (e) => this.receive(e.data);
    socket.onclose = (e) => {
      if (this.socket === socket) this.lost(e.code);
    };
    socket.onerror = () => undefined; // a close follows
  }

  private opened(): void {
    this.everOpened = true;
    this.setStatus({ state: 'open', attempt: 0, nextAttemptAt: null, lastCloseCode: this.current.lastCloseCode });
    this.firstOpen?.resolve();
    this.firstOpen = null;
    for (const q of this.queued.splice(0)) if (this.pending.has(q.id)) this.socket?.send(q.text);
    // watched runs again, from where each left off
    for (const [runId, set] of this.watches) {
      if ([...set].every((w) => w.ended || w.closed)) continue;
      this.renew(runId).catch(() => undefined);
    }
  }

  private lost(code: number): void {
    const s = this.socket;
    this.socket = null;
    if (s) detach(s);
    if (this.current.state === 'closed') return;
    this.failAll(`the connection to the engine was lost (close code ${code})`);
    // a replay plays on its connection only: it ended with it
    for (const watch of this.replays.values()) watch.ended = true;
    this.replays.clear();
    if (!this.everOpened) {
      this.setStatus({ state: 'failed', attempt: 0, nextAttemptAt: null, lastCloseCode: code });
      this.firstOpen?.reject(new RpcClientError(CLIENT_ERRORS.DISCONNECTED, `could not connect to the engine (close code ${code})`));
      this.firstOpen = null;
      return;
    }
    const attempt = this.current.state === 'reconnecting' ? this.current.attempt + 1 : 1;
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * this.backoff.factor ** (attempt - 1));
    this.setStatus({ state: 'reconnecting', attempt, nextAttemptAt: this.timers.now() + delay, lastCloseCode: code });
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      if (this.current.state === 'reconnecting') this.open();
    }, delay);
  }

  private failAll(why: string): void {
    for (const [id, p] of this.pending) {
      if (p.timer !== null) this.timers.clearTimeout(p.timer);
      p.reject(new RpcClientError(CLIENT_ERRORS.DISCONNECTED, `${p.method}: ${why}`, null, p.method));
      this.pending.delete(id);
    }
    this.queued.length = 0;
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return; // the engine sends text frames only
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    for (const m of Array.isArray(message) ? message : [message]) if (typeof m === 'object' && m !== null) this.handle(m as Incoming);
  }

  private handle(m: Incoming): void {
    if (m.method === RUN_DOCUMENT_NOTIFICATION) {
      if (m.params?.document) this.dispatch(m.params.document);
      return;
    }
    if (m.method === REPLAY_DOCUMENT_NOTIFICATION) {
      if (m.params?.document && typeof m.params.replayId === 'number') this.replayed(m.params.replayId, m.params.document);
      return;
    }
    if (typeof m.id !== 'number') {
      if (m.error) for (const l of this.errorListeners) l(RpcClientError.from(m.error, null));
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (p.timer !== null) this.timers.clearTimeout(p.timer);
    if (m.error) p.reject(RpcClientError.from(m.error, p.method));
    else {
      p.onAnswer?.(m.result);
      p.resolve(m.result);
    }
  }

  /**
   * A document goes to the subscribers of its run, or of its nearest watched ancestor, each once.
   * (A child run watched itself while its procedure is watched too gets its documents from two
   * streams, numbered apart: watch the one or the other while it runs.)
   */
  private dispatch(doc: WireDocument): void {
    if (doc.type === 'start' && doc.parentId !== null) {
      if (this.parents.size >= 10_000) this.parents.clear();
      this.parents.set(doc.runId, doc.parentId);
    }
    let runId: number | undefined = doc.runId;
    let set: Set<Watch> | undefined;
    for (let hops = 0; runId !== undefined && hops < 16; hops++) {
      set = this.watches.get(runId);
      if (set) break;
      runId = this.parents.get(runId);
    }
    for (const watch of [...(set ?? [])]) {
      if (watch.closed || doc.seq <= watch.lastSeq) continue;
      watch.lastSeq = doc.seq;
      if (doc.type === 'stop' && doc.runId === watch.runId) watch.ended = true;
      watch.listener(doc);
    }
  }

  private replayed(replayId: number, doc: WireDocument): void {
    const watch = this.replays.get(replayId);
    if (!watch || watch.closed) return;
    watch.rootRunId ??= doc.runId;
    const own = doc.runId === watch.rootRunId;
    if (own && (doc.type === 'stop' || (doc.type === 'status' && doc.state === 'aborted'))) {
      watch.ended = true;
      this.replays.delete(replayId);
    }
    watch.listener(doc);
  }

  private setStatus(s: ConnectionStatus): void {
    this.current = s;
    for (const l of this.stateListeners) l(s);
  }
}

function detach(s: SocketLike): void {
  s.onopen = null;
  s.onmessage = null;
  s.onclose = null;
  s.onerror = null;
}
