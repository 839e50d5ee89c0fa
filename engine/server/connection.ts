// One client on the WebSocket: its requests go to the dispatcher, its answers and the documents of
// the runs it watches and the replays it started go out through its own bounded queue, and when it
// leaves, its subscriptions go with it (the runs go on) and so do its replays (they stop).
import type { WebSocket } from 'ws';
import type { RunDocument } from '../../shared/api/documents';
import { RPC_ERRORS } from '../../shared/api/rpc';
import type { ReplayHandle } from '../replay/operations';
import type { BenchApi } from '../service/bench-api';
import { ClientQueue, DISPLAY_PACE, type QueueLimits, type QueueStats } from './client-queue';
import type { ClientSide } from './methods';
import { tooLarge, type Dispatcher } from './rpc-dispatch';
import { errorMessage } from './wire';

export interface ConnectionOptions {
  /** larger messages are answered TOO_LARGE, and the connection stays */
  readonly maxMessageBytes: number;
  /** a request to one of `largeMethods` (a file's bytes) may be this large, one at a time per client */
  readonly maxLargeMessageBytes: number;
  readonly largeMethods: ReadonlySet<string>;
  /** requests of one client being worked on at once; more are refused */
  readonly maxInFlight: number;
  readonly queue: QueueLimits;
}

export interface ClientStats extends QueueStats {
  readonly id: number;
  readonly subscriptions: readonly number[];
  readonly replays: readonly number[];
}

export class Connection {
  readonly queue: ClientQueue;
  /** runId -> unsubscribe from its live stream */
  private readonly subscriptions = new Map<number, () => void>();
  /** replayId -> the replay this client started, until its documents end */
  private readonly replays = new Map<number, ReplayHandle>();
  private inFlight = 0;
  private largeInFlight = false;
  private disposed = false;
  /** answered a ping since the last one */
  alive = true;

  constructor(
    readonly id: number,
    private readonly ws: WebSocket,
    private readonly bench: BenchApi,
    private readonly dispatcher: Dispatcher<ClientSide>,
    private readonly options: ConnectionOptions,
    private readonly onInternalError: (e: unknown) => void,
  ) {
    this.queue = new ClientQueue(
      {
        get bufferedAmount() {
          return ws.bufferedAmount;
        },
        send: (text, sent) => ws.send(text, sent),
      },
      options.queue,
      (why) => ws.close(1013, why.slice(0, 120)),
    );
    ws.on('message', (data, isBinary) => this.receive(data, isBinary));
    ws.on('pong', () => (this.alive = true));
    ws.on('close', () => this.dispose());
    ws.on('error', () => undefined); // a close follows
  }

  get stats(): ClientStats {
    return { id: this.id, ...this.queue.stats, subscriptions: [...this.subscriptions.keys()], replays: [...this.replays.keys()] };
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  ping(): void {
    try {
      this.ws.ping();
    } catch {
      // not open (any more): the close event cleans up
    }
  }

  terminate(): void {
    this.ws.terminate();
  }

  private receive(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const large = bytes.length > this.options.maxMessageBytes;
    if (large && (bytes.length > this.options.maxLargeMessageBytes || this.largeInFlight || isBinary))
      return this.queue.text(tooLarge(bytes.length, this.largeInFlight ? this.options.maxMessageBytes : this.options.maxLargeMessageBytes));
    if (isBinary) return this.queue.text(errorMessage(null, { code: RPC_ERRORS.INVALID_REQUEST, message: 'send JSON-RPC requests as text frames' }));
    if (this.inFlight >= this.options.maxInFlight) {
      return this.queue.text(errorMessage(null, { code: RPC_ERRORS.REFUSED, message: `more than ${this.options.maxInFlight} requests in flight: wait for answers` }));
    }
    this.inFlight++;
    if (large) this.largeInFlight = true;
    const side: ClientSide = {
      subscribe: (runId, fromSeq) => this.subscribe(runId, fromSeq),
      unsubscribe: (runId) => this.unsubscribe(runId),
      watchReplay: (replayId, handle, forDisplay) => this.watchReplay(replayId, handle, forDisplay),
      replay: (replayId) => this.replays.get(replayId),
    };
    this.dispatcher
      .dispatch(bytes.toString('utf8'), side, large ? { methods: this.options.largeMethods, limit: this.options.maxMessageBytes } : undefined)
      .then(({ reply, after }) => {
        if (reply !== null) this.queue.text(reply);
        for (const fn of after) fn();
      })
      .catch(this.onInternalError)
      .finally(() => {
        this.inFlight--;
        if (large) this.largeInFlight = false;
      });
  }

  private subscribe(runId: number, fromSeq: number): void {
    if (this.disposed) return; // it left while its request was worked on
    this.unsubscribe(runId);
    const handle = this.bench.live(runId);
    if (handle) {
      const stream = handle.documents;
      this.queue.history(stream.since(fromSeq));
      if (!stream.isEnded)
        this.subscriptions.set(
          runId,
          stream.subscribe((doc) => this.live(runId, doc), stream.length),
        );
      return;
    }
    // a run of another process, or of an earlier one: what the store holds, without the arrays
    const docs: RunDocument[] = [];
    for (const doc of this.bench.readRun(runId, { withData: false })) if (doc.seq >= fromSeq) docs.push(doc);
    this.queue.history(docs);
  }

  /**
   * Send a replay's documents (from its first: the stream keeps what went out before this is
   * called) until they end, its progress paced for display where the client asked; a replay of a
   * client that has left is stopped.
   */
  private watchReplay(replayId: number, handle: ReplayHandle, forDisplay: boolean): void {
    if (this.disposed) return handle.control.abort();
    this.replays.set(replayId, handle);
    if (forDisplay) this.queue.paceReplay(replayId, DISPLAY_PACE);
    const off = handle.documents.subscribe((doc) => this.queue.replayDocument(replayId, doc), 0);
    void handle.done
      .catch(() => undefined)
      .then(() => {
        off();
        this.queue.replayEnded(replayId);
        this.replays.delete(replayId);
      });
  }

  /** A document of a watched run, as it is emitted: queued, never waited on. */
  private live(runId: number, doc: RunDocument): void {
    this.queue.document(doc);
    if (doc.type === 'stop' && doc.runId === runId) this.subscriptions.delete(runId);
  }

  private unsubscribe(runId: number): boolean {
    const off = this.subscriptions.get(runId);
    off?.();
    return this.subscriptions.delete(runId);
  }

  private dispose(): void {
    this.disposed = true;
    for (const off of this.subscriptions.values()) off();
    this.subscriptions.clear();
    for (const replay of this.replays.values()) replay.control.abort();
    this.replays.clear();
    this.queue.close();
  }
}
