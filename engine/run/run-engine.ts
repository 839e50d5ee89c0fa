// A run: stream a vector set through the board in batches, evaluate the model on the same inputs,
// compare, and commit one transaction per batch, so nothing measured is lost. This file accepts a
// new run and logs it; drive.ts streams it, recovers from reboots and disconnects, and ends it.
import type { RunFigures } from '../../shared/analysis/run-figures';
import { RunFiguresAccumulator } from '../../shared/analysis/run-figures';
import type { Clock } from '../../shared/clock';
import type { IntMatrix } from '../../shared/model/matrix';
import { resolveMode, type ModeConfig } from '../../shared/model/modes';
import type { DieProfile } from '../../shared/model/profile';
import { contentHash } from '../../shared/workload/content-hash';
import type { VectorSource } from '../../shared/workload/vector-source';
import type { BoardLink } from '../board/board-link';
import { inlineBlockWriter, type BlockWriter } from '../store/block-writer';
import type { RunStore } from '../store/run-store';
import { drive, type ActiveRun } from './drive';
import { provenance } from './provenance';
import { RunControl } from './run-control';
import { accept, checkBoardFits, checkCalibration } from './run-checks';
import { RunOutput, type DocumentSink } from './run-output';

export { RunControl } from './run-control';
export { boardRunConfig } from './board-setup';
export type { DocumentSink } from './run-output';

export interface RunRequest {
  readonly profile: DieProfile;
  readonly config: ModeConfig;
  readonly weights: IntMatrix;
  readonly vectors: VectorSource;
  readonly source: { readonly generator: string | null; readonly seed: number | null };
  readonly repeat?: number;
  /** vectors per batch, fixed; without it each batch takes about a second of link time */
  readonly batchVectors?: number;
  readonly kind?: string;
  readonly label?: string;
  readonly parentId?: number;
  /** keep the raw wire lines (default: runs up to 100,000 vectors) */
  readonly logWire?: boolean;
  /** the calibration record this run applies: measured codes are read through it per ADC column (checked against the die on the board) */
  readonly calibrationId?: number;
}

export interface RunSummary extends RunFigures {
  readonly runId: number;
  readonly guid: string;
  readonly state: 'completed' | 'aborted' | 'failed' | 'interrupted';
  readonly reason: string | null;
  /** vectors committed to the store: the figures cover exactly these */
  readonly vectors: number;
  readonly outputs: number;
  /** times the run went on after a disconnect */
  readonly resumes: number;
  /** times the board rebooted under the run and was set up again */
  readonly reboots: number;
}

export interface RunDeps {
  readonly store: RunStore;
  /** commits blocks (default: inline, in this thread) */
  readonly writer?: BlockWriter;
  readonly board: BoardLink;
  readonly clock: Clock;
  /** where the run's documents go (the store is written before them; see run-output.ts) */
  readonly emit?: DocumentSink;
  /** how long to wait for the same board to come back after a disconnect (0: do not wait) */
  readonly resumeWithinMs?: number;
  /** least time between status documents (a few a second for a UI; 0: one per batch) */
  readonly statusEveryMs?: number;
  /** the bench session the run belongs to, or how to open it once the run is accepted (a refused run logs nothing) */
  readonly sessionId?: number | (() => number);
  /** ask the board for idle rail telemetry every this many ms and log it (0: off) */
  readonly telemetryMs?: number;
  /** the run is accepted and logged under this id: from here on a failure is the run's, not the input's */
  readonly onStart?: (runId: number) => void;
}

export async function executeRun(req: RunRequest, deps: RunDeps, control = new RunControl()): Promise<RunSummary> {
  const { store } = deps;
  const { profile, config, weights, vectors } = req;
  resolveMode(profile, config); // a bad configuration is refused before anything reaches the board
  if (vectors.cols !== profile.rows) throw new RangeError(`vectors have ${vectors.cols} inputs, the profile has ${profile.rows} rows`);
  const repeat = req.repeat ?? 1;

  const conn = await deps.board.connect();
  const calibration = await accept(conn, () => {
    checkBoardFits(conn.client.capabilities, profile, deps.board.description);
    return checkCalibration(store, req.calibrationId, conn.client.identity.dieId, profile);
  });

  // accepted: from here on the run is logged
  const vectorSet = store.putVectorSet(vectors, req.source.generator, req.source.seed);
  // the run streams the set as stored: what is sent is provably what the hash names, and a
  // generated workload is not made a second time
  const stored = store.vectorSet(vectorSet);
  if (!stored) throw new Error(`vector set ${vectorSet} was not stored`);
  const weightSet = contentHash(weights);
  store.putWeightSet(weightSet, weights, req.source.generator, req.source.seed);
  const sessionId = typeof deps.sessionId === 'function' ? deps.sessionId() : (deps.sessionId ?? null);
  const { id: runId, guid } = store.createRun({
    kind: req.kind ?? 'run',
    label: req.label,
    parentId: req.parentId,
    sessionId: sessionId ?? undefined,
    mode: config.mode,
    config: { ...config, repeat, batchVectors: req.batchVectors ?? null, profile },
    provenance: provenance({
      identity: conn.client.identity,
      profile,
      config,
      vectorSet,
      weightSet,
      source: req.source,
      calibration: calibration && { id: calibration.id, guid: calibration.guid },
    }),
    vectorSet,
    weightSet,
    calibrationId: calibration?.id,
    vectorsTotal: stored.rows,
    repeat,
  });
  deps.onStart?.(runId);
  const out = runOutput(runId, stored.rows, new RunFiguresAccumulator(profile), deps, 0);
  out.started(profile.outputs, profile.inputBits * profile.weightBits);
  out.event('connect', `${deps.board.description}: ${JSON.stringify(conn.client.identity)}`);
  if (sessionId !== null) store.setSessionBoard(sessionId, conn.client.identity);
  const run: ActiveRun = {
    runId,
    guid,
    profile,
    config,
    weights,
    vectors: stored,
    repeat,
    batchVectors: req.batchVectors,
    logWire: req.logWire ?? stored.rows <= 100_000,
    calibration,
    sessionId,
  };
  return drive(run, { vectors: 0, nextBlock: 0 }, out, conn, deps, control);
}

const STATUS_EVERY_MS = 250;

/** A run's output: its documents, the store first. */
export function runOutput(runId: number, total: number, figures: RunFiguresAccumulator, deps: RunDeps, startVectors: number): RunOutput {
  const writer = deps.writer ?? inlineBlockWriter(deps.store);
  return new RunOutput(
    runId,
    total,
    figures,
    { store: deps.store, writer, clock: deps.clock, emit: deps.emit ?? (() => undefined), statusEveryMs: deps.statusEveryMs ?? STATUS_EVERY_MS },
    startVectors,
  );
}
