// How the engine reaches its board, and reaches it again after a disconnect: always the same
// board, recognised by its identity (serial number and die id), never by port name.
import { realpath } from 'node:fs/promises';
import type { Clock } from '../../shared/clock';
import type { BoardIdentity } from '../../shared/protocol/payloads';
import { openBoardLink, type BoardAddress } from '../../drivers/board-address';
import { BoardClient } from '../../drivers/client/board-client';
import {
  BoardNotFoundError,
  findBoard,
  listSerialPorts,
  siblingPorts,
  stampPorts,
  type PortAnswer,
  type PortLister,
  type SerialPortInfo,
} from '../../drivers/discovery';
import type { DieConfig } from '../../drivers/sim/die-config';
import type { FaultSpec } from '../../drivers/sim/faults';
import type { LinkTiming } from '../../drivers/sim/link';
import { SimBoard } from '../../drivers/sim/sim-board';
import { inProcessPair } from '../../drivers/transport/in-process';
import type { LineTransport } from '../../drivers/transport/line-transport';
import { RecordingTransport } from '../../drivers/transport/recording';
import { openSerial } from '../../drivers/transport/serial';

export interface BoardConnection {
  readonly client: BoardClient;
  readonly wire: RecordingTransport;
}

export interface BoardLink {
  readonly description: string;
  /** Where the board was last found, on a link that follows its board from port to port. */
  readonly lastPath?: string;
  /**
   * Connect (again); refuses a board whose identity differs from the first one seen. A failed
   * reconnect throws what was found: WrongBoardError (another board on the port) or
   * BoardNotFoundError (what each port searched answered).
   */
  connect(): Promise<BoardConnection>;
  /** Switch off what the link owns (the simulated board). */
  dispose(): Promise<void>;
}

export class WrongBoardError extends Error {
  constructor(
    readonly expected: BoardIdentity,
    readonly found: BoardIdentity,
    /** the port (or link) the other board answered on */
    readonly port: string,
    /** what every port searched answered, this one included */
    readonly answers: readonly PortAnswer[] = [{ path: port, identity: found }],
  ) {
    // one line, the same at every retry: it becomes a run's interruption reason and is logged once
    super(`${port}: a different board answered: expected serial ${expected.serial}, die ${expected.dieId}; found serial ${found.serial}, die ${found.dieId}`);
    this.name = 'WrongBoardError';
  }
}

const sameBoard = (a: BoardIdentity, b: BoardIdentity) => a.serial === b.serial && a.dieId === b.dieId;

/** Open, identify, and refuse any board but `expected` (when one is expected). */
async function handshake(port: string, open: () => Promise<LineTransport>, expected: BoardIdentity | null, clock: Clock, timeoutMs: number): Promise<BoardConnection> {
  const wire = new RecordingTransport(await open());
  const client = new BoardClient(wire, { clock, timeoutMs });
  try {
    const { identity } = await client.connect();
    if (expected && !sameBoard(identity, expected)) throw new WrongBoardError(expected, identity, port);
  } catch (e) {
    await client.close().catch(() => undefined);
    throw e;
  }
  wire.take(); // the handshake is not part of any batch
  return { client, wire };
}

/** A link to one fixed place, reconnected there and nowhere else. */
function linkOver(description: string, open: () => Promise<LineTransport>, clock: Clock, timeoutMs: number): BoardLink {
  let first: BoardIdentity | null = null;
  return {
    description,
    async connect() {
      const conn = await handshake(description, open, first, clock, timeoutMs);
      first ??= conn.client.identity;
      return conn;
    },
    dispose: () => Promise.resolve(),
  };
}

export interface SimLinkOptions {
  readonly die: DieConfig;
  readonly clock: Clock;
  readonly link?: LinkTiming;
  readonly faults?: FaultSpec;
}

/** The simulated board, in-process: a board that outlives its connections. */
export function simBoardLink(options: SimLinkOptions): BoardLink & { readonly board: SimBoard } {
  const board = new SimBoard(options);
  const link = linkOver(
    `simulated board ${options.die.dieId}`,
    () => {
      const pair = inProcessPair(`sim:${options.die.serial}`);
      board.attach(pair.board);
      return Promise.resolve(pair.host);
    },
    options.clock,
    1000,
  );
  const dispose = (): Promise<void> => {
    board.stop();
    return Promise.resolve();
  };
  return { ...link, board, dispose };
}

export interface SerialLinkOptions {
  readonly clock: Clock;
  /** answer timeout of the connection the run uses */
  readonly timeoutMs?: number;
  /** answer timeout while asking other ports who they are */
  readonly probeTimeoutMs?: number;
  readonly open?: (path: string) => Promise<LineTransport>;
  /** the OS's serial ports; default SerialPort.list(), which needs udevadm on Linux */
  readonly listPorts?: PortLister;
}

/**
 * A board on a serial port, followed to wherever it re-enumerates (/dev/ttyUSB0 coming back as
 * /dev/ttyUSB1). A reconnect tries the port the board was last on, then ports with the USB
 * serial number seen there, then asks every other candidate for its identity: the OS's listed
 * ports and the new siblings of the last port (/dev/pts/N too, so the simulated board is found
 * on its new pty).
 */
export function serialBoardLink(path: string, options: SerialLinkOptions): BoardLink & { readonly lastPath: string } {
  const { clock, timeoutMs = 1000, probeTimeoutMs = 300, open = (p: string) => openSerial(p), listPorts } = options;
  let first: BoardIdentity | null = null;
  let usbSerial: string | undefined;
  // Siblings that already existed when the board was last seen are not it (a re-enumerated
  // device is a new node); they may be someone's terminal, which must not be written to.
  let knownSiblings = new Map<string, string>();
  const state = { lastPath: path };

  const listed = async (): Promise<{ ports: SerialPortInfo[]; error?: string }> => {
    try {
      return { ports: await listSerialPorts(listPorts) };
    } catch (e) {
      return { ports: [], error: (e as Error).message };
    }
  };

  const seen = async (conn: BoardConnection, at: string): Promise<BoardConnection> => {
    state.lastPath = at;
    knownSiblings = await stampPorts(await siblingPorts(at));
    return conn;
  };

  const firstConnect = async (): Promise<BoardConnection> => {
    const conn = await handshake(path, () => open(path), null, clock, timeoutMs);
    first = conn.client.identity;
    const real = await realpath(path).catch(() => path);
    usbSerial = (await listed()).ports.find((p) => p.path === path || p.path === real)?.serialNumber || undefined;
    return seen(conn, path);
  };

  const reconnect = async (expected: BoardIdentity): Promise<BoardConnection> => {
    const old = state.lastPath;
    const answers: PortAnswer[] = [];
    let refusal: WrongBoardError | null = null;
    try {
      return await seen(await handshake(old, () => open(old), expected, clock, timeoutMs), old);
    } catch (e) {
      if (e instanceof WrongBoardError) refusal = e;
      answers.push(e instanceof WrongBoardError ? { path: old, identity: e.found } : { path: old, error: (e as Error).message });
    }
    const { ports, error: listError } = await listed();
    const siblings = await stampPorts(await siblingPorts(old));
    const fresh = [...siblings].filter(([p, stamp]) => knownSiblings.get(p) !== stamp).map(([p]) => p);
    const sameUsb = usbSerial === undefined ? [] : ports.filter((p) => p.serialNumber === usbSerial).map((p) => p.path);
    const candidates = [...new Set([...sameUsb, ...ports.map((p) => p.path), path, ...fresh])].filter((p) => p !== old);
    if (candidates.length > 0) {
      try {
        const found = await findBoard(candidates, { serial: expected.serial, dieId: expected.dieId }, open, clock, probeTimeoutMs);
        // the probe's client is tuned for asking quickly; the run gets a connection of its own
        await found.client.close();
        return await seen(await handshake(found.path, () => open(found.path), expected, clock, timeoutMs), found.path);
      } catch (e) {
        if (!(e instanceof BoardNotFoundError)) throw e;
        answers.push(...e.answers);
      }
    }
    if (refusal) throw new WrongBoardError(expected, refusal.found, old, answers);
    throw new BoardNotFoundError({ serial: expected.serial, dieId: expected.dieId }, answers, listError);
  };

  return {
    description: path,
    get lastPath() {
      return state.lastPath;
    },
    connect: () => (first ? reconnect(first) : firstConnect()),
    dispose: () => Promise.resolve(),
  };
}

export function addressBoardLink(
  address: Exclude<BoardAddress, { kind: 'sim' }>,
  clock: Clock,
  timeoutMs = 1000,
  serial: Omit<SerialLinkOptions, 'clock' | 'timeoutMs'> = {},
): BoardLink {
  if (address.kind === 'serial') return serialBoardLink(address.path, { ...serial, clock, timeoutMs });
  // A TCP address names one board server; there is no port list to search, so a reconnect
  // retries that address only (and still refuses a different board there).
  return linkOver(`tcp://${address.host}:${address.port}`, () => openBoardLink(address), clock, timeoutMs);
}
