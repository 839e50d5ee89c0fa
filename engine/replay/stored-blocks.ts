// What replay, re-scoring, re-decoding and the comparisons read of a logged run, beyond the store's
// own readers: one block by its number (for a seek, or a sample of blocks), the commit time of each
// block (the run's own pace), and how the run reads its codes (its calibration, and the ADC width
// the codes were measured with). No schema change: the store answers each with one query.
import type { AdcCalibration } from '../../shared/analysis/compare';
import type { BlockSummaryRecord, RunRow, RunStore, StoredBlock } from '../store/run-store';

/** A committed block's measured values, given its summary record (one blob read). */
export function readBlock(store: RunStore, runId: number, s: BlockSummaryRecord): StoredBlock {
  const m = store.measuredBlock(runId, s.block);
  if (!m) throw new Error(`run ${runId} has no block ${s.block}`);
  return { ...s, digital: m.digital, saliency: m.saliency, level: m.level, codes: m.codes };
}

/** When each block of a run was committed, ms since the epoch (NaN where unreadable). */
export function commitTimes(store: RunStore, runId: number): Map<number, number> {
  return store.blockCommitTimes(runId);
}

/** The run's calibration, as its comparison applied it (null without one). */
export function runCalibration(store: RunStore, runId: number): (AdcCalibration & { id: number }) | null {
  const id = store.calibrationIdOf(runId);
  if (id === null) return null;
  const c = store.calibration(id);
  return c && { id: c.id, gain: c.gain, offsetLsb: c.offsetLsb };
}

/** The ADC width the run's codes were measured with: a re-scored run may compare them with a model of another width. */
export function measuredAdcBits(row: RunRow, profileAdcBits: number): number {
  const v = (row.config as { measuredAdcBits?: unknown }).measuredAdcBits;
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : profileAdcBits;
}

/** Give the event loop a turn now and then, so a long computation in the engine leaves the server responsive. */
export function yielder(everyMs = 20): () => Promise<void> {
  let last = performance.now();
  return async () => {
    const now = performance.now();
    if (now - last < everyMs) return;
    await new Promise<void>((r) => setImmediate(r));
    last = performance.now();
  };
}
