// Evaluate a vector set in fixed-size batches, so memory stays flat however long the set is.
import type { DieModel, EvaluateOptions, MacBatch } from './evaluator';
import { rowSlice, type IntMatrix } from './matrix';
import type { ModeConfig } from './modes';

export const DEFAULT_BATCH_VECTORS = 4096;

export function* evaluateInBatches(
  model: DieModel,
  vectors: IntMatrix,
  config: ModeConfig,
  options: EvaluateOptions & { batchVectors?: number } = {},
): Generator<{ readonly firstVector: number; readonly batch: MacBatch }> {
  const size = options.batchVectors ?? DEFAULT_BATCH_VECTORS;
  for (let start = 0; start < vectors.rows; start += size) {
    yield { firstVector: start, batch: model.evaluate(rowSlice(vectors, start, start + size), config, options) };
  }
}
