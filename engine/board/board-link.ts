// How the engine reaches its board, and reaches it again after a disconnect: always the same
// board, recognised by its identity (serial number and die id), never by port name.
import type { Clock } from '../../shared/clock';
import type { BoardIdentity } from '../../shared/protocol/payloads';
import { openBoardLink, type BoardAddress } from '../../drivers/board-address';
import { BoardClient } from '../../drivers/client/board-client';
import type { DieConfig } from '../../drivers/sim/die-config';
import type { FaultSpec } from '../../drivers/sim/faults';
import type { LinkTiming } from '../../drivers/sim/link';
import { SimBoard } from '../../drivers/sim/sim-board';
import { inProcessPair } from '../../drivers/transport/in-process';
import type { LineTransport } from '../../drivers/transport/line-transport';
import { RecordingTransport } from '../../drivers/transport/recording';

export interface BoardConnection {
  readonly client: BoardClient;
  readonly wire: RecordingTransport;
}

export interface BoardLink {
  readonly description: string;
  /** Connect (again); refuses a board whose identity differs from the first one seen. */
  connect(): Promise<BoardConnection>;
  /** Switch off what the link owns (the simulated board). */
  dispose(): Promise<void>;
}

export class WrongBoardError extends Error {
  constructor(expected: BoardIdentity, got: BoardIdentity) {
    super(`a different board answered: expected serial ${expected.serial}, die ${expected.dieId}; got serial ${got.serial}, die ${got.dieId}`);
    this.name = 'WrongBoardError';
  }
}

function linkOver(description: string, open: () => Promise<LineTransport>, clock: Clock, timeoutMs: number): BoardLink {
  let first: BoardIdentity | null = null;
  return {
    description,
    async connect() {
      const wire = new RecordingTransport(await open());
      const client = new BoardClient(wire, { clock, timeoutMs });
      try {
        const { identity } = await client.connect();
        if (first && (identity.serial !== first.serial || identity.dieId !== first.dieId)) throw new WrongBoardError(first, identity);
        first ??= identity;
      } catch (e) {
        await client.close().catch(() => undefined);
        throw e;
      }
      wire.take(); // the handshake is not part of any batch
      return { client, wire };
    },
    dispose: async () => undefined,
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
    async () => {
      const pair = inProcessPair(`sim:${options.die.serial}`);
      board.attach(pair.board);
      return pair.host;
    },
    options.clock,
    1000,
  );
  return { ...link, board, dispose: async () => board.stop() };
}

export function addressBoardLink(address: Exclude<BoardAddress, { kind: 'sim' }>, clock: Clock, timeoutMs = 1000): BoardLink {
  const description = address.kind === 'tcp' ? `tcp://${address.host}:${address.port}` : address.path;
  return linkOver(description, () => openBoardLink(address), clock, timeoutMs);
}
