// A logged run played back as its documents (docs/replay-compare.md): the same start, descriptor,
// batches (with their measured arrays) and stop that the store reads back, into a DocumentStream,
// so that the Run screen shows a replay as it shows a run. As fast as possible, at the run's own
// pace or `speed` times it, with pause, resume, stop, a seek to the block holding a vector and a
// new speed while it plays.
//
// The pace is the run's own: each batch goes out as long after the one before as its block was
// committed after the block before (result_blocks.committed_at), the first after the run's start,
// the stop after the last batch as the run ended after it. A store whose commit times do not read
// (or go backwards) is paced evenly over the run's duration; a run with no end, at one batch a
// second (the engine sizes batches to about a second of link). Status documents (progress, and
// every pause, resume, seek and speed change as an event) are the replay's own and are not in the
// stored run. At a finite speed the ETA is what is left of the run's own timeline over the speed,
// so it follows a new speed at once; as fast as possible, it is the measured rate's.
import type { BatchDocument, RunDocument, StatusDocument, UnnumberedDocument } from '../../shared/api/documents';
import { FieldError } from '../../shared/api/run-options';
import type { Clock, TimerHandle } from '../../shared/clock';
import { ProgressMeter } from '../run/progress-meter';
import type { RunControls, RunHandle } from '../service/bench-api';
import { DocumentStream } from '../service/document-stream';
import { readRunDocuments } from '../store/run-documents';
import type { RunStore } from '../store/run-store';
import { StoredRunError } from '../store/stored-run';
import { commitTimes } from './stored-blocks';

export interface ReplayOptions {
  /** 1: the run's own pace (default); 4: four times faster; null or Infinity: as fast as possible */
  readonly speed?: number | null;
  readonly clock: Clock;
  /** start at the block holding this vector (of the replayed run, or of a procedure's first child run holding it) */
  readonly fromVector?: number;
  /** batch documents carry their measured arrays (default true) */
  readonly withData?: boolean;
}

export type PaceSource = 'commit-times' | 'even' | 'one-a-second';

export interface ReplaySummary {
  readonly runId: number;
  readonly guid: string;
  /** completed: every document went out; aborted: stopped before the end */
  readonly state: 'completed' | 'aborted';
  /** documents of the stored run that went out (a seek skips some or sends some again) */
  readonly documents: number;
  readonly batches: number;
  readonly vectors: number;
  /** how the run's own pace was found */
  readonly pace: PaceSource;
  /** the run's own duration, ms (what speed 1 takes) */
  readonly durationMs: number;
}

export interface ReplayControls extends RunControls {
  /** go on from the block holding `vector` (of `runId`, by default the replayed run or the first child run holding it) */
  seek(vector: number, runId?: number): void;
  /** another pace from now on: times the run's own, null (or Infinity) as fast as possible; in the middle of a gap, what is left of it is rescaled */
  setSpeed(speed: number | null): void;
  /** the vector after the last batch that went out */
  readonly position: number;
  /** times the run's own pace; null: as fast as possible */
  readonly speed: number | null;
}

export interface ReplayHandle extends RunHandle<ReplaySummary> {
  readonly control: ReplayControls;
}

/** A stored document and when it happened, ms. */
interface Entry {
  readonly doc: UnnumberedDocument;
  at: number;
}

const ONE_A_SECOND_MS = 1000;

export function replayRun(store: RunStore, ref: string | number, options: ReplayOptions): ReplayHandle {
  const row = store.getRun(ref);
  if (!row) throw new StoredRunError(`no run '${ref}' in ${store.path}`);
  let speed = speedOf(options.speed);
  const { entries, pace, durationMs } = timeline(store, row.id);
  const withData = options.withData ?? true;
  const clock = options.clock;
  const stream = new DocumentStream();

  /** the run's own time (ms) at which each run's documents end: what an ETA counts down to */
  const endOf = new Map<number, number>();
  for (const e of entries) endOf.set(e.doc.runId, e.at);

  let next = 0;
  /** entries that go out first, at once: the start and descriptor of the run a replay from a vector begins in */
  let prelude: number[] = [];
  if (options.fromVector !== undefined) {
    const at = findBatch(entries, options.fromVector, undefined, row.id);
    if (at < 0) throw new FieldError('fromVector', `run ${row.id} has no committed block holding vector ${options.fromVector}`);
    prelude = opening(entries, at);
    next = at;
  }
  let paused = false;
  let aborted = false;
  let position = 0;
  let sent = 0;
  let batches = 0;
  let vectors = 0;
  /** a seek asked for: the entry to go on from */
  let seekTo: number | null = null;
  /** the run's own time (ms) of the last entry that went out, or how far a settled gap had got */
  let last = entries[0]?.at ?? 0;
  /** a paced gap in progress: when it began (clock ms) and at what speed */
  let waiting: { readonly since: number; readonly speed: number } | null = null;
  /** what the loop waits on (a paced gap, a pause): settled early by pause, seek, a new speed and stop */
  let wake: (() => void) | null = null;
  const rouse = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const totals = new Map<number, number>();
  let meter = new ProgressMeter(clock, 0, 0);
  /** where the replay is in the run's own time: the last entry out, and the part of a gap gone by */
  const timelineNow = () => last + (waiting ? (clock.now() - waiting.since) * waiting.speed : 0);

  const status = (state: StatusDocument['state'], event: StatusDocument['event'], runId = row.id) => {
    const total = totals.get(runId) ?? row.vectorsTotal;
    const measured = meter.measure(position, total);
    const rate = measured.rate;
    const end = endOf.get(runId);
    // paced: what is left of the run's own timeline at the speed now in force (exact, and at once after a new speed)
    const etaSeconds = Number.isFinite(speed) && end !== undefined ? Math.max(0, end - timelineNow()) / speed / 1000 : measured.etaSeconds;
    stream.emit({ type: 'status', runId, state, vectorsDone: position, vectorsTotal: total, rate, etaSeconds, step: null, event, time: new Date().toISOString() });
  };

  const sleep = (ms: number): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      let timer: TimerHandle | null = null;
      wake = () => {
        if (timer) clock.clearTimeout(timer);
        resolve(false);
      };
      if (ms <= 0) {
        wake = null;
        resolve(true);
        return;
      }
      timer = clock.setTimeout(() => {
        wake = null;
        resolve(true);
      }, ms);
    });

  const waitWhilePaused = async () => {
    while (paused && !aborted) await new Promise<void>((r) => (wake = r));
  };

  const emit = (entry: Entry) => {
    const doc = entry.doc;
    if (doc.type === 'start') totals.set(doc.runId, doc.vectorsTotal);
    last = entry.at;
    if (doc.type === 'batch') {
      stream.emit(withData ? { ...doc, data: blockData(store, doc.runId, doc.block) } : doc);
      position = doc.firstVector + doc.vectors;
      batches++;
      vectors += doc.vectors;
      sent++;
      status('running', null, doc.runId);
      return;
    }
    stream.emit(doc);
    sent++;
  };

  const play = async (): Promise<ReplaySummary> => {
    // the caller subscribes first: documents go out from the next turn on
    await Promise.resolve();
    for (const k of prelude) emit(entries[k] as Entry);
    last = next > 0 ? (entries[next] as Entry).at : (entries[0]?.at ?? 0);
    while (next < entries.length && !aborted) {
      await waitWhilePaused();
      if (aborted) break;
      if (seekTo !== null) {
        next = seekTo;
        seekTo = null;
        last = (entries[next] as Entry).at;
      }
      const entry = entries[next] as Entry;
      // a pause, a seek or a new speed in the middle of a gap settles it early: the part gone by
      // counts at the speed it went at, and what is left is timed again at the speed then in force
      const gap = Number.isFinite(speed) ? Math.max(0, entry.at - last) / speed : 0;
      if (gap > 0) {
        waiting = { since: clock.now(), speed };
        const slept = await sleep(gap);
        const gone = timelineNow();
        waiting = null;
        last = slept ? entry.at : gone;
        if (!slept) continue;
      }
      if (paused || seekTo !== null || aborted) continue;
      emit(entry);
      next++;
      // as fast as possible still lets the process breathe between batches
      if (!Number.isFinite(speed) && entry.doc.type === 'batch') await new Promise<void>((r) => setImmediate(r));
    }
    if (aborted) status('aborted', { kind: 'replay', detail: `stopped at vector ${position}` });
    return { runId: row.id, guid: row.guid, state: aborted ? 'aborted' : 'completed', documents: sent, batches, vectors, pace, durationMs };
  };

  const control: ReplayControls = {
    pause() {
      if (paused || aborted) return;
      paused = true;
      status('paused', { kind: 'pause', detail: `at vector ${position}` });
      rouse();
    },
    resume() {
      if (!paused || aborted) return;
      paused = false;
      status('running', { kind: 'resume', detail: `from vector ${position}` });
      rouse();
    },
    abort() {
      if (aborted) return;
      aborted = true;
      rouse();
    },
    setSpeed(to: number | null) {
      const now = speedOf(to);
      if (aborted || now === speed) return;
      const was = speed;
      speed = now;
      status(paused ? 'paused' : 'running', { kind: 'speed', detail: `${speedText(now)} (was ${speedText(was)}) at vector ${position}` });
      // the rate is measured afresh from here, at the new pace
      meter = new ProgressMeter(clock, 0, position);
      rouse();
    },
    seek(vector: number, runId?: number) {
      const at = findBatch(entries, vector, runId, row.id);
      if (at < 0) throw new FieldError('vector', `no committed block of run ${runId ?? row.id} holds vector ${vector}`);
      seekTo = at;
      const b = (entries[at] as Entry).doc as BatchDocument;
      position = b.firstVector;
      // the timeline is where the block sought is (the gap in progress is dropped)
      last = (entries[at] as Entry).at;
      waiting = null;
      status(paused ? 'paused' : 'running', { kind: 'seek', detail: `to vector ${vector}: block ${b.block} of run ${b.runId}, from vector ${b.firstVector}` }, b.runId);
      rouse();
    },
    get isPaused() {
      return paused;
    },
    get position() {
      return position;
    },
    get speed() {
      return Number.isFinite(speed) ? speed : null;
    },
  };

  const done = play().finally(() => stream.end());
  done.catch(() => undefined);
  return { runId: row.id, guid: row.guid, documents: stream, control, done };
}

/** A speed as asked (null or Infinity: as fast as possible), or a FieldError naming `speed`. */
function speedOf(asked: number | null | undefined): number {
  const speed = asked ?? Infinity;
  if (!(speed > 0)) throw new FieldError('speed', `must be above 0 (or null: as fast as possible), got ${String(speed)}`);
  return speed;
}

const speedText = (speed: number) => (Number.isFinite(speed) ? `${speed}× the run's pace` : 'as fast as possible');

/** The stored run's documents (without data) and when each happened, paced as the run went. */
function timeline(store: RunStore, runId: number): { entries: Entry[]; pace: PaceSource; durationMs: number } {
  const entries: Entry[] = [];
  const commits = new Map<number, Map<number, number>>();
  let last = NaN;
  for (const numbered of readRunDocuments(store, runId, { withData: false })) {
    const doc = strip(numbered);
    let at = last;
    if (doc.type === 'start' || doc.type === 'stop') at = Date.parse(doc.time);
    else if (doc.type === 'batch') {
      if (!commits.has(doc.runId)) commits.set(doc.runId, commitTimes(store, doc.runId));
      at = commits.get(doc.runId)?.get(doc.block) ?? NaN;
    }
    entries.push({ doc, at });
    last = at;
  }
  const times = entries.map((e) => e.at);
  const readable = times.every((t) => Number.isFinite(t)) && times.every((t, k) => k === 0 || t >= (times[k - 1] as number));
  if (readable && entries.length > 0) return { entries, pace: 'commit-times', durationMs: (times.at(-1) as number) - (times[0] as number) };
  // no usable commit times: the run's duration spread evenly over its batches, or a batch a second
  const timeOf = (e: Entry | undefined) => (e && (e.doc.type === 'start' || e.doc.type === 'stop') ? Date.parse(e.doc.time) : NaN);
  const first = timeOf(entries[0]);
  const end = timeOf(entries.findLast((e) => e.doc.type === 'stop'));
  const batchCount = entries.filter((e) => e.doc.type === 'batch').length;
  const even = Number.isFinite(first) && Number.isFinite(end) && end > first;
  const step = even ? (end - first) / Math.max(1, batchCount) : ONE_A_SECOND_MS;
  let t = 0;
  for (const e of entries) {
    if (e.doc.type === 'batch') t += step;
    e.at = t;
  }
  return { entries, pace: even ? 'even' : 'one-a-second', durationMs: t };
}

function strip(doc: RunDocument): UnnumberedDocument {
  const copy: Partial<RunDocument> = { ...doc };
  delete copy.seq;
  return copy as UnnumberedDocument;
}

/** The entry of the batch holding `vector`: of `runId`, else of the replayed run, else of the first run holding it. */
function findBatch(entries: readonly Entry[], vector: number, runId: number | undefined, own: number): number {
  const holds = (e: Entry, id?: number) =>
    e.doc.type === 'batch' && (id === undefined || e.doc.runId === id) && vector >= e.doc.firstVector && vector < e.doc.firstVector + e.doc.vectors;
  if (runId !== undefined) return entries.findIndex((e) => holds(e, runId));
  const mine = entries.findIndex((e) => holds(e, own));
  return mine >= 0 ? mine : entries.findIndex((e) => holds(e));
}

/**
 * The documents that open the run of the batch at entry `at` (its start and descriptor, and a
 * procedure's own start before them), so that a replay from a vector tells its client what it shows.
 */
function opening(entries: readonly Entry[], at: number): number[] {
  const runId = (entries[at] as Entry).doc.runId;
  const out: number[] = [];
  for (let k = 0; k < at; k++) {
    const d = (entries[k] as Entry).doc;
    if (k === 0 && d.type === 'start') out.push(k);
    else if ((d.type === 'start' || d.type === 'descriptor') && d.runId === runId) out.push(k);
  }
  return out;
}

function blockData(store: RunStore, runId: number, block: number): BatchDocument['data'] {
  const m = store.measuredBlock(runId, block);
  if (!m) throw new Error(`run ${runId} has no block ${block}`);
  return { digital: m.digital, saliency: m.saliency, level: m.level, codes: m.codes };
}
