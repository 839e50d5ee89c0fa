// Energy and power per mode (spec section 5 item 6): measured rails against the energy model,
// as pJ per MAC and TOPS/W (one MAC of N rows is 2N operations).
import { childRun, finishParent, startParent, type ProcedureContext, type ProcedureReport } from './context';
import { sweepStimulus, type WorkloadParams } from './workload-params';
import type { ModeConfig } from '../../shared/model/modes';

export interface PowerParams extends WorkloadParams {
  readonly boundary: number;
}

export async function powerPerMode(ctx: ProcedureContext, params: PowerParams): Promise<ProcedureReport> {
  const modes: ModeConfig[] = [{ mode: 'dcim' }, { mode: 'acim' }, { mode: 'hcim', boundary: params.boundary }, { mode: 'osa' }];
  const parent = startParent(ctx, 'power-per-mode', params, modes.length);
  const stim = sweepStimulus(ctx.profile, params);
  const ops = 2 * ctx.profile.rows;
  const table = ['mode         measured pJ/MAC   model pJ/MAC   measured TOPS/W   model TOPS/W   ratio'];
  const points = [];
  for (const config of modes) {
    const name = config.mode === 'hcim' ? `hcim b=${config.boundary}` : config.mode;
    const s = await childRun(ctx, parent, name, { ...stim, config });
    const tops = s.measuredPjPerMac > 0 ? ops / s.measuredPjPerMac : 0;
    const modelTops = s.modelPjPerMac > 0 ? ops / s.modelPjPerMac : 0;
    points.push({ mode: name, measuredPjPerMac: s.measuredPjPerMac, modelPjPerMac: s.modelPjPerMac, topsPerWatt: tops, modelTopsPerWatt: modelTops, runId: s.runId });
    table.push(`${name.padEnd(12)} ${s.measuredPjPerMac.toFixed(2).padStart(15)}   ${s.modelPjPerMac.toFixed(2).padStart(12)}   ${tops.toFixed(2).padStart(15)}   ${modelTops.toFixed(2).padStart(12)}   ${(s.measuredPjPerMac / s.modelPjPerMac).toFixed(3)}`);
  }
  return finishParent(ctx, parent, 'power-per-mode', null, { points }, table);
}
