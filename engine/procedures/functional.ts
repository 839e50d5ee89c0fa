// Functional check (spec section 5 item 1): DCIM must be bit-exact on corner vectors, walking ones
// and random vectors. A digital sum that differs from the exact one is a defect or a link error.
import { generateWorkload } from '../../shared/workload/generators';
import { matrixSource } from '../../shared/workload/vector-source';
import type { FunctionalSummary, ProcedureReportOf } from '../../shared/api/procedure-reports';
import { childRun, finishParent, startParent, type ProcedureContext } from './context';

export interface FunctionalParams {
  readonly randomVectors: number;
  readonly seed: number;
}

export async function functionalCheck(ctx: ProcedureContext, params: FunctionalParams): Promise<ProcedureReportOf<'functional'>> {
  const p = ctx.profile;
  const sets = [
    { step: 'corners', spec: { kind: 'corners' as const, vectors: 4 + p.rows, seed: params.seed } },
    { step: 'walking ones', spec: { kind: 'walking' as const, vectors: p.rows * p.inputBits, seed: params.seed } },
    { step: 'random', spec: { kind: 'uniform' as const, vectors: params.randomVectors, seed: params.seed } },
  ];
  const parent = startParent(ctx, 'functional', params, sets.length);
  const steps: FunctionalSummary['steps'] = [];
  let mismatches = 0;
  let vectors = 0;
  for (const { step, spec } of sets) {
    const w = generateWorkload(p, spec);
    const s = await childRun(ctx, parent, step, {
      config: { mode: 'dcim' },
      weights: w.weights,
      vectors: matrixSource(w.vectors),
      source: { generator: spec.kind, seed: spec.seed },
    });
    mismatches += s.digitalMismatches;
    vectors += s.vectors;
    steps.push({ step, vectors: s.vectors, digitalMismatches: s.digitalMismatches, runId: s.runId });
  }
  return finishParent(ctx, parent, 'functional', mismatches === 0, { steps, vectors, digitalMismatches: mismatches });
}
