// Two runs over the same stimulus, aligned by vector index (docs/replay-compare.md). The paired
// statistics stand on the block summaries: a segment is a stretch of vectors where both runs end
// a block, so each run's sums over it are exact, and a delta per segment is one paired sample.
// MAC by MAC (the first repeat of each vector), the measured yhat, level and every code both
// runs converted are compared directly, without the model (plane-pairs.ts).
import type { PlaneGeometry } from '../model/geometry';
import { NOT_ANALOG } from '../model/mac-batch';
import type { DieProfile } from '../model/profile';
import type { AdcCalibration, ComparisonSummary } from './compare';
import { burstEnergyPj, RunFiguresAccumulator, type RunFigures } from './run-figures';
import { meanStat, type MeanStat } from './stats';

export interface BlockExtent {
  readonly firstVector: number;
  readonly vectors: number;
}

export interface Segment {
  readonly from: number;
  readonly to: number;
  /** blocks [aFrom, aTo) of run A and [bFrom, bTo) of run B */
  readonly aFrom: number;
  readonly aTo: number;
  readonly bFrom: number;
  readonly bTo: number;
}

/** Stretches from vector 0 that end where both runs end a block (both lists contiguous from 0, in order). */
export function commonSegments(a: readonly BlockExtent[], b: readonly BlockExtent[]): Segment[] {
  const out: Segment[] = [];
  let ia = 0;
  let ib = 0;
  let sa = 0;
  let sb = 0;
  let from = 0;
  while (ia < a.length && ib < b.length) {
    const ea = (a[ia] as BlockExtent).firstVector + (a[ia] as BlockExtent).vectors;
    const eb = (b[ib] as BlockExtent).firstVector + (b[ib] as BlockExtent).vectors;
    if (ea === eb) {
      out.push({ from, to: ea, aFrom: sa, aTo: ia + 1, bFrom: sb, bTo: ib + 1 });
      from = ea;
      sa = ++ia;
      sb = ++ib;
    } else if (ea < eb) ia++;
    else ib++;
  }
  return out;
}

export interface SummaryBlock {
  readonly summary: ComparisonSummary;
  readonly power: { readonly burstUs: number; readonly dieTempC: number; readonly vddDigMw: number; readonly vddAnaMw: number; readonly vddSramMw: number };
}

export const RAILS = ['VDD_DIG', 'VDD_ANA', 'VDD_SRAM'] as const;
type Rail = (typeof RAILS)[number];

/** A run's figures over some of its blocks, and its energy per MAC on each rail. */
export function figuresOf(profile: DieProfile, blocks: readonly SummaryBlock[]): { figures: RunFigures; railPjPerMac: Record<Rail, number> } {
  const f = new RunFiguresAccumulator(profile);
  const pj = { VDD_DIG: 0, VDD_ANA: 0, VDD_SRAM: 0 };
  let macs = 0;
  for (const b of blocks) {
    f.add(b.summary, burstEnergyPj(b.power), b.power.dieTempC);
    pj.VDD_DIG += b.power.vddDigMw * b.power.burstUs * 1000;
    pj.VDD_ANA += b.power.vddAnaMw * b.power.burstUs * 1000;
    pj.VDD_SRAM += b.power.vddSramMw * b.power.burstUs * 1000;
    macs += b.summary.macs;
  }
  const per = (v: number) => (macs > 0 ? v / macs : 0);
  return { figures: f.figures(), railPjPerMac: { VDD_DIG: per(pj.VDD_DIG), VDD_ANA: per(pj.VDD_ANA), VDD_SRAM: per(pj.VDD_SRAM) } };
}

export interface SegmentDeltas {
  readonly snrDb: MeanStat;
  readonly modelSnrDb: MeanStat;
  readonly measuredPjPerMac: MeanStat;
  readonly codeResidualMeanLsb: MeanStat;
  readonly codeResidualRmsLsb: MeanStat;
  readonly levelAgreement: MeanStat;
  readonly rails: Record<Rail, MeanStat>;
}

/** B - A per segment, with its statistics; an SNR with no error (null) leaves its segment out. */
export function segmentDeltas(
  aProfile: DieProfile,
  bProfile: DieProfile,
  segments: readonly Segment[],
  a: readonly SummaryBlock[],
  b: readonly SummaryBlock[],
): SegmentDeltas {
  const d = {
    snrDb: [] as number[],
    modelSnrDb: [] as number[],
    measuredPjPerMac: [] as number[],
    codeResidualMeanLsb: [] as number[],
    codeResidualRmsLsb: [] as number[],
    levelAgreement: [] as number[],
  };
  const rails = { VDD_DIG: [] as number[], VDD_ANA: [] as number[], VDD_SRAM: [] as number[] };
  const both = (x: number | null, y: number | null, into: number[]) => {
    if (x !== null && y !== null) into.push(y - x);
  };
  for (const s of segments) {
    const fa = figuresOf(aProfile, a.slice(s.aFrom, s.aTo));
    const fb = figuresOf(bProfile, b.slice(s.bFrom, s.bTo));
    both(fa.figures.snrDb, fb.figures.snrDb, d.snrDb);
    both(fa.figures.modelSnrDb, fb.figures.modelSnrDb, d.modelSnrDb);
    d.measuredPjPerMac.push(fb.figures.measuredPjPerMac - fa.figures.measuredPjPerMac);
    d.codeResidualMeanLsb.push(fb.figures.codeResidualMeanLsb - fa.figures.codeResidualMeanLsb);
    d.codeResidualRmsLsb.push(fb.figures.codeResidualRmsLsb - fa.figures.codeResidualRmsLsb);
    d.levelAgreement.push(fb.figures.levelAgreement - fa.figures.levelAgreement);
    for (const r of RAILS) rails[r].push(fb.railPjPerMac[r] - fa.railPjPerMac[r]);
  }
  return {
    snrDb: meanStat(d.snrDb),
    modelSnrDb: meanStat(d.modelSnrDb),
    measuredPjPerMac: meanStat(d.measuredPjPerMac),
    codeResidualMeanLsb: meanStat(d.codeResidualMeanLsb),
    codeResidualRmsLsb: meanStat(d.codeResidualRmsLsb),
    levelAgreement: meanStat(d.levelAgreement),
    rails: { VDD_DIG: meanStat(rails.VDD_DIG), VDD_ANA: meanStat(rails.VDD_ANA), VDD_SRAM: meanStat(rails.VDD_SRAM) },
  };
}

/** How a run reads its measured values into yhat: its profile, geometry and calibration (as compareWithModel does). */
export interface YhatReading {
  readonly profile: DieProfile;
  readonly geometry: PlaneGeometry;
  readonly calibration: AdcCalibration | null;
  /** full scale of the ADC that measured the codes */
  readonly measuredTop: number;
}

/** The measured yhat of one MAC from MAC x plane codes: D + A * N / L, A from the codes read through the calibration (the reading plane-pairs.ts does plane by plane). */
export function measuredYhat(
  r: Pick<YhatReading, 'profile' | 'geometry' | 'calibration'>,
  digital: ArrayLike<number>,
  codes: Int16Array,
  mac: number,
  output: number,
): number {
  const { geometry, calibration, profile } = r;
  const planes = geometry.planes;
  const columns = output * profile.weightBits;
  let a = 0;
  for (let p = 0; p < planes; p++) {
    const raw = codes[mac * planes + p] as number;
    if (raw === NOT_ANALOG) continue;
    let code = raw;
    if (calibration) {
      const col = columns + (geometry.weightBit[p] as number);
      code = (raw - (calibration.offsetLsb[col] as number)) / (calibration.gain[col] as number);
    }
    a += (geometry.planeWeight[p] as number) * code;
  }
  return (digital[mac] as number) + (a * profile.rows) / geometry.adcTop;
}
