// Virtual time for engine tests: time stands still while the process is busy and jumps to the next
// timer once it has been idle for a number of event-loop turns, so a board that hangs is declared
// unresponsive after its full timeouts and retries, in milliseconds of test time instead of seconds.
// "Idle" means no timer set or cleared and no reading of the clock for IDLE_TURNS turns: on an
// in-process link every exchange does one of these within a turn or two.
import type { Clock, TimerHandle } from '../../shared/clock';

const IDLE_TURNS = 50;

export class VirtualClock implements Clock {
  private t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  private quiet = 0;
  private pumping = false;
  private stopped = false;

  now(): number {
    this.quiet = 0;
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.push({ at: this.t + Math.max(0, ms), fn, id });
    this.quiet = 0;
    this.pump();
    return id as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== (handle as unknown as number));
    this.quiet = 0;
  }

  /** Stop moving time (at the end of a test): pending timers never fire. */
  stop(): void {
    this.stopped = true;
    this.timers = [];
  }

  private pump(): void {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    const turn = () => {
      if (this.stopped || this.timers.length === 0) {
        this.pumping = false;
        return;
      }
      if (++this.quiet >= IDLE_TURNS) this.fireNext();
      setImmediate(turn);
    };
    setImmediate(turn);
  }

  private fireNext(): void {
    this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
    const next = this.timers.shift();
    if (!next) return;
    this.t = Math.max(this.t, next.at);
    this.quiet = 0;
    next.fn();
  }
}
