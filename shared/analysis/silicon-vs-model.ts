// Silicon against the model over a whole run, block by block (the first pass of a comparison):
// residual histograms, the code residual per plane and per physical column, SNR per level, the
// level confusion matrix, energy per rail, the largest outliers and how each saliency threshold
// fired. The model runs once per block (with its codes); no popcount is recomputed here: that is
// the second pass's, over a sample (stuck-cells.ts: column lines, transfer curve, stuck cells).
//
// Codes are judged raw, as the ADC gave them, against the model's ideal code of the same plane
// (where the die and the model both converted it), in the model's LSB: that is the ADC's own
// behaviour. The yhat figures are read as the run read them (through its calibration, if any).
import { idealAdcCode, planeGeometry, type PlaneGeometry } from '../model/geometry';
import { createDieModel, type DieModel } from '../model/evaluator';
import { intMatrix, type IntMatrix } from '../model/matrix';
import { NOT_ANALOG } from '../model/mac-batch';
import { resolveMode, type ModeConfig } from '../model/modes';
import { createPlanePopcounter, type PlanePopcounter } from '../model/plane-popcounts';
import type { DieProfile } from '../model/profile';
import type { AdcCalibration } from './compare';
import { ConfusionAccumulator, HistogramAccumulator, Moments, TopK, type Histogram } from './stats';
import { snrDb } from './summary';

/** What a block measured, per MAC (index (vector - first) * outputs + output, repeats after each other). */
export interface MeasuredBlock {
  readonly digital: Float64Array;
  readonly saliency: Float64Array;
  readonly level: Uint8Array;
  /** per MAC and plane, NOT_ANALOG (-1) where the plane was not converted */
  readonly codes: Int16Array;
}

/** One committed block with its stimulus, as a comparison reads it. */
export interface AnalysisBlock extends MeasuredBlock {
  readonly block: number;
  readonly firstVector: number;
  readonly vectors: number;
  readonly repeat: number;
  readonly power: { readonly burstUs: number; readonly vddDigMw: number; readonly vddAnaMw: number; readonly vddSramMw: number };
  /** the block's vectors, vectors x rows */
  readonly inputs: Int32Array;
}

/** What a run was measured and is compared with. */
export interface AnalysisSetup {
  readonly profile: DieProfile;
  readonly config: ModeConfig;
  readonly weights: IntMatrix;
  /** the ADC width the codes were measured with (a re-scored run's profile may say another) */
  readonly measuredAdcBits: number;
  /** how the run reads its codes into yhat (its calibration, or a change of ADC width) */
  readonly calibration: AdcCalibration | null;
}

/** Shared by both passes: the model, the popcounts, the ideal code of the measuring ADC. */
export class AnalysisContext {
  readonly model: DieModel;
  readonly geometry: PlaneGeometry;
  readonly popcounter: PlanePopcounter;
  /** full scale of the measuring ADC */
  readonly top: number;
  /** ideal code at the measuring ADC's width, per popcount 0..N */
  readonly idealRaw: Int32Array;
  readonly columns: number;
  readonly osa: boolean;

  constructor(readonly setup: AnalysisSetup) {
    const p = setup.profile;
    resolveMode(p, setup.config);
    this.model = createDieModel(p, setup.weights);
    this.geometry = planeGeometry(p);
    this.popcounter = createPlanePopcounter(p, setup.weights);
    this.top = 2 ** setup.measuredAdcBits - 1;
    this.idealRaw = Int32Array.from({ length: p.rows + 1 }, (_, pc) => idealAdcCode(pc, p.rows, this.top));
    this.columns = p.outputs * p.weightBits;
    this.osa = setup.config.mode === 'osa';
  }
}

export interface Outlier {
  readonly vector: number;
  readonly output: number;
  readonly block: number;
  readonly repeat: number;
  readonly yhat: number;
  readonly modelYhat: number;
  readonly exact: number;
  readonly residual: number;
  readonly z: number;
}

export interface ColumnStats {
  readonly column: number;
  readonly output: number;
  readonly weightBit: number;
  /** conversions the die and the model both made */
  readonly count: number;
  readonly meanLsb: number;
  readonly sdLsb: number;
  readonly minLsb: number | null;
  readonly maxLsb: number | null;
  readonly zeroFraction: number;
  readonly idealZeroFraction: number;
  readonly topFraction: number;
  readonly idealTopFraction: number;
  /** spread and mean of the measured codes and of their ideal codes, in the model's LSB */
  readonly measuredSdLsb: number;
  readonly idealSdLsb: number;
  readonly measuredMeanLsb: number;
  readonly idealMeanLsb: number;
  /** the most frequent measured code (raw) and its share */
  readonly modeCode: number;
  readonly modeFraction: number;
}

export interface ThresholdStats {
  readonly threshold: number;
  readonly theta: number;
  readonly macs: number;
  readonly firedBelow: number;
  readonly missedAbove: number;
  readonly effectiveLo: number | null;
  readonly effectiveHi: number | null;
  readonly examples: { vector: number; output: number; saliency: number; level: number }[];
}

export interface SiliconAnalysis {
  readonly macs: number;
  readonly yhatResidual: Histogram;
  readonly yhatError: Histogram;
  readonly modelYhatError: Histogram;
  readonly codeResidual: Histogram;
  readonly planes: { plane: number; inputBit: number; weightBit: number; count: number; meanLsb: number; sdLsb: number; minLsb: number | null; maxLsb: number | null }[];
  readonly columns: ColumnStats[];
  readonly levels: {
    levels: number;
    perLevel: { level: number; modelMacs: number; measuredMacs: number; measuredSnrDb: number | null; modelSnrDb: number | null }[];
    confusion: number[][];
    agreement: number;
  };
  readonly energy: {
    rails: {
      rail: 'VDD_DIG' | 'VDD_ANA' | 'VDD_SRAM';
      measuredPj: number;
      modelPj: number | null;
      measuredPjPerMac: number;
      modelPjPerMac: number | null;
      ratio: number | null;
    }[];
    burstUs: number;
    measuredPjPerMac: number;
    modelPjPerMac: number;
  };
  readonly outliers: Outlier[];
  readonly thresholds: ThresholdStats[];
}

export interface AnalyzerOptions {
  /** the yhat histograms cover [-yhatRange, yhatRange) */
  readonly yhatRange: number;
  /** the code residual histogram covers the integers codeLo..codeHi */
  readonly codeLo: number;
  readonly codeHi: number;
  readonly outliers: number;
  readonly yhatBins?: number;
}

const EXAMPLES = 5;

/** The first pass: fold in every block of a run, in order. */
export class SiliconAnalyzer {
  private macs = 0;
  private readonly yhatResidual: HistogramAccumulator;
  private readonly yhatError: HistogramAccumulator;
  private readonly modelYhatError: HistogramAccumulator;
  private readonly codeLo: number;
  private readonly codeHi: number;
  private readonly residual = new Moments();
  private readonly planeN: Float64Array;
  private readonly planeSum: Float64Array;
  private readonly planeSq: Float64Array;
  private readonly planeMin: Float64Array;
  private readonly planeMax: Float64Array;
  /**
   * per column, conversions by (ideal code, measured code): every column figure follows from it
   * (codes wider than 8 bits are binned to 256 values each way)
   */
  private readonly pairs: Uint32Array;
  private readonly idealShift: number;
  private readonly measuredShift: number;
  private readonly idealBins: number;
  private readonly measuredBins: number;
  private readonly levels: number;
  private readonly confusion: ConfusionAccumulator;
  private readonly lvSignal: Float64Array;
  private readonly lvErr: Float64Array;
  private readonly lvModelErr: Float64Array;
  private readonly lvModelN: Float64Array;
  private readonly lvMeasuredN: Float64Array;
  private readonly railPj = { VDD_DIG: 0, VDD_ANA: 0, VDD_SRAM: 0 };
  private modelDigPj = 0;
  private modelAnaPj = 0;
  private burstUs = 0;
  private readonly top: TopK<Omit<Outlier, 'z'>>;
  private readonly thr: { fired: Float64Array; missed: Float64Array; maxNotFired: Float64Array; minFired: Float64Array; examples: ThresholdStats['examples'][] };

  constructor(
    private readonly ctx: AnalysisContext,
    options: AnalyzerOptions,
  ) {
    const p = ctx.setup.profile;
    const bins = options.yhatBins ?? 101;
    const r = options.yhatRange > 0 ? options.yhatRange : 1;
    this.yhatResidual = new HistogramAccumulator(-r, r, bins);
    this.yhatError = new HistogramAccumulator(-r, r, bins);
    this.modelYhatError = new HistogramAccumulator(-r, r, bins);
    this.codeLo = options.codeLo;
    this.codeHi = options.codeHi;
    const planes = ctx.geometry.planes;
    const f = (n: number, v = 0) => new Float64Array(n).fill(v);
    this.planeN = f(planes);
    this.planeSum = f(planes);
    this.planeSq = f(planes);
    this.planeMin = f(planes, Infinity);
    this.planeMax = f(planes, -Infinity);
    this.idealShift = Math.max(0, p.adcBits - 8);
    this.measuredShift = Math.max(0, ctx.setup.measuredAdcBits - 8);
    this.idealBins = ((2 ** p.adcBits - 1) >> this.idealShift) + 1;
    this.measuredBins = (ctx.top >> this.measuredShift) + 1;
    this.pairs = new Uint32Array(ctx.columns * this.idealBins * this.measuredBins);
    this.levels = ctx.osa ? p.levels.length : 1;
    this.confusion = new ConfusionAccumulator(this.levels);
    this.lvSignal = f(this.levels);
    this.lvErr = f(this.levels);
    this.lvModelErr = f(this.levels);
    this.lvModelN = f(this.levels);
    this.lvMeasuredN = f(this.levels);
    this.top = new TopK(options.outliers);
    const q = ctx.osa ? p.thresholds.length : 0;
    this.thr = { fired: f(q), missed: f(q), maxNotFired: f(q, -Infinity), minFired: f(q, Infinity), examples: Array.from({ length: q }, () => []) };
  }

  addBlock(b: AnalysisBlock): void {
    const { ctx } = this;
    const p = ctx.setup.profile;
    const { rows, outputs, weightBits: bw } = p;
    const { planes, planeWeight, adcTop } = ctx.geometry;
    const expected = ctx.model.evaluate(intMatrix(b.vectors, rows, b.inputs), ctx.setup.config, { codes: true });
    const modelCodes = expected.codes as Int16Array;
    const records = b.vectors * b.repeat;
    const eD = p.energy.digitalPlanePj;
    const eA = p.energy.analogPlanePj;
    const eSal = ctx.osa ? p.energy.saliencyPj : 0;
    const thresholds = ctx.osa ? p.thresholds : [];
    // a code in the model's LSB: the same number unless a re-scored run compares another ADC width
    const scale = (2 ** p.adcBits - 1) / ctx.top;
    const { pairs, idealShift, measuredShift, measuredBins, idealBins, planeN, planeSum, planeSq, planeMin, planeMax } = this;
    const { lvSignal, lvErr, lvModelErr, lvModelN, lvMeasuredN, levels } = this;
    const topBin = measuredBins - 1;
    const cal = ctx.setup.calibration;
    const { codes, digital, level, saliency } = b;
    const { yhat: modelYhat, exact, level: modelLevel, nDigital, nAnalog } = expected;
    let modelDigPj = 0;
    let modelAnaPj = 0;

    for (let k = 0; k < b.vectors; k++) {
      for (let rep = 0; rep < b.repeat; rep++) {
        const n = rep * b.vectors + k;
        for (let m = 0; m < outputs; m++) {
          const mac = n * outputs + m;
          const ref = k * outputs + m;
          // the codes: their residuals, and the measured yhat as the run read it (compareWithModel's sum, in its order)
          const base = mac * planes;
          const refBase = ref * planes;
          const columns = m * bw;
          let a = 0;
          for (let pl = 0; pl < planes; pl++) {
            const code = codes[base + pl] as number;
            if (code === NOT_ANALOG) continue;
            const col = columns + (pl % bw);
            a += (planeWeight[pl] as number) * (cal ? (code - (cal.offsetLsb[col] as number)) / (cal.gain[col] as number) : code);
            const ideal = modelCodes[refBase + pl] as number;
            if (ideal === NOT_ANALOG) continue;
            const r = code * scale - ideal;
            planeN[pl] = (planeN[pl] as number) + 1;
            planeSum[pl] = (planeSum[pl] as number) + r;
            planeSq[pl] = (planeSq[pl] as number) + r * r;
            if (r < (planeMin[pl] as number)) planeMin[pl] = r;
            if (r > (planeMax[pl] as number)) planeMax[pl] = r;
            const measuredBin = Math.min(code >> measuredShift, topBin);
            const at = (col * idealBins + (ideal >> idealShift)) * measuredBins + measuredBin;
            pairs[at] = (pairs[at] as number) + 1;
          }
          const y = (digital[mac] as number) + (a * rows) / adcTop;
          const my = modelYhat[ref] as number;
          const ex = exact[ref] as number;
          const res = y - my;
          this.residual.add(res);
          this.yhatResidual.add(res);
          this.yhatError.add(y - ex);
          this.modelYhatError.add(my - ex);
          const mag = Math.abs(res);
          if (res !== 0 && this.top.wants(mag)) {
            this.top.add(mag, { vector: b.firstVector + k, output: m, block: b.block, repeat: rep, yhat: y, modelYhat: my, exact: ex, residual: res });
          }
          const lvMeasured = level[mac] as number;
          const lvModel = modelLevel[ref] as number;
          this.confusion.add(lvMeasured, lvModel);
          if (lvModel < levels) {
            lvSignal[lvModel] = (lvSignal[lvModel] as number) + ex * ex;
            lvErr[lvModel] = (lvErr[lvModel] as number) + (y - ex) * (y - ex);
            lvModelErr[lvModel] = (lvModelErr[lvModel] as number) + (my - ex) * (my - ex);
            lvModelN[lvModel] = (lvModelN[lvModel] as number) + 1;
          }
          if (lvMeasured < levels) lvMeasuredN[lvMeasured] = (lvMeasuredN[lvMeasured] as number) + 1;
          modelDigPj += (nDigital[ref] as number) * eD + eSal;
          modelAnaPj += (nAnalog[ref] as number) * eA;
          if (thresholds.length > 0) this.threshold(thresholds, saliency[mac] as number, lvMeasured, b.firstVector + k, m);
        }
      }
    }
    this.modelDigPj += modelDigPj;
    this.modelAnaPj += modelAnaPj;
    this.macs += records * outputs;
    this.railPj.VDD_DIG += b.power.vddDigMw * b.power.burstUs * 1000;
    this.railPj.VDD_ANA += b.power.vddAnaMw * b.power.burstUs * 1000;
    this.railPj.VDD_SRAM += b.power.vddSramMw * b.power.burstUs * 1000;
    this.burstUs += b.power.burstUs;
  }

  /** The board's level against each threshold and the measured saliency (exact: a digital sum). */
  private threshold(thresholds: readonly number[], s: number, level: number, vector: number, output: number): void {
    const t = this.thr;
    for (let q = 0; q < thresholds.length; q++) {
      const fired = level > q;
      const should = s > (thresholds[q] as number);
      if (fired) {
        if (s < (t.minFired[q] as number)) t.minFired[q] = s;
      } else if (s > (t.maxNotFired[q] as number)) t.maxNotFired[q] = s;
      if (fired === should) continue;
      if (fired) t.fired[q] = (t.fired[q] as number) + 1;
      else t.missed[q] = (t.missed[q] as number) + 1;
      const ex = t.examples[q] as ThresholdStats['examples'];
      if (ex.length < EXAMPLES) ex.push({ vector, output, saliency: s, level });
    }
  }

  /** Every column's figures, and the code residual histogram, from the (ideal, measured) pairs. */
  private columnFigures(): { columns: ColumnStats[]; codeResidual: Histogram } {
    const { ctx, idealBins, measuredBins, idealShift, measuredShift } = this;
    const p = ctx.setup.profile;
    const bw = p.weightBits;
    const idealTop = 2 ** p.adcBits - 1;
    const scale = idealTop / ctx.top;
    // a bin's value: itself, or the middle of the codes it holds
    const idealValue = (bin: number) => bin * 2 ** idealShift + (2 ** idealShift - 1) / 2;
    const measuredValue = (bin: number) => bin * 2 ** measuredShift + (2 ** measuredShift - 1) / 2;
    const codeResidual = HistogramAccumulator.integers(this.codeLo, this.codeHi);
    const columns = Array.from({ length: ctx.columns }, (_, col): ColumnStats => {
      const r = new Moments();
      const ideal = new Moments();
      const measured = new Moments();
      let zero = 0;
      let idealZero = 0;
      let top = 0;
      let idealAtTop = 0;
      const perCode = new Float64Array(measuredBins);
      for (let ib = 0; ib < idealBins; ib++) {
        const iv = idealValue(ib);
        const row = (col * idealBins + ib) * measuredBins;
        for (let mb = 0; mb < measuredBins; mb++) {
          const k = this.pairs[row + mb] as number;
          if (k === 0) continue;
          const mv = measuredValue(mb) * scale;
          const res = mv - iv;
          addMany(r, res, k);
          addMany(ideal, iv, k);
          addMany(measured, mv, k);
          codeResidual.addCount(res, k);
          perCode[mb] = (perCode[mb] as number) + k;
          if (mb === 0) zero += k;
          if (mb === measuredBins - 1) top += k;
          if (ib === 0) idealZero += k;
          if (ib === idealBins - 1) idealAtTop += k;
        }
      }
      let mode = 0;
      for (let mb = 1; mb < measuredBins; mb++) if ((perCode[mb] as number) > (perCode[mode] as number)) mode = mb;
      const n = r.n;
      const per = (v: number) => (n > 0 ? v / n : 0);
      return {
        column: col,
        output: Math.floor(col / bw),
        weightBit: col % bw,
        count: n,
        meanLsb: r.mean,
        sdLsb: r.sd,
        minLsb: n > 0 ? r.min : null,
        maxLsb: n > 0 ? r.max : null,
        zeroFraction: per(zero),
        idealZeroFraction: per(idealZero),
        topFraction: per(top),
        idealTopFraction: per(idealAtTop),
        measuredSdLsb: measured.sd,
        idealSdLsb: ideal.sd,
        measuredMeanLsb: measured.mean,
        idealMeanLsb: ideal.mean,
        modeCode: mode << measuredShift,
        modeFraction: per(perCode[mode] as number),
      };
    });
    return { columns, codeResidual: codeResidual.result() };
  }

  result(): SiliconAnalysis {
    const { ctx } = this;
    const p = ctx.setup.profile;
    const bw = p.weightBits;
    const rms = this.residual.rms;
    const planes = Array.from({ length: ctx.geometry.planes }, (_, pl) => {
      const n = this.planeN[pl] as number;
      const mean = n > 0 ? (this.planeSum[pl] as number) / n : 0;
      return {
        plane: pl,
        inputBit: Math.floor(pl / bw),
        weightBit: pl % bw,
        count: n,
        meanLsb: mean,
        sdLsb: sd(n, this.planeSum[pl] as number, this.planeSq[pl] as number),
        minLsb: n > 0 ? (this.planeMin[pl] as number) : null,
        maxLsb: n > 0 ? (this.planeMax[pl] as number) : null,
      };
    });
    const { columns, codeResidual } = this.columnFigures();
    const perLevel = Array.from({ length: this.levels }, (_, l) => ({
      level: l,
      modelMacs: this.lvModelN[l] as number,
      measuredMacs: this.lvMeasuredN[l] as number,
      measuredSnrDb: snrDb(this.lvSignal[l] as number, this.lvErr[l] as number),
      modelSnrDb: snrDb(this.lvSignal[l] as number, this.lvModelErr[l] as number),
    }));
    const macs = this.macs;
    const per = (v: number) => (macs > 0 ? v / macs : 0);
    const rail = (name: 'VDD_DIG' | 'VDD_ANA' | 'VDD_SRAM', modelPj: number | null) => ({
      rail: name,
      measuredPj: this.railPj[name],
      modelPj,
      measuredPjPerMac: per(this.railPj[name]),
      modelPjPerMac: modelPj === null ? null : per(modelPj),
      ratio: modelPj === null || modelPj === 0 ? null : this.railPj[name] / modelPj,
    });
    const thresholds: ThresholdStats[] = (ctx.osa ? p.thresholds : []).map((theta, q) => ({
      threshold: q,
      theta,
      macs,
      firedBelow: this.thr.fired[q] as number,
      missedAbove: this.thr.missed[q] as number,
      effectiveLo: Number.isFinite(this.thr.maxNotFired[q]) ? (this.thr.maxNotFired[q] as number) : null,
      effectiveHi: Number.isFinite(this.thr.minFired[q]) ? (this.thr.minFired[q] as number) : null,
      examples: this.thr.examples[q] as ThresholdStats['examples'],
    }));
    return {
      macs,
      yhatResidual: this.yhatResidual.result(),
      yhatError: this.yhatError.result(),
      modelYhatError: this.modelYhatError.result(),
      codeResidual,
      planes,
      columns,
      levels: { levels: this.levels, perLevel, confusion: this.confusion.matrix(), agreement: per(this.confusion.agreements) },
      energy: {
        rails: [rail('VDD_DIG', this.modelDigPj), rail('VDD_ANA', this.modelAnaPj), rail('VDD_SRAM', null)],
        burstUs: this.burstUs,
        measuredPjPerMac: per(this.railPj.VDD_DIG + this.railPj.VDD_ANA),
        modelPjPerMac: per(this.modelDigPj + this.modelAnaPj),
      },
      outliers: this.top.values().map((o) => ({ ...o, z: rms > 0 ? o.residual / rms : 0 })),
      thresholds,
    };
  }
}

function addMany(m: Moments, v: number, k: number): void {
  m.n += k;
  m.sum += v * k;
  m.sumSq += v * v * k;
  if (v < m.min) m.min = v;
  if (v > m.max) m.max = v;
}

function sd(n: number, sum: number, sq: number): number {
  if (n < 2) return 0;
  const v = (sq - (sum * sum) / n) / (n - 1);
  return v > 0 ? Math.sqrt(v) : 0;
}
