// Bit-plane geometry of one MAC (spec section 3), derived once per profile.
// Plane index p = i * weightBits + j, for input bit i and weight bit j.
import type { DieProfile, SaliencyLevel } from './profile';

export const PlaneClass = { Digital: 0, Analog: 1, Skipped: 2 } as const;
export type PlaneClass = (typeof PlaneClass)[keyof typeof PlaneClass];

export interface PlaneGeometry {
  readonly planes: number;
  /** significance k = i + j of each plane */
  readonly significance: Uint8Array;
  /** weight bit j of each plane: with the output m, its physical ADC column m * BW + j */
  readonly weightBit: Uint8Array;
  /** s_j * 2^k of each plane: its signed weight in the MAC sum */
  readonly planeWeight: Float64Array;
  /** 1 where the plane feeds the OSA saliency estimate: i >= BX - sx and k >= max level boundary */
  readonly saliencyPlane: Uint8Array;
  /** L = 2^B - 1, the top ADC code */
  readonly adcTop: number;
  /** the ideal ADC code of a plane popcount P = 0..N */
  readonly idealCode: Int32Array;
}

export function planeClass(k: number, level: SaliencyLevel): PlaneClass {
  if (k >= level.boundary) return PlaneClass.Digital;
  if (k < level.skip) return PlaneClass.Skipped;
  return PlaneClass.Analog;
}

/** round_half_up(P * L / N), in integers exactly as the spec writes it. */
export function idealAdcCode(popcount: number, rows: number, adcTop: number): number {
  return Math.floor((2 * popcount * adcTop + rows) / (2 * rows));
}

export function planeGeometry(profile: DieProfile): PlaneGeometry {
  const { inputBits: bx, weightBits: bw, rows } = profile;
  const planes = bx * bw;
  const significance = new Uint8Array(planes);
  const weightBitOfPlane = new Uint8Array(planes);
  const planeWeight = new Float64Array(planes);
  const saliencyPlane = new Uint8Array(planes);
  const bSal = Math.max(...profile.levels.map((l) => l.boundary));
  for (let i = 0; i < bx; i++) {
    for (let j = 0; j < bw; j++) {
      const p = i * bw + j;
      const k = i + j;
      significance[p] = k;
      weightBitOfPlane[p] = j;
      planeWeight[p] = (j === bw - 1 ? -1 : 1) * 2 ** k;
      saliencyPlane[p] = i >= bx - profile.salientInputBits && k >= bSal ? 1 : 0;
    }
  }
  const adcTop = 2 ** profile.adcBits - 1;
  const idealCode = new Int32Array(rows + 1);
  for (let pc = 0; pc <= rows; pc++) idealCode[pc] = idealAdcCode(pc, rows, adcTop);
  return { planes, significance, weightBit: weightBitOfPlane, planeWeight, saliencyPlane, adcTop, idealCode };
}

export interface PlaneCounts {
  readonly nDigital: number;
  readonly nAnalog: number;
  readonly nSkipped: number;
}

/** How many planes of one MAC fall in each class for a given (b, t). */
export function planeCounts(geometry: PlaneGeometry, level: SaliencyLevel): PlaneCounts {
  let nDigital = 0;
  let nAnalog = 0;
  let nSkipped = 0;
  for (const k of geometry.significance) {
    const c = planeClass(k, level);
    if (c === PlaneClass.Digital) nDigital++;
    else if (c === PlaneClass.Analog) nAnalog++;
    else nSkipped++;
  }
  return { nDigital, nAnalog, nSkipped };
}

/** Two's complement bit j of a weight, as the SRAM column stores it. */
export function weightBit(w: number, j: number): number {
  return (w >> j) & 1;
}
