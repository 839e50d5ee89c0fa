// A block's measured values with its ADC codes plane by plane, as the store keeps them: for each
// plane, the MACs it was analog in (ascending) and their codes in that order. Read this way, a
// pass over every block of a big run touches each code once, with no MAC x plane array to fill.
import { NOT_ANALOG } from '../model/mac-batch';

export interface PlaneCodes {
  readonly macs: number;
  readonly planes: number;
  readonly digital: Int32Array | Float64Array;
  readonly saliency: Int32Array | Float64Array;
  readonly level: Uint8Array;
  /** per plane, the MACs it was analog in, ascending (planes analog at the same levels share one array) */
  readonly index: readonly Int32Array[];
  /** per plane, its codes, one per entry of index */
  readonly values: readonly (Uint8Array | Uint16Array | Int16Array)[];
  /**
   * per plane, the levels it is analog at (the same text for the same levels), when that is how
   * the planes follow the levels: two blocks with the same levels over a stretch and the same
   * text for a plane hold its codes for the same MACs there
   */
  readonly levelSets?: readonly string[];
}

/** The codes as MAC x plane, NOT_ANALOG where a plane was not converted (the layout of MeasuredValues), for tests and the slow paths. */
export function macMajorCodes(b: PlaneCodes): Int16Array {
  const codes = new Int16Array(b.macs * b.planes).fill(NOT_ANALOG);
  for (let p = 0; p < b.planes; p++) {
    const index = b.index[p] as Int32Array;
    const values = b.values[p] as Uint8Array;
    for (let k = 0; k < index.length; k++) codes[(index[k] as number) * b.planes + p] = values[k] as number;
  }
  return codes;
}
