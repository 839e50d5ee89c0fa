// Finding boards: list the serial ports, and match a board by its identity (serial number, die
// id), never by port name alone, so that reconnecting finds the same board on whatever port the
// OS gave it this time.
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
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
// serialport's PortInfo resolves to `any` (its package exports name no types), so its answer is typed here as the fields it has
const listOsPorts: PortLister = () => SerialPort.list() as Promise<SerialPortInfo[]>;

export async function listSerialPorts(list: PortLister = listOsPorts): Promise<SerialPortInfo[]> {
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

/** What one port said when asked who it is: a board's identity, or why there was none. */
export interface PortAnswer {
  readonly path: string;
  readonly identity?: BoardIdentity;
  readonly error?: string;
}

export function describeAnswer(a: PortAnswer): string {
  return `${a.path}: ${a.identity ? `${a.identity.serial}/${a.identity.dieId}` : (a.error ?? 'no answer')}`;
}

function describeMatch(want: BoardMatch): string {
  return [want.serial && `serial ${want.serial}`, want.dieId && `die ${want.dieId}`].filter(Boolean).join(', ') || 'any board';
}

/** No port carried the board; `answers` says what each port searched answered. */
export class BoardNotFoundError extends DiscoveryError {
  constructor(
    readonly want: BoardMatch,
    readonly answers: readonly PortAnswer[],
    /** why the OS's port list could not be had, if it could not */
    readonly listError?: string,
  ) {
    const lines = [...answers.map(describeAnswer), ...(listError ? [listError] : [])];
    super(`no board with ${describeMatch(want)} among ${answers.length} port(s)${lines.length ? `:\n  ${lines.join('\n  ')}` : ''}`);
    this.name = 'BoardNotFoundError';
  }
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
  const answers: PortAnswer[] = [];
  for (const path of candidates) {
    let client: BoardClient | null = null;
    try {
      client = new BoardClient(await open(path), { clock, timeoutMs, retries: 1 });
      const { identity } = await client.connect();
      if (matches(identity, want)) return { path, client };
      answers.push({ path, identity });
    } catch (e) {
      answers.push({ path, error: (e as Error).message });
    }
    await client?.close().catch(() => undefined);
  }
  throw new BoardNotFoundError(want, answers);
}

/**
 * Ports of the same kind as `path`: the same folder and name stem followed by a number
 * (/dev/ttyUSB*, /dev/ttyACM*, /dev/pts/N), where a device that re-enumerates comes back.
 */
export async function siblingPorts(path: string): Promise<string[]> {
  const stem = /^(.*?)\d+$/.exec(basename(path))?.[1];
  if (!isAbsolute(path) || stem === undefined) return [];
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  return names
    .filter((n) => n !== basename(path) && n.startsWith(stem) && /^\d+$/.test(n.slice(stem.length)))
    .sort((a, b) => Number(a.slice(stem.length)) - Number(b.slice(stem.length)))
    .map((n) => join(dirname(path), n));
}

/**
 * The given ports that exist, each with a stamp (inode, change time) that differs once the
 * device node is made anew, as when a device re-enumerates or a pty number is reused.
 */
export async function stampPorts(paths: readonly string[]): Promise<Map<string, string>> {
  const stamps = new Map<string, string>();
  for (const path of paths) {
    const st = await stat(path).catch(() => null);
    if (st) stamps.set(path, `${st.ino}:${st.ctimeMs}`);
  }
  return stamps;
}
