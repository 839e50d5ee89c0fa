// One simulated board reached through each transport, for the conformance suite.
import { systemClock } from '../../drivers/clock';
import { BoardClient, type BoardClientOptions } from '../../drivers/client/board-client';
import { parseDieConfig, type DieConfigFile } from '../../drivers/sim/die-config';
import type { FaultSpec } from '../../drivers/sim/faults';
import type { LinkTiming } from '../../drivers/sim/link';
import { createPtyPair } from '../../drivers/sim/pty-pair';
import { SimBoard } from '../../drivers/sim/sim-board';
import { serveSimBoard } from '../../drivers/sim/tcp-server';
import { inProcessPair } from '../../drivers/transport/in-process';
import type { LineTransport } from '../../drivers/transport/line-transport';
import { openSerial } from '../../drivers/transport/serial';
import { openTcp } from '../../drivers/transport/tcp';

export const TRANSPORTS = ['in-process', 'pty', 'tcp'] as const;
export type TransportKind = (typeof TRANSPORTS)[number];

export interface BoardSetup {
  readonly board: SimBoard;
  /** a new host-side connection to the same board */
  connect(): Promise<LineTransport>;
  close(): Promise<void>;
}

export interface SetupOptions {
  readonly die?: DieConfigFile;
  readonly faults?: FaultSpec;
  readonly link?: LinkTiming;
}

export async function setupBoard(kind: TransportKind, options: SetupOptions = {}): Promise<BoardSetup> {
  const simOptions = { die: parseDieConfig(options.die ?? {}), clock: systemClock, faults: options.faults, link: options.link };
  if (kind === 'in-process') {
    const board = new SimBoard(simOptions);
    return {
      board,
      connect: () => {
        const { host, board: end } = inProcessPair();
        board.attach(end);
        return Promise.resolve(host);
      },
      close: () => {
        board.stop();
        return Promise.resolve();
      },
    };
  }
  if (kind === 'pty') {
    const pair = await createPtyPair();
    const board = new SimBoard(simOptions);
    const end = await openSerial(pair.boardPath);
    // the board dropping its end is the cable pulled: the pair (the device) goes away
    end.onClose(() => void pair.close());
    board.attach(end);
    return {
      board,
      connect: () => openSerial(pair.hostPath),
      close: async () => {
        board.stop();
        await pair.close();
      },
    };
  }
  const server = await serveSimBoard(0, simOptions);
  return {
    board: server.board,
    connect: () => openTcp(server.host, server.port),
    close: () => server.close(),
  };
}

export const FAST_CLIENT: Omit<BoardClientOptions, 'clock'> = { timeoutMs: 250, retries: 3 };

export async function connectClient(setup: BoardSetup, options: Omit<BoardClientOptions, 'clock'> = FAST_CLIENT): Promise<BoardClient> {
  const client = new BoardClient(await setup.connect(), { clock: systemClock, ...options });
  await client.connect();
  return client;
}
