// SNR versus boundary (spec section 5 item 4): hcim at b = first..last, measured and modelled.
import { childRun, finishParent, fmtDb, startParent, type ProcedureContext, type ProcedureReport } from './context';
import { sweepStimulus, type WorkloadParams } from './workload-params';

export interface SnrSweepParams extends WorkloadParams {
  readonly from: number;
  readonly to: number;
  readonly skip: number;
}

export async function snrSweep(ctx: ProcedureContext, params: SnrSweepParams): Promise<ProcedureReport> {
  const parent = startParent(ctx, 'snr-sweep', params, params.to - params.from + 1);
  const stim = sweepStimulus(ctx.profile, params);
  const points: { boundary: number; snrDb: number | null; modelSnrDb: number | null; measuredPjPerMac: number; runId: number }[] = [];
  const table = ['    b   measured dB   model dB   pJ/MAC'];
  for (let b = params.from; b <= params.to; b++) {
    const s = await childRun(ctx, parent, `b=${b}`, { ...stim, config: { mode: 'hcim', boundary: b, skip: Math.min(params.skip, b) } });
    points.push({ boundary: b, snrDb: s.snrDb, modelSnrDb: s.modelSnrDb, measuredPjPerMac: s.measuredPjPerMac, runId: s.runId });
    table.push(`${String(b).padStart(5)}   ${fmtDb(s.snrDb).padStart(11)}   ${fmtDb(s.modelSnrDb).padStart(8)}   ${s.measuredPjPerMac.toFixed(2).padStart(6)}`);
  }
  return finishParent(ctx, parent, 'snr-sweep', null, { points }, table);
}
