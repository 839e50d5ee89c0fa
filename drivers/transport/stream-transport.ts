// Lines over a Node duplex stream (a serial port or a TCP socket), split at '\n'.
import type { Duplex } from 'node:stream';
import { MAX_LINE } from '../../shared/protocol/frame';
import { LineTransportBase, TransportClosedError } from './line-transport';

/**
 * The most of one line kept in memory: past MAX_LINE (and a CR) the rest is dropped up to the next
 * '\n', so a peer that never ends its line cannot fill our memory, and the reader still gets the
 * line's start, longer than MAX_LINE, to refuse as too long (reading its seq) and go on.
 */
export const KEPT_LINE_HEAD = MAX_LINE + 2;

export class StreamLineTransport extends LineTransportBase {
  private pieces: string[] = [];
  private kept = 0;

  constructor(
    label: string,
    private readonly stream: Duplex,
    private readonly end: () => Promise<void>,
  ) {
    super(label);
    stream.on('data', (chunk: Buffer) => this.split(chunk));
    stream.on('close', () => this.emitClose('closed'));
    stream.on('error', (e: Error) => this.emitClose(e.message));
  }

  send(line: string): void {
    if (this.closed) throw new TransportClosedError(this.label);
    this.stream.write(`${line}\n`, 'latin1');
  }

  async close(): Promise<void> {
    if (!this.closed) await this.end();
    this.emitClose('closed by this side');
  }

  private split(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const lf = chunk.indexOf(10, start);
      const stop = lf < 0 ? chunk.length : lf;
      const take = Math.min(stop - start, KEPT_LINE_HEAD - this.kept);
      if (take > 0) {
        this.pieces.push(chunk.toString('latin1', start, start + take));
        this.kept += take;
      }
      if (lf < 0) return;
      const line = this.pieces.join('');
      this.pieces = [];
      this.kept = 0;
      this.emitLine(line);
      start = lf + 1;
    }
  }
}
