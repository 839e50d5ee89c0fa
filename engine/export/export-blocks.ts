// A run's blocks by number, with what an export adds to the measurement: the measured yhat, and,
// unless left out, the model's expectation (exact sum, model yhat and level), recomputed from the
// run's stored vector set, weights, profile and configuration as engine/store/block-reader.ts does
// (the same model, so the same doubles). One block at a time in any order: the Parquet export's
// threads each read the blocks they encode from their own connection (parquet-pool.ts).
import { measuredYhat as macYhat, type YhatReading } from '../../shared/analysis/run-vs-run';
import { createDieModel, type DieModel } from '../../shared/model/evaluator';
import { planeGeometry, type PlaneGeometry } from '../../shared/model/geometry';
import { intMatrix } from '../../shared/model/matrix';
import type { BlockSummaryRecord, RunStore, StoredBlock } from '../store/run-store';
import { readStoredRun, type StoredRun } from '../store/stored-run';

/** A stored block with what the export adds; the model's values are null when the export leaves them out. */
export interface ExportBlock extends StoredBlock {
  /** measured D + A * N / L, A from the codes (calibrated with the run's calibration, if it had one) */
  readonly yhat: Float64Array;
  readonly modelYhat: Float64Array | null;
  readonly modelLevel: Uint8Array | null;
  readonly exact: Float64Array | null;
}

type Calibration = ReturnType<RunStore['calibration']>;

/**
 * The measured yhat of each MAC (shared/analysis/run-vs-run.ts, the same operations in the same
 * order as shared/analysis/compare.ts, so the same doubles): D + (sum over analog planes of weight x code) x N / L.
 */
export function measuredYhat(b: StoredBlock, reading: Pick<YhatReading, 'profile' | 'geometry' | 'calibration'>): Float64Array {
  const yhat = new Float64Array(b.digital.length);
  for (let mac = 0; mac < yhat.length; mac++) yhat[mac] = macYhat(reading, b.digital, b.codes, mac, mac % b.outputs);
  return yhat;
}

export class RunBlocks {
  private readonly stored: StoredRun;
  private readonly model: DieModel | null;
  private readonly geometry: PlaneGeometry;
  private readonly calibration: Calibration;

  constructor(
    private readonly store: RunStore,
    private readonly runId: number,
    withModel = true,
  ) {
    this.stored = readStoredRun(store, runId);
    const calibrationId = store.calibrationIdOf(runId);
    this.calibration = calibrationId === null ? null : store.calibration(calibrationId);
    this.model = withModel ? createDieModel(this.stored.profile, this.stored.weights) : null;
    this.geometry = this.model?.geometry ?? planeGeometry(this.stored.profile);
  }

  /** Block `s` of the run, read back, with the export's values beside it. */
  read(s: BlockSummaryRecord): ExportBlock {
    const m = this.store.measuredBlock(this.runId, s.block);
    if (!m) throw new Error(`run ${this.runId} has no block ${s.block}`);
    const { profile, config, vectors } = this.stored;
    const block: StoredBlock = { ...s, digital: m.digital, saliency: m.saliency, level: m.level, codes: m.codes };
    const yhat = measuredYhat(block, { profile, geometry: this.geometry, calibration: this.calibration });
    if (!this.model) return { ...block, yhat, modelYhat: null, modelLevel: null, exact: null };
    const expected = this.model.evaluate(intMatrix(s.vectors, profile.rows, vectors.read(s.firstVector, s.vectors)), config);
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
    return { ...block, yhat, modelYhat, modelLevel, exact };
  }
}
