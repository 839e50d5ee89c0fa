// Runs for the replay and comparison tests: small runs on a simulated die, logged in a store of
// their own, and a block rewritten the way a fault would have left it (with its summaries made
// again from the model, as the run would have committed it).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../drivers/clock';
import { parseDieConfig, type DieConfigFile } from '../../drivers/sim/die-config';
import { simBoardLink } from '../../engine/board/board-link';
import { executeRun, type RunSummary } from '../../engine/run/run-engine';
import { inlineBlockWriter } from '../../engine/store/block-writer';
import { encodeMeasured } from '../../engine/store/block-codec';
import { resultBlockOf, type RunStore, type StoredBlock } from '../../engine/store/run-store';
import { openRunStore } from '../../engine/store/store';
import { readStoredRun } from '../../engine/store/stored-run';
import { compareWithModel } from '../../shared/analysis/compare';
import { createDieModel } from '../../shared/model/evaluator';
import { intMatrix } from '../../shared/model/matrix';
import type { ModeConfig } from '../../shared/model/modes';
import { DEFAULT_PROFILE, type DieProfile } from '../../shared/model/profile';
import { workloadSource, type WorkloadKind } from '../../shared/workload/generators';

export function tempStore(): RunStore {
  return openRunStore(join(mkdtempSync(join(tmpdir(), 'osa-compare-')), 'runs.db')).store;
}

export interface TestRun {
  readonly die?: DieConfigFile;
  readonly config?: ModeConfig;
  readonly vectors?: number;
  readonly seed?: number;
  readonly kind?: WorkloadKind;
  readonly batch?: number;
  readonly repeat?: number;
  readonly logWire?: boolean;
  readonly profile?: DieProfile;
}

/** A completed run on a simulated die, committed inline. */
export async function simRun(store: RunStore, o: TestRun = {}): Promise<RunSummary> {
  const profile = o.profile ?? DEFAULT_PROFILE;
  const w = workloadSource(profile, { kind: o.kind ?? 'relu', vectors: o.vectors ?? 2000, seed: o.seed ?? 1 });
  const board = simBoardLink({ die: parseDieConfig({ ...o.die, profile }), clock: systemClock });
  try {
    const s = await executeRun(
      {
        profile,
        config: o.config ?? { mode: 'osa' },
        weights: w.weights,
        vectors: w.vectors,
        source: { generator: o.kind ?? 'relu', seed: o.seed ?? 1 },
        batchVectors: o.batch ?? 500,
        repeat: o.repeat,
        logWire: o.logWire ?? false,
      },
      { store, board, clock: systemClock, writer: inlineBlockWriter(store), telemetryMs: 0 },
    );
    if (s.state !== 'completed') throw new Error(`the test run ended ${s.state}: ${s.reason}`);
    return s;
  } finally {
    await board.dispose();
  }
}

/** The workload's weights, to choose stuck cells that differ from what is written. */
export function weightsOf(o: { seed?: number; kind?: WorkloadKind; vectors?: number } = {}, profile = DEFAULT_PROFILE) {
  return workloadSource(profile, { kind: o.kind ?? 'relu', vectors: o.vectors ?? 2000, seed: o.seed ?? 1 }).weights;
}

/**
 * Rewrite every block of a run through `alter` (on its measured values), with its summaries
 * compared again with the model, as the run would have committed such a block.
 */
export function rewriteBlocks(store: RunStore, runId: number, alter: (b: StoredBlock) => void): void {
  const { profile, config, weights, vectors } = readStoredRun(store, runId);
  const model = createDieModel(profile, weights);
  const update = store.db.prepare(
    `UPDATE result_blocks SET data = ?, digital_mismatches = ?, level_agreements = ?, signal_sq = ?, error_sq = ?, model_error_sq = ?, yhat_residual_min = ?, yhat_residual_max = ?,
       code_residual_count = ?, code_residual_sum = ?, code_residual_sq = ?, code_residual_min = ?, code_residual_max = ?, model_energy_pj = ? WHERE run_id = ? AND block = ?`,
  );
  const blocks = [...store.blocks(runId)];
  for (const b of blocks) {
    alter(b);
    const expected = model.evaluate(intMatrix(b.vectors, profile.rows, vectors.read(b.firstVector, b.vectors)), config, { codes: true });
    const s = compareWithModel(profile, model.geometry, expected, resultBlockOf(b));
    update.run(
      encodeMeasured(b, b.planes),
      s.digitalMismatches,
      s.levelAgreements,
      s.signalSq,
      s.errorSq,
      s.modelErrorSq,
      s.yhatResidualMin,
      s.yhatResidualMax,
      s.codeResidualCount,
      s.codeResidualSum,
      s.codeResidualSq,
      s.codeResidualMin,
      s.codeResidualMax,
      s.modelEnergyPj,
      runId,
      b.block,
    );
  }
}

/** A dead ADC column: every conversion of column m * BW + j reads `code`. */
export function killColumn(profile: DieProfile, column: number, code = 0): (b: StoredBlock) => void {
  const bw = profile.weightBits;
  const m = Math.floor(column / bw);
  const j = column % bw;
  return (b) => {
    const macs = b.digital.length;
    for (let mac = 0; mac < macs; mac++) {
      if (mac % b.outputs !== m) continue;
      for (let i = 0; i < profile.inputBits; i++) {
        const at = mac * b.planes + i * bw + j;
        if ((b.codes[at] as number) >= 0) b.codes[at] = code;
      }
    }
  };
}
