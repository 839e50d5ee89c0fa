// The wire between host and board as a real UART has it: 8N1 (10 bits on the wire per byte) at a
// baud rate, plus a latency, in each direction. A line is delivered when its last byte (and the
// terminator) has crossed; lines queue behind each other, as on the wire.
import type { Clock, TimerHandle } from '../../shared/clock';

export interface LinkTiming {
  /** bits per second; 0 = unpaced */
  readonly baud: number;
  readonly latencyMs: number;
}

export const UNPACED: LinkTiming = { baud: 0, latencyMs: 0 };

export interface WireStats {
  lines: number;
  bytes: number;
  /** milliseconds the wire spent transmitting */
  busyMs: number;
}

/** One direction of the wire: delays each line by its transmission time and the latency. */
export class PacedWire {
  readonly stats: WireStats = { lines: 0, bytes: 0, busyMs: 0 };
  private freeAt = 0;
  private queue: { at: number; line: string }[] = [];
  private timer: TimerHandle | null = null;

  constructor(
    private readonly timing: LinkTiming,
    private readonly clock: Clock,
    private readonly deliver: (line: string) => void,
  ) {}

  push(line: string): void {
    const bytes = line.length + 1;
    this.stats.lines++;
    this.stats.bytes += bytes;
    if (this.timing.baud <= 0) return this.deliver(line);
    const txMs = (bytes * 10 * 1000) / this.timing.baud;
    const now = this.clock.now();
    const start = Math.max(now, this.freeAt);
    this.freeAt = start + txMs;
    this.stats.busyMs += txMs;
    this.queue.push({ at: this.freeAt + this.timing.latencyMs, line });
    this.arm();
  }

  stop(): void {
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
  }

  private arm(): void {
    if (this.timer || this.queue.length === 0) return;
    const first = this.queue[0] as { at: number };
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, first.at - this.clock.now()));
  }

  private fire(): void {
    this.timer = null;
    const now = this.clock.now();
    while (this.queue.length > 0 && (this.queue[0] as { at: number }).at <= now + 0.05) this.deliver((this.queue.shift() as { line: string }).line);
    this.arm();
  }
}
