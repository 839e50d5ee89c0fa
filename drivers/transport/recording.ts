// A transport that keeps a copy of every line each way, until taken: the raw wire log of a run.
import type { LineTransport } from './line-transport';

/** The raw lines of a stretch of a run, each way. */
export interface WireLines {
  readonly toBoard: readonly string[];
  readonly toHost: readonly string[];
}

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

  /** The lines since the last take, and start afresh. Not joined here: the store's writer does it, off the streaming thread. */
  take(): WireLines {
    const out = { toBoard: this.toBoard, toHost: this.toHost };
    this.toBoard = [];
    this.toHost = [];
    return out;
  }
}
