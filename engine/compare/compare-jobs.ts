// What a comparison thread is asked to do, and answers: plain data, structured-cloned.
import type { RunComparison } from '../../shared/api/compare';
import type { PlanePairState } from '../../shared/analysis/plane-pairs';
import type { CompareRunOptions } from './compare-run';

export type CompareJob =
  /** run against run over vectors [from, to): the pair accumulator's state */
  | { readonly kind: 'pairs'; readonly path: string; readonly a: number; readonly b: number; readonly from: number; readonly to: number; readonly yhatRange: number }
  /** one run against the model, whole */
  | { readonly kind: 'run'; readonly path: string; readonly run: number; readonly options: CompareRunOptions };

export type CompareAnswer<J extends CompareJob> = J extends { kind: 'pairs' } ? PlanePairState : RunComparison;

export type CompareReply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly message: string };
