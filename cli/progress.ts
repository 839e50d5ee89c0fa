// Progress of a run: a bar with rate and ETA on a terminal, plain lines (every few seconds) when not.
import type { Writable } from 'node:stream';
import type { SweepProgress } from '../engine/procedures/context';
import type { RunProgress } from '../engine/run/run-engine';

const PLAIN_EVERY_MS = 2000;

export class ProgressReporter {
  private readonly tty: boolean;
  private lastPlain = 0;
  private lastPlace = '';
  private drawn = false;

  constructor(private readonly out: Writable & { isTTY?: boolean; columns?: number }) {
    this.tty = out.isTTY === true;
  }

  progress(p: RunProgress & Partial<SweepProgress>): void {
    const pct = p.vectorsTotal > 0 ? p.vectorsDone / p.vectorsTotal : 0;
    const eta = p.etaSeconds === null ? '--' : formatDuration(p.etaSeconds);
    const text = `${sweepText(p)}${p.vectorsDone}/${p.vectorsTotal} vectors  ${Math.round(p.rate)} vectors/s  ETA ${eta}${liveText(p)}${p.state !== 'running' ? `  [${p.state}]` : ''}`;
    if (this.tty) {
      const width = Math.max(10, Math.min(40, (this.out.columns ?? 80) - text.length - 10));
      const fill = Math.round(pct * width);
      this.out.write(`\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(100 * pct).toFixed(1).padStart(5)}%  ${text}\x1b[K`);
      this.drawn = true;
      return;
    }
    const now = Date.now();
    if (now - this.lastPlain < PLAIN_EVERY_MS && p.vectorsDone < p.vectorsTotal && p.state === 'running') return;
    // a run's last batch and its end report the same place: one line for both
    const place = `${p.runId}:${p.vectorsDone}:${p.state}`;
    if (place === this.lastPlace) return;
    this.lastPlace = place;
    this.lastPlain = now;
    this.out.write(`progress ${(100 * pct).toFixed(1)}% ${text}\n`);
  }

  line(text: string): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
    this.out.write(`${text}\n`);
  }

  done(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

/** Which step of a sweep, and when the whole sweep should end. */
function sweepText(p: Partial<SweepProgress>): string {
  if (p.step === undefined || p.stepIndex === undefined) return '';
  const of = p.steps ? `/${p.steps}` : '';
  const eta = p.sweepEtaSeconds === null || p.sweepEtaSeconds === undefined ? '' : `, sweep ETA ${formatDuration(p.sweepEtaSeconds)}`;
  return `step ${p.stepIndex}${of} (${p.step}${eta})  `;
}

/** The run's figures so far: enough to see a bad die or a wrong configuration early. */
function liveText(p: RunProgress): string {
  if (!p.live) return '';
  const db = (v: number | null) => (v === null ? 'inf' : v.toFixed(1));
  return `  SNR ${db(p.live.snrDb)} dB (model ${db(p.live.modelSnrDb)})  levels ${(100 * p.live.levelAgreement).toFixed(1)}%`;
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
