// Reliable, pipelined requests over a line transport (docs/protocol.md, "Delivery").
//
// The board answers every line it receives exactly once, in the order received. So:
//  - an answer for seq s means every request sent before s and still unanswered was lost on the
//    way (or its answer was): those are resent;
//  - a NAK answers the oldest outstanding request: it is resent;
//  - silence while requests are outstanding, past the timeout, resends the oldest;
//  - an answer for a seq no longer outstanding is a duplicate (the board replays answers to
//    resends from a cache) and is dropped.
// A noisy link makes resends routine, so resends alone never condemn the board. It is declared
// unresponsive when nothing at all is heard from it for `retries` + 1 timeouts in a row (each
// twice as long as the one before, up to a cap: a slow or busy wire is not flooded with copies),
// or when one request has been resent `maxResends` times (a board that only NAKs, a link that
// garbles everything: a storm that must end). Then everything outstanding fails at once and no
// queue grows behind a board that hangs with its port open. A watchdog that fires long after its
// deadline means the host, not the board, stood still (see arm()).
// Each round trip, with how often it failed, feeds `lineBudget`: the line length to use next.
import type { Clock, TimerHandle } from '../../shared/clock';
import { encodeRequest, MAX_SEQ, parseBoardLine, type BoardLine } from '../../shared/protocol/frame';
import type { LineTransport } from '../transport/line-transport';
import { BoardDisconnectedError, BoardError, BoardUnresponsiveError, QueueFullError } from './errors';
import { LineBudget } from './line-budget';

export interface RequestPipeOptions {
  readonly clock: Clock;
  /** silence (nothing heard from the board) that makes the oldest request be resent */
  readonly timeoutMs?: number;
  /** timeouts in a row, less one, with nothing heard, before the board is declared unresponsive */
  readonly retries?: number;
  /** the longest timeout, which doubles with each silent one (default 4 x timeoutMs) */
  readonly maxTimeoutMs?: number;
  /** resends of one request, for any reason, before the board is declared unresponsive */
  readonly maxResends?: number;
  /** requests waiting for a window slot, at most */
  readonly maxQueued?: number;
}

export interface PipeStats {
  sent: number;
  resent: number;
  naks: number;
  corruptLines: number;
  duplicates: number;
  timeouts: number;
  /** watchdog deadlines missed by the host itself (a loaded machine, a long GC), not counted as silence */
  hostStalls: number;
}

/** Bytes put on the wire, terminators included (kept apart from PipeStats, whose keys a run records). */
export interface PipeVolume {
  bytesSent: number;
  /** of which resends */
  bytesResent: number;
}

interface Request {
  readonly verb: string;
  readonly args: readonly (string | number)[];
  /** time the board needs beyond a normal answer (a RUN's burst) */
  readonly extraMs: number;
  readonly resolve: (fields: readonly string[]) => void;
  readonly reject: (e: Error) => void;
  seq: number;
  line: string;
  attempts: number;
}

const MAX_STALLS_IN_A_ROW = 3;
const DEFAULT_MAX_RESENDS = 32;

export type PipeState = 'open' | 'unresponsive' | 'closed';

export class RequestPipe {
  readonly stats: PipeStats = { sent: 0, resent: 0, naks: 0, corruptLines: 0, duplicates: 0, timeouts: 0, hostStalls: 0 };
  readonly volume: PipeVolume = { bytesSent: 0, bytesResent: 0 };
  /** the link's error rate, learnt from round trips, and the line length it calls for */
  readonly lineBudget = new LineBudget();
  /** requests in flight at most; 1 until the board has told its window */
  window = 1;
  private state: PipeState = 'open';
  private failure: Error | null = null;
  private readonly outstanding: Request[] = [];
  private readonly waiting: Request[] = [];
  private nextSeq = 0;
  private watchdog: TimerHandle | null = null;
  /** timeouts in a row with nothing heard from the board in between; also the backoff exponent */
  private silentTimeouts = 0;
  /** late watchdogs in a row forgiven as host stalls; bounded so a starved host still sees a hang */
  private stallsInARow = 0;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly maxTimeoutMs: number;
  private readonly maxResends: number;
  private readonly maxQueued: number;
  private readonly eventListeners: ((line: Extract<BoardLine, { kind: 'event' }>) => void)[] = [];
  private readonly stateListeners: ((state: PipeState, error: Error) => void)[] = [];

  constructor(
    private readonly transport: LineTransport,
    options: RequestPipeOptions,
  ) {
    this.clock = options.clock;
    this.timeoutMs = options.timeoutMs ?? 500;
    this.retries = options.retries ?? 3;
    this.maxTimeoutMs = Math.max(this.timeoutMs, options.maxTimeoutMs ?? 4 * this.timeoutMs);
    this.maxResends = options.maxResends ?? DEFAULT_MAX_RESENDS;
    this.maxQueued = options.maxQueued ?? 10_000;
    transport.onLine((line) => this.onLine(line));
    transport.onClose((reason) => this.fail('closed', new BoardDisconnectedError(transport.label, reason)));
  }

  get currentState(): PipeState {
    return this.state;
  }

  get pending(): number {
    return this.outstanding.length + this.waiting.length;
  }

  onEvent(listener: (event: Extract<BoardLine, { kind: 'event' }>) => void): void {
    this.eventListeners.push(listener);
  }

  /** called once when the pipe leaves the open state (unresponsive or closed) */
  onStateChange(listener: (state: PipeState, error: Error) => void): void {
    this.stateListeners.push(listener);
  }

  /** The OK fields of the board's answer; rejects with BoardError on ERR. */
  request(verb: string, args: readonly (string | number)[] = [], extraMs = 0): Promise<readonly string[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiting.length >= this.maxQueued) return Promise.reject(new QueueFullError(this.transport.label, this.maxQueued));
    return new Promise((resolve, reject) => {
      this.waiting.push({ verb, args, extraMs, resolve, reject, seq: -1, line: '', attempts: 0 });
      this.pump();
    });
  }

  /** Fail everything outstanding (the caller is closing). */
  close(): void {
    this.fail('closed', new BoardDisconnectedError(this.transport.label, 'closed by this side'));
  }

  /** Send what the window allows; `answered`: the board just answered, a fresh deadline is due. */
  private pump(answered = false): void {
    let sent = false;
    while (this.state === 'open' && this.outstanding.length < this.window && this.waiting.length > 0) {
      const r = this.waiting.shift() as Request;
      r.seq = this.allocateSeq();
      r.line = encodeRequest(r.seq, r.verb, r.args);
      this.transmit(r);
      this.stats.sent++;
      sent = true;
    }
    // a request that only joins the queue is no news from the board: the deadline stands
    if (sent || answered || !this.watchdog) this.arm();
  }

  private allocateSeq(): number {
    for (;;) {
      const s = this.nextSeq;
      this.nextSeq = s === MAX_SEQ ? 0 : s + 1;
      if (!this.outstanding.some((r) => r.seq === s)) return s;
    }
  }

  private transmit(r: Request): void {
    this.outstanding.push(r);
    this.volume.bytesSent += r.line.length + 1;
    try {
      this.transport.send(r.line);
    } catch (e) {
      this.fail('closed', new BoardDisconnectedError(this.transport.label, (e as Error).message));
    }
  }

  /** Send `r` again; it now waits behind everything sent before. */
  private resend(r: Request, why: string): void {
    if (r.attempts >= this.maxResends) {
      this.fail('unresponsive', new BoardUnresponsiveError(this.transport.label, `${r.verb} resent ${r.attempts} times, last for ${why}`));
      return;
    }
    r.attempts++;
    this.stats.resent++;
    this.volume.bytesResent += r.line.length + 1;
    this.outstanding.splice(this.outstanding.indexOf(r), 1);
    this.transmit(r);
  }

  private arm(): void {
    if (this.watchdog) this.clock.clearTimeout(this.watchdog);
    this.watchdog = null;
    if (this.state !== 'open' || this.outstanding.length === 0) return;
    // backoff: each silent timeout doubles the next, so resends do not pile onto a slow wire
    const silence = Math.min(this.maxTimeoutMs, this.timeoutMs * 2 ** this.silentTimeouts);
    const wait = silence + this.outstanding.reduce((s, r) => s + r.extraMs, 0);
    const due = this.clock.now() + wait;
    this.watchdog = this.clock.setTimeout(() => {
      this.watchdog = null;
      const oldest = this.outstanding[0];
      if (!oldest) return;
      // Timers run before pending input is read. A host that froze past the deadline finds its
      // watchdog due while the answer waits unread: that is the host's stall, not the board's
      // silence, so the board gets a fresh deadline.
      if (this.clock.now() - due > wait / 2 && this.stallsInARow < MAX_STALLS_IN_A_ROW) {
        this.stats.hostStalls++;
        this.stallsInARow++;
        this.arm();
        return;
      }
      this.stats.timeouts++;
      // silence, however many requests are outstanding: the board, not one request, is lost
      if (++this.silentTimeouts > this.retries) {
        this.fail('unresponsive', new BoardUnresponsiveError(this.transport.label, `nothing heard for ${this.retries + 1} timeouts in a row, the last of ${silence} ms`));
        return;
      }
      this.resend(oldest, `no answer in ${silence} ms`);
      this.arm();
    }, wait);
  }

  private onLine(line: string): void {
    if (this.state !== 'open') return;
    const parsed = parseBoardLine(line);
    if (!parsed.ok) {
      // unreadable: if it was an answer, the next answer reveals the gap, or the watchdog fires.
      // Still, the board spoke: on a noisy link a garbled answer is not silence.
      this.stats.corruptLines++;
      this.silentTimeouts = 0;
      return;
    }
    const msg = parsed.value;
    if (msg.kind !== 'event') {
      this.silentTimeouts = 0;
      this.stallsInARow = 0;
    }
    if (msg.kind === 'event') {
      for (const fn of this.eventListeners) fn(msg);
      return;
    }
    if (msg.kind === 'nak') {
      this.stats.naks++;
      const oldest = this.outstanding[0];
      if (oldest) this.resend(oldest, `NAK ${msg.reason}`);
      this.arm();
      return;
    }
    const at = this.outstanding.findIndex((r) => r.seq === msg.seq);
    if (at < 0) {
      this.stats.duplicates++;
      return;
    }
    const r = this.outstanding[at] as Request;
    for (const lost of this.outstanding.slice(0, at)) this.resend(lost, 'a later answer came first');
    if (this.state !== 'open') return;
    this.outstanding.splice(this.outstanding.indexOf(r), 1);
    this.lineBudget.record(r.line.length + 1 + line.length + 1, r.attempts);
    if (msg.kind === 'ok') r.resolve(msg.fields);
    else r.reject(new BoardError(msg.code, msg.text, r.verb));
    this.pump(true);
  }

  private fail(state: 'unresponsive' | 'closed', error: Error): void {
    if (this.state !== 'open') return;
    this.state = state;
    this.failure = error;
    if (this.watchdog) this.clock.clearTimeout(this.watchdog);
    this.watchdog = null;
    for (const r of [...this.outstanding, ...this.waiting]) r.reject(error);
    this.outstanding.length = 0;
    this.waiting.length = 0;
    for (const fn of this.stateListeners) fn(state, error);
  }
}
