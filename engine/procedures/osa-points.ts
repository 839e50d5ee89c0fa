// OSA operating points (spec section 5 item 5): the default thresholds shifted by a list of
// offsets; per set the level mix, SNR per level and overall, and the energy gain against DCIM,
// then the energy/accuracy Pareto front (no other point has both more gain and more SNR).
import { parseDieProfile } from '../../shared/model/profile';
import type { OsaPointsSummary, ProcedureReportOf } from '../../shared/api/procedure-reports';
import { childRun, finishParent, startParent, type ProcedureContext } from './context';
import { sweepStimulus, type WorkloadParams } from './workload-params';

export interface OsaPointsParams extends WorkloadParams {
  /** added to every threshold of the profile, one operating point each */
  readonly offsets: readonly number[];
}

export async function osaPoints(ctx: ProcedureContext, params: OsaPointsParams): Promise<ProcedureReportOf<'osa-points'>> {
  const parent = startParent(ctx, 'osa-points', params, params.offsets.length);
  const stim = sweepStimulus(ctx.profile, params);
  const points: OsaPointsSummary['points'] = [];
  for (const offset of params.offsets) {
    const thresholds = ctx.profile.thresholds.map((t) => t + offset);
    const profile = parseDieProfile({ ...ctx.profile, levels: ctx.profile.levels.map((l) => ({ ...l })), thresholds, energy: { ...ctx.profile.energy } });
    const s = await childRun({ ...ctx, profile }, parent, `thresholds ${offset >= 0 ? '+' : ''}${offset}`, { ...stim, config: { mode: 'osa' } });
    points.push({
      offset,
      thresholds,
      snrDb: s.snrDb,
      gainVsDcim: s.gainVsDcim,
      modelGainVsDcim: s.modelGainVsDcim,
      levelMix: levelMixOf(ctx, s.runId, ctx.profile.levels.length),
      pareto: false,
      runId: s.runId,
    });
  }
  for (const p of points) {
    const snr = p.snrDb ?? Infinity;
    p.pareto = !points.some(
      (q) => q !== p && q.gainVsDcim >= p.gainVsDcim && (q.snrDb ?? Infinity) >= snr && (q.gainVsDcim > p.gainVsDcim || (q.snrDb ?? Infinity) > snr),
    );
  }
  return finishParent(ctx, parent, 'osa-points', null, { points });
}

/** The measured level mix of a run, from its blocks. */
function levelMixOf(ctx: ProcedureContext, runId: number, levels: number): number[] {
  const counts = new Array<number>(levels).fill(0);
  let n = 0;
  for (const b of ctx.store.blocks(runId)) {
    for (const l of b.level) {
      counts[l] = (counts[l] ?? 0) + 1;
      n++;
    }
  }
  return counts.map((c) => (n > 0 ? c / n : 0));
}
