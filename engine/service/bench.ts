// The Bench service: the one composition root of the engine. It owns the store, the bench session,
// the board links, the clock and a writer thread per run, and it is the one place a run or a
// procedure is wired: the CLI, the API server and the desktop shell all start runs through it and
// read their documents.
import type { RunDocument } from '../../shared/api/documents';
import type { RunRowDoc } from '../../shared/api/runs';
import type { SessionDoc } from '../../shared/api/session';
import {
  BoardBusyError,
  FieldError,
  parseOptions,
  procedureOptionsSchema,
  procedureParamsSchemas,
  runOptionsSchema,
  type ProcedureName,
  type ProcedureOptions,
  type RunOptions,
} from '../../shared/api/run-options';
import type { Clock } from '../../shared/clock';
import type { BoardLink } from '../board/board-link';
import { endParent, ProcedureAbortedError, type ParentRun, type ProcedureContext, type ProcedureReport } from '../procedures/context';
import { resumeRun } from '../run/resume-run';
import { executeRun, RunControl, type RunDeps, type RunSummary } from '../run/run-engine';
import { inlineBlockWriter, workerBlockWriter, type BlockWriter } from '../store/block-writer';
import { readRunDocuments } from '../store/run-documents';
import type { RunStore } from '../store/run-store';
import { openRunStore } from '../store/store';
import { readStoredRun } from '../store/stored-run';
import type { BenchApi, RunHandle } from './bench-api';
import { DocumentStream } from './document-stream';
import { PROCEDURE_RUNNERS } from './procedures';
import * as logged from '../replay/operations';
import { boardAddress, boardKey, openBoard, readRunInputs, type BoardChoice } from './run-inputs';

/** Who runs the bench, where: a session opened when the first run is accepted. */
export interface SessionInfo {
  readonly operator: string | null;
  readonly bench: string | null;
  /** the die as the operator labels it */
  readonly dieId?: string | null;
  readonly ambientC: number | null;
  readonly notes: string | null;
}

/** Where the engine keeps what a client hands it: saved die profiles and imported stimulus files. */
export interface BenchFolders {
  readonly profiles: string;
  readonly imports: string;
}

export interface BenchOptions {
  readonly dbPath: string;
  /** fail a run, keeping what is committed, before the store grows past this */
  readonly maxBytes?: number | undefined;
  readonly clock: Clock;
  readonly session: SessionInfo;
  /** the profiles and imports folders (the API's profiles.* and stimulus.import); none: those are refused */
  readonly folders?: BenchFolders;
  /** commit blocks in a writer thread per run (default) or in this thread */
  readonly writer?: 'thread' | 'inline';
  /** keep a writer thread started for the next run (a long-lived server: a run starts without waiting for one) */
  readonly warmWriter?: boolean;
  /** idle rail telemetry every this many ms (0: off) */
  readonly telemetryMs?: number;
  readonly statusEveryMs?: number;
}

/** Handles of runs that ended, kept so that a client coming back gets the stream it left. */
const ENDED_KEPT = 8;

export class Bench implements BenchApi {
  readonly store: RunStore;
  /** runs a process that is gone left 'running', marked interrupted when the store opened */
  readonly recovered: readonly number[];
  private readonly handles = new Map<number, RunHandle>();
  private readonly busy = new Map<string, string>();
  /** boards whose run has sent its stop and is letting go of the link and the writer */
  private readonly freeing = new Map<string, Promise<void>>();
  private sessionId: number | null = null;
  private sessionFields: SessionDoc;
  private closing = false;
  private spareWriter: BlockWriter | null = null;

  constructor(private readonly options: BenchOptions) {
    const opened = openRunStore(options.dbPath, { maxBytes: options.maxBytes });
    this.store = opened.store;
    this.recovered = opened.recovered;
    const s = options.session;
    this.sessionFields = { operator: s.operator, bench: s.bench, dieId: s.dieId ?? null, ambientC: s.ambientC, notes: s.notes };
    if (options.warmWriter && options.writer !== 'inline') this.spareWriter = workerBlockWriter(options.dbPath, { maxBytes: options.maxBytes });
  }

  async startRun(raw: RunOptions): Promise<RunHandle<RunSummary>> {
    const o = parseOptions(runOptionsSchema, raw);
    const address = boardAddress(o);
    const inputs = await readRunInputs(o);
    return this.onBoard(o, address, inputs.profile, (deps, control) =>
      executeRun(
        { ...inputs, repeat: o.repeat, batchVectors: o.batch, label: o.label, logWire: o.wireLog, calibrationId: o.calibration },
        { ...deps, resumeWithinMs: o.resumeWithinMs, sessionId: () => this.session(), onStart: (id) => o.tags.length > 0 && this.store.tag(id, o.tags) },
        control,
      ),
    );
  }

  async resumeRun(ref: string | number, o: BoardChoice & { anyBoard?: boolean; resumeWithinMs?: number }): Promise<RunHandle<RunSummary>> {
    const address = boardAddress(o);
    const row = this.store.getRun(ref);
    if (row?.kind === 'rescore')
      throw new FieldError('run', `run ${row.id} is a re-score: it has no board to be taken up on (re-score its source, run ${row.parentId ?? '?'}, again)`);
    // the simulated die takes the run's own profile, as the run's board did
    const { profile } = readStoredRun(this.store, ref);
    return this.onBoard(o, address, profile, (deps, control) =>
      resumeRun(ref, { ...deps, resumeWithinMs: o.resumeWithinMs ?? 10_000 }, control, { anyBoard: o.anyBoard }),
    );
  }

  async startProcedure(raw: ProcedureOptions): Promise<RunHandle<ProcedureReport>> {
    const o = parseOptions(procedureOptionsSchema, raw);
    const name: ProcedureName = o.procedure;
    const params = parseOptions(procedureParamsSchemas[name], o.params, 'params');
    const address = boardAddress(o);
    const { loadProfile } = await import('../files/profile-file');
    const profile = await loadProfile(o.profile);
    const extras = {
      openOther: (spec: string) =>
        address.kind === 'sim'
          ? openBoard({ ...o, die: spec }, address, profile, this.options.clock)
          : openBoard({ board: spec }, boardAddress({ board: spec }), profile, this.options.clock),
    };
    return this.launch(o, address, profile, (board, stream, control, writer, accepted) => {
      let parent: ParentRun | null = null;
      const ctx: ProcedureContext = {
        store: this.store,
        board,
        clock: this.options.clock,
        profile,
        sessionId: this.session(),
        runDeps: { writer, telemetryMs: this.options.telemetryMs ?? 1000, statusEveryMs: this.options.statusEveryMs },
        control,
        emit: (d) => stream.emit(d),
        onParent: (p) => {
          parent = p;
          accepted(p.id, p.guid);
        },
      };
      const run = PROCEDURE_RUNNERS[name] as (c: ProcedureContext, p: unknown, e: typeof extras) => Promise<ProcedureReport>;
      return run(ctx, params, extras).catch((e: unknown) => {
        // a procedure that stops halfway ends its parent run with the reason, not 'running'
        if (parent) endParent(ctx, parent, e instanceof ProcedureAbortedError ? 'aborted' : 'failed', (e as Error).message);
        throw e;
      });
    });
  }

  live(runId: number): RunHandle | undefined {
    return this.handles.get(runId);
  }

  readRun(runId: number, options: { withData?: boolean } = { withData: true }): Iterable<RunDocument> {
    return readRunDocuments(this.store, runId, options);
  }

  getRun(ref: string | number): RunRowDoc | null {
    return this.store.getRun(ref);
  }

  listRuns(options: { limit?: number; tag?: string }): RunRowDoc[] {
    return this.store.listRuns(options.limit, options.tag);
  }

  async close(): Promise<void> {
    this.closing = true;
    const running = [...this.handles.values()];
    for (const h of running) h.control.abort();
    await Promise.all(running.map((h) => h.done.catch(() => undefined)));
    await this.spareWriter?.close().catch(() => undefined);
    this.spareWriter = null;
    try {
      if (this.sessionId !== null) this.store.endSession(this.sessionId);
    } finally {
      this.store.close();
    }
  }

  /** The bench session, opened with the first accepted run. */
  private session(): number {
    this.sessionId ??= this.store.createSession(this.sessionFields);
    return this.sessionId;
  }

  /** The session the next run is logged under. */
  sessionInfo(): SessionDoc {
    return this.sessionFields;
  }

  /** New session fields: the session in progress ends, the next accepted run opens one with these. */
  setSession(fields: SessionDoc): SessionDoc {
    if (this.sessionId !== null) this.store.endSession(this.sessionId);
    this.sessionId = null;
    this.sessionFields = { ...fields };
    return this.sessionFields;
  }

  /** The profiles and imports folders, when this engine has them. */
  get folders(): BenchFolders | null {
    return this.options.folders ?? null;
  }

  /** A measurement run (new or taken up) on its board: the run's deps wired to its stream. */
  private onBoard(
    choice: BoardChoice,
    address: ReturnType<typeof boardAddress>,
    profile: Parameters<typeof openBoard>[2],
    body: (deps: RunDeps, control: RunControl) => Promise<RunSummary>,
  ): Promise<RunHandle<RunSummary>> {
    return this.launch(choice, address, profile, (board, stream, control, writer, accepted) =>
      body(
        {
          store: this.store,
          writer,
          board,
          clock: this.options.clock,
          telemetryMs: this.options.telemetryMs ?? 1000,
          statusEveryMs: this.options.statusEveryMs,
          emit: (d) => {
            const doc = stream.emit(d);
            if (doc.type === 'start' && doc.seq === 0) accepted(doc.runId, doc.guid);
          },
        },
        control,
      ),
    );
  }

  /**
   * Claim the board, open its link and a writer, and start `body`; resolves once the run is
   * accepted (`accepted` called), rejects with what refused it. Whatever happens, the board, the
   * link and the writer are released when the run ends.
   */
  private async launch<S>(
    choice: BoardChoice,
    address: ReturnType<typeof boardAddress>,
    profile: Parameters<typeof openBoard>[2],
    body: (board: BoardLink, stream: DocumentStream, control: RunControl, writer: BlockWriter, accepted: (runId: number, guid: string) => void) => Promise<S>,
  ): Promise<RunHandle<S>> {
    if (this.closing) throw new Error('the bench is closing');
    const key = boardKey(address);
    // a client that saw a run's stop may start the next at once: wait for that run to let go of
    // the board rather than refuse it as busy
    await this.freeing.get(key);
    const holder = this.busy.get(key);
    if (holder) throw new BoardBusyError(`${choice.board} is busy with ${holder}: one run per board at a time`);
    this.busy.set(key, 'a run being set up');
    const release: (() => unknown)[] = [() => this.busy.delete(key)];
    const releaseAll = async () => {
      for (const undo of release.reverse()) {
        try {
          await undo();
        } catch {
          // releasing goes on: the run's own outcome is what matters
        }
      }
    };
    try {
      const board = await openBoard(choice, address, profile, this.options.clock);
      release.push(() => board.dispose());
      const writer = this.takeWriter();
      release.push(() => writer.close());
      // the next run's writer thread starts once this run is over, not beside it: starting one takes
      // a core for seconds, which the link would feel
      release.push(() => this.warmNextWriter());
      const stream = new DocumentStream();
      const control = new RunControl();
      let accept!: (v: { runId: number; guid: string }) => void;
      const accepted = new Promise<{ runId: number; guid: string }>((r) => (accept = r));
      let freed!: () => void;
      const freeing = new Promise<void>((r) => (freed = r));
      // last of all, once the board is free
      release.unshift(() => {
        if (this.freeing.get(key) === freeing) this.freeing.delete(key);
        freed();
      });
      const done = body(board, stream, control, writer, (runId, guid) => {
        this.busy.set(key, `run ${runId}`);
        // the run's own stop (not a procedure child's): from here on the board is only being let go
        stream.subscribe((d) => {
          if (d.type === 'stop' && d.runId === runId) this.freeing.set(key, freeing);
        });
        accept({ runId, guid });
      });
      const ended = done.finally(async () => {
        stream.end();
        await releaseAll();
      });
      ended.catch(() => undefined); // the caller reads the outcome from `done`
      // refused before it was logged: the caller gets the refusal; accepted: the handle
      const first = await Promise.race([accepted, ended.then(() => null)]);
      if (!first) throw new Error('the run ended before it was accepted');
      const handle: RunHandle<S> = { ...first, documents: stream, control, done: ended };
      this.keep(handle as RunHandle);
      return handle;
    } catch (e) {
      await releaseAll();
      throw e;
    }
  }

  /** A writer for a run: the spare one started earlier if there is one. */
  private takeWriter(): BlockWriter {
    if (this.options.writer === 'inline') return inlineBlockWriter(this.store);
    const writer = this.spareWriter ?? workerBlockWriter(this.options.dbPath, { maxBytes: this.options.maxBytes });
    this.spareWriter = null;
    return writer;
  }

  private warmNextWriter(): void {
    if (!this.options.warmWriter || this.options.writer === 'inline' || this.closing || this.spareWriter) return;
    this.spareWriter = workerBlockWriter(this.options.dbPath, { maxBytes: this.options.maxBytes });
  }

  private keep(handle: RunHandle): void {
    this.handles.set(handle.runId, handle);
    void handle.done
      .catch(() => undefined)
      .then(() => {
        const ended = [...this.handles.values()].filter((h) => h.documents.isEnded);
        for (const h of ended.slice(0, Math.max(0, ended.length - ENDED_KEPT))) this.handles.delete(h.runId);
      });
  }

  // ---- logged runs (issue 11, docs/replay-compare.md): replay, re-score, re-measure, re-decode, compare ----

  /** A stored run played back as its documents (not a live run: not kept among `live`). */
  replayRun(ref: string | number, options: Omit<logged.ReplayOptions, 'clock'> & { clock?: Clock } = {}): logged.ReplayHandle {
    return logged.replayRun(this.store, ref, { ...options, clock: options.clock ?? this.options.clock });
  }

  /** A derived run (kind 'rescore', parent `ref`): the run's measurements against the model with another profile or configuration. */
  async rescoreRun(ref: string | number, request: logged.RescoreRequest): Promise<RunHandle<RunSummary>> {
    const handle = await logged.startRescore(this.store, ref, request, this.options.clock, this.options.statusEveryMs);
    this.keep(handle);
    return handle;
  }

  /** The run's stimulus, weights and configuration measured again on a board, as a new run whose parent is `ref`. */
  async remeasureRun(ref: string | number, o: BoardChoice & logged.RemeasureOptions & { resumeWithinMs?: number }): Promise<RunHandle<RunSummary>> {
    const request = logged.remeasureRequest(this.store, ref, o);
    return this.onBoard(o, boardAddress(o), request.profile, (deps, control) =>
      executeRun(request, { ...deps, resumeWithinMs: o.resumeWithinMs ?? 10_000, sessionId: () => this.session() }, control),
    );
  }

  /** The run's wire log decoded again and held against its stored blocks. */
  redecodeRun(ref: string | number): ReturnType<typeof logged.redecodeRun> {
    return logged.redecodeRun(this.store, ref);
  }

  /** One run against the model. */
  compareRun(ref: string | number, options: logged.CompareRunOptions = {}): ReturnType<typeof logged.compareRun> {
    return logged.compareRun(this.store, ref, options);
  }

  /** A run against another run over the same stimulus (refused, field `with`, otherwise). */
  compareRuns(ref: string | number, other: string | number): ReturnType<typeof logged.compareRuns> {
    return logged.compareRuns(this.store, ref, other);
  }
}
