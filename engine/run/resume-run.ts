// Taking up an interrupted run again (after a crash, a kill, or a disconnect that outlasted the
// wait): the same stimulus, weights and configuration, read back from the store, streamed from
// the last committed batch on a board of the same identity, so every vector is covered once.
import { RunFiguresAccumulator } from '../../shared/analysis/run-figures';
import { MODES, type ModeConfig } from '../../shared/model/modes';
import { parseDieProfile } from '../../shared/model/profile';
import type { BoardIdentity } from '../../shared/protocol/payloads';
import type { RunStore } from '../store/run-store';
import { burstEnergyPj, drive } from './drive';
import { RunControl } from './run-control';
import { accept, checkBoardFits, checkCalibration } from './run-checks';
import type { RunDeps, RunSummary } from './run-engine';

/** A run that cannot be taken up again, and why. */
export class ResumeError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ResumeError';
  }
}

export interface ResumeOptions {
  /** go on on a board of another identity (another serial or die): the run then mixes two boards */
  readonly anyBoard?: boolean;
}

interface StoredRunConfig {
  readonly mode: ModeConfig['mode'];
  readonly boundary?: number;
  readonly skip?: number;
  readonly repeat: number;
  readonly batchVectors: number | null;
  readonly profile: unknown;
}

function storedConfig(runId: number, config: Record<string, unknown>): StoredRunConfig {
  const mode = config.mode;
  if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) throw new ResumeError('run', `run ${runId} has no mode in its stored configuration`);
  return config as unknown as StoredRunConfig;
}

/** What a stored run was measured with: enough to take it up again, or to measure it once more. */
export function storedRun(store: RunStore, ref: string | number) {
  const row = store.getRun(ref);
  if (!row) throw new ResumeError('run', `no run '${ref}' in ${store.path}`);
  if (!row.vectorSet || !row.weightSet) throw new ResumeError('run', `run ${row.id} has no stimulus of its own (a sweep's parent): take up its steps instead`);
  const stored = storedConfig(row.id, row.config);
  const profile = parseDieProfile(stored.profile, `run ${row.id}'s stored profile`);
  const config: ModeConfig = { mode: stored.mode, boundary: stored.boundary, skip: stored.skip };
  return { row, profile, config, repeat: stored.repeat, batchVectors: stored.batchVectors ?? undefined };
}

export async function resumeRun(ref: string | number, deps: RunDeps, control = new RunControl(), options: ResumeOptions = {}): Promise<RunSummary> {
  const { store } = deps;
  const { row, profile, config, repeat, batchVectors } = storedRun(store, ref);
  if (row.state !== 'interrupted') throw new ResumeError('run', `run ${row.id} is ${row.state}: only an interrupted run can be taken up again`);
  const vectors = store.vectorSet(row.vectorSet as string);
  const weights = store.getWeightSet(row.weightSet as string);
  if (!vectors || !weights) throw new ResumeError('run', `run ${row.id}'s ${vectors ? 'weight' : 'vector'} set is missing from ${store.path}`);
  const was = row.provenance as { board?: Partial<BoardIdentity>; dieId?: string; calibration?: { id?: number } | null };

  const conn = await deps.board.connect();
  const calibration = await accept(conn, () => {
    const now = conn.client.identity;
    if (!options.anyBoard && (now.serial !== was.board?.serial || now.dieId !== was.dieId)) {
      throw new ResumeError('board', `run ${row.id} was measured on board ${was.board?.serial ?? '?'} with die ${was.dieId ?? '?'}; ${deps.board.description} is board ${now.serial} with die ${now.dieId} (ask for another board explicitly to go on there)`);
    }
    checkBoardFits(conn.client.capabilities, profile, deps.board.description);
    return checkCalibration(store, was.calibration?.id ?? undefined, now.dieId, profile);
  });

  const extent = store.committedExtent(row.id);
  const figures = new RunFiguresAccumulator(profile);
  for (const b of store.blockSummaries(row.id)) figures.add(b.summary, burstEnergyPj(b.power), b.power.dieTempC);
  const sessionId = typeof deps.sessionId === 'function' ? deps.sessionId() : (deps.sessionId ?? row.sessionId);
  store.setState(row.id, 'running', null);
  deps.onStart?.(row.id);
  store.event(row.id, 'taken-up', `from vector ${extent.vectors} (block ${extent.nextBlock}) on ${deps.board.description}: ${JSON.stringify(conn.client.identity)}`);
  const run = { runId: row.id, guid: row.guid, profile, config, weights, vectors, repeat, batchVectors, logWire: vectors.rows <= 100_000, calibration, sessionId };
  return drive(run, extent, figures, conn, deps, control);
}
