// A clock that moves only when a test says so.
import type { Clock, TimerHandle } from '../../shared/clock';

export class FakeClock implements Clock {
  private t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.push({ at: this.t + Math.max(0, ms), fn, id });
    return id as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== (handle as unknown as number));
  }

  /** Move time forward, firing due timers in order, each at its own time. */
  advance(ms: number): void {
    const end = this.t + ms;
    this.fireDue(end, true);
    this.t = end;
  }

  /** A host that stood still for `ms`: time jumps first, then every due timer fires, all late. */
  stall(ms: number): void {
    this.t += ms;
    this.fireDue(this.t, false);
  }

  private fireDue(until: number, onTime: boolean): void {
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > until) break;
      this.timers.shift();
      if (onTime) this.t = next.at;
      next.fn();
    }
  }
}

/** One turn of the event loop: lines in flight on an in-process link cross. */
export const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Let lines cross, then move the clock on by `ms` in 1 ms steps, letting lines cross at each. */
export async function runFor(clock: FakeClock, ms: number): Promise<void> {
  await turn();
  await turn();
  for (let t = 0; t < ms; t++) {
    clock.advance(1);
    await turn();
    await turn();
  }
}
