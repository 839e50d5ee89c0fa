// A run's blocks with the model's expectation beside the measurement. The store keeps only what
// the board measured; the model (shared/model, about 400,000 vectors/s) recomputes the rest from
// the run's stored vector set, weights, profile and configuration, faster than the store could
// read it back from disk, and from the same inputs that the run's content hashes name.
import { compareWithModel } from '../../shared/analysis/compare';
import { createDieModel, type DieModelOptions } from '../../shared/model/evaluator';
import { intMatrix } from '../../shared/model/matrix';
import { resultBlockOf, type RunStore, type StoredBlock } from './run-store';
import { readStoredRun } from './stored-run';

/** A stored block with what the run computed beside it when it committed the block. */
export interface BlockWithModel extends StoredBlock {
  /** measured D + A * N / L, A from the codes (calibrated with the run's calibration, if it had one) */
  readonly yhat: Float64Array;
  readonly modelYhat: Float64Array;
  readonly modelLevel: Uint8Array;
  readonly exact: Float64Array;
}

/** The blocks of a run with the model's expectation recomputed, one at a time, in vector order. */
export function* blocksWithModel(store: RunStore, runId: number, options: DieModelOptions = {}): Generator<BlockWithModel> {
  const { profile, config, weights, vectors } = readStoredRun(store, runId);
  const calibrationId = store.calibrationIdOf(runId);
  const calibration = calibrationId === null ? null : store.calibration(calibrationId);
  const model = createDieModel(profile, weights, options);
  for (const b of store.blocks(runId)) {
    const expected = model.evaluate(intMatrix(b.vectors, profile.rows, vectors.read(b.firstVector, b.vectors)), config, { codes: true });
    const measured = resultBlockOf(b);
    const cmp = compareWithModel(profile, model.geometry, expected, measured, calibration);
    // results hold vectors x repeat records, record r for vector r mod vectors
    const n = b.digital.length;
    const modelYhat = new Float64Array(n);
    const modelLevel = new Uint8Array(n);
    const exact = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const k = i % expected.yhat.length;
      modelYhat[i] = expected.yhat[k] as number;
      modelLevel[i] = expected.level[k] as number;
      exact[i] = expected.exact[k] as number;
    }
    yield { ...b, yhat: cmp.yhat, modelYhat, modelLevel, exact };
  }
}
