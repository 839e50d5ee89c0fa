// What a comparison thread is asked to do, and answers: plain data, structured-cloned.
import type { RunComparison } from '../../shared/api/compare';
import type { CompareRunOptions } from './compare-run';
import type { RunsPart } from './compare-runs';

export type CompareJob =
  /** run against run, part `part` of `parts` of the vectors: the comparison with that stretch's MAC-by-MAC figures, and its pair state */
  | { readonly kind: 'runs'; readonly path: string; readonly a: number; readonly b: number; readonly part: number; readonly parts: number }
  /** one run against the model, whole */
  | { readonly kind: 'run'; readonly path: string; readonly run: number; readonly options: CompareRunOptions };

export type CompareAnswer<J extends CompareJob> = J extends { kind: 'runs' } ? RunsPart : RunComparison;

export type CompareReply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly message: string };
