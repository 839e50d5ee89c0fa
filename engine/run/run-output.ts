// Where a run's results go: the documents of its stream, with the store as their first subscriber.
// A batch is handed to the writer; once it is committed its document goes out, so no client ever
// sees a batch the store does not hold, and the live stream and a read-back of the store agree.
// Events and changes of state are logged before their status document goes out.
import type { StatusDocument, StatusState, TerminalState, UnnumberedDocument } from '../../shared/api/documents';
import { ResidualHistogramsAccumulator } from '../../shared/analysis/block-sample';
import { burstEnergyPj, type RunFiguresAccumulator } from '../../shared/analysis/run-figures';
import type { Clock } from '../../shared/clock';
import type { WireLines } from '../../drivers/transport/recording';
import type { BlockWriter } from '../store/block-writer';
import { batchDocument, descriptorDocument, startDocument, stopDocument } from '../store/run-documents';
import type { RunStore, StoredBlock } from '../store/run-store';
import { ProgressMeter } from './progress-meter';

export type DocumentSink = (doc: UnnumberedDocument) => void;

export interface RunOutputDeps {
  readonly store: RunStore;
  readonly writer: BlockWriter;
  readonly clock: Clock;
  readonly emit: DocumentSink;
  /** least time between two status documents of a running run */
  readonly statusEveryMs: number;
}

export class RunOutput {
  /** vectors in the database: what the figures and the summary count */
  committed: number;
  private readonly meter: ProgressMeter;
  private state: StatusState = 'running';
  /** while resuming: when the wait for the lost board runs out (ms since the epoch, as the documents' `time`) */
  private resumeBy: number | null = null;
  /** the residual histograms of the run so far, as a read-back of the store counts them */
  private readonly residuals = new ResidualHistogramsAccumulator();

  constructor(
    readonly runId: number,
    private readonly total: number,
    readonly figures: RunFiguresAccumulator,
    private readonly deps: RunOutputDeps,
    startVectors: number,
  ) {
    this.committed = startVectors;
    this.meter = new ProgressMeter(deps.clock, deps.statusEveryMs, startVectors);
    // a run taken up again goes on counting from its committed blocks
    if (startVectors > 0) for (const b of deps.store.blockSummaries(runId, { samples: true })) this.residuals.add(b.summary.sample);
  }

  /** The run's start and descriptor documents, from its row as logged. */
  started(outputs: number, planes: number): void {
    const row = this.deps.store.getRun(this.runId);
    if (!row) throw new Error(`run ${this.runId} is not in the store`);
    this.deps.emit(startDocument(row));
    this.deps.emit(descriptorDocument(this.runId, outputs, planes));
  }

  /** Log a run event, and report it in a status document. */
  event(kind: string, detail: string | null): void {
    this.deps.store.event(this.runId, kind, detail);
    this.status(this.state, { kind, detail });
  }

  /** A change of state: paused, resuming after a lost link (waiting `waitMs` for it), running again. */
  setState(state: Exclude<StatusState, TerminalState>, reason: string | null = null, waitMs: number | null = null): void {
    this.resumeBy = state === 'resuming' && waitMs !== null ? Date.now() + waitMs : null;
    if (state === 'resuming') this.deps.store.setState(this.runId, 'interrupted', reason);
    if (state === 'running' && this.state === 'resuming') this.deps.store.setState(this.runId, 'running', null);
    this.state = state;
    this.status(state, null);
  }

  /**
   * Hand a block to the writer (resolves when the writer has room). Once committed, the figures
   * take it in and its batch document, with its data, goes out. The data is copied first: the
   * writer thread takes the block's buffers.
   */
  async batch(block: StoredBlock, wire: WireLines | null): Promise<void> {
    const data = { digital: block.digital.slice(), saliency: block.saliency.slice(), level: block.level.slice(), codes: block.codes.slice() };
    const end = block.firstVector + block.vectors;
    await this.deps.writer.write(this.runId, block, wire, () => {
      this.committed = end;
      this.figures.add(block.summary, burstEnergyPj(block.power), block.power.dieTempC);
      this.residuals.add(block.summary.sample);
      this.deps.emit(batchDocument(this.runId, { ...block, ...data }, this.figures.figures(), true, this.residuals.result()));
      if (this.meter.due()) this.status(this.state, null);
    });
  }

  /** Every block handed to the writer is committed (throws what the writer failed with). */
  flush(): Promise<void> {
    return this.deps.writer.flush();
  }

  /** The run's end: its state and summary logged, then its last status and its stop document. */
  stop(state: TerminalState, reason: string | null, summary: object): void {
    this.deps.store.setState(this.runId, state, reason, summary);
    this.status(state, null);
    const row = this.deps.store.getRun(this.runId);
    const stop = row && stopDocument(row);
    if (stop) this.deps.emit(stop);
  }

  private status(state: StatusState, event: StatusDocument['event']): void {
    const { rate, etaSeconds } = this.meter.measure(this.committed, this.total);
    this.deps.emit({
      type: 'status',
      runId: this.runId,
      state,
      vectorsDone: this.committed,
      vectorsTotal: this.total,
      rate,
      etaSeconds,
      step: null,
      event,
      ...(this.resumeBy !== null && state === 'resuming' ? { resumeBy: new Date(this.resumeBy).toISOString() } : {}),
      time: new Date().toISOString(),
    });
  }
}
