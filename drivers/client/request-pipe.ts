// Reliable, pipelined requests over a line transport (docs/protocol.md, "Delivery").
//
// The board answers every line it receives exactly once, in the order received. So:
//  - an answer for seq s means every request sent before s (before its first copy, if s was
//    resent) and still unanswered was lost on the way (or its answer was): those are resent;
//  - a NAK answers the oldest outstanding request: it is resent;
//  - silence while requests are outstanding resends the oldest: once nothing has been heard for
//    the resend timeout (RTO), which adapts to the measured round-trip time (RoundTripTimer), and
//    again at each full timeout;
//  - an answer for a seq no longer outstanding is a duplicate (the board replays answers to
//    resends from a cache) and is dropped.
// A noisy link makes resends routine, so resends alone never condemn the board. It is declared
// unresponsive when nothing at all is heard from it for `retries` + 1 full timeouts in a row (each
// twice as long as the one before, up to a cap: a slow or busy wire is not flooded with copies),
// or when one request has been resent `maxResends` times (a board that only NAKs, a link that
// garbles everything: a storm that must end; early resends, those before a full timeout, do not
// count). Then everything outstanding fails at once and no
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
  /** the shortest adaptive resend timeout (default 50 ms) */
  readonly minResendMs?: number;
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
  /** of `resent`, those on silence shorter than the timeout: when the adaptive resend timeout ran out */
  earlyResends: number;
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
  /** resends, for any reason */
  attempts: number;
  /** of which early ones (the adaptive resend timeout ran out before the full timeout) */
  early: number;
  /** when it was first sent */
  sentAt: number;
  /** the order of its first and its last transmission among all the pipe's */
  firstTx: number;
  lastTx: number;
  /** burst time of the requests it was sent behind, its own included: its round trip then says nothing of the link's */
  burstAhead: number;
}

/**
 * When an answer is overdue, from the round trips measured on this link, RFC 6298 style: a
 * smoothed round-trip time SRTT and its mean deviation RTTVAR, fed only by requests answered at
 * their first try (Karn: the answer to a resent request could be the answer to either copy), and
 * RTO = SRTT + 4 RTTVAR, within [floor, ceiling]. A line's time on the wire grows with its length
 * (8 KB take 0.7 s at 115200 baud, 1 ms of a small line), so round trips are measured apart by
 * size, within a factor of two of each other; an exchange larger than any measured has no RTO yet.
 */
export class RoundTripTimer {
  private readonly srtt: (number | undefined)[] = [];
  private readonly rttvar: number[] = [];

  constructor(
    readonly floorMs: number,
    readonly ceilingMs: number,
  ) {}

  /** bytes of the request and answer lines to the size class of their round trip */
  private static classOf(bytes: number): number {
    return Math.max(0, Math.ceil(Math.log2(Math.max(1, bytes))));
  }

  /** A request of `bytes` (request and answer lines) answered `ms` after it was sent, at its first try. */
  sample(bytes: number, ms: number): void {
    const k = RoundTripTimer.classOf(bytes);
    const srtt = this.srtt[k];
    const r = Math.max(0, ms);
    if (srtt === undefined) {
      this.srtt[k] = r;
      this.rttvar[k] = r / 2;
    } else {
      this.rttvar[k] = 0.75 * (this.rttvar[k] as number) + 0.25 * Math.abs(srtt - r);
      this.srtt[k] = 0.875 * srtt + 0.125 * r;
    }
  }

  /** The resend timeout for an exchange of `bytes`: from its size class, or the nearest larger one measured; null if none. */
  rto(bytes: number): number | null {
    for (let k = RoundTripTimer.classOf(bytes); k < this.srtt.length; k++) {
      const srtt = this.srtt[k];
      if (srtt !== undefined) return Math.min(this.ceilingMs, Math.max(this.floorMs, srtt + 4 * (this.rttvar[k] as number)));
    }
    return null;
  }
}

const MAX_STALLS_IN_A_ROW = 3;
const DEFAULT_MAX_RESENDS = 32;
/** the shortest resend timeout: below it a resend would race answers that are merely a little late */
const DEFAULT_MIN_RESEND_MS = 50;
/**
 * Early resends only on a link that loses lines: at least this share of recent transmissions
 * failed. On a clean link there is nothing to gain from them, only copies for a board that is late.
 */
const EARLY_RESEND_MIN_LOSS = 0.01;
/** each early resend or timeout doubles the RTO until a round trip is measured again, this many times at most */
const MAX_RTO_BACKOFF = 10;

export type PipeState = 'open' | 'unresponsive' | 'closed';

export class RequestPipe {
  readonly stats: PipeStats = { sent: 0, resent: 0, naks: 0, corruptLines: 0, duplicates: 0, timeouts: 0, hostStalls: 0, earlyResends: 0 };
  readonly volume: PipeVolume = { bytesSent: 0, bytesResent: 0 };
  /** the link's error rate, learnt from round trips, and the line length it calls for */
  readonly lineBudget = new LineBudget();
  /** the resend timeout (RTO), from the round trips measured */
  readonly roundTrips: RoundTripTimer;
  /** requests in flight at most; 1 until the board has told its window */
  window = 1;
  private state: PipeState = 'open';
  private failure: Error | null = null;
  private readonly outstanding: Request[] = [];
  private readonly waiting: Request[] = [];
  private nextSeq = 0;
  /** lines transmitted, resends included */
  private transmissions = 0;
  private watchdog: TimerHandle | null = null;
  /** the end of the current silence period: nothing heard by then is a timeout */
  private silenceDue = 0;
  /** its length: the timeout, backed off */
  private silenceMs = 0;
  /** and with the burst in flight */
  private silenceWait = 0;
  /** the RTO's backoff exponent: early resends and timeouts since the last measured round trip (Karn) */
  private rtoBackoff = 0;
  /** per verb, the longest answer line heard (bytes): the size of the exchange a request of that verb makes */
  private readonly answerBytes = new Map<string, number>();
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
    this.roundTrips = new RoundTripTimer(Math.min(options.minResendMs ?? DEFAULT_MIN_RESEND_MS, this.timeoutMs), this.timeoutMs);
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
      this.waiting.push({ verb, args, extraMs, resolve, reject, seq: -1, line: '', attempts: 0, early: 0, sentAt: 0, burstAhead: 0, firstTx: 0, lastTx: 0 });
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
      r.sentAt = this.clock.now();
      this.transmit(r);
      r.firstTx = r.lastTx;
      r.burstAhead = this.burstInFlight();
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
    r.lastTx = ++this.transmissions;
    this.volume.bytesSent += r.line.length + 1;
    try {
      this.transport.send(r.line);
    } catch (e) {
      this.fail('closed', new BoardDisconnectedError(this.transport.label, (e as Error).message));
    }
  }

  /** Send `r` again; it now waits behind everything sent before. Early resends do not count towards maxResends. */
  private resend(r: Request, why: string, early = false): void {
    const counted = r.attempts - r.early;
    if (!early && counted >= this.maxResends) {
      this.fail('unresponsive', new BoardUnresponsiveError(this.transport.label, `${r.verb} resent ${counted} times, last for ${why}`));
      return;
    }
    r.attempts++;
    this.stats.resent++;
    if (early) {
      r.early++;
      this.stats.earlyResends++;
    }
    this.volume.bytesResent += r.line.length + 1;
    this.outstanding.splice(this.outstanding.indexOf(r), 1);
    this.transmit(r);
  }

  private burstInFlight(): number {
    return this.outstanding.reduce((s, r) => s + r.extraMs, 0);
  }

  /** Something was heard or sent: a new silence period starts. */
  private arm(): void {
    if (this.watchdog) this.clock.clearTimeout(this.watchdog);
    this.watchdog = null;
    if (this.state !== 'open' || this.outstanding.length === 0) return;
    // backoff: each silent timeout doubles the next, so resends do not pile onto a slow wire
    this.silenceMs = Math.min(this.maxTimeoutMs, this.timeoutMs * 2 ** this.silentTimeouts);
    this.silenceWait = this.silenceMs + this.burstInFlight();
    this.silenceDue = this.clock.now() + this.silenceWait;
    this.schedule();
  }

  /**
   * The silence before the oldest request is resent early: its RTO (for the size of its exchange,
   * backed off), plus the burst in flight; null when its exchange has no RTO yet, or the link
   * loses (almost) nothing.
   */
  private earlyWait(oldest: Request): number | null {
    if (this.lineBudget.failureRate < EARLY_RESEND_MIN_LOSS) return null;
    const answer = this.answerBytes.get(oldest.verb);
    if (answer === undefined) return null;
    const rto = this.roundTrips.rto(oldest.line.length + 1 + answer);
    return rto === null ? null : rto * 2 ** this.rtoBackoff + this.burstInFlight();
  }

  /** Set the watchdog: for an early resend from now, if one comes before the silence deadline, else for that deadline. */
  private schedule(): void {
    if (this.watchdog) this.clock.clearTimeout(this.watchdog);
    this.watchdog = null;
    const oldest = this.outstanding[0];
    if (this.state !== 'open' || !oldest) return;
    const now = this.clock.now();
    const early = this.earlyWait(oldest);
    if (early !== null && now + early < this.silenceDue) {
      const due = now + early;
      this.watchdog = this.clock.setTimeout(() => this.onEarly(due, early, false), early);
    } else {
      this.watchdog = this.clock.setTimeout(() => this.onSilence(), Math.max(0, this.silenceDue - now));
    }
  }

  /** Quiet for the RTO: resend the oldest request, without counting a timeout; the silence deadline stands. */
  private onEarly(due: number, wait: number, rechecked: boolean): void {
    this.watchdog = null;
    const oldest = this.outstanding[0];
    if (!oldest) return;
    // A timer this late means the host stood still, and the answer may wait unread (see
    // onSilence): look again once pending input is read (anything heard re-arms the watchdog).
    if (!rechecked && this.clock.now() - due > wait / 2) {
      this.watchdog = this.clock.setTimeout(() => this.onEarly(due, wait, true), 1);
      return;
    }
    this.rtoBackoff = Math.min(MAX_RTO_BACKOFF, this.rtoBackoff + 1);
    this.resend(oldest, 'no answer within the resend timeout', true);
    this.schedule();
  }

  /** Quiet for the whole timeout: a timeout, counted towards the board's being unresponsive. */
  private onSilence(): void {
    this.watchdog = null;
    const oldest = this.outstanding[0];
    if (!oldest) return;
    const silence = this.silenceMs;
    // Timers run before pending input is read. A host that froze past the deadline finds its
    // watchdog due while the answer waits unread: that is the host's stall, not the board's
    // silence, so the board gets a fresh deadline.
    if (this.clock.now() - this.silenceDue > this.silenceWait / 2 && this.stallsInARow < MAX_STALLS_IN_A_ROW) {
      this.stats.hostStalls++;
      this.stallsInARow++;
      this.arm();
      return;
    }
    this.stats.timeouts++;
    this.rtoBackoff = Math.min(MAX_RTO_BACKOFF, this.rtoBackoff + 1);
    // silence, however many requests are outstanding: the board, not one request, is lost
    if (++this.silentTimeouts > this.retries) {
      this.fail('unresponsive', new BoardUnresponsiveError(this.transport.label, `nothing heard for ${this.retries + 1} timeouts in a row, the last of ${silence} ms`));
      return;
    }
    this.resend(oldest, `no answer in ${silence} ms`);
    this.arm();
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
    // A request resent only early may have been merely slow, and its first copy the one answered:
    // then only requests last sent before that copy were surely sent before the answered one, and
    // lost (else an early resend of a slow request would have every request behind it resent).
    const before = r.attempts > 0 && r.attempts === r.early ? r.firstTx : r.lastTx;
    for (const lost of this.outstanding.slice(0, at)) if (lost.lastTx < before) this.resend(lost, 'a later answer came first');
    if (this.state !== 'open') return;
    this.outstanding.splice(this.outstanding.indexOf(r), 1);
    const bytes = r.line.length + 1 + line.length + 1;
    this.lineBudget.record(bytes, r.attempts);
    this.answerBytes.set(r.verb, Math.max(this.answerBytes.get(r.verb) ?? 0, line.length + 1));
    // Karn: only a request sent once times the link, and only one no burst held up
    if (r.attempts === 0 && r.burstAhead === 0) {
      this.roundTrips.sample(bytes, this.clock.now() - r.sentAt);
      this.rtoBackoff = 0;
    }
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
