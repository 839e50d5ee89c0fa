// Taking up an interrupted run again (after a crash, a kill, or a disconnect that outlasted the
// wait): the same stimulus, weights and configuration, read back from the store, streamed from
// the last committed batch on a board of the same identity, so every vector is covered once.
import { burstEnergyPj, RunFiguresAccumulator } from '../../shared/analysis/run-figures';
import type { BoardIdentity } from '../../shared/protocol/payloads';
import { readStoredRun } from '../store/stored-run';
import { drive } from './drive';
import { RunControl } from './run-control';
import { accept, checkBoardFits, checkCalibration } from './run-checks';
import { runOutput, type RunDeps, type RunSummary } from './run-engine';

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

export async function resumeRun(ref: string | number, deps: RunDeps, control = new RunControl(), options: ResumeOptions = {}): Promise<RunSummary> {
  const { store } = deps;
  const { row, profile, config, repeat, batchVectors, vectors, weights } = readStoredRun(store, ref);
  if (row.state !== 'interrupted') throw new ResumeError('run', `run ${row.id} is ${row.state}: only an interrupted run can be taken up again`);
  const was = row.provenance as { board?: Partial<BoardIdentity>; dieId?: string; calibration?: { id?: number } | null };

  const conn = await deps.board.connect();
  const calibration = await accept(conn, () => {
    const now = conn.client.identity;
    if (!options.anyBoard && (now.serial !== was.board?.serial || now.dieId !== was.dieId)) {
      throw new ResumeError(
        'board',
        `run ${row.id} was measured on board ${was.board?.serial ?? '?'} with die ${was.dieId ?? '?'}; ${deps.board.description} is board ${now.serial} with die ${now.dieId} (ask for another board explicitly to go on there)`,
      );
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
  const out = runOutput(row.id, vectors.rows, figures, deps, extent.vectors);
  out.started(profile.outputs, profile.inputBits * profile.weightBits);
  out.event('taken-up', `from vector ${extent.vectors} (block ${extent.nextBlock}) on ${deps.board.description}: ${JSON.stringify(conn.client.identity)}`);
  const run = { runId: row.id, guid: row.guid, profile, config, weights, vectors, repeat, batchVectors, logWire: vectors.rows <= 100_000, calibration, sessionId };
  return drive(run, extent, out, conn, deps, control);
}
