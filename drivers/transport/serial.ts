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

/**
 * serialport's Linux poller (bindings-cpp 13.0.0, src/poller.cpp, Poller::poll) remembers every
 * event it was asked for but passes only the newest to uv_poll_start: a read that polls for
 * "readable" drops a pending write's interest in "writable", and the write waits until more input
 * happens to arrive (seen as seconds-long stalls on a pty under load). Until that is fixed
 * upstream, re-arm the poller every millisecond with every event that has a waiter.
 */
const POLLER_REARM_MS = 1;
const UV_READABLE = 1;
const UV_WRITABLE = 2;

interface PollerLike {
  listenerCount(event: string): number;
  poll(events: number): void;
}

function rearmPoller(port: SerialPortLike): void {
  const poller = (port as unknown as { port?: { poller?: PollerLike } }).port?.poller;
  if (!poller || typeof poller.poll !== 'function') return;
  const events = (poller.listenerCount('readable') > 0 ? UV_READABLE : 0) | (poller.listenerCount('writable') > 0 ? UV_WRITABLE : 0);
  if (events !== 0) poller.poll(events);
}

/** Open `port` (created with autoOpen: false) and carry lines over it. */
export async function serialTransport(port: SerialPortLike): Promise<StreamLineTransport> {
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(new Error(`${port.path}: cannot open: ${err.message}`)) : resolve())));
  const rearm = setInterval(() => rearmPoller(port), POLLER_REARM_MS);
  rearm.unref();
  const close = () =>
    new Promise<void>((resolve) => {
      clearInterval(rearm);
      if (!port.isOpen) return resolve();
      port.close(() => resolve());
    });
  const transport = new StreamLineTransport(port.path, port, close);
  transport.onClose(() => clearInterval(rearm));
  return transport;
}

export function openSerial(path: string, baudRate = DEFAULT_BAUD): Promise<StreamLineTransport> {
  return serialTransport(new SerialPort({ path, baudRate, autoOpen: false }));
}
