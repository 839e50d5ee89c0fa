// Pause, resume and abort a run or procedure in flight; the run engine checks it between batches.
export class RunControl {
  private paused: { promise: Promise<void>; resolve: () => void } | null = null;
  aborted = false;

  pause(): void {
    if (this.paused) return;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.paused = { promise, resolve };
  }

  resume(): void {
    this.paused?.resolve();
    this.paused = null;
  }

  abort(): void {
    this.aborted = true;
    this.resume();
  }

  get isPaused(): boolean {
    return this.paused !== null;
  }

  waitWhilePaused(): Promise<void> {
    return this.paused?.promise ?? Promise.resolve();
  }
}
