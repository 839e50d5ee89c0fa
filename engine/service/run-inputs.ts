// What a run is asked to measure, read and checked before anything reaches a board: the profile,
// the mode, the stimulus and weights, and the board it names. A refusal names its field.
import { FieldError, type ParsedRunOptions } from '../../shared/api/run-options';
import type { Clock } from '../../shared/clock';
import { resolveMode, type ModeConfig } from '../../shared/model/modes';
import type { DieProfile } from '../../shared/model/profile';
import type { IntMatrix } from '../../shared/model/matrix';
import { workloadSource } from '../../shared/workload/generators';
import { matrixSource, type VectorSource } from '../../shared/workload/vector-source';
import { parseBoardAddress, type BoardAddress } from '../../drivers/board-address';
import { parseFaultSpec } from '../../drivers/sim/faults';
import { boardLinkFor } from '../board/board-for';
import type { BoardLink } from '../board/board-link';
import { readVectorFile, readWeightFile } from '../files/matrix-files';
import { loadProfile } from '../files/profile-file';

export interface RunInputs {
  readonly profile: DieProfile;
  readonly config: ModeConfig;
  readonly vectors: VectorSource;
  readonly weights: IntMatrix;
  readonly source: { readonly generator: string | null; readonly seed: number | null };
}

export async function readRunInputs(o: ParsedRunOptions): Promise<RunInputs> {
  const profile = await loadProfile(o.profile);
  const config: ModeConfig = { mode: o.mode, boundary: o.boundary, skip: o.skip };
  resolveMode(profile, config);
  if (o.workload) {
    if (o.vectorsFile || o.weightsFile) throw new FieldError('workload', 'give either a workload or a vectors file with a weights file, not both');
    const w = workloadSource(profile, o.workload);
    return { profile, config, vectors: w.vectors, weights: w.weights, source: { generator: o.workload.kind, seed: o.workload.seed } };
  }
  if (!o.vectorsFile || !o.weightsFile)
    throw new FieldError(o.vectorsFile ? 'weightsFile' : 'vectorsFile', 'give a workload, or both a vectors file and a weights file');
  const weights = await readWeightFile(o.weightsFile, profile);
  const vectors = await readVectorFile(o.vectorsFile, profile);
  return { profile, config, vectors: matrixSource(vectors), weights, source: { generator: `file:${o.vectorsFile}`, seed: null } };
}

export interface BoardChoice {
  readonly board: string;
  readonly die?: string | undefined;
  readonly faults?: string | undefined;
  readonly simBaud?: number | undefined;
}

/** The board a choice names, checked: die and faults belong to the simulated board. */
export function boardAddress(c: BoardChoice): BoardAddress {
  const address = parseBoardAddress(c.board);
  if (address.kind !== 'sim') {
    if (c.die) throw new FieldError('die', 'a die configuration applies to the simulated board (board sim) only');
    if (c.faults) throw new FieldError('faults', 'faults apply to the simulated board (board sim) only');
  }
  return address;
}

/** A link to the chosen board; the simulated die takes the run's profile, so model and silicon describe one macro. */
export function openBoard(c: BoardChoice, address: BoardAddress, profile: DieProfile, clock: Clock): Promise<BoardLink> {
  return boardLinkFor(address, profile, clock, { die: c.die, baud: c.simBaud ?? 0, faults: c.faults ? parseFaultSpec(c.faults) : undefined });
}

/** The key a board is busy under: one run per board at a time. */
export function boardKey(address: BoardAddress): string {
  if (address.kind === 'sim') return 'sim';
  return address.kind === 'serial' ? `serial:${address.path}` : `tcp:${address.host}:${address.port}`;
}
