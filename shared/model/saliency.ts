// The OSA saliency of one MAC and the level it selects (spec section 3).

/**
 * S = sum over the saliency planes of s_j 2^k P_ij, from the plane popcounts of one output
 * (`popcounts[base + plane]`); the level is the number of thresholds S exceeds.
 */
export function saliencyAndLevel(
  popcounts: ArrayLike<number>,
  base: number,
  salientPlanes: Int32Array,
  planeWeight: Float64Array,
  thresholds: ArrayLike<number>,
): { saliency: number; level: number } {
  let s = 0;
  for (let q = 0; q < salientPlanes.length; q++) {
    const p = salientPlanes[q] as number;
    s += (planeWeight[p] as number) * (popcounts[base + p] as number);
  }
  let level = 0;
  while (level < thresholds.length && s > (thresholds[level] as number)) level++;
  return { saliency: s, level };
}
