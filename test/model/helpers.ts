import { createDieModel, type MacBatch } from '../../shared/model/evaluator';
import { matrixFromRows } from '../../shared/model/matrix';
import type { ModeConfig } from '../../shared/model/modes';
import type { DieProfile } from '../../shared/model/profile';

/** Evaluate vectors given as plain rows through the fast model. */
export function evaluateRows(profile: DieProfile, weights: number[][], vectors: number[][], config: ModeConfig, kernel: 'wasm' | 'js' = 'wasm'): MacBatch {
  const model = createDieModel(profile, matrixFromRows(weights), { kernel });
  if (model.kernel !== kernel) throw new Error(`the ${kernel} kernel is not available here`);
  return model.evaluate(matrixFromRows(vectors), config, { codes: true });
}

export const KERNELS = ['wasm', 'js'] as const;

/** Field of a batch for every output of vector v, as a plain array. */
export function perOutput(
  batch: MacBatch,
  field: keyof MacBatch & ('exact' | 'digital' | 'analog' | 'yhat' | 'level' | 'saliency' | 'nDigital' | 'nAnalog' | 'nSkipped' | 'energyPj'),
  v = 0,
): number[] {
  return Array.from(batch[field].subarray(v * batch.outputs, (v + 1) * batch.outputs));
}
