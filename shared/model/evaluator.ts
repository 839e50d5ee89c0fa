// The fast, bit-exact reference model of the die (spec section 3), evaluating batches of vectors.
// The inner loop runs in a WebAssembly SIMD kernel where the runtime has one, else in JavaScript;
// both are held to the oracle by the property tests.
import { planeGeometry, type PlaneGeometry } from './geometry';
import { createJsKernel } from './js-kernel';
import { levelPlans } from './level-plans';
import { allocateMacBatch, type MacBatch, type MacKernel } from './mac-batch';
import { inputRange, weightRange, type IntMatrix } from './matrix';
import { resolveMode, type ModeConfig } from './modes';
import type { DieProfile } from './profile';
import { createWasmKernel } from './wasm-kernel';

export { NOT_ANALOG, type MacBatch } from './mac-batch';

export interface EvaluateOptions {
  /** also return the ADC code of every analog plane (8x the output size) */
  readonly codes?: boolean;
}

export interface DieModelOptions {
  /** 'wasm' (the default, where available) or 'js' */
  readonly kernel?: 'wasm' | 'js';
  /** force the row-chunk width of the popcount tables (1..8), for tests and benchmarks */
  readonly chunkRows?: number;
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
  /** which inner loop runs: 'wasm' or 'js' */
  readonly kernel: MacKernel['name'];
  /** Evaluate a set of vectors (T x N); the whole batch or, on bad input, nothing. */
  evaluate(vectors: IntMatrix, config: ModeConfig, options?: EvaluateOptions): MacBatch;
}

/** Load weights (N x M) into a model of the die; the weights are checked and prepared once. */
export function createDieModel(profile: DieProfile, weights: IntMatrix, options: DieModelOptions = {}): DieModel {
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
  const salientPlanes = Int32Array.from(geometry.saliencyPlane.keys()).filter((p) => geometry.saliencyPlane[p] === 1);
  const kernel =
    (options.kernel !== 'js' ? createWasmKernel(profile, geometry, weights, salientPlanes, options) : null) ??
    createJsKernel(profile, geometry, weights, salientPlanes, options);
  const xMax = inputRange(bx)[1];

  function evaluate(vectors: IntMatrix, config: ModeConfig, evalOptions: EvaluateOptions = {}): MacBatch {
    if (vectors.cols !== rows) {
      throw new RangeError(`vectors have ${vectors.cols} inputs, the profile has ${rows} rows`);
    }
    const resolved = resolveMode(profile, config);
    const plans = levelPlans(profile, geometry, resolved.fixed);
    const fixedLevel = resolved.fixed ? plans.levels - 1 : -1;
    const out = allocateMacBatch(resolved.mode, vectors.rows, outputs, geometry.planes, evalOptions.codes === true);
    const bad = kernel.run(vectors.data, vectors.rows, plans, fixedLevel, out);
    if (bad >= 0) {
      const v = Math.floor(bad / rows);
      throw new InputRangeError(v, bad - v * rows, vectors.data[bad] as number, xMax);
    }
    return out;
  }

  return { profile, geometry, kernel: kernel.name, evaluate };
}
