// Lines over a Node duplex stream (a serial port or a TCP socket), framed by ReadlineParser.
import { ReadlineParser } from '@serialport/parser-readline';
import type { Duplex } from 'node:stream';
import { MAX_LINE } from '../../shared/protocol/frame';
import { LineTransportBase, TransportClosedError } from './line-transport';

export class StreamLineTransport extends LineTransportBase {
  constructor(
    label: string,
    private readonly stream: Duplex,
    private readonly end: () => Promise<void>,
  ) {
    super(label);
    // the parser holds at most one line: a peer that never sends '\n' cannot fill our memory
    const parser = new ReadlineParser({ delimiter: '\n', encoding: 'latin1' });
    stream.pipe(parser);
    parser.on('data', (line: string) => this.emitLine(line));
    let pending = 0;
    stream.on('data', (chunk: Buffer) => {
      pending = chunk.lastIndexOf(10) >= 0 ? chunk.length - chunk.lastIndexOf(10) - 1 : pending + chunk.length;
      if (pending > 4 * MAX_LINE) {
        pending = 0;
        stream.destroy(new Error(`peer sent over ${4 * MAX_LINE} bytes without a line end`));
      }
    });
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
}
