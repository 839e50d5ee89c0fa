// Two connected line transports in one process: the host end and the board end of a simulated
// board with no operating-system device. Lines cross on the next turn of the event loop.
import { LineTransportBase, TransportClosedError } from './line-transport';

class PipeEnd extends LineTransportBase {
  peer: PipeEnd | null = null;
  private outbox: string[] = [];
  private flushing = false;

  send(line: string): void {
    if (this.closed) throw new TransportClosedError(this.label);
    this.outbox.push(line);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushing = false;
    const lines = this.outbox;
    this.outbox = [];
    for (const l of lines) this.peer?.deliver(l);
  }

  deliver(line: string): void {
    this.emitLine(line);
  }

  close(): Promise<void> {
    this.shut('closed by this side');
    this.peer?.shut('closed by the other side');
    return Promise.resolve();
  }

  shut(reason: string): void {
    this.emitClose(reason);
  }
}

export function inProcessPair(label = 'in-process'): { host: LineTransportBase; board: LineTransportBase } {
  const host = new PipeEnd(label);
  const board = new PipeEnd(`${label} (board end)`);
  host.peer = board;
  board.peer = host;
  return { host, board };
}
