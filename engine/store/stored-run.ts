// What a logged run was measured with, read back from the store: its profile, mode configuration,
// stimulus and weights. Taking a run up again and recomputing the model's expectation both stand
// on it, so a stored configuration is read, and refused, in one way.
import { runProvenanceSchema } from '../../shared/api/run-config';
import { MODES, type ModeConfig } from '../../shared/model/modes';
import { parseDieProfile, type DieProfile } from '../../shared/model/profile';
import type { IntMatrix } from '../../shared/model/matrix';
import type { VectorSource } from '../../shared/workload/vector-source';
import type { RunRow, RunStore } from './run-store';

/** A run that cannot be read back as a measurement (no such run, a sweep's parent, a set missing), and why. */
export class StoredRunError extends Error {
  readonly field = 'run';
  override name = 'StoredRunError';
}

export interface StoredRun {
  readonly row: RunRow;
  readonly profile: DieProfile;
  readonly config: ModeConfig;
  readonly repeat: number;
  /** the fixed batch size the run was asked for, if any */
  readonly batchVectors: number | undefined;
  readonly vectors: VectorSource;
  readonly weights: IntMatrix;
}

export function readStoredRun(store: RunStore, ref: string | number): StoredRun {
  const row = store.getRun(ref);
  if (!row) throw new StoredRunError(`no run '${ref}' in ${store.path}`);
  if (!row.vectorSet || !row.weightSet) throw new StoredRunError(`run ${row.id} has no stimulus of its own (a sweep's parent: its steps have)`);
  const stored = row.config as { mode?: unknown; boundary?: number; skip?: number; repeat?: number; batchVectors?: number | null; profile?: unknown };
  const mode = stored.mode;
  if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) throw new StoredRunError(`run ${row.id} has no mode in its stored configuration`);
  const profile = parseDieProfile(stored.profile ?? {}, `run ${row.id}'s stored profile`);
  const vectors = store.vectorSet(row.vectorSet);
  const weights = store.getWeightSet(row.weightSet);
  if (!vectors || !weights) throw new StoredRunError(`run ${row.id}'s ${vectors ? 'weight' : 'vector'} set is missing from ${store.path}`);
  return {
    row,
    profile,
    config: { mode: mode as ModeConfig['mode'], boundary: stored.boundary, skip: stored.skip },
    repeat: stored.repeat ?? row.repeat,
    batchVectors: stored.batchVectors ?? undefined,
    vectors,
    weights,
  };
}

/** The die a measurement run was measured on, from its provenance ('' when the run has none). */
export function measuredDieId(store: RunStore, runId: number): string {
  const p = runProvenanceSchema.pick({ dieId: true }).safeParse(store.getRun(runId)?.provenance);
  return p.success ? p.data.dieId : '';
}
