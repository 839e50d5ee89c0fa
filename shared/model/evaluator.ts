// The fast, bit-exact reference model of the die (spec section 3), evaluating batches of vectors.
import { planeCounts, planeGeometry, type PlaneCounts, type PlaneGeometry } from './geometry';
import { inputRange, weightRange, type IntMatrix } from './matrix';
import { resolveMode, type Mode, type ModeConfig } from './modes';
import { createPlanePopcounter } from './plane-popcounts';
import type { DieProfile, SaliencyLevel } from './profile';

/** ADC code stored for a plane that is not analog in that MAC. */
export const NOT_ANALOG = -1;

/**
 * Outputs of a batch, one entry per MAC (index v * outputs + m). Level and saliency are 0 outside
 * osa mode: the die computes them only there.
 */
export interface MacBatch {
  readonly mode: Mode;
  readonly vectors: number;
  readonly outputs: number;
  readonly planes: number;
  readonly exact: Float64Array;
  readonly digital: Float64Array;
  readonly analog: Float64Array;
  readonly yhat: Float64Array;
  readonly level: Uint8Array;
  readonly saliency: Float64Array;
  readonly nDigital: Uint16Array;
  readonly nAnalog: Uint16Array;
  readonly nSkipped: Uint16Array;
  readonly energyPj: Float64Array;
  /** ADC code per MAC and plane (index mac * planes + i * BW + j), NOT_ANALOG elsewhere; null unless asked */
  readonly codes: Int16Array | null;
}

export interface EvaluateOptions {
  /** also return the ADC code of every analog plane (8x the output size) */
  readonly codes?: boolean;
}

export class InputRangeError extends RangeError {
  constructor(
    readonly vector: number,
    readonly row: number,
    readonly value: number,
    readonly max: number,
  ) {
    super(`vector ${vector}, row ${row}: input ${value} is outside 0..${max}`);
    this.name = 'InputRangeError';
  }
}

export interface DieModel {
  readonly profile: DieProfile;
  readonly geometry: PlaneGeometry;
  /** Evaluate a set of vectors (T x N); the whole batch or, on bad input, nothing. */
  evaluate(vectors: IntMatrix, config: ModeConfig, options?: EvaluateOptions): MacBatch;
}

interface LevelPlan extends SaliencyLevel, PlaneCounts {
  readonly energyPj: number;
}

/** Load weights (N x M) into a model of the die; the weights are checked and prepared once. */
export function createDieModel(profile: DieProfile, weights: IntMatrix): DieModel {
  const { rows, outputs, inputBits: bx, weightBits: bw } = profile;
  if (weights.rows !== rows || weights.cols !== outputs) {
    throw new RangeError(`weights are ${weights.rows} x ${weights.cols}, the profile needs ${rows} x ${outputs}`);
  }
  const [wMin, wMax] = weightRange(bw);
  weights.data.forEach((w, idx) => {
    if (w < wMin || w > wMax) {
      const r = Math.floor(idx / outputs);
      throw new RangeError(`weight row ${r}, output ${idx - r * outputs}: ${w} is outside ${wMin}..${wMax}`);
    }
  });

  const geometry = planeGeometry(profile);
  const popcounter = createPlanePopcounter(profile, weights);
  const { planes, significance, planeWeight, saliencyPlane, idealCode, adcTop } = geometry;
  const { digitalPlanePj: eD, analogPlanePj: eA, saliencyPj: eSal } = profile.energy;
  const thresholds = Float64Array.from(profile.thresholds);
  const xMax = inputRange(bx)[1];

  const plan = (level: SaliencyLevel, saliencyPj: number): LevelPlan => {
    const counts = planeCounts(geometry, level);
    return { ...level, ...counts, energyPj: counts.nDigital * eD + counts.nAnalog * eA + saliencyPj };
  };
  const osaPlans = profile.levels.map((l) => plan(l, eSal));
  const salientPlanes = Int32Array.from(
    Array.from(saliencyPlane.entries())
      .filter(([, s]) => s === 1)
      .map(([p]) => p),
  );

  function evaluate(vectors: IntMatrix, config: ModeConfig, options: EvaluateOptions = {}): MacBatch {
    if (vectors.cols !== rows) {
      throw new RangeError(`vectors have ${vectors.cols} inputs, the profile has ${rows} rows`);
    }
    const resolved = resolveMode(profile, config);
    const fixedPlan = resolved.fixed ? plan(resolved.fixed, 0) : null;
    const count = vectors.rows;
    const macs = count * outputs;
    const out: MacBatch = {
      mode: resolved.mode,
      vectors: count,
      outputs,
      planes,
      exact: new Float64Array(macs),
      digital: new Float64Array(macs),
      analog: new Float64Array(macs),
      yhat: new Float64Array(macs),
      level: new Uint8Array(macs),
      saliency: new Float64Array(macs),
      nDigital: new Uint16Array(macs),
      nAnalog: new Uint16Array(macs),
      nSkipped: new Uint16Array(macs),
      energyPj: new Float64Array(macs),
      codes: options.codes ? new Int16Array(macs * planes) : null,
    };
    const codes = out.codes;
    const pc = new Int32Array(outputs * planes);

    for (let v = 0; v < count; v++) {
      const badRow = popcounter.popcounts(vectors.data, v * rows, pc);
      if (badRow >= 0) throw new InputRangeError(v, badRow, vectors.data[v * rows + badRow] as number, xMax);
      for (let m = 0; m < outputs; m++) {
        const mac = v * outputs + m;
        const base = m * planes;
        let lp: LevelPlan;
        if (fixedPlan) {
          lp = fixedPlan;
        } else {
          let s = 0;
          for (let q = 0; q < salientPlanes.length; q++) {
            const p = salientPlanes[q] as number;
            s += (planeWeight[p] as number) * (pc[base + p] as number);
          }
          let level = 0;
          while (level < thresholds.length && s > (thresholds[level] as number)) level++;
          out.saliency[mac] = s;
          out.level[mac] = level;
          lp = osaPlans[level] as LevelPlan;
        }
        const b = lp.boundary;
        const t = lp.skip;
        let exact = 0;
        let dig = 0;
        let ana = 0;
        const codeBase = mac * planes;
        for (let p = 0; p < planes; p++) {
          const count = pc[base + p] as number;
          const pw = planeWeight[p] as number;
          const k = significance[p] as number;
          exact += pw * count;
          if (k >= b) {
            dig += pw * count;
            if (codes) codes[codeBase + p] = NOT_ANALOG;
          } else if (k >= t) {
            const code = idealCode[count] as number;
            ana += pw * code;
            if (codes) codes[codeBase + p] = code;
          } else if (codes) {
            codes[codeBase + p] = NOT_ANALOG;
          }
        }
        out.exact[mac] = exact;
        out.digital[mac] = dig;
        out.analog[mac] = ana;
        out.yhat[mac] = dig + (ana * rows) / adcTop;
        out.nDigital[mac] = lp.nDigital;
        out.nAnalog[mac] = lp.nAnalog;
        out.nSkipped[mac] = lp.nSkipped;
        out.energyPj[mac] = lp.energyPj;
      }
    }
    return out;
  }

  return { profile, geometry, evaluate };
}
