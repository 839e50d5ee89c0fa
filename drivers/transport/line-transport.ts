// A link to a board that carries lines of text: serial, TCP or in-process. The board client and
// the simulated board both speak through this interface, so every transport runs the same tests.

export interface LineTransport {
  /** where it goes, for messages: a device path, tcp://host:port, in-process */
  readonly label: string;
  readonly closed: boolean;
  /** send one line; the transport adds the terminator */
  send(line: string): void;
  onLine(listener: (line: string) => void): void;
  /** called once, when the link goes down for any reason */
  onClose(listener: (reason: string) => void): void;
  close(): Promise<void>;
}

/** Listener bookkeeping shared by the transports. */
export abstract class LineTransportBase implements LineTransport {
  private lineListeners: ((line: string) => void)[] = [];
  private closeListeners: ((reason: string) => void)[] = [];
  private isClosed = false;

  constructor(readonly label: string) {}

  get closed(): boolean {
    return this.isClosed;
  }

  abstract send(line: string): void;
  abstract close(): Promise<void>;

  onLine(listener: (line: string) => void): void {
    this.lineListeners.push(listener);
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  protected emitLine(line: string): void {
    if (this.isClosed) return;
    const l = line.endsWith('\r') ? line.slice(0, -1) : line;
    for (const fn of this.lineListeners) fn(l);
  }

  protected emitClose(reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const fn of this.closeListeners) fn(reason);
  }
}

export class TransportClosedError extends Error {
  constructor(label: string) {
    super(`${label}: the link is closed`);
    this.name = 'TransportClosedError';
  }
}
