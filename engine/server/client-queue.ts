// One client's outgoing messages. Acquisition emits documents synchronously and must never wait
// for a client, so each client gets a bounded queue that sends only while its socket's own buffer
// is below a high-water mark:
// - a live batch summary is superseded by the next batch of the same run (newest wins: a live view
//   wants the latest figures, and run.read or run.batchData has every batch);
// - start, descriptor, status and stop documents and answers to requests are never dropped;
// - documents a client asked for from the past (run.subscribe with fromSeq) are read from the
//   run's own history as the socket drains, never copied into the queue;
// - a client so far behind that it holds more than `maxPending` messages or `maxPendingBytes` is
//   disconnected (close code 1013) rather than dropping one of those: it can reconnect and
//   subscribe from the last sequence number it saw;
// - a replay started for display (replay.start's forDisplay, which the app sets) has its batches
//   go out at most one every 20 ms and its statuses without an event one every 250 ms, the newest
//   of each held back meanwhile: a replay at full speed emits thousands of documents a second,
//   which the socket takes at once but a page then parses and folds one by one, for seconds (a
//   live run's pace is its batches', about one a second, and it spaces its statuses itself).
//   Anything else of the replay sends what is held first, in order; other clients get every one.
import type { RunDocument } from '../../shared/api/documents';
import type { Clock, TimerHandle } from '../../shared/clock';
import { documentNotification, replayNotification } from './wire';

/** Where the queue writes: a WebSocket, or a test double. */
export interface MessageSink {
  /** bytes accepted by send and not yet handed to the OS */
  readonly bufferedAmount: number;
  send(text: string, sent: () => void): void;
}

export interface QueueLimits {
  /** send only while the sink holds fewer bytes than this */
  readonly highWaterBytes: number;
  /** most messages waiting (answers and documents; a catch-up from history counts as one) */
  readonly maxPending: number;
  /** most bytes of serialized messages waiting */
  readonly maxPendingBytes: number;
}

/** How a replay started for display is paced to its client. */
export interface ReplayPaceLimits {
  /** least ms between the replay's batches */
  readonly batchMs: number;
  /** least ms between its statuses without an event */
  readonly statusMs: number;
}

/** 50 batches a second: more than a page redraws; 4 statuses a second, as a live run sends them. */
export const DISPLAY_PACE: ReplayPaceLimits = { batchMs: 20, statusMs: 250 };

export const DEFAULT_QUEUE_LIMITS: QueueLimits = {
  highWaterBytes: 256 * 1024,
  maxPending: 10_000,
  maxPendingBytes: 64 * 1024 * 1024,
};

/** Node's timers, for a queue not given a clock. */
const processClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (h) => clearTimeout(h as unknown as NodeJS.Timeout),
};

/** A replay's progress held back: the newest batch and status, in the order they came. */
interface ReplayPace {
  readonly limits: ReplayPaceLimits;
  lastBatch: number;
  lastStatus: number;
  held: RunDocument[];
  timer: TimerHandle | null;
}

/** Progress that a newer document of the same kind and run makes stale: a batch, or a status with no event. */
function isProgress(doc: RunDocument): boolean {
  return doc.type === 'batch' || (doc.type === 'status' && doc.event === null);
}

function supersedes(newer: RunDocument, older: RunDocument): boolean {
  if (newer.type !== older.type || newer.runId !== older.runId) return false;
  if (newer.type === 'status' && older.type === 'status') return JSON.stringify(newer.step) === JSON.stringify(older.step);
  return true;
}

type Entry =
  | { readonly kind: 'text'; readonly text: string }
  /** serialized at once, so that a pending batch does not hold on to its typed arrays; `stream` names what a newer batch supersedes */
  | { readonly kind: 'document'; readonly stream: string; readonly text: string }
  /** documents kept by a run's history (or read back from the store), sent from `next` on */
  | { readonly kind: 'history'; readonly docs: readonly RunDocument[]; next: number };

export interface QueueStats {
  /** messages waiting now (a catch-up counts its remaining documents) */
  readonly pending: number;
  /** the most messages that were ever waiting */
  readonly maxPending: number;
  readonly sent: number;
  /** live batches superseded before they were sent, and a replay's progress held back and superseded */
  readonly coalesced: number;
}

export class ClientQueue {
  // insertion-ordered: a batch that supersedes another is appended, so sequence numbers stay increasing
  private readonly entries = new Map<number, Entry>();
  /** the pending batch of each stream (a run, or a replay's run): its entry's key */
  private readonly batchOfRun = new Map<string, number>();
  private nextKey = 0;
  private pendingBytes = 0;
  private historyLeft = 0;
  private historyEntries = 0;
  private sent = 0;
  private coalesced = 0;
  private peak = 0;
  private pumping = false;
  private closed = false;
  private readonly paces = new Map<number, ReplayPace>();

  constructor(
    private readonly sink: MessageSink,
    private readonly limits: QueueLimits,
    /** called once when the client fell too far behind; the owner closes the connection */
    private readonly onOverflow: (why: string) => void,
    private readonly clock: Clock = processClock,
  ) {}

  /** An answer to a request, already serialized. */
  text(text: string): void {
    if (this.closed) return;
    this.pendingBytes += text.length;
    this.add({ kind: 'text', text });
  }

  /** A live document of a run the client watches. */
  document(doc: RunDocument): void {
    this.streamed(`run ${doc.runId}`, doc, () => documentNotification(doc));
  }

  /**
   * A document of a replay the client started: as a live one (a replay is watched as a run is,
   * its batches superseded by newer ones while the client is behind), sent as replay.document.
   */
  replayDocument(replayId: number, doc: RunDocument): void {
    if (this.closed) return;
    const pace = this.paces.get(replayId);
    if (!pace) return this.replayOut(replayId, doc);
    if (!isProgress(doc)) {
      this.release(replayId, pace, pace.held.length);
      return this.replayOut(replayId, doc);
    }
    if (pace.held.length === 0 && this.dueAt(pace, doc) <= this.clock.now()) return this.paced(replayId, pace, doc);
    // what is held of another run of the replay (a procedure's child) goes first, so the order holds
    if (pace.held.some((h) => h.runId !== doc.runId)) this.release(replayId, pace, pace.held.length);
    const before = pace.held.length;
    pace.held = pace.held.filter((h) => !supersedes(doc, h));
    this.coalesced += before - pace.held.length;
    pace.held.push(doc);
    this.wake(replayId, pace);
  }

  /** Pace replay `replayId`'s progress to this client (a replay started for display), from its next document. */
  paceReplay(replayId: number, limits: ReplayPaceLimits): void {
    if (!this.closed) this.paces.set(replayId, { limits, lastBatch: -Infinity, lastStatus: -Infinity, held: [], timer: null });
  }

  /** The replay's documents ended: what is held goes out, and its pace is forgotten. */
  replayEnded(replayId: number): void {
    const pace = this.paces.get(replayId);
    if (pace) this.release(replayId, pace, pace.held.length);
    this.paces.delete(replayId);
  }

  private dueAt(pace: ReplayPace, doc: RunDocument): number {
    return doc.type === 'batch' ? pace.lastBatch + pace.limits.batchMs : pace.lastStatus + pace.limits.statusMs;
  }

  private paced(replayId: number, pace: ReplayPace, doc: RunDocument): void {
    if (doc.type === 'batch') pace.lastBatch = this.clock.now();
    else pace.lastStatus = this.clock.now();
    this.replayOut(replayId, doc);
  }

  /** The timer set for the first held document that comes due. */
  private wake(replayId: number, pace: ReplayPace): void {
    if (pace.timer) this.clock.clearTimeout(pace.timer);
    pace.timer = null;
    if (pace.held.length === 0) return;
    const due = Math.min(...pace.held.map((h) => this.dueAt(pace, h)));
    pace.timer = this.clock.setTimeout(
      () => {
        pace.timer = null;
        // the newest held document that is due goes, and everything held before it
        const now = this.clock.now();
        let upTo = 0;
        pace.held.forEach((h, k) => {
          if (this.dueAt(pace, h) <= now) upTo = k + 1;
        });
        this.release(replayId, pace, upTo);
      },
      Math.max(0, due - this.clock.now()),
    );
  }

  /** The first `count` held documents, sent now; the timer set again for the rest. */
  private release(replayId: number, pace: ReplayPace, count: number): void {
    for (const doc of pace.held.splice(0, count)) this.paced(replayId, pace, doc);
    this.wake(replayId, pace);
  }

  private replayOut(replayId: number, doc: RunDocument): void {
    this.streamed(`replay ${replayId} run ${doc.runId}`, doc, () => replayNotification(replayId, doc));
  }

  private streamed(stream: string, doc: RunDocument, serialize: () => string): void {
    if (this.closed) return;
    if (doc.type === 'batch') {
      const older = this.batchOfRun.get(stream);
      const superseded = older === undefined ? undefined : this.entries.get(older);
      if (older !== undefined && superseded?.kind === 'document') {
        this.entries.delete(older);
        this.pendingBytes -= superseded.text.length;
        this.coalesced++;
      }
      this.batchOfRun.set(stream, this.nextKey);
    }
    const text = serialize();
    this.pendingBytes += text.length;
    this.add({ kind: 'document', stream, text });
  }

  /** Documents from history, all of them, in order (none is superseded: the client asked for them). */
  history(docs: readonly RunDocument[]): void {
    if (this.closed || docs.length === 0) return;
    this.historyLeft += docs.length;
    this.historyEntries++;
    this.add({ kind: 'history', docs, next: 0 });
  }

  get stats(): QueueStats {
    return { pending: this.pending, maxPending: this.peak, sent: this.sent, coalesced: this.coalesced };
  }

  /** Forget everything (the connection closed). */
  close(): void {
    this.closed = true;
    for (const pace of this.paces.values()) if (pace.timer) this.clock.clearTimeout(pace.timer);
    this.paces.clear();
    this.entries.clear();
    this.batchOfRun.clear();
    this.historyLeft = this.historyEntries = this.pendingBytes = 0;
  }

  private get pending(): number {
    return this.entries.size - this.historyEntries + this.historyLeft;
  }

  private add(entry: Entry): void {
    this.entries.set(this.nextKey++, entry);
    this.pump();
    const waiting = this.entries.size;
    this.peak = Math.max(this.peak, this.pending);
    if (waiting > this.limits.maxPending || this.pendingBytes > this.limits.maxPendingBytes) {
      this.close();
      this.onOverflow(`the client fell too far behind (${waiting} messages, ${this.pendingBytes} bytes waiting): reconnect and subscribe from the last seq seen`);
    }
  }

  /** Send while the sink has room; a send's completion pumps again. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && this.sink.bufferedAmount < this.limits.highWaterBytes) {
        const text = this.take();
        if (text === null) break;
        this.sent++;
        this.sink.send(text, () => this.pump());
      }
    } finally {
      this.pumping = false;
    }
  }

  /** The next message to send, taken off the queue. */
  private take(): string | null {
    const first = this.entries.entries().next();
    if (first.done) return null;
    const [key, entry] = first.value;
    if (entry.kind === 'history') {
      const doc = entry.docs[entry.next++] as RunDocument;
      this.historyLeft--;
      if (entry.next >= entry.docs.length) {
        this.entries.delete(key);
        this.historyEntries--;
      }
      return documentNotification(doc);
    }
    this.entries.delete(key);
    this.pendingBytes -= entry.text.length;
    if (entry.kind === 'document' && this.batchOfRun.get(entry.stream) === key) this.batchOfRun.delete(entry.stream);
    return entry.text;
  }
}
