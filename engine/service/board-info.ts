// Ask a board who it is and what it can do, without a run: the simulated board (with its die and
// the profile it is given) or one at an address. The link is closed again before answering.
import type { Clock } from '../../shared/clock';
import type { BoardCapabilities, BoardIdentity } from '../../shared/protocol/payloads';
import { loadProfile } from '../files/profile-file';
import { boardAddress, openBoard } from './run-inputs';

export interface BoardInfo {
  readonly address: string;
  readonly identity: BoardIdentity;
  readonly capabilities: BoardCapabilities;
}

export async function boardInfo(choice: { board: string; die?: string | undefined; profile?: string | undefined }, clock: Clock): Promise<BoardInfo> {
  const address = boardAddress(choice);
  const link = await openBoard(choice, address, await loadProfile(choice.profile), clock);
  try {
    const { client } = await link.connect();
    try {
      return { address: choice.board, identity: client.identity, capabilities: client.capabilities };
    } finally {
      await client.close();
    }
  } finally {
    await link.dispose();
  }
}
