// Summary statistics of a set of MACs (spec section 5): SNR overall and per level, level mix,
// mean plane counts, energy per MAC, efficiency gain against DCIM and TOPS/W.
// An accumulator, so that a run can fold in batch after batch without keeping them.
import type { MacBatch } from '../model/evaluator';
import type { DieProfile } from '../model/profile';

export interface PlaneMeans {
  readonly digital: number;
  readonly analog: number;
  readonly skipped: number;
}

export interface ModelSummary {
  readonly vectors: number;
  readonly macs: number;
  /** 10 log10(sum exact^2 / sum (yhat - exact)^2); null when there is no error (infinite SNR) */
  readonly snrDb: number | null;
  /** per level; null where the level has no error or no MAC (levelMix tells which) */
  readonly snrDbPerLevel: readonly (number | null)[];
  /** share of MACs at each level, levels 0..K-1 (all at level 0 outside osa mode) */
  readonly levelMix: readonly number[];
  readonly meanPlanes: PlaneMeans;
  readonly energyPjPerMac: number;
  /** E(dcim) / E(this configuration), per MAC */
  readonly gainVsDcim: number;
  /** one MAC of N rows is 2N operations */
  readonly topsPerWatt: number;
}

export function snrDb(signalPower: number, errorPower: number): number | null {
  if (errorPower === 0 || signalPower === 0) return null;
  return 10 * Math.log10(signalPower / errorPower);
}

export class SummaryAccumulator {
  private vectors = 0;
  private macs = 0;
  private readonly signal: Float64Array;
  private readonly error: Float64Array;
  private readonly perLevel: Float64Array;
  private digital = 0;
  private analog = 0;
  private skipped = 0;
  private energy = 0;

  constructor(private readonly profile: DieProfile) {
    const k = profile.levels.length;
    this.signal = new Float64Array(k);
    this.error = new Float64Array(k);
    this.perLevel = new Float64Array(k);
  }

  add(batch: MacBatch): this {
    this.vectors += batch.vectors;
    const n = batch.exact.length;
    this.macs += n;
    for (let mac = 0; mac < n; mac++) {
      const exact = batch.exact[mac] as number;
      const err = (batch.yhat[mac] as number) - exact;
      const level = batch.level[mac] as number;
      this.signal[level] = (this.signal[level] as number) + exact * exact;
      this.error[level] = (this.error[level] as number) + err * err;
      this.perLevel[level] = (this.perLevel[level] as number) + 1;
      this.digital += batch.nDigital[mac] as number;
      this.analog += batch.nAnalog[mac] as number;
      this.skipped += batch.nSkipped[mac] as number;
      this.energy += batch.energyPj[mac] as number;
    }
    return this;
  }

  result(): ModelSummary {
    const { profile, macs } = this;
    const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
    const perMac = (v: number) => (macs > 0 ? v / macs : 0);
    const energyPjPerMac = perMac(this.energy);
    const dcimPj = profile.inputBits * profile.weightBits * profile.energy.digitalPlanePj;
    return {
      vectors: this.vectors,
      macs,
      snrDb: snrDb(sum(this.signal), sum(this.error)),
      snrDbPerLevel: Array.from(this.signal, (s, l) => snrDb(s, this.error[l] as number)),
      levelMix: Array.from(this.perLevel, (c) => perMac(c)),
      meanPlanes: { digital: perMac(this.digital), analog: perMac(this.analog), skipped: perMac(this.skipped) },
      energyPjPerMac,
      gainVsDcim: energyPjPerMac > 0 ? dcimPj / energyPjPerMac : 0,
      topsPerWatt: energyPjPerMac > 0 ? (2 * profile.rows) / energyPjPerMac : 0,
    };
  }
}

export function summarize(profile: DieProfile, batch: MacBatch): ModelSummary {
  return new SummaryAccumulator(profile).add(batch).result();
}
