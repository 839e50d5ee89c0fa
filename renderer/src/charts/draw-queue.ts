// Chart redraws spread over animation frames. A commit of a run's view changes every live plot at
// once; drawn in that one frame (Chart.js lays out and paints each canvas, 5-15 ms apiece in a
// software-rendered Chromium, and the compositor then uploads every canvas), the frame takes
// 100 ms and more, and a replay at full speed commits five times a second. Here each frame draws
// plots until its time budget is spent (always at least one), and the rest go to the next frames;
// a plot asked for again before it is drawn keeps its place in the line and draws only the newest.
import { browserFrames, type FrameScheduler } from '../fold/frame-throttle';

export class DrawQueue {
  private readonly pending = new Map<object, () => void>();
  private handle: number | null = null;

  constructor(
    private readonly frames: FrameScheduler = browserFrames,
    /** ms of drawing a frame may take before the rest wait for the next one */
    private readonly budgetMs = 6,
  ) {}

  /** Draw `key` at a coming frame with `draw` (replacing a draw of `key` not yet done). */
  schedule(key: object, draw: () => void): void {
    this.pending.set(key, draw);
    this.handle ??= this.frames.request(() => this.frame());
  }

  /** Forget a pending draw (its chart is gone). */
  cancel(key: object): void {
    this.pending.delete(key);
    if (this.pending.size === 0 && this.handle !== null) {
      this.frames.cancel(this.handle);
      this.handle = null;
    }
  }

  /** Draws waiting. */
  get size(): number {
    return this.pending.size;
  }

  private frame(): void {
    this.handle = null;
    const start = this.frames.now();
    for (const [key, draw] of this.pending) {
      this.pending.delete(key);
      // the rest wait for the next frame, even if this draw throws (the page's error handler sees it)
      if (this.pending.size > 0) this.handle ??= this.frames.request(() => this.frame());
      draw();
      if (this.frames.now() - start >= this.budgetMs) return;
    }
  }
}

/** The app's plots share one queue, so that together they keep to the frame budget. */
export const chartDraws = new DrawQueue();
