// Progress of a run: a bar with rate and ETA on a terminal, plain lines (every few seconds) when not.
import type { Writable } from 'node:stream';
import type { RunDocument, StatusDocument } from '../shared/api/documents';
import type { RunFiguresDoc } from '../shared/api/figures';

const PLAIN_EVERY_MS = 2000;

export class ProgressReporter {
  private readonly tty: boolean;
  private lastPlain = 0;
  private lastPlace = '';
  private drawn = false;
  /** each run's figures so far, from its last batch */
  private readonly live = new Map<number, RunFiguresDoc>();

  constructor(private readonly out: Writable & { isTTY?: boolean; columns?: number }) {
    this.tty = out.isTTY === true;
  }

  /** A subscriber of a run's stream: status documents drawn, batches' figures kept for the next status. */
  document(doc: RunDocument): void {
    if (doc.type === 'batch') this.live.set(doc.runId, doc.run);
    if (doc.type === 'status' && !doc.event) this.progress(doc);
  }

  progress(p: StatusDocument): void {
    const pct = p.vectorsTotal > 0 ? p.vectorsDone / p.vectorsTotal : 0;
    const eta = p.etaSeconds === null ? '--' : formatDuration(p.etaSeconds);
    const text = `${sweepText(p)}${p.vectorsDone}/${p.vectorsTotal} vectors  ${Math.round(p.rate)} vectors/s  ETA ${eta}${liveText(this.live.get(p.runId))}${p.state !== 'running' && p.state !== 'completed' ? `  [${p.state}]` : ''}`;
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
    const place = `${p.runId}:${p.vectorsDone}:${p.state === 'completed' ? 'running' : p.state}`;
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
function sweepText(p: StatusDocument): string {
  if (!p.step) return '';
  const of = p.step.of ? `/${p.step.of}` : '';
  const eta = p.step.sweepEtaSeconds === null ? '' : `, sweep ETA ${formatDuration(p.step.sweepEtaSeconds)}`;
  return `step ${p.step.index}${of} (${p.step.name}${eta})  `;
}

/** The run's figures so far: enough to see a bad die or a wrong configuration early. */
function liveText(live: RunFiguresDoc | undefined): string {
  if (!live) return '';
  const db = (v: number | null) => (v === null ? 'inf' : v.toFixed(1));
  return `  SNR ${db(live.snrDb)} dB (model ${db(live.modelSnrDb)})  levels ${(100 * live.levelAgreement).toFixed(1)}%`;
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
