// How each saliency level (or a mode's fixed boundary) splits the planes of a MAC, prepared once
// as flat typed arrays indexed by level, for branch-free inner loops.
import { PlaneClass, planeClass, planeCounts, type PlaneGeometry } from './geometry';
import type { DieProfile, SaliencyLevel } from './profile';

export interface LevelPlans {
  readonly levels: number;
  /** per level, the plane indices in digital, then analog, then skipped order (levels x planes) */
  readonly planeOrder: Int32Array;
  readonly nDigital: Int32Array;
  readonly nAnalog: Int32Array;
  readonly nSkipped: Int32Array;
  readonly energyPj: Float64Array;
}

/** Plans for the profile's OSA levels and, if given, one fixed (b, t) after them. */
export function levelPlans(profile: DieProfile, geometry: PlaneGeometry, fixed: SaliencyLevel | null): LevelPlans {
  const { digitalPlanePj: eD, analogPlanePj: eA, saliencyPj: eSal } = profile.energy;
  const levels: [SaliencyLevel, number][] = profile.levels.map((l) => [l, eSal]);
  if (fixed) levels.push([fixed, 0]); // no saliency cost outside osa mode
  const planes = geometry.planes;
  const planeOrder = new Int32Array(levels.length * planes);
  const counts = levels.map(([l]) => planeCounts(geometry, l));
  levels.forEach(([level], l) => {
    const of = (c: PlaneClass) => Array.from(geometry.significance.keys()).filter((p) => planeClass(geometry.significance[p] as number, level) === c);
    planeOrder.set([...of(PlaneClass.Digital), ...of(PlaneClass.Analog), ...of(PlaneClass.Skipped)], l * planes);
  });
  return {
    levels: levels.length,
    planeOrder,
    nDigital: Int32Array.from(counts, (c) => c.nDigital),
    nAnalog: Int32Array.from(counts, (c) => c.nAnalog),
    nSkipped: Int32Array.from(counts, (c) => c.nSkipped),
    energyPj: Float64Array.from(counts, (c, l) => c.nDigital * eD + c.nAnalog * eA + (levels[l] as [SaliencyLevel, number])[1]),
  };
}
