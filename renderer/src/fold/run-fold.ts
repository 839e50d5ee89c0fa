// A run's documents folded into what the screens show: state, progress, rate and ETA (a
// procedure's step i of n and its sweep ETA), the figures so far, the event log, the child runs
// of a procedure, bounded series for the live plots, a bounded scatter of the blocks' sampled
// MACs (exact against measured yhat) and the run's residual histograms. Plain TypeScript, no Vue: the fold takes
// documents as fast as they come and is read by the view at a bounded frame rate (run-watch.ts).
import type { StatusState, TerminalState } from '../../../shared/api/documents';
import type { RailPower, ResidualHistograms, RunFiguresDoc } from '../../../shared/api/figures';
import type { WireDocument } from '../../../shared/api/rpc';
import { BoundedSeries, type Point } from './bounded-series';
import { parseReport, parseRunSummary, type ReportView } from './reports';
import type { RunSummaryDoc } from '../../../shared/api/runs';

type Doc<T extends WireDocument['type']> = Extract<WireDocument, { type: T }>;

/** waiting: nothing received yet */
export type RunState = 'waiting' | StatusState;

export interface RunEvent {
  readonly seq: number;
  readonly runId: number;
  readonly time: string;
  readonly kind: string;
  readonly detail: string | null;
}

export interface StepView {
  readonly name: string;
  readonly index: number;
  readonly of: number | null;
  readonly sweepEtaSeconds: number | null;
}

export interface ChildRunView {
  readonly runId: number;
  readonly label: string | null;
  readonly mode: string | null;
  readonly state: RunState;
  readonly vectorsDone: number;
  readonly vectorsTotal: number;
  readonly summary: RunSummaryDoc | null;
}

/** The series of the live plots, by name. */
export const SERIES = [
  'snrDb',
  'modelSnrDb',
  'levelAgreement',
  'dieTempC',
  'vddDigMw',
  'vddAnaMw',
  'vddSramMw',
  'codeResidualMeanLsb',
  'codeResidualRmsLsb',
  'codeResidualMinLsb',
  'codeResidualMaxLsb',
] as const;
export type SeriesName = (typeof SERIES)[number];

/** What the screens read: a plain snapshot, made at most a few times a second. */
export interface RunView {
  readonly runId: number;
  readonly kind: string | null;
  readonly label: string | null;
  readonly mode: string | null;
  readonly state: RunState;
  /** the run's stop reason */
  readonly reason: string | null;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  /** 0..1 over the whole run (a procedure: over its steps), null before it can be told */
  readonly fraction: number | null;
  readonly vectorsDone: number;
  readonly vectorsTotal: number;
  /** vectors per second */
  readonly rate: number;
  /** to the end of the run, or of a procedure's sweep */
  readonly etaSeconds: number | null;
  readonly step: StepView | null;
  /** the child run under way (a procedure) */
  readonly currentRunId: number | null;
  readonly figures: RunFiguresDoc | null;
  readonly power: RailPower | null;
  readonly batches: number;
  readonly events: readonly RunEvent[];
  readonly children: readonly ChildRunView[];
  readonly series: Readonly<Record<SeriesName, readonly Point[]>>;
  /** (exact, measured yhat) of the MACs the batches sampled: bounded, spread over the whole run */
  readonly scatter: readonly Point[];
  /** the residual histograms over every batch (a procedure: its child runs' added up); null before a batch that has them */
  readonly residuals: ResidualHistograms | null;
  readonly summary: RunSummaryDoc | null;
  readonly report: ReportView | null;
  /** the last document's sequence number */
  readonly lastSeq: number;
  /** resuming: when the engine stops waiting for the lost board (ms since the epoch), as its status said */
  readonly resumeBy: number | null;
}

export interface FoldLimits {
  /** points kept per series */
  readonly seriesPoints: number;
  /** events kept (the newest) */
  readonly events: number;
  /** sampled MACs kept for the scatter */
  readonly scatterPoints: number;
}

const DEFAULT_LIMITS: FoldLimits = { seriesPoints: 1500, events: 500, scatterPoints: 2000 };
const TERMINAL: readonly string[] = ['completed', 'aborted', 'failed', 'interrupted'] satisfies readonly TerminalState[];

export function isTerminal(state: RunState): boolean {
  return TERMINAL.includes(state);
}

interface ChildState {
  runId: number;
  label: string | null;
  mode: string | null;
  state: RunState;
  vectorsDone: number;
  vectorsTotal: number;
  summary: RunSummaryDoc | null;
}

export class RunFold {
  private start: Doc<'start'> | null = null;
  private stop: Doc<'stop'> | null = null;
  private state: RunState = 'waiting';
  private lastStatus: Doc<'status'> | null = null;
  private step: StepView | null = null;
  private current: number | null = null;
  private figures: RunFiguresDoc | null = null;
  private power: RailPower | null = null;
  private batches = 0;
  /** vectors of every batch so far, over the run and its children: the plots' x axis */
  private vectorsSeen = 0;
  private lastSeq = -1;
  private events: RunEvent[] = [];
  private readonly children = new Map<number, ChildState>();
  private readonly series: Record<SeriesName, BoundedSeries>;
  private readonly scatter: BoundedSeries;
  /**
   * each run's histograms as its newest batch gives them: they count every batch so far, so a
   * batch the engine coalesced away for a slow client is still counted
   */
  private readonly residuals = new Map<number, ResidualHistograms>();
  private readonly limits: FoldLimits;

  constructor(
    readonly runId: number,
    limits: Partial<FoldLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.series = Object.fromEntries(SERIES.map((s) => [s, new BoundedSeries(this.limits.seriesPoints)])) as Record<SeriesName, BoundedSeries>;
    this.scatter = new BoundedSeries(this.limits.scatterPoints);
  }

  get isEnded(): boolean {
    return this.stop !== null;
  }

  apply(doc: WireDocument): void {
    this.lastSeq = Math.max(this.lastSeq, doc.seq);
    const own = doc.runId === this.runId;
    switch (doc.type) {
      case 'start':
        if (own) {
          this.start = doc;
          if (this.state === 'waiting') this.state = 'running';
        } else {
          this.children.set(doc.runId, {
            runId: doc.runId,
            label: doc.label,
            mode: doc.mode,
            state: 'running',
            vectorsDone: 0,
            vectorsTotal: doc.vectorsTotal,
            summary: null,
          });
          this.current = doc.runId;
        }
        return;
      case 'descriptor':
        return;
      case 'batch':
        return this.batch(doc);
      case 'status':
        return this.status(doc, own);
      case 'stop':
        if (own) {
          this.stop = doc;
          this.state = doc.state;
          this.current = null;
        } else {
          const child = this.children.get(doc.runId);
          if (child) {
            child.state = doc.state;
            child.summary = parseRunSummary(doc.summary);
          }
        }
        return;
    }
  }

  private batch(doc: Doc<'batch'>): void {
    this.batches++;
    this.vectorsSeen += doc.vectors * doc.repeat;
    this.figures = doc.run;
    this.power = doc.power;
    const x = this.vectorsSeen;
    const f = doc.figures;
    const s = this.series;
    s.snrDb.push(x, doc.run.snrDb);
    s.modelSnrDb.push(x, doc.run.modelSnrDb);
    s.levelAgreement.push(x, doc.run.levelAgreement);
    s.dieTempC.push(x, doc.power.dieTempC);
    s.vddDigMw.push(x, doc.power.vddDigMw);
    s.vddAnaMw.push(x, doc.power.vddAnaMw);
    s.vddSramMw.push(x, doc.power.vddSramMw);
    if (f.codeResidualCount > 0) {
      const mean = f.codeResidualSum / f.codeResidualCount;
      s.codeResidualMeanLsb.push(x, mean);
      s.codeResidualRmsLsb.push(x, Math.sqrt(f.codeResidualSq / f.codeResidualCount));
      s.codeResidualMinLsb.push(x, f.codeResidualMin);
      s.codeResidualMaxLsb.push(x, f.codeResidualMax);
    }
    if (doc.sample) for (const [exact, yhat] of doc.sample.pairs) this.scatter.push(exact, yhat);
    if (doc.residuals) this.residuals.set(doc.runId, doc.residuals);
    const child = this.children.get(doc.runId);
    if (child) child.vectorsDone = Math.max(child.vectorsDone, doc.firstVector + doc.vectors);
  }

  private status(doc: Doc<'status'>, own: boolean): void {
    if (doc.event) {
      this.events.push({ seq: doc.seq, runId: doc.runId, time: doc.time, kind: doc.event.kind, detail: doc.event.detail });
      if (this.events.length > this.limits.events) this.events = this.events.slice(-this.limits.events);
    }
    if (own) {
      if (!this.stop) this.state = doc.state;
      this.lastStatus = doc;
      return;
    }
    const child = this.children.get(doc.runId);
    if (child) {
      child.state = doc.state;
      child.vectorsDone = doc.vectorsDone;
      child.vectorsTotal = doc.vectorsTotal;
    }
    if (doc.step) this.step = doc.step;
    this.lastStatus = doc;
    // a procedure is as its child run is, while it goes on (paused, resuming); a child that ends does not end it
    if (!this.stop && !isTerminal(doc.state)) this.state = doc.state;
  }

  snapshot(): RunView {
    const st = this.lastStatus;
    const step = this.step;
    const own = st?.runId === this.runId;
    const vectorsDone = st?.vectorsDone ?? 0;
    const vectorsTotal = st?.vectorsTotal ?? this.start?.vectorsTotal ?? 0;
    const stepFraction = (s: StepView, done: number, total: number) => (s.of ? Math.min(1, (s.index - 1 + (total > 0 ? done / total : 0)) / s.of) : null);
    let fraction: number | null;
    if (this.stop) fraction = this.stop.state === 'completed' ? 1 : this.completedFraction(vectorsDone, vectorsTotal);
    else if (step && !own) fraction = stepFraction(step, vectorsDone, vectorsTotal);
    else fraction = vectorsTotal > 0 ? Math.min(1, vectorsDone / vectorsTotal) : null;
    const etaSeconds = this.stop ? 0 : step && !own ? (step.sweepEtaSeconds ?? st?.etaSeconds ?? null) : (st?.etaSeconds ?? null);
    const series = Object.fromEntries(SERIES.map((s) => [s, this.series[s].points()])) as Record<SeriesName, Point[]>;
    const kind = this.start?.kind ?? null;
    return {
      runId: this.runId,
      kind,
      label: this.start?.label ?? null,
      mode: this.start?.mode ?? null,
      state: this.state,
      reason: this.stop?.reason ?? null,
      startedAt: this.start?.time ?? null,
      endedAt: this.stop?.time ?? null,
      fraction,
      vectorsDone,
      vectorsTotal,
      rate: this.stop ? 0 : (st?.rate ?? 0),
      etaSeconds,
      step,
      currentRunId: this.current,
      figures: this.figures,
      power: this.power,
      batches: this.batches,
      events: this.events.slice(),
      children: [...this.children.values()].map((c) => ({ ...c })),
      series,
      scatter: this.scatter.points(),
      residuals: addUp([...this.residuals.values()]),
      summary: this.stop && kind === 'run' ? parseRunSummary(this.stop.summary) : null,
      report: this.stop && kind ? parseReport(kind, this.stop.summary) : null,
      lastSeq: this.lastSeq,
      resumeBy: !this.stop && this.state === 'resuming' && st?.resumeBy ? Date.parse(st.resumeBy) : null,
    };
  }

  private completedFraction(done: number, total: number): number | null {
    return total > 0 ? Math.min(1, done / total) : null;
  }
}

/** Histograms over the same bins added up; null for none. */
function addUp(runs: readonly ResidualHistograms[]): ResidualHistograms | null {
  const [first, ...rest] = runs;
  if (!first || rest.length === 0) return first ?? null;
  const add = (pick: (h: ResidualHistograms) => readonly number[]) => pick(first).map((_, i) => runs.reduce((n, h) => n + (pick(h)[i] ?? 0), 0));
  return { codeResidual: add((h) => h.codeResidual), yhatError: add((h) => h.yhatError) };
}

/** An empty view of a run, before any of its documents. */
export function emptyView(runId: number): RunView {
  return new RunFold(runId).snapshot();
}
