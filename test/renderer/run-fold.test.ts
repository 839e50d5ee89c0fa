// @vitest-environment happy-dom
// A run's documents folded into what the screens show: progress, rate, ETA and state from status
// documents, events, figures and bounded series from batches, the summary from the stop; a
// procedure's step i of n, sweep ETA, child runs and typed report; and the view committed at a
// bounded rate, never per document.
import { describe, expect, it } from 'vitest';
import type { WireDocument } from '../../shared/api/rpc';
import { RunFold } from '../../renderer/src/fold/run-fold';
import { RunWatch } from '../../renderer/src/fold/run-watch';
import { CODE_RESIDUAL_BINS, YHAT_ERROR_BINS, type ResidualHistograms } from '../../shared/api/figures';
import { FakeFrames } from './support/fake-frames';
import { batchDoc, runStream, startDoc, statusDoc, sweepStream } from './support/streams';

/** Histograms with `n` in bin `at` of each. */
const hist = (n: number, at = 3): ResidualHistograms => ({
  codeResidual: Array.from({ length: CODE_RESIDUAL_BINS }, (_, i) => (i === at ? n : 0)),
  yhatError: Array.from({ length: YHAT_ERROR_BINS }, (_, i) => (i === at ? n : 0)),
});

/** A batch document with a sample of `pairs` and the run's histograms so far. */
function sampledBatch(runId: number, seq: number, block: number, pairs: [number, number][], residuals: ResidualHistograms): WireDocument {
  return { ...batchDoc(runId, seq, block), sample: { pairs, ...hist(pairs.length) }, residuals };
}

describe('RunFold', () => {
  it('folds a run from start to stop: state, progress, rate, ETA, figures, events, summary', () => {
    const docs = runStream(7, 5);
    const fold = new RunFold(7);
    // up to the status after the third batch
    const third = docs.findIndex((d) => d.type === 'batch' && d.block === 2);
    for (const d of docs.slice(0, third + 2)) fold.apply(d);
    let v = fold.snapshot();
    expect(v.state).toBe('running');
    expect(v.kind).toBe('run');
    expect(v.vectorsDone).toBe(1200);
    expect(v.vectorsTotal).toBe(2000);
    expect(v.fraction).toBeCloseTo(0.6);
    expect(v.rate).toBe(800);
    expect(v.etaSeconds).toBeCloseTo(1);
    expect(v.batches).toBe(3);
    expect(v.figures?.snrDb).toBeCloseTo(17.6);
    expect(v.power?.dieTempC).toBeCloseTo(27.02);
    expect(v.events.map((e) => e.kind)).toEqual(['connect', 'pause', 'resume']);
    expect(v.series.snrDb.map((p) => p.x)).toEqual([400, 800, 1200]);
    expect(v.series.codeResidualMeanLsb[0]?.y).toBeCloseTo(4000 / 140_000);
    expect(v.series.codeResidualRmsLsb[0]?.y).toBeCloseTo(Math.sqrt(14_000 / 140_000));
    expect(v.summary).toBeNull();

    for (const d of docs.slice(third + 2)) fold.apply(d);
    v = fold.snapshot();
    expect(v.state).toBe('completed');
    expect(v.fraction).toBe(1);
    expect(v.etaSeconds).toBe(0);
    expect(v.rate).toBe(0);
    expect(v.summary?.vectors).toBe(2000);
    expect(v.summary?.snrDb).toBeCloseTo(17.6);
    expect(v.lastSeq).toBe(docs.at(-1)?.seq);
    expect(fold.isEnded).toBe(true);
  });

  it('shows a pause as the run’s state until it resumes', () => {
    const fold = new RunFold(1);
    fold.apply(startDoc(1, 0));
    fold.apply(statusDoc(1, 1, { state: 'paused', vectorsDone: 800, event: { kind: 'pause', detail: null } }));
    expect(fold.snapshot().state).toBe('paused');
    fold.apply(statusDoc(1, 2, { state: 'resuming', vectorsDone: 800, event: { kind: 'disconnect', detail: 'link lost' } }));
    expect(fold.snapshot().state).toBe('resuming');
    fold.apply(statusDoc(1, 3, { state: 'running', vectorsDone: 800 }));
    expect(fold.snapshot().state).toBe('running');
  });

  it('keeps its series and events bounded however long the run, spread over the whole run', () => {
    const fold = new RunFold(1, { seriesPoints: 64, events: 10 });
    fold.apply(startDoc(1, 0, { vectorsTotal: 5000 * 10 }));
    for (let b = 0; b < 5000; b++) {
      fold.apply(batchDoc(1, 1 + 2 * b, b, 10, 10 + (b % 7)));
      fold.apply(statusDoc(1, 2 + 2 * b, { vectorsDone: (b + 1) * 10, event: { kind: 'tick', detail: String(b) } }));
    }
    const v = fold.snapshot();
    for (const s of Object.values(v.series)) expect(s.length).toBeLessThanOrEqual(64);
    const snr = v.series.snrDb;
    expect(snr.length).toBeGreaterThan(16);
    expect(snr[0]?.x).toBe(10);
    expect(snr.at(-1)?.x).toBe(50_000); // the newest point is always there
    expect(snr.every((p, i) => i === 0 || p.x > snr[i - 1]!.x)).toBe(true);
    expect(v.events).toHaveLength(10);
    expect(v.events.at(-1)?.detail).toBe('4999');
  });

  it('leaves an infinite SNR (null) out of its series', () => {
    const fold = new RunFold(1);
    fold.apply(batchDoc(1, 0, 0, 400, null));
    const v = fold.snapshot();
    expect(v.series.snrDb).toHaveLength(0);
    expect(v.series.modelSnrDb).toHaveLength(1);
  });

  it('folds a procedure: step i of n, sweep ETA, child runs, and its typed report', () => {
    const docs = sweepStream(10, 8, 10);
    const fold = new RunFold(10);
    // into the second step
    const secondStart = docs.findIndex((d) => d.type === 'start' && d.runId === 12);
    for (const d of docs.slice(0, secondStart + 4)) fold.apply(d);
    let v = fold.snapshot();
    expect(v.kind).toBe('snr-sweep');
    expect(v.state).toBe('running');
    expect(v.step).toMatchObject({ name: 'b=9', index: 2, of: 3 });
    expect(v.etaSeconds).toBe(4); // the sweep's, not the step's
    expect(v.fraction).toBeCloseTo((1 + 0.5) / 3);
    expect(v.currentRunId).toBe(12);
    expect(v.children.map((c) => [c.runId, c.state])).toEqual([
      [11, 'completed'],
      [12, 'running'],
    ]);
    expect(v.children[0]?.summary?.snrDb).toBeCloseTo(32.5);
    expect(v.report).toBeNull();

    for (const d of docs.slice(secondStart + 4)) fold.apply(d);
    v = fold.snapshot();
    expect(v.state).toBe('completed');
    expect(v.fraction).toBe(1);
    expect(v.report?.procedure).toBe('snr-sweep');
    if (v.report?.procedure !== 'snr-sweep') throw new Error('not an snr-sweep report');
    expect(v.report.passed).toBeNull();
    expect(v.report.summary.points.map((p) => p.boundary)).toEqual([8, 9, 10]);
    expect(v.series.snrDb).toHaveLength(6); // every batch of every step, on one axis
  });
});

describe('RunFold: the sampled MACs and the residual histograms', () => {
  it('gathers the batches’ sampled MACs into one scatter, and takes the histograms from the newest batch', () => {
    const fold = new RunFold(1);
    fold.apply(startDoc(1, 0));
    expect(fold.snapshot()).toMatchObject({ scatter: [], residuals: null });
    fold.apply(
      sampledBatch(
        1,
        1,
        0,
        [
          [10, 11],
          [-4, -3.5],
        ],
        hist(100),
      ),
    );
    fold.apply(sampledBatch(1, 2, 1, [[7, 6]], hist(250)));
    const v = fold.snapshot();
    expect(v.scatter).toEqual([
      { x: 10, y: 11 },
      { x: -4, y: -3.5 },
      { x: 7, y: 6 },
    ]);
    // the histograms count every batch so far: the newest replaces, it is not added
    expect(v.residuals).toEqual(hist(250));
  });

  it('counts a batch the engine coalesced away: the next batch’s histograms hold it', () => {
    const all = new RunFold(1);
    const skipping = new RunFold(1);
    const docs = [1, 2, 3, 4].map((b) => sampledBatch(1, b, b - 1, [[b, b]], hist(100 * b)));
    docs.forEach((d) => all.apply(d));
    [docs[0]!, docs[3]!].forEach((d) => skipping.apply(d));
    expect(skipping.snapshot().residuals).toEqual(all.snapshot().residuals);
  });

  it('adds up a procedure’s child runs’ histograms', () => {
    const fold = new RunFold(10);
    fold.apply(startDoc(10, 0, { kind: 'snr-sweep' }));
    fold.apply(startDoc(11, 1, { parentId: 10 }));
    fold.apply(sampledBatch(11, 2, 0, [[1, 1]], hist(30, 5)));
    fold.apply(sampledBatch(11, 3, 1, [[2, 2]], hist(60, 5)));
    fold.apply(startDoc(12, 4, { parentId: 10 }));
    fold.apply(sampledBatch(12, 5, 0, [[3, 3]], hist(7, 6)));
    const r = fold.snapshot().residuals;
    expect(r?.codeResidual[5]).toBe(60);
    expect(r?.codeResidual[6]).toBe(7);
    expect(r?.yhatError.reduce((a, b) => a + b, 0)).toBe(67);
    expect(fold.snapshot().scatter).toHaveLength(3);
  });

  it('keeps the scatter bounded over a long run, spread from its first batch to its newest', () => {
    const fold = new RunFold(1, { scatterPoints: 256 });
    for (let b = 0; b < 2000; b++) {
      const pairs = Array.from({ length: 64 }, (_, k): [number, number] => [b * 64 + k, b]);
      fold.apply(sampledBatch(1, b, b, pairs, hist(b + 1)));
    }
    const s = fold.snapshot().scatter;
    expect(s.length).toBeLessThanOrEqual(256);
    expect(s.length).toBeGreaterThan(64);
    expect(s[0]).toEqual({ x: 0, y: 0 });
    expect(s.at(-1)).toEqual({ x: 2000 * 64 - 1, y: 1999 });
    // every tenth of the run has its share of the points
    const tenths = new Set(s.map((p) => Math.floor(p.y / 200)));
    expect(tenths.size).toBe(10);
  });

  it('shows a run logged before batches kept samples without a scatter or histograms', () => {
    const fold = new RunFold(7);
    for (const d of runStream(7, 3)) fold.apply(d);
    expect(fold.snapshot()).toMatchObject({ scatter: [], residuals: null, batches: 3 });
  });
});

describe('RunWatch', () => {
  it('commits the view at most five times a second, whatever the documents’ rate', () => {
    const frames = new FakeFrames();
    const watch = new RunWatch(1, { frames });
    let commits = 0;
    const seen = new Set<unknown>();
    const count = () => {
      if (!seen.has(watch.view.value)) {
        seen.add(watch.view.value);
        commits++;
      }
    };
    count();
    watch.feed(startDoc(1, 0, { vectorsTotal: 1_000_000 }));
    // 2,000 documents over one second: 2 a millisecond
    for (let ms = 0, seq = 1; ms < 1000; ms++) {
      watch.feed(batchDoc(1, seq++, seq, 500));
      watch.feed(statusDoc(1, seq++, { vectorsDone: seq * 250, vectorsTotal: 1_000_000, rate: 500_000 }));
      if (ms % 16 === 0) {
        frames.advance(16);
        count();
      }
    }
    expect(commits - 1).toBeGreaterThanOrEqual(4);
    expect(commits - 1).toBeLessThanOrEqual(6);
    frames.advance(400);
    expect(watch.view.value.batches).toBe(1000);
  });

  it('commits the stop at once, and calls onStop with the final view', () => {
    const frames = new FakeFrames();
    let stopped: string | null = null;
    const watch = new RunWatch(7, { frames, onStop: (v) => (stopped = v.state) });
    for (const d of runStream(7, 3)) watch.feed(d);
    expect(watch.view.value.state).toBe('completed');
    expect(stopped).toBe('completed');
    expect(watch.isEnded).toBe(true);
  });

  it('commits a stop that comes after everything before it was committed', () => {
    const frames = new FakeFrames();
    const watch = new RunWatch(7, { frames });
    const docs = runStream(7, 3);
    for (const d of docs.slice(0, -1)) watch.feed(d);
    frames.advance(1000); // all committed; the stop comes a while later
    expect(watch.view.value.state).toBe('completed'); // the run's own last status
    expect(watch.view.value.summary).toBeNull();
    watch.feed(docs.at(-1)!);
    expect(watch.view.value.summary?.vectors).toBe(1200);
    expect(watch.isEnded).toBe(true);
  });

  it('commits a procedure’s stop at once, however long after its last child it comes', () => {
    const frames = new FakeFrames();
    const watch = new RunWatch(10, { frames });
    const docs = sweepStream(10, 8, 9);
    for (const d of docs.slice(0, -1)) watch.feed(d);
    frames.advance(1000);
    expect(watch.view.value.state).toBe('running');
    watch.feed(docs.at(-1)!);
    expect(watch.view.value.state).toBe('completed');
    expect(watch.view.value.report?.procedure).toBe('snr-sweep');
  });

  it('takes its documents from a subscription, and lets go of it when disposed', async () => {
    let listener: ((d: WireDocument) => void) | null = null;
    let closed = false;
    const watch = new RunWatch(7, { frames: new FakeFrames() });
    await watch.watch({
      subscribe: (runId, l) => {
        expect(runId).toBe(7);
        listener = l;
        return { ready: Promise.resolve({ runId }), close: () => (closed = true) };
      },
    });
    for (const d of runStream(7, 2)) listener!(d);
    expect(watch.view.value.state).toBe('completed');
    watch.dispose();
    expect(closed).toBe(true);
  });
});
