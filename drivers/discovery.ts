// Finding boards: list the serial ports, and match a board by its identity (serial number, die
// id), never by port name alone, so that reconnecting finds the same board on whatever port the
// OS gave it this time.
import { SerialPort } from 'serialport';
import type { Clock } from '../shared/clock';
import type { BoardIdentity } from '../shared/protocol/payloads';
import { BoardClient } from './client/board-client';
import type { LineTransport } from './transport/line-transport';

export interface SerialPortInfo {
  readonly path: string;
  readonly manufacturer?: string | undefined;
  readonly serialNumber?: string | undefined;
  readonly vendorId?: string | undefined;
  readonly productId?: string | undefined;
}

export type PortLister = () => Promise<SerialPortInfo[]>;

export class DiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

/** The serial ports the OS knows; on Linux listing needs udevadm, and its absence is said plainly. */
export async function listSerialPorts(list: PortLister = () => SerialPort.list()): Promise<SerialPortInfo[]> {
  try {
    const ports = await list();
    return ports.map((p) => ({ path: p.path, manufacturer: p.manufacturer, serialNumber: p.serialNumber, vendorId: p.vendorId, productId: p.productId }));
  } catch (e) {
    const msg = (e as Error).message;
    if (/udevadm|ENOENT/i.test(msg)) {
      throw new DiscoveryError(`cannot list serial ports: udevadm is missing (install the Debian package udev), or name the device directly (${msg})`);
    }
    throw new DiscoveryError(`cannot list serial ports: ${msg}`);
  }
}

export interface BoardMatch {
  readonly serial?: string | undefined;
  readonly dieId?: string | undefined;
}

export function matches(id: BoardIdentity, want: BoardMatch): boolean {
  return (want.serial === undefined || id.serial === want.serial) && (want.dieId === undefined || id.dieId === want.dieId);
}

export interface FoundBoard {
  readonly path: string;
  readonly client: BoardClient;
}

/**
 * Open each candidate in turn, ask who it is, and keep the first whose identity matches; the
 * others are closed again. Ports that do not answer like a board are passed over.
 */
export async function findBoard(
  candidates: readonly string[],
  want: BoardMatch,
  open: (path: string) => Promise<LineTransport>,
  clock: Clock,
  timeoutMs = 300,
): Promise<FoundBoard> {
  const seen: string[] = [];
  for (const path of candidates) {
    let client: BoardClient | null = null;
    try {
      client = new BoardClient(await open(path), { clock, timeoutMs, retries: 1 });
      const { identity } = await client.connect();
      if (matches(identity, want)) return { path, client };
      seen.push(`${path}: ${identity.serial}/${identity.dieId}`);
    } catch (e) {
      seen.push(`${path}: ${(e as Error).message}`);
    }
    await client?.close().catch(() => undefined);
  }
  const wanted = [want.serial && `serial ${want.serial}`, want.dieId && `die ${want.dieId}`].filter(Boolean).join(', ') || 'any board';
  throw new DiscoveryError(`no board with ${wanted} among ${candidates.length} port(s)${seen.length ? `:\n  ${seen.join('\n  ')}` : ''}`);
}
