// Re-measuring (docs/replay-compare.md): a logged run's stimulus, weights and configuration, read
// back from the store under their content hashes, fed to a board (simulated or real) as a new run
// whose parent is the old one. The vector set is stored again by content, so the new run names the
// same hash and the two compare vector by vector. The Bench wires it to a board
// (engine/service/bench.ts, remeasureRun).
import type { RunRequest } from '../run/run-engine';
import type { RunStore } from '../store/run-store';
import { readStoredRun } from '../store/stored-run';
import { measuredAdcBits } from './stored-blocks';
import { FieldError } from '../../shared/api/run-options';

export interface RemeasureOptions {
  readonly label?: string | undefined;
  /** keep the raw wire lines (default: runs up to 100,000 vectors) */
  readonly wireLog?: boolean | undefined;
}

/** The run request that measures a logged run's stimulus again, linked to it. */
export function remeasureRequest(store: RunStore, ref: string | number, o: RemeasureOptions = {}): RunRequest {
  const s = readStoredRun(store, ref);
  const row = s.row;
  // a re-scored run's profile may name another ADC width than its codes had: measure what the die has
  if (measuredAdcBits(row, s.profile.adcBits) !== s.profile.adcBits) {
    throw new FieldError(
      'run',
      `run ${row.id} is a re-score with a ${s.profile.adcBits}-bit ADC its die does not have; re-measure its source, run ${row.parentId ?? '?'}`,
    );
  }
  const stimulus = (row.provenance as { stimulus?: { generator?: unknown; seed?: unknown } }).stimulus;
  return {
    profile: s.profile,
    config: s.config,
    weights: s.weights,
    vectors: s.vectors,
    source: { generator: typeof stimulus?.generator === 'string' ? stimulus.generator : null, seed: typeof stimulus?.seed === 'number' ? stimulus.seed : null },
    repeat: s.repeat,
    batchVectors: s.batchVectors,
    kind: 'run',
    label: o.label ?? `re-measure of run ${row.id}`,
    parentId: row.id,
    logWire: o.wireLog,
  };
}
