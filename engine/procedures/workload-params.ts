import { generateWorkload, type WorkloadKind } from '../../shared/workload/generators';
import type { DieProfile } from '../../shared/model/profile';
import { matrixSource } from '../../shared/workload/vector-source';

export interface WorkloadParams {
  readonly workload: WorkloadKind;
  readonly vectors: number;
  readonly seed: number;
}

/** The stimulus of a sweep: one workload, the same for every child run (same hashes). */
export function sweepStimulus(profile: DieProfile, p: WorkloadParams) {
  const w = generateWorkload(profile, { kind: p.workload, vectors: p.vectors, seed: p.seed });
  return { weights: w.weights, vectors: matrixSource(w.vectors), source: { generator: p.workload, seed: p.seed } };
}
