// A run's blocks by number, with the model's expectation beside the measurement, as
// engine/store/block-reader.ts computes it (the same model, calibration and comparison, so the
// same doubles), but one block at a time in any order: the Parquet export's threads each read
// the blocks they encode from their own connection (parquet-pool.ts).
import { compareWithModel } from '../../shared/analysis/compare';
import { createDieModel, type DieModel } from '../../shared/model/evaluator';
import { intMatrix } from '../../shared/model/matrix';
import type { BlockWithModel } from '../store/block-reader';
import type { BlockSummaryRecord, RunStore } from '../store/run-store';
import { readStoredRun, type StoredRun } from '../store/stored-run';

export class RunBlocks {
  private readonly stored: StoredRun;
  private readonly model: DieModel;
  private readonly calibration: ReturnType<RunStore['calibration']>;

  constructor(
    private readonly store: RunStore,
    private readonly runId: number,
  ) {
    this.stored = readStoredRun(store, runId);
    const calibrationId = store.calibrationIdOf(runId);
    this.calibration = calibrationId === null ? null : store.calibration(calibrationId);
    this.model = createDieModel(this.stored.profile, this.stored.weights);
  }

  /** Block `s` of the run with the model's values recomputed. */
  read(s: BlockSummaryRecord): BlockWithModel {
    const m = this.store.measuredBlock(this.runId, s.block);
    if (!m) throw new Error(`run ${this.runId} has no block ${s.block}`);
    const { profile, config, vectors } = this.stored;
    const expected = this.model.evaluate(intMatrix(s.vectors, profile.rows, vectors.read(s.firstVector, s.vectors)), config, { codes: true });
    const cmp = compareWithModel(
      profile,
      this.model.geometry,
      expected,
      { first: s.firstVector, count: s.vectors * s.repeat, outputs: s.outputs, planes: s.planes, ...m },
      this.calibration,
    );
    // results hold vectors x repeat records, record r for vector r mod vectors
    const n = m.digital.length;
    const per = expected.yhat.length;
    const modelYhat = new Float64Array(n);
    const modelLevel = new Uint8Array(n);
    const exact = new Float64Array(n);
    for (let at = 0; at < n; at += per) {
      const k = Math.min(per, n - at);
      modelYhat.set(expected.yhat.subarray(0, k), at);
      modelLevel.set(expected.level.subarray(0, k), at);
      exact.set(expected.exact.subarray(0, k), at);
    }
    return { ...s, digital: m.digital, saliency: m.saliency, level: m.level, codes: m.codes, yhat: cmp.yhat, modelYhat, modelLevel, exact };
  }
}
