// Repeatability (spec section 5 item 7): the same run repeated, and several dies compared. Each
// die (board) runs the same stimulus `times` times; the report sets the die-to-die spread of the
// figures beside the run-to-run spread within a die, the noise that any die difference must beat.
import type { DbSpread, DieRepeatability, ProcedureReportOf, RepeatabilitySummary } from '../../shared/api/procedure-reports';
import { spread } from '../../shared/analysis/spread';
import type { ModeConfig } from '../../shared/model/modes';
import type { BoardLink } from '../board/board-link';
import { measuredDieId } from '../store/stored-run';
import { childRun, finishParent, startParent, type ProcedureContext } from './context';
import { sweepStimulus, type WorkloadParams } from './workload-params';

export interface RepeatabilityParams extends WorkloadParams {
  readonly times: number;
  readonly config: ModeConfig;
  /** the dies to compare, one board each; the context's board alone if absent */
  readonly boards?: readonly BoardLink[];
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);

/** The spread of dB figures, null standing for infinity in and out (JSON has none). */
function dbSpread(values: readonly (number | null)[]): DbSpread {
  const s = spread(values.map((v) => v ?? Infinity));
  return { mean: finite(s.mean), sd: finite(s.sd), min: finite(s.min), max: finite(s.max) };
}

export async function repeatability(ctx: ProcedureContext, params: RepeatabilityParams): Promise<ProcedureReportOf<'repeatability'>> {
  const { boards = [ctx.board], ...recorded } = params;
  const parent = startParent(ctx, 'repeatability', { ...recorded, boards: boards.map((b) => b.description) }, boards.length * params.times);
  const stim = sweepStimulus(ctx.profile, params);
  const dies: DieRepeatability[] = [];
  for (const board of boards) {
    const runs: DieRepeatability['runs'] = [];
    let dieId = board.description;
    for (let k = 1; k <= params.times; k++) {
      const s = await childRun({ ...ctx, board }, parent, `${board.description}: repeat ${k}`, { ...stim, config: params.config });
      dieId = measuredDieId(ctx.store, s.runId) || dieId;
      runs.push({ runId: s.runId, snrDb: s.snrDb, measuredPjPerMac: s.measuredPjPerMac });
    }
    dies.push({ dieId, runs, snrDb: dbSpread(runs.map((r) => r.snrDb)), measuredPjPerMac: spread(runs.map((r) => r.measuredPjPerMac)) });
  }
  const summary: RepeatabilitySummary = { dies, betweenDies: null, withinDieSd: null };
  if (dies.length > 1) {
    // between dies: the spread of the dies' means; within: the pooled run-to-run sd
    const pooled = (sds: readonly number[]) => Math.sqrt(sds.reduce((s, sd) => s + sd ** 2, 0) / sds.length);
    summary.betweenDies = { snrDb: dbSpread(dies.map((d) => d.snrDb.mean)), measuredPjPerMac: spread(dies.map((d) => d.measuredPjPerMac.mean)) };
    // an sd that is not finite (an infinite SNR) leaves the pooled one not finite: null
    summary.withinDieSd = { snrDb: finite(pooled(dies.map((d) => d.snrDb.sd ?? NaN))), measuredPjPerMac: pooled(dies.map((d) => d.measuredPjPerMac.sd)) };
  }
  return finishParent(ctx, parent, 'repeatability', null, summary);
}
