// A block's live sample for the Run screen: (exact, measured yhat) of a few MACs, and histograms
// of the ADC code residual (LSB) over every conversion and of the yhat error over every MAC, on
// the fixed bins of shared/api/figures.ts. Small enough for every batch document and for the
// block's row in the store, so a live run and its read-back draw the same scatter and histograms.
import { CODE_RESIDUAL_BINS, CODE_RESIDUAL_SPAN, SAMPLE_MACS, YHAT_ERROR_BINS, YHAT_ERROR_OCTAVES, type BlockSample, type ResidualHistograms } from '../api/figures';
import type { PlaneGeometry } from '../model/geometry';
import { NOT_ANALOG, type MacBatch } from '../model/mac-batch';
import type { DieProfile } from '../model/profile';
import type { ResultBlock } from '../protocol/data-blocks';
import type { AdcCalibration } from './compare';

/**
 * The `n` MACs of a block that its sample shows, ascending: records evenly spaced over the block,
 * the outputs in turn (a plain stride over MACs would fall in step with the outputs and show only
 * some of them); all of the block's MACs when they are fewer than `n`.
 */
export function samplePicks(macs: number, outputs: number, n = SAMPLE_MACS): number[] {
  if (macs <= n) return Array.from({ length: macs }, (_, i) => i);
  const records = Math.ceil(macs / outputs);
  const picks = new Set<number>();
  for (let k = 0; k < n; k++) {
    let mac = Math.min(macs - 1, Math.floor(((k + 0.5) * records) / n) * outputs + (k % outputs));
    while (picks.has(mac)) mac = (mac + 1) % macs; // two picks in one MAC (a block of few records): the next one free
    picks.add(mac);
  }
  return [...picks].sort((a, b) => a - b);
}

/** The bin of a code residual r (LSB): r rounded half up; NaN (a calibration gain of 0) counts in the top bin. */
export function codeResidualBin(r: number): number {
  const k = Math.floor(r + 0.5);
  if (k >= -CODE_RESIDUAL_SPAN && k <= CODE_RESIDUAL_SPAN) return k + CODE_RESIDUAL_SPAN + 1;
  return k < -CODE_RESIDUAL_SPAN ? 0 : CODE_RESIDUAL_BINS - 1;
}

/** The bin of a yhat error e: its sign and octave; NaN counts in the top bin. */
export function yhatErrorBin(e: number): number {
  const a = Math.abs(e);
  if (a < 1) return YHAT_ERROR_OCTAVES;
  if (!(a >= 1)) return YHAT_ERROR_BINS - 1;
  const octave = Math.min(YHAT_ERROR_OCTAVES - 1, a < 2 ** 32 ? 31 - Math.clz32(a) : Math.floor(Math.log2(a)));
  return e < 0 ? YHAT_ERROR_OCTAVES - 1 - octave : YHAT_ERROR_OCTAVES + 1 + octave;
}

function count(bins: Float64Array, at: number): void {
  bins[at] = (bins[at] as number) + 1;
}

/**
 * The sample of a block compared with the model (compare.ts): `yhat` is the comparison's measured
 * yhat per MAC; the code residual is taken as the comparison takes it (through the calibration,
 * where both the model and the board converted the plane), so its counts add up to the block's
 * codeResidualCount and the yhat error's to its MACs.
 */
export function blockSample(
  profile: DieProfile,
  geometry: PlaneGeometry,
  model: MacBatch,
  measured: ResultBlock,
  yhat: Float64Array,
  calibration: AdcCalibration | null = null,
): BlockSample {
  const { outputs, planes } = model;
  const modelCodes = model.codes;
  if (!modelCodes) throw new Error('the model batch must carry per-plane codes to sample a block');
  const bw = profile.weightBits;
  const modelMacs = model.exact.length;
  const macs = measured.count * outputs;
  const error = new Float64Array(YHAT_ERROR_BINS);
  for (let mac = 0; mac < macs; mac++) count(error, yhatErrorBin((yhat[mac] as number) - (model.exact[mac % modelMacs] as number)));
  const conversions = macs * planes;
  const code = calibration
    ? calibratedCodeResiduals(geometry, bw, outputs, planes, modelCodes, measured.codes, conversions, calibration)
    : codeResiduals(modelCodes, measured.codes, conversions);
  const pairs: [number, number][] = [];
  for (const mac of samplePicks(macs, outputs)) {
    // + 0: no -0, which JSON (the store, the wire) would give back as 0
    const x = (model.exact[mac % modelMacs] as number) + 0;
    const y = (yhat[mac] as number) + 0;
    if (Number.isFinite(x) && Number.isFinite(y)) pairs.push([x, y]);
  }
  return { pairs, codeResidual: Array.from(code), yhatError: Array.from(error) };
}

/** Raw codes: integer residuals, so the bin is the residual clamped (the loop every block of every run takes, kept tight). */
function codeResiduals(modelCodes: Int16Array, codes: Int16Array, conversions: number): Float64Array {
  const bins = new Float64Array(CODE_RESIDUAL_BINS);
  const top = CODE_RESIDUAL_BINS - 1;
  const n = modelCodes.length;
  for (let k = 0, ref = 0; k < conversions; k++, ref = ref + 1 === n ? 0 : ref + 1) {
    const raw = codes[k] as number;
    const ideal = modelCodes[ref] as number;
    if (raw === NOT_ANALOG || ideal === NOT_ANALOG) continue;
    const at = raw - ideal + CODE_RESIDUAL_SPAN + 1;
    const bin = at < 0 ? 0 : at > top ? top : at;
    bins[bin] = (bins[bin] as number) + 1;
  }
  return bins;
}

/** Codes read through a per-column calibration, as compare.ts reads them: real residuals, rounded half up. */
function calibratedCodeResiduals(
  geometry: PlaneGeometry,
  bw: number,
  outputs: number,
  planes: number,
  modelCodes: Int16Array,
  codes: Int16Array,
  conversions: number,
  calibration: AdcCalibration,
): Float64Array {
  const bins = new Float64Array(CODE_RESIDUAL_BINS);
  const n = modelCodes.length;
  for (let k = 0; k < conversions; k++) {
    const raw = codes[k] as number;
    const ideal = modelCodes[k % n] as number;
    if (raw === NOT_ANALOG || ideal === NOT_ANALOG) continue;
    const p = k % planes;
    const col = (Math.floor(k / planes) % outputs) * bw + (geometry.weightBit[p] as number);
    count(bins, codeResidualBin((raw - (calibration.offsetLsb[col] as number)) / (calibration.gain[col] as number) - ideal));
  }
  return bins;
}

/** The residual histograms of a run so far: its blocks' counts added up (blocks without a sample, logged before them, add nothing). */
export class ResidualHistogramsAccumulator {
  private readonly code = new Float64Array(CODE_RESIDUAL_BINS);
  private readonly error = new Float64Array(YHAT_ERROR_BINS);
  private any = false;

  add(sample: ResidualHistograms | undefined): void {
    if (!sample) return;
    this.any = true;
    sample.codeResidual.forEach((n, i) => (this.code[i] = (this.code[i] as number) + n));
    sample.yhatError.forEach((n, i) => (this.error[i] = (this.error[i] as number) + n));
  }

  /** null until a block with a sample was added */
  result(): ResidualHistograms | null {
    return this.any ? { codeResidual: Array.from(this.code), yhatError: Array.from(this.error) } : null;
  }
}
