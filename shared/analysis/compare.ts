// Silicon against the model, MAC by MAC: measured yhat from the board's D and ADC codes, and the
// residuals a chip engineer looks at (yhat error, code residual in LSB per plane, level agreement).
import type { PlaneGeometry } from '../model/geometry';
import type { MacBatch } from '../model/mac-batch';
import { NOT_ANALOG } from '../model/mac-batch';
import type { DieProfile } from '../model/profile';
import type { ResultBlock } from '../protocol/data-blocks';

/** The per-batch figures of a comparison (stored beside each result block). */
export interface ComparisonSummary {
  readonly macs: number;
  readonly digitalMismatches: number;
  readonly levelAgreements: number;
  readonly signalSq: number;
  readonly errorSq: number;
  readonly modelErrorSq: number;
  readonly yhatResidualMin: number;
  readonly yhatResidualMax: number;
  readonly codeResidualCount: number;
  readonly codeResidualSum: number;
  readonly codeResidualSq: number;
  readonly codeResidualMin: number;
  readonly codeResidualMax: number;
  readonly modelEnergyPj: number;
}

export interface Comparison extends ComparisonSummary {
  /** measured yhat per MAC: D + A * N / L with A from the board's codes */
  readonly yhat: Float64Array;
}

/**
 * Compare measured results (count x repeat records, record r for vector r mod count) with the
 * model's batch of the same `count` vectors, evaluated with per-plane codes.
 */
/**
 * A per-column ADC calibration (procedure adc-transfer): code = gain * ideal + offsetLsb, for the
 * physical column m * BW + j. Applied, a measured code reads as (code - offsetLsb) / gain.
 */
export interface AdcCalibration {
  readonly gain: Float64Array;
  readonly offsetLsb: Float64Array;
}

export function compareWithModel(
  profile: DieProfile,
  geometry: PlaneGeometry,
  model: MacBatch,
  measured: ResultBlock,
  calibration: AdcCalibration | null = null,
): Comparison {
  const { outputs, planes } = model;
  const bw = profile.weightBits;
  if (!model.codes) throw new Error('the model batch must carry per-plane codes to compare with silicon');
  const modelMacs = model.exact.length;
  const macs = measured.count * outputs;
  const yhat = new Float64Array(macs);
  let digitalMismatches = 0;
  let levelAgreements = 0;
  let signalSq = 0;
  let errorSq = 0;
  let modelErrorSq = 0;
  let yMin = Infinity;
  let yMax = -Infinity;
  let cCount = 0;
  let cSum = 0;
  let cSq = 0;
  let cMin = Infinity;
  let cMax = -Infinity;
  let modelEnergy = 0;
  for (let mac = 0; mac < macs; mac++) {
    const ref = mac % modelMacs;
    let a = 0;
    const columns = (mac % outputs) * bw;
    for (let p = 0; p < planes; p++) {
      const raw = measured.codes[mac * planes + p] as number;
      if (raw === NOT_ANALOG) continue;
      let code = raw;
      if (calibration) {
        const col = columns + (geometry.weightBit[p] as number);
        code = (raw - (calibration.offsetLsb[col] as number)) / (calibration.gain[col] as number);
      }
      a += (geometry.planeWeight[p] as number) * code;
      const ideal = model.codes[ref * planes + p] as number;
      if (ideal !== NOT_ANALOG) {
        const r = code - ideal;
        cCount++;
        cSum += r;
        cSq += r * r;
        if (r < cMin) cMin = r;
        if (r > cMax) cMax = r;
      }
    }
    const d = measured.digital[mac] as number;
    const y = d + (a * profile.rows) / geometry.adcTop; // the spec's formula, rounded as the model rounds it
    yhat[mac] = y;
    const exact = model.exact[ref] as number;
    const my = model.yhat[ref] as number;
    if (d !== model.digital[ref]) digitalMismatches++;
    if (measured.level[mac] === model.level[ref]) levelAgreements++;
    signalSq += exact * exact;
    errorSq += (y - exact) * (y - exact);
    modelErrorSq += (my - exact) * (my - exact);
    const res = y - my;
    if (res < yMin) yMin = res;
    if (res > yMax) yMax = res;
    modelEnergy += model.energyPj[ref] as number;
  }
  return {
    yhat,
    macs,
    digitalMismatches,
    levelAgreements,
    signalSq,
    errorSq,
    modelErrorSq,
    yhatResidualMin: macs > 0 ? yMin : 0,
    yhatResidualMax: macs > 0 ? yMax : 0,
    codeResidualCount: cCount,
    codeResidualSum: cSum,
    codeResidualSq: cSq,
    codeResidualMin: cCount > 0 ? cMin : 0,
    codeResidualMax: cCount > 0 ? cMax : 0,
    modelEnergyPj: modelEnergy,
  };
}
