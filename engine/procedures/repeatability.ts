// Repeatability (spec section 5 item 7): the same run repeated, and several dies compared. Each
// die (board) runs the same stimulus `times` times; the report sets the die-to-die spread of the
// figures beside the run-to-run spread within a die, the noise that any die difference must beat.
import { spread, type Spread } from '../../shared/analysis/spread';
import type { ModeConfig } from '../../shared/model/modes';
import type { BoardLink } from '../board/board-link';
import { childRun, finishParent, fmtDb, startParent, type ProcedureContext, type ProcedureReport } from './context';
import { sweepStimulus, type WorkloadParams } from './workload-params';

export interface RepeatabilityParams extends WorkloadParams {
  readonly times: number;
  readonly config: ModeConfig;
  /** the dies to compare, one board each; the context's board alone if absent */
  readonly boards?: readonly BoardLink[];
}

export interface DieRepeatability {
  readonly dieId: string;
  readonly runs: readonly number[];
  readonly snrDb: Spread;
  readonly measuredPjPerMac: Spread;
}

export async function repeatability(ctx: ProcedureContext, params: RepeatabilityParams): Promise<ProcedureReport> {
  const { boards = [ctx.board], ...recorded } = params;
  const parent = startParent(ctx, 'repeatability', { ...recorded, boards: boards.map((b) => b.description) }, boards.length * params.times);
  const stim = sweepStimulus(ctx.profile, params);
  const dies: DieRepeatability[] = [];
  const table: string[] = [];
  for (const board of boards) {
    const snr: number[] = [];
    const pj: number[] = [];
    const runs: number[] = [];
    let dieId = board.description;
    for (let k = 1; k <= params.times; k++) {
      const s = await childRun({ ...ctx, board }, parent, `${board.description}: repeat ${k}`, { ...stim, config: params.config });
      dieId = String(ctx.store.getRun(s.runId)?.provenance.dieId ?? dieId);
      snr.push(s.snrDb ?? Infinity);
      pj.push(s.measuredPjPerMac);
      runs.push(s.runId);
      table.push(`${dieId}  repeat ${String(k).padStart(3)}   SNR ${fmtDb(s.snrDb)} dB   ${s.measuredPjPerMac.toFixed(3)} pJ/MAC   (run ${s.runId})`);
    }
    const die = { dieId, runs, snrDb: spread(snr), measuredPjPerMac: spread(pj) };
    dies.push(die);
    table.push(`${dieId}  SNR ${die.snrDb.mean.toFixed(3)} +- ${die.snrDb.sd.toFixed(3)} dB; energy ${die.measuredPjPerMac.mean.toFixed(3)} +- ${die.measuredPjPerMac.sd.toFixed(3)} pJ/MAC`);
  }
  if (dies.length === 1) {
    const only = dies[0] as DieRepeatability;
    return finishParent(ctx, parent, 'repeatability', null, { snrDb: only.snrDb, measuredPjPerMac: only.measuredPjPerMac, dies }, table);
  }
  // between dies: the spread of the dies' means; within: the pooled run-to-run sd
  const pooled = (pick: (d: DieRepeatability) => Spread) => Math.sqrt(dies.reduce((s, d) => s + pick(d).sd ** 2, 0) / dies.length);
  const betweenDies = { snrDb: spread(dies.map((d) => d.snrDb.mean)), measuredPjPerMac: spread(dies.map((d) => d.measuredPjPerMac.mean)) };
  const withinDieSd = { snrDb: pooled((d) => d.snrDb), measuredPjPerMac: pooled((d) => d.measuredPjPerMac) };
  table.push(
    `${dies.length} dies: SNR ${betweenDies.snrDb.min.toFixed(2)} to ${betweenDies.snrDb.max.toFixed(2)} dB (sd ${betweenDies.snrDb.sd.toFixed(3)} between dies, ${withinDieSd.snrDb.toFixed(3)} within); ` +
      `energy ${betweenDies.measuredPjPerMac.min.toFixed(3)} to ${betweenDies.measuredPjPerMac.max.toFixed(3)} pJ/MAC (sd ${betweenDies.measuredPjPerMac.sd.toFixed(3)} between, ${withinDieSd.measuredPjPerMac.toFixed(3)} within)`,
  );
  return finishParent(ctx, parent, 'repeatability', null, { dies, betweenDies, withinDieSd }, table);
}
