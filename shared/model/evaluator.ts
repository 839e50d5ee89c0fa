// The fast, bit-exact reference model of the die (spec section 3), evaluating batches of vectors.
import { PlaneClass, planeClass, planeCounts, planeGeometry, type PlaneCounts, type PlaneGeometry } from './geometry';
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
  /** the planes ordered digital, then analog, then skipped */
  readonly planeOrder: readonly number[];
}

/** Level plans as flat typed arrays, indexed by level, for a monomorphic hot loop. */
function flattenPlans(plans: readonly LevelPlan[], planes: number) {
  const planeOrder = new Int32Array(plans.length * planes);
  plans.forEach((lp, l) => planeOrder.set(lp.planeOrder, l * planes));
  return {
    planeOrder,
    nDigital: Int32Array.from(plans, (lp) => lp.nDigital),
    nAnalog: Int32Array.from(plans, (lp) => lp.nAnalog),
    nSkipped: Int32Array.from(plans, (lp) => lp.nSkipped),
    energyPj: Float64Array.from(plans, (lp) => lp.energyPj),
  };
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
    const ofClass = (c: PlaneClass) =>
      Array.from(significance.keys()).filter((p) => planeClass(significance[p] as number, level) === c);
    return {
      ...level,
      ...counts,
      energyPj: counts.nDigital * eD + counts.nAnalog * eA + saliencyPj,
      planeOrder: [PlaneClass.Digital, PlaneClass.Analog, PlaneClass.Skipped].flatMap(ofClass),
    };
  };
  const plans = profile.levels.map((l) => plan(l, eSal));
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
    const { exact: exactOut, digital: digitalOut, analog: analogOut, yhat: yhatOut, codes } = out;
    const { level: levelOut, saliency: saliencyOut, nDigital, nAnalog, nSkipped, energyPj } = out;
    const pc = new Int32Array(outputs * planes);
    const fixedLevel = fixedPlan ? plans.length : -1;
    const allPlans = fixedPlan ? [...plans, fixedPlan] : plans;
    const { planeOrder, nDigital: digitalCount, nAnalog: analogCount, nSkipped: skippedCount, energyPj: levelEnergy } =
      flattenPlans(allPlans, planes);

    for (let v = 0; v < count; v++) {
      const badRow = popcounter.popcounts(vectors.data, v * rows, pc);
      if (badRow >= 0) throw new InputRangeError(v, badRow, vectors.data[v * rows + badRow] as number, xMax);
      for (let m = 0; m < outputs; m++) {
        const mac = v * outputs + m;
        const base = m * planes;
        let level = fixedLevel;
        if (level < 0) {
          let s = 0;
          for (let q = 0; q < salientPlanes.length; q++) {
            const p = salientPlanes[q] as number;
            s += (planeWeight[p] as number) * (pc[base + p] as number);
          }
          level = 0;
          while (level < thresholds.length && s > (thresholds[level] as number)) level++;
          saliencyOut[mac] = s;
          levelOut[mac] = level;
        }
        // plane lists of this level: [digital | analog | skipped], so the loops run without branches
        const order = level * planes;
        const endDigital = order + (digitalCount[level] as number);
        const endAnalog = endDigital + (analogCount[level] as number);
        const end = order + planes;
        let dig = 0;
        let ana = 0;
        let rest = 0; // signed sum of the non-digital planes: exact = D + rest
        for (let q = order; q < endDigital; q++) {
          const p = planeOrder[q] as number;
          dig += (planeWeight[p] as number) * (pc[base + p] as number);
        }
        for (let q = endDigital; q < endAnalog; q++) {
          const p = planeOrder[q] as number;
          const n = pc[base + p] as number;
          ana += (planeWeight[p] as number) * (idealCode[n] as number);
          rest += (planeWeight[p] as number) * n;
        }
        for (let q = endAnalog; q < end; q++) {
          const p = planeOrder[q] as number;
          rest += (planeWeight[p] as number) * (pc[base + p] as number);
        }
        if (codes) {
          const codeBase = mac * planes;
          codes.fill(NOT_ANALOG, codeBase, codeBase + planes);
          for (let q = endDigital; q < endAnalog; q++) {
            const p = planeOrder[q] as number;
            codes[codeBase + p] = idealCode[pc[base + p] as number] as number;
          }
        }
        exactOut[mac] = dig + rest;
        digitalOut[mac] = dig;
        analogOut[mac] = ana;
        yhatOut[mac] = dig + (ana * rows) / adcTop;
        nDigital[mac] = digitalCount[level] as number;
        nAnalog[mac] = analogCount[level] as number;
        nSkipped[mac] = skippedCount[level] as number;
        energyPj[mac] = levelEnergy[level] as number;
      }
    }
    return out;
  }

  return { profile, geometry, evaluate };
}
