// A board on a serial port (USB-UART, or a pseudo-terminal of the simulated board).
import { SerialPort } from 'serialport';
import type { Duplex } from 'node:stream';
import { StreamLineTransport } from './stream-transport';

/** What the transport needs of a port: node-serialport's SerialPort, or its SerialPortMock. */
export interface SerialPortLike extends Duplex {
  readonly path: string;
  readonly isOpen: boolean;
  open(callback: (err: Error | null) => void): void;
  close(callback: (err: Error | null) => void): void;
}

export const DEFAULT_BAUD = 3_000_000;

/** Open `port` (created with autoOpen: false) and carry lines over it. */
export async function serialTransport(port: SerialPortLike): Promise<StreamLineTransport> {
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(new Error(`${port.path}: cannot open: ${err.message}`)) : resolve())));
  const close = () =>
    new Promise<void>((resolve) => {
      if (!port.isOpen) return resolve();
      port.close(() => resolve());
    });
  return new StreamLineTransport(port.path, port, close);
}

export function openSerial(path: string, baudRate = DEFAULT_BAUD): Promise<StreamLineTransport> {
  return serialTransport(new SerialPort({ path, baudRate, autoOpen: false }));
}
