// ADC transfer curve per column (spec section 5 item 3). Input plane 0 ramps through P = 0..N
// active rows; output m holds only weight bit j = (m + s) mod BW on every row, so the ramp lands
// on physical column (m, j); BW rotations s cover every column. In acim mode, repeated R times:
// per column the gain and offset (least squares of the mean code against the ideal P * L / N),
// the noise (spread over repeats), and DNL / INL by the code-density method. The gains and
// offsets become a calibration record.
import { spread } from '../../shared/analysis/spread';
import { intMatrix } from '../../shared/model/matrix';
import { weightRange } from '../../shared/model/matrix';
import { matrixSource } from '../../shared/workload/vector-source';
import type { ProcedureReportOf } from '../../shared/api/procedure-reports';
import { measuredDieId } from '../store/stored-run';
import { childRun, finishParent, startParent, type ProcedureContext } from './context';

export interface AdcTransferParams {
  readonly repeat: number;
}

export interface ColumnFit {
  readonly column: number;
  readonly gain: number;
  readonly offsetLsb: number;
  readonly noiseLsb: number;
  readonly maxDnlLsb: number;
  readonly maxInlLsb: number;
}

/** Fit one column from codes[P][repeat]. */
export function fitColumn(column: number, codes: number[][], rows: number, adcTop: number): ColumnFit {
  const xs: number[] = [];
  const ys: number[] = [];
  let noise = 0;
  codes.forEach((samples, p) => {
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    noise += samples.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, samples.length - 1);
    xs.push((p * adcTop) / rows);
    ys.push(mean);
  });
  // only the unsaturated part of the curve: codes strictly inside 0..L
  const use = xs.map((_, i) => i).filter((i) => (ys[i] as number) > 0.5 && (ys[i] as number) < adcTop - 0.5);
  const n = use.length;
  const mx = use.reduce((a, i) => a + (xs[i] as number), 0) / n;
  const my = use.reduce((a, i) => a + (ys[i] as number), 0) / n;
  const sxx = use.reduce((a, i) => a + ((xs[i] as number) - mx) ** 2, 0);
  const sxy = use.reduce((a, i) => a + ((xs[i] as number) - mx) * ((ys[i] as number) - my), 0);
  const gain = sxx > 0 ? sxy / sxx : 0;
  const offset = my - gain * mx;
  // code density: how many ramp steps land on each inner code, against the ideal N / L
  const hits = new Array<number>(adcTop + 1).fill(0);
  codes.forEach((samples) => samples.forEach((c) => (hits[c] = (hits[c] ?? 0) + 1 / samples.length)));
  const ideal = rows / adcTop;
  let inl = 0;
  let maxDnl = 0;
  let maxInl = 0;
  for (let k = 1; k < adcTop; k++) {
    const dnl = (hits[k] as number) / ideal - 1;
    inl += dnl;
    maxDnl = Math.max(maxDnl, Math.abs(dnl));
    maxInl = Math.max(maxInl, Math.abs(inl));
  }
  return { column, gain, offsetLsb: offset, noiseLsb: Math.sqrt(noise / codes.length), maxDnlLsb: maxDnl, maxInlLsb: maxInl };
}

export async function adcTransfer(ctx: ProcedureContext, params: AdcTransferParams): Promise<ProcedureReportOf<'adc-transfer'>> {
  const parent = startParent(ctx, 'adc-transfer', params, ctx.profile.weightBits);
  const p = ctx.profile;
  const { rows, outputs, weightBits: bw } = p;
  const adcTop = 2 ** p.adcBits - 1;
  const wMin = weightRange(bw)[0];
  const ramp = intMatrix(
    rows + 1,
    rows,
    Int32Array.from({ length: (rows + 1) * rows }, (_, k) => (k % rows < Math.floor(k / rows) ? 1 : 0)),
  );
  const fits: ColumnFit[] = [];
  let dieId = '';
  for (let s = 0; s < bw; s++) {
    const weights = intMatrix(
      rows,
      outputs,
      Int32Array.from({ length: rows * outputs }, (_, k) => {
        const j = ((k % outputs) + s) % bw;
        return j === bw - 1 ? wMin : 2 ** j;
      }),
    );
    const run = await childRun(ctx, parent, `rotation ${s}`, {
      config: { mode: 'acim' },
      weights,
      vectors: matrixSource(ramp),
      repeat: params.repeat,
      source: { generator: 'adc-ramp', seed: s },
    });
    dieId = measuredDieId(ctx.store, run.runId);
    const codes: number[][][] = Array.from({ length: outputs }, () => Array.from({ length: rows + 1 }, () => []));
    for (const b of ctx.store.blocks(run.runId)) {
      const results = b.vectors * b.repeat;
      for (let n = 0; n < results; n++) {
        const P = b.firstVector + (n % b.vectors);
        for (let m = 0; m < outputs; m++) {
          const j = (m + s) % bw;
          (codes[m]?.[P] as number[]).push(b.codes[(n * outputs + m) * b.planes + j] as number); // plane (i = 0, j)
        }
      }
    }
    for (let m = 0; m < outputs; m++) fits.push(fitColumn(m * bw + ((m + s) % bw), codes[m] as number[][], rows, adcTop));
  }
  fits.sort((a, b) => a.column - b.column);
  const stat = (f: (c: ColumnFit) => number) => {
    const v = fits.map(f);
    const { mean, sd } = spread(v);
    return { mean, sd, worst: Math.max(...v.map(Math.abs)) };
  };
  const gain = stat((c) => c.gain);
  const offset = stat((c) => c.offsetLsb);
  const noise = stat((c) => c.noiseLsb);
  const dnl = stat((c) => c.maxDnlLsb);
  const inl = stat((c) => c.maxInlLsb);
  const calibration = ctx.store.putCalibration({
    dieId,
    sourceRunId: parent.id,
    gain: Float64Array.from(fits, (c) => c.gain),
    offsetLsb: Float64Array.from(fits, (c) => c.offsetLsb),
    notes: `adc-transfer, ${params.repeat} repeats`,
  });
  return finishParent(ctx, parent, 'adc-transfer', null, {
    rows,
    repeat: params.repeat,
    columns: fits,
    gain,
    offsetLsb: offset,
    noiseLsb: noise,
    maxDnlLsb: dnl,
    maxInlLsb: inl,
    calibrationId: calibration.id,
  });
}
