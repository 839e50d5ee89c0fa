// SNR versus boundary (spec section 5 item 4): hcim at b = first..last, measured and modelled.
import type { ProcedureReportOf, SnrSweepSummary } from '../../shared/api/procedure-reports';
import { childRun, finishParent, startParent, type ProcedureContext } from './context';
import { sweepStimulus, type WorkloadParams } from './workload-params';

export interface SnrSweepParams extends WorkloadParams {
  readonly from: number;
  readonly to: number;
  readonly skip: number;
}

export async function snrSweep(ctx: ProcedureContext, params: SnrSweepParams): Promise<ProcedureReportOf<'snr-sweep'>> {
  const parent = startParent(ctx, 'snr-sweep', params, params.to - params.from + 1);
  const stim = sweepStimulus(ctx.profile, params);
  const points: SnrSweepSummary['points'] = [];
  for (let b = params.from; b <= params.to; b++) {
    const s = await childRun(ctx, parent, `b=${b}`, { ...stim, config: { mode: 'hcim', boundary: b, skip: Math.min(params.skip, b) } });
    points.push({ boundary: b, snrDb: s.snrDb, modelSnrDb: s.modelSnrDb, measuredPjPerMac: s.measuredPjPerMac, runId: s.runId });
  }
  return finishParent(ctx, parent, 'snr-sweep', null, { points });
}
