// Animation frames on a clock the test moves: 16 ms a frame.
import type { FrameScheduler } from '../../../renderer/src/fold/frame-throttle';

export class FakeFrames implements FrameScheduler {
  t = 0;
  commits = 0;
  private readonly queue = new Map<number, () => void>();
  private next = 1;

  request(fn: () => void): number {
    const h = this.next++;
    this.queue.set(h, fn);
    return h;
  }

  cancel(h: number): void {
    this.queue.delete(h);
  }

  now(): number {
    return this.t;
  }

  /** Run the frames of the next `ms` milliseconds. */
  advance(ms: number): void {
    const end = this.t + ms;
    while (this.t < end) {
      this.t += 16;
      const due = [...this.queue.values()];
      this.queue.clear();
      for (const fn of due) fn();
    }
  }
}
