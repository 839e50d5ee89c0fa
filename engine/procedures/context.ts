// What a characterization procedure works with, and the parent run that holds its children.
import type { Clock } from '../../shared/clock';
import type { DieProfile } from '../../shared/model/profile';
import type { BoardLink } from '../board/board-link';
import { executeRun, type RunProgress, type RunRequest, type RunSummary } from '../run/run-engine';
import type { RunStore } from '../store/run-store';

export interface ProcedureContext {
  readonly store: RunStore;
  readonly board: BoardLink;
  readonly clock: Clock;
  readonly profile: DieProfile;
  readonly onProgress?: (p: RunProgress & { step: string }) => void;
  readonly onLine?: (text: string) => void;
  readonly sessionId?: number;
}

export interface ProcedureReport {
  readonly procedure: string;
  readonly runId: number;
  readonly guid: string;
  readonly passed: boolean | null;
  /** the figures a chip engineer puts in a report */
  readonly summary: Record<string, unknown>;
  /** one line per step, for people */
  readonly table: string[];
}

/** A parent run for a procedure; its children point at it. */
export function startParent(ctx: ProcedureContext, kind: string, params: object): { id: number; guid: string } {
  return ctx.store.createRun({ kind, label: kind, sessionId: ctx.sessionId, mode: 'sweep', config: params, provenance: { procedure: kind, params }, vectorSet: null, weightSet: null, vectorsTotal: 0, repeat: 1 });
}

export function finishParent(ctx: ProcedureContext, parent: { id: number; guid: string }, kind: string, passed: boolean | null, summary: Record<string, unknown>, table: string[]): ProcedureReport {
  ctx.store.setState(parent.id, 'completed', passed === false ? 'failed its pass criterion' : null, { passed, ...summary });
  return { procedure: kind, runId: parent.id, guid: parent.guid, passed, summary, table };
}

/** One child run of a sweep; a child that does not complete stops the procedure. */
export async function childRun(ctx: ProcedureContext, parentId: number, step: string, req: Omit<RunRequest, 'parentId' | 'profile'>): Promise<RunSummary> {
  const s = await executeRun(
    { ...req, profile: ctx.profile, parentId, label: step },
    { store: ctx.store, board: ctx.board, clock: ctx.clock, sessionId: ctx.sessionId, onProgress: (p) => ctx.onProgress?.({ ...p, step }) },
  );
  if (s.state !== 'completed') throw new Error(`${step}: the child run ${s.runId} ended ${s.state}${s.reason ? `: ${s.reason}` : ''}`);
  return s;
}

export const fmtDb = (v: number | null) => (v === null ? 'inf' : v.toFixed(2));
