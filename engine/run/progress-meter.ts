// How fast a run goes: the rate over the last few status reports and the ETA it implies, and
// whether a status report is due (a few a second at most: never per batch on a fast link).
import type { Clock } from '../../shared/clock';

const RATE_WINDOW = 8;

export class ProgressMeter {
  private readonly window: { at: number; done: number }[];
  private last = -Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly everyMs: number,
    startDone: number,
  ) {
    this.window = [{ at: clock.now(), done: startDone }];
  }

  /** Whether the last report is old enough for another. */
  due(): boolean {
    return this.clock.now() - this.last >= this.everyMs;
  }

  /** Take a report now: the rate over the last reports and the ETA. */
  measure(done: number, total: number): { rate: number; etaSeconds: number | null } {
    const now = this.clock.now();
    this.last = now;
    this.window.push({ at: now, done });
    while (this.window.length > RATE_WINDOW) this.window.shift();
    const first = this.window[0] as { at: number; done: number };
    const rate = now > first.at ? ((done - first.done) * 1000) / (now - first.at) : 0;
    return { rate: Math.max(0, rate), etaSeconds: rate > 0 ? Math.max(0, total - done) / rate : null };
  }
}
