// What the Bench service offers its faces (the CLI, the server, the desktop shell): start a run or
// a procedure and get `{ documents, control, done }`, watch or read back runs, and the store's
// runs by id. engine/service/bench.ts implements it.
import type { RunDocument } from '../../shared/api/documents';
import type { ProcedureOptions, RunOptions } from '../../shared/api/run-options';
import type { RunRowDoc } from '../../shared/api/runs';
import type { SessionDoc } from '../../shared/api/session';
import type { RedecodeReport, RunComparison, RunsComparison } from '../../shared/api/compare';
import type { ProcedureReport } from '../procedures/context';
import type { CompareRunOptions, RemeasureOptions, ReplayHandle, ReplayOptions, RescoreRequest } from '../replay/operations';
import type { RunSummary } from '../run/run-engine';
import type { RunStore } from '../store/run-store';
import type { DocumentStream } from './document-stream';

export interface RunControls {
  pause(): void;
  resume(): void;
  /** stop after the batch in hand; the run ends 'aborted' */
  abort(): void;
  readonly isPaused: boolean;
}

/** A run or procedure in flight. */
export interface RunHandle<S = RunSummary | ProcedureReport> {
  /** the run started (a procedure's parent run) */
  readonly runId: number;
  readonly guid: string;
  readonly documents: DocumentStream;
  readonly control: RunControls;
  /** the final summary (a run) or report (a procedure); rejects when it failed outright */
  readonly done: Promise<S>;
}

export interface BenchApi {
  /** Resolves once the run is accepted and logged; refuses bad input with a FieldError (nothing logged). */
  startRun(options: RunOptions): Promise<RunHandle<RunSummary>>;
  startProcedure(options: ProcedureOptions): Promise<RunHandle<ProcedureReport>>;
  /** take an interrupted run up again from its last committed batch */
  resumeRun(
    ref: string | number,
    options: { board: string; die?: string; faults?: string; simBaud?: number; anyBoard?: boolean; resumeWithinMs?: number },
  ): Promise<RunHandle<RunSummary>>;
  /** a run in flight (or just ended) in this process, by its id */
  live(runId: number): RunHandle | undefined;
  /** a stored run read back as its documents: start, descriptor, batches (with data unless `withData` is false), stop */
  readRun(runId: number, options?: { withData?: boolean }): Iterable<RunDocument>;
  getRun(ref: string | number): RunRowDoc | null;
  listRuns(options: { limit?: number; tag?: string }): RunRowDoc[];
  /** abort what runs, wait for it to end, release the store and the writer thread */
  close(): Promise<void>;

  // ---- the session, and the folders of what clients hand the engine ----
  /** the session the next run is logged under */
  sessionInfo(): SessionDoc;
  /** end the session in progress; the next accepted run opens one with these fields */
  setSession(fields: SessionDoc): SessionDoc;
  /** saved profiles and imported stimulus files; null when this engine keeps none */
  readonly folders: { readonly profiles: string; readonly imports: string } | null;
  /** the store (exports read it block by block) */
  readonly store: RunStore;

  // ---- logged runs ----
  replayRun(ref: string | number, options?: Omit<ReplayOptions, 'clock'>): ReplayHandle;
  rescoreRun(ref: string | number, request: RescoreRequest): Promise<RunHandle<RunSummary>>;
  remeasureRun(ref: string | number, options: BoardChoiceLike & RemeasureOptions & { resumeWithinMs?: number }): Promise<RunHandle<RunSummary>>;
  redecodeRun(ref: string | number): RedecodeReport;
  compareRun(ref: string | number, options?: CompareRunOptions): Promise<RunComparison>;
  compareRuns(ref: string | number, other: string | number): Promise<RunsComparison>;
}

/** The board a run goes on (engine/service/run-inputs.ts BoardChoice). */
export interface BoardChoiceLike {
  readonly board: string;
  readonly die?: string | undefined;
  readonly faults?: string | undefined;
  readonly simBaud?: number | undefined;
}
