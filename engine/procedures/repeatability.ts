// Repeatability (spec section 5 item 7): the same run repeated; the spread of its figures.
import type { ModeConfig } from '../../shared/model/modes';
import { childRun, finishParent, fmtDb, startParent, type ProcedureContext, type ProcedureReport } from './context';
import { sweepStimulus, type WorkloadParams } from './workload-params';

export interface RepeatabilityParams extends WorkloadParams {
  readonly times: number;
  readonly config: ModeConfig;
}

function spread(values: number[]) {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return { mean, sd, min: Math.min(...values), max: Math.max(...values) };
}

export async function repeatability(ctx: ProcedureContext, params: RepeatabilityParams): Promise<ProcedureReport> {
  const parent = startParent(ctx, 'repeatability', params);
  const stim = sweepStimulus(ctx.profile, params);
  const snr: number[] = [];
  const pj: number[] = [];
  const table: string[] = [];
  for (let k = 1; k <= params.times; k++) {
    const s = await childRun(ctx, parent.id, `repeat ${k}`, { ...stim, config: params.config });
    snr.push(s.snrDb ?? Infinity);
    pj.push(s.measuredPjPerMac);
    table.push(`repeat ${String(k).padStart(3)}   SNR ${fmtDb(s.snrDb)} dB   ${s.measuredPjPerMac.toFixed(3)} pJ/MAC   (run ${s.runId})`);
  }
  const summary = { snrDb: spread(snr), measuredPjPerMac: spread(pj) };
  table.push(`SNR ${summary.snrDb.mean.toFixed(3)} +- ${summary.snrDb.sd.toFixed(3)} dB; energy ${summary.measuredPjPerMac.mean.toFixed(3)} +- ${summary.measuredPjPerMac.sd.toFixed(3)} pJ/MAC`);
  return finishParent(ctx, parent, 'repeatability', null, summary, table);
}
