// Redraws batched to animation frames, at most `maxPerSecond` of them: documents are folded as
// they come, and the view is committed from the fold at most ~5 times a second, never once per
// document. A burst of a thousand documents between two frames costs one commit.

export interface FrameScheduler {
  request(fn: () => void): number;
  cancel(handle: number): void;
  now(): number;
}

/** The browser's frames; where there are none (a test, a hidden page's fallback), a timer. */
export const browserFrames: FrameScheduler = {
  request: (fn) => (typeof requestAnimationFrame === 'function' ? requestAnimationFrame(() => fn()) : setTimeout(fn, 16)),
  cancel: (h) => (typeof cancelAnimationFrame === 'function' ? cancelAnimationFrame(h) : clearTimeout(h)),
  now: () => performance.now(),
};

export class FrameThrottle {
  private handle: number | null = null;
  private lastCommit = -Infinity;
  private dirty = false;
  private readonly minIntervalMs: number;

  constructor(
    private readonly commit: () => void,
    maxPerSecond = 5,
    private readonly frames: FrameScheduler = browserFrames,
  ) {
    this.minIntervalMs = 1000 / maxPerSecond;
  }

  /** Something changed: commit at the next frame that is at least the interval after the last commit. */
  schedule(): void {
    this.dirty = true;
    if (this.handle === null) this.handle = this.frames.request(() => this.frame());
  }

  /** Commit now whatever is pending (a run that stopped is shown at once, in full). */
  flush(): void {
    if (this.handle !== null) this.frames.cancel(this.handle);
    this.handle = null;
    if (!this.dirty) return;
    this.dirty = false;
    this.lastCommit = this.frames.now();
    this.commit();
  }

  cancel(): void {
    if (this.handle !== null) this.frames.cancel(this.handle);
    this.handle = null;
    this.dirty = false;
  }

  private frame(): void {
    this.handle = null;
    if (!this.dirty) return;
    if (this.frames.now() - this.lastCommit < this.minIntervalMs) {
      this.handle = this.frames.request(() => this.frame());
      return;
    }
    this.flush();
  }
}
