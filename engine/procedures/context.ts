// What a characterization procedure works with, and the parent run that holds its children.
import type { ProcedureReportOf, ProcedureSummary } from '../../shared/api/procedure-reports';
import type { ProcedureName } from '../../shared/api/run-options';
import type { Clock } from '../../shared/clock';
import type { DieProfile } from '../../shared/model/profile';
import type { BoardLink } from '../board/board-link';
import { executeRun, type RunProgress, type RunRequest, type RunSummary } from '../run/run-engine';
import type { RunStore } from '../store/run-store';

/** Where a sweep stands: its child run's progress comes with the step and the sweep's ETA. */
export interface SweepProgress {
  readonly step: string;
  /** 1-based */
  readonly stepIndex: number;
  readonly steps: number | null;
  /** the whole sweep, assuming its steps take alike; null until it can be told */
  readonly sweepEtaSeconds: number | null;
}

export interface ProcedureContext {
  readonly store: RunStore;
  readonly board: BoardLink;
  readonly clock: Clock;
  readonly profile: DieProfile;
  readonly onProgress?: (p: RunProgress & SweepProgress) => void;
  readonly onLine?: (text: string) => void;
  readonly sessionId?: number;
}

export type { ProcedureReport } from '../../shared/api/procedure-reports';

/** A procedure's parent run, and how far through its planned child runs it is. */
export interface ParentRun {
  readonly id: number;
  readonly guid: string;
  readonly steps: number | null;
  stepsDone: number;
  readonly startedAt: number;
}

/** A parent run for a procedure of `steps` child runs (null: not known ahead); its children point at it. */
export function startParent(ctx: ProcedureContext, kind: string, params: object, steps: number | null = null): ParentRun {
  const run = ctx.store.createRun({ kind, label: kind, sessionId: ctx.sessionId, mode: 'sweep', config: params, provenance: { procedure: kind, params }, vectorSet: null, weightSet: null, vectorsTotal: 0, repeat: 1 });
  return { ...run, steps, stepsDone: 0, startedAt: ctx.clock.now() };
}

/** End a procedure's parent run with its summary (stored with `passed`), and make its typed report. */
export function finishParent<P extends ProcedureName>(ctx: ProcedureContext, parent: ParentRun, procedure: P, passed: ProcedureReportOf<P>['passed'], summary: ProcedureSummary<P>): ProcedureReportOf<P> {
  ctx.store.setState(parent.id, 'completed', passed === false ? 'failed its pass criterion' : null, { passed, ...summary });
  return { procedure, runId: parent.id, guid: parent.guid, passed, summary } as ProcedureReportOf<P>;
}

/** One child run of a sweep; a child that does not complete stops the procedure. */
export async function childRun(ctx: ProcedureContext, parent: ParentRun, step: string, req: Omit<RunRequest, 'parentId' | 'profile'>): Promise<RunSummary> {
  const onProgress = (p: RunProgress) => {
    const within = p.vectorsTotal > 0 ? p.vectorsDone / p.vectorsTotal : 0;
    const through = parent.steps ? (parent.stepsDone + within) / parent.steps : 0;
    const elapsed = (ctx.clock.now() - parent.startedAt) / 1000;
    const sweepEtaSeconds = through > 0 ? (elapsed * (1 - through)) / through : null;
    ctx.onProgress?.({ ...p, step, stepIndex: parent.stepsDone + 1, steps: parent.steps, sweepEtaSeconds });
  };
  const s = await executeRun({ ...req, profile: ctx.profile, parentId: parent.id, label: step }, { store: ctx.store, board: ctx.board, clock: ctx.clock, sessionId: ctx.sessionId, onProgress });
  if (s.state !== 'completed') throw new Error(`${step}: the child run ${s.runId} ended ${s.state}${s.reason ? `: ${s.reason}` : ''}`);
  parent.stepsDone++;
  return s;
}

export const fmtDb = (v: number | null) => (v === null ? 'inf' : v.toFixed(2));
