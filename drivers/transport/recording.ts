// A transport that keeps a copy of every line each way, until taken: the raw wire log of a run.
import type { LineTransport } from './line-transport';

export class RecordingTransport implements LineTransport {
  private toBoard: string[] = [];
  private toHost: string[] = [];
  recording = true;

  constructor(private readonly inner: LineTransport) {
    inner.onLine((line) => {
      if (this.recording) this.toHost.push(line);
    });
  }

  get label(): string {
    return this.inner.label;
  }

  get closed(): boolean {
    return this.inner.closed;
  }

  send(line: string): void {
    if (this.recording) this.toBoard.push(line);
    this.inner.send(line);
  }

  onLine(listener: (line: string) => void): void {
    this.inner.onLine(listener);
  }

  onClose(listener: (reason: string) => void): void {
    this.inner.onClose(listener);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** The lines since the last take, and start afresh. */
  take(): { toBoard: string; toHost: string } {
    const out = { toBoard: this.toBoard.join('\n'), toHost: this.toHost.join('\n') };
    this.toBoard = [];
    this.toHost = [];
    return out;
  }
}
