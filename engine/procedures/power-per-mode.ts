// Energy and power per mode (spec section 5 item 6): measured rails against the energy model,
// as pJ per MAC and TOPS/W (one MAC of N rows is 2N operations).
import type { PowerPerModeSummary, ProcedureReportOf } from '../../shared/api/procedure-reports';
import { childRun, finishParent, startParent, type ProcedureContext } from './context';
import { sweepStimulus, type WorkloadParams } from './workload-params';
import type { ModeConfig } from '../../shared/model/modes';

export interface PowerParams extends WorkloadParams {
  readonly boundary: number;
}

export async function powerPerMode(ctx: ProcedureContext, params: PowerParams): Promise<ProcedureReportOf<'power-per-mode'>> {
  const modes: ModeConfig[] = [{ mode: 'dcim' }, { mode: 'acim' }, { mode: 'hcim', boundary: params.boundary }, { mode: 'osa' }];
  const parent = startParent(ctx, 'power-per-mode', params, modes.length);
  const stim = sweepStimulus(ctx.profile, params);
  const ops = 2 * ctx.profile.rows;
  const points: PowerPerModeSummary['points'] = [];
  for (const config of modes) {
    const name = config.mode === 'hcim' ? `hcim b=${config.boundary}` : config.mode;
    const s = await childRun(ctx, parent, name, { ...stim, config });
    const tops = s.measuredPjPerMac > 0 ? ops / s.measuredPjPerMac : 0;
    const modelTops = s.modelPjPerMac > 0 ? ops / s.modelPjPerMac : 0;
    points.push({ mode: name, measuredPjPerMac: s.measuredPjPerMac, modelPjPerMac: s.modelPjPerMac, topsPerWatt: tops, modelTopsPerWatt: modelTops, runId: s.runId });
  }
  return finishParent(ctx, parent, 'power-per-mode', null, { points });
}
