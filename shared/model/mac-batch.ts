// The outputs of the model for a batch of vectors, one entry per MAC (index v * outputs + m).
import type { LevelPlans } from './level-plans';
import type { Mode } from './modes';

/** ADC code stored for a plane that is not analog in that MAC. */
export const NOT_ANALOG = -1;

/** Level and saliency are 0 outside osa mode: the die computes them only there. */
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

export function allocateMacBatch(mode: Mode, vectors: number, outputs: number, planes: number, withCodes: boolean): MacBatch {
  const macs = vectors * outputs;
  return {
    mode,
    vectors,
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
    codes: withCodes ? new Int16Array(macs * planes) : null,
  };
}

/**
 * A kernel fills a batch from a vector set. It returns -1, or the flat index v * N + r of the
 * first input outside the die's range (the batch is then abandoned).
 */
export interface MacKernel {
  readonly name: 'js' | 'wasm';
  /** `fixedLevel` is the plan of a fixed-boundary mode, or -1 for osa (level per MAC from saliency) */
  run(vectors: Int32Array, count: number, plans: LevelPlans, fixedLevel: number, out: MacBatch): number;
}
