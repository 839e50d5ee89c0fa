// Where a board is, as a user writes it: `sim`, a device path, or tcp://HOST:PORT.
import type { LineTransport } from './transport/line-transport';
import { DEFAULT_BAUD, openSerial } from './transport/serial';
import { openTcp } from './transport/tcp';

export type BoardAddress =
  { readonly kind: 'sim' } | { readonly kind: 'serial'; readonly path: string } | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

export class BoardAddressError extends Error {
  readonly field = 'board';
  constructor(text: string, why: string) {
    super(`board '${text}': ${why}; use sim, a device such as /dev/ttyUSB0, or tcp://HOST:PORT`);
    this.name = 'BoardAddressError';
  }
}

export function parseBoardAddress(text: string): BoardAddress {
  if (text === 'sim') return { kind: 'sim' };
  if (text.startsWith('tcp://')) {
    const m = /^tcp:\/\/([^:/\s]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(text);
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535) throw new BoardAddressError(text, 'not HOST:PORT with a port in 1..65535');
    return { kind: 'tcp', host: (m[1] as string).replace(/^\[|\]$/g, ''), port };
  }
  if (text.startsWith('/') || /^COM\d+$/i.test(text)) return { kind: 'serial', path: text };
  throw new BoardAddressError(text, 'not a board address');
}

/** Open the link to a serial or TCP board (the simulated board is attached in-process by the engine). */
export function openBoardLink(address: Exclude<BoardAddress, { kind: 'sim' }>, baud = DEFAULT_BAUD): Promise<LineTransport> {
  return address.kind === 'tcp' ? openTcp(address.host, address.port) : openSerial(address.path, baud);
}
