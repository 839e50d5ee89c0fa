// The model's inner loop in plain JavaScript: the portable kernel, used where WebAssembly SIMD
// is not available and as a second implementation that the property tests hold to the oracle.
import type { PlaneGeometry } from './geometry';
import type { LevelPlans } from './level-plans';
import type { MacBatch, MacKernel } from './mac-batch';
import { NOT_ANALOG } from './mac-batch';
import type { IntMatrix } from './matrix';
import { createPlanePopcounter, type PlanePopcounterOptions } from './plane-popcounts';
import type { DieProfile } from './profile';
import { saliencyAndLevel } from './saliency';

export function createJsKernel(
  profile: DieProfile,
  geometry: PlaneGeometry,
  weights: IntMatrix,
  salientPlanes: Int32Array,
  options: PlanePopcounterOptions = {},
): MacKernel {
  const { rows, outputs } = profile;
  const { planes, planeWeight, idealCode, adcTop } = geometry;
  const thresholds = Float64Array.from(profile.thresholds);
  const popcounter = createPlanePopcounter(profile, weights, options);
  const pc = new Int32Array(outputs * planes);

  function run(vectors: Int32Array, count: number, plans: LevelPlans, fixedLevel: number, out: MacBatch): number {
    const { exact: exactOut, digital: digitalOut, analog: analogOut, yhat: yhatOut, codes } = out;
    const { level: levelOut, saliency: saliencyOut, nDigital, nAnalog, nSkipped, energyPj } = out;
    const { planeOrder, nDigital: digitalCount, nAnalog: analogCount, nSkipped: skippedCount, energyPj: levelEnergy } = plans;
    for (let v = 0; v < count; v++) {
      const badRow = popcounter.popcounts(vectors, v * rows, pc);
      if (badRow >= 0) return v * rows + badRow;
      for (let m = 0; m < outputs; m++) {
        const mac = v * outputs + m;
        const base = m * planes;
        let level = fixedLevel;
        if (level < 0) {
          const osa = saliencyAndLevel(pc, base, salientPlanes, planeWeight, thresholds);
          level = osa.level;
          saliencyOut[mac] = osa.saliency;
          levelOut[mac] = level;
        }
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
    return -1;
  }

  return { name: 'js', run };
}
