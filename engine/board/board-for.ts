// The board a command works on: the in-process simulated board (with its die, link pacing and
// faults) or a real one at an address.
import type { Clock } from '../../shared/clock';
import type { DieProfile } from '../../shared/model/profile';
import type { BoardAddress } from '../../drivers/board-address';
import { loadDieConfig, parseDieConfig } from '../../drivers/sim/die-config';
import { NO_FAULTS, type FaultSpec } from '../../drivers/sim/faults';
import { addressBoardLink, simBoardLink, type BoardLink } from './board-link';

export interface SimChoices {
  /** die configuration file (sim only) */
  readonly die?: string | undefined;
  readonly baud?: number;
  readonly faults?: FaultSpec;
}

/** The simulated die takes the run's profile, so model and silicon describe the same macro. */
export async function boardLinkFor(address: BoardAddress, profile: DieProfile, clock: Clock, sim: SimChoices = {}): Promise<BoardLink> {
  if (address.kind !== 'sim') return addressBoardLink(address, clock);
  const die = sim.die ? await loadDieConfig(sim.die) : parseDieConfig({});
  return simBoardLink({ die: { ...die, profile }, clock, link: { baud: sim.baud ?? 0, latencyMs: 0 }, faults: sim.faults ?? NO_FAULTS });
}
