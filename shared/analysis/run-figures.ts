// A run's figures, measured beside modelled, accumulated batch by batch: the same numbers serve
// the live view while the run goes on and the summary it ends with.
import type { DieProfile } from '../model/profile';
import type { ComparisonSummary } from './compare';
import { snrDb } from './summary';

export interface RunFigures {
  readonly macs: number;
  readonly snrDb: number | null;
  readonly modelSnrDb: number | null;
  readonly levelAgreement: number;
  readonly digitalMismatches: number;
  readonly codeResidualMeanLsb: number;
  readonly codeResidualRmsLsb: number;
  readonly measuredPjPerMac: number;
  readonly modelPjPerMac: number;
  readonly gainVsDcim: number;
  readonly modelGainVsDcim: number;
  readonly dieTempC: number | null;
}

/** The energy a burst drew on the compute rails, pJ: mW x us = nJ. */
export function burstEnergyPj(p: { readonly vddDigMw: number; readonly vddAnaMw: number; readonly burstUs: number }): number {
  return (p.vddDigMw + p.vddAnaMw) * p.burstUs * 1000;
}

export class RunFiguresAccumulator {
  private macs = 0;
  private signal = 0;
  private error = 0;
  private modelError = 0;
  private levels = 0;
  private mismatches = 0;
  private cCount = 0;
  private cSum = 0;
  private cSq = 0;
  private modelPj = 0;
  private measuredPj = 0;
  private dieTempC: number | null = null;

  constructor(private readonly profile: DieProfile) {}

  /** One committed batch: its comparison with the model, the rail energy of its burst, its die temperature. */
  add(cmp: ComparisonSummary, measuredPj: number, dieTempC: number): void {
    this.macs += cmp.macs;
    this.signal += cmp.signalSq;
    this.error += cmp.errorSq;
    this.modelError += cmp.modelErrorSq;
    this.levels += cmp.levelAgreements;
    this.mismatches += cmp.digitalMismatches;
    this.cCount += cmp.codeResidualCount;
    this.cSum += cmp.codeResidualSum;
    this.cSq += cmp.codeResidualSq;
    this.modelPj += cmp.modelEnergyPj;
    this.measuredPj += measuredPj;
    this.dieTempC = dieTempC;
  }

  get batchesSeen(): boolean {
    return this.macs > 0;
  }

  figures(): RunFigures {
    const p = this.profile;
    const dcimPj = p.inputBits * p.weightBits * p.energy.digitalPlanePj;
    const per = (v: number, n: number) => (n > 0 ? v / n : 0);
    const measuredPjPerMac = per(this.measuredPj, this.macs);
    const modelPjPerMac = per(this.modelPj, this.macs);
    return {
      macs: this.macs,
      snrDb: snrDb(this.signal, this.error),
      modelSnrDb: snrDb(this.signal, this.modelError),
      levelAgreement: per(this.levels, this.macs),
      digitalMismatches: this.mismatches,
      codeResidualMeanLsb: per(this.cSum, this.cCount),
      codeResidualRmsLsb: Math.sqrt(per(this.cSq, this.cCount)),
      measuredPjPerMac,
      modelPjPerMac,
      gainVsDcim: measuredPjPerMac > 0 ? dcimPj / measuredPjPerMac : 0,
      modelGainVsDcim: modelPjPerMac > 0 ? dcimPj / modelPjPerMac : 0,
      dieTempC: this.dieTempC,
    };
  }
}
