// A run's progress, reported at most every few hundred ms: vectors done, the rate over the last
// reports, the ETA and the figures so far.
import type { RunFigures } from '../../shared/analysis/run-figures';
import type { Clock } from '../../shared/clock';

export interface RunProgress {
  readonly runId: number;
  readonly vectorsDone: number;
  readonly vectorsTotal: number;
  /** vectors per second over the last few reports */
  readonly rate: number;
  readonly etaSeconds: number | null;
  readonly state: 'running' | 'interrupted' | 'paused';
  /** the run's figures so far, measured beside modelled; null before the first batch */
  readonly live: RunFigures | null;
}

const RATE_WINDOW = 8;

export class ProgressMeter {
  private readonly window: { at: number; done: number }[];
  private last = -Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly everyMs: number,
    private readonly emit: ((p: RunProgress) => void) | undefined,
    startDone: number,
  ) {
    this.window = [{ at: clock.now(), done: startDone }];
  }

  /** Report, unless the last report is too recent (`force` reports anyway: a change of state). */
  report(p: Omit<RunProgress, 'rate' | 'etaSeconds'>, force = false): void {
    const now = this.clock.now();
    if (!this.emit || (!force && now - this.last < this.everyMs)) return;
    this.last = now;
    this.window.push({ at: now, done: p.vectorsDone });
    while (this.window.length > RATE_WINDOW) this.window.shift();
    const first = this.window[0] as { at: number; done: number };
    const rate = now > first.at ? ((p.vectorsDone - first.done) * 1000) / (now - first.at) : 0;
    this.emit({ ...p, rate, etaSeconds: rate > 0 ? (p.vectorsTotal - p.vectorsDone) / rate : null });
  }
}
