// What a characterization procedure works with, and the parent run that holds its children.
import type { ProcedureReportOf, ProcedureSummary } from '../../shared/api/procedure-reports';
import type { ProcedureName } from '../../shared/api/run-options';
import type { Clock } from '../../shared/clock';
import type { DieProfile } from '../../shared/model/profile';
import type { BoardLink } from '../board/board-link';
import { executeRun, type DocumentSink, type RunControl, type RunDeps, type RunRequest, type RunSummary } from '../run/run-engine';
import { startDocument, stopDocument } from '../store/run-documents';
import type { RunStore } from '../store/run-store';

export interface ProcedureContext {
  readonly store: RunStore;
  readonly board: BoardLink;
  readonly clock: Clock;
  readonly profile: DieProfile;
  readonly sessionId?: number;
  /** what each child run takes besides the store, board, clock and session: the writer thread, telemetry, the wait after a disconnect */
  readonly runDeps?: Pick<RunDeps, 'writer' | 'telemetryMs' | 'resumeWithinMs' | 'statusEveryMs'>;
  /** pause, resume and abort, for every child run in turn */
  readonly control?: RunControl;
  /** the procedure's stream: its parent run's documents and its child runs' */
  readonly emit?: DocumentSink;
  /** the parent run is logged: from here on a failure is the procedure's, not the input's */
  readonly onParent?: (parent: ParentRun) => void;
}

/** A procedure stopped by the user: its parent run ends 'aborted'. */
export class ProcedureAbortedError extends Error {
  override name = 'ProcedureAbortedError';
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
  const run = ctx.store.createRun({
    kind,
    label: kind,
    sessionId: ctx.sessionId,
    mode: 'sweep',
    config: params,
    provenance: { procedure: kind, params },
    vectorSet: null,
    weightSet: null,
    vectorsTotal: 0,
    repeat: 1,
  });
  const parent = { ...run, steps, stepsDone: 0, startedAt: ctx.clock.now() };
  const row = ctx.store.getRun(run.id);
  if (row) ctx.emit?.(startDocument(row));
  ctx.onParent?.(parent);
  return parent;
}

/** End a procedure's parent run with its summary (stored with `passed`), and make its typed report. */
export function finishParent<P extends ProcedureName>(
  ctx: ProcedureContext,
  parent: ParentRun,
  procedure: P,
  passed: ProcedureReportOf<P>['passed'],
  summary: ProcedureSummary<P>,
): ProcedureReportOf<P> {
  ctx.store.setState(parent.id, 'completed', passed === false ? 'failed its pass criterion' : null, { passed, ...summary });
  emitStop(ctx, parent.id);
  return { procedure, runId: parent.id, guid: parent.guid, passed, summary } as ProcedureReportOf<P>;
}

/** A parent run that did not finish: aborted by the user, or failed with the reason. */
export function endParent(ctx: ProcedureContext, parent: ParentRun, state: 'aborted' | 'failed', reason: string): void {
  ctx.store.setState(parent.id, state, reason);
  emitStop(ctx, parent.id);
}

function emitStop(ctx: ProcedureContext, runId: number): void {
  const row = ctx.store.getRun(runId);
  const stop = row && stopDocument(row);
  if (stop) ctx.emit?.(stop);
}

/** One child run of a sweep; a child that does not complete stops the procedure. */
export async function childRun(ctx: ProcedureContext, parent: ParentRun, step: string, req: Omit<RunRequest, 'parentId' | 'profile'>): Promise<RunSummary> {
  // a child's status says which step of the sweep it is and when the sweep should end
  const emit: DocumentSink = (doc) => {
    if (doc.type !== 'status') return ctx.emit?.(doc);
    const within = doc.vectorsTotal > 0 ? doc.vectorsDone / doc.vectorsTotal : 0;
    const through = parent.steps ? (parent.stepsDone + within) / parent.steps : 0;
    const elapsed = (ctx.clock.now() - parent.startedAt) / 1000;
    const sweepEtaSeconds = through > 0 ? (elapsed * (1 - through)) / through : null;
    ctx.emit?.({ ...doc, step: { name: step, index: parent.stepsDone + 1, of: parent.steps, sweepEtaSeconds } });
  };
  const s = await executeRun(
    { ...req, profile: ctx.profile, parentId: parent.id, label: step },
    { ...ctx.runDeps, store: ctx.store, board: ctx.board, clock: ctx.clock, sessionId: ctx.sessionId, emit },
    ctx.control,
  );
  if (s.state === 'aborted') throw new ProcedureAbortedError(`${step}: aborted by the user (child run ${s.runId})`);
  if (s.state !== 'completed') throw new Error(`${step}: the child run ${s.runId} ended ${s.state}${s.reason ? `: ${s.reason}` : ''}`);
  parent.stepsDone++;
  return s;
}
