// Replay: a logged run plays back as exactly the documents the store reads back (data and all),
// at its own pace from its commit times, faster, or as fast as possible, on a fake clock; pause
// holds it, resume goes on with what was left of the gap, a seek jumps to the block holding a
// vector with the run's figures as they were there, a new speed rescales what is left of the gap in
// progress (and the ETA with it), and a stop ends it.
import { afterEach, describe, expect, it } from 'vitest';
import { replayRun, type ReplayHandle } from '../../engine/replay/replay';
import { readRunDocuments } from '../../engine/store/run-documents';
import type { RunStore } from '../../engine/store/run-store';
import type { RunDocument, StatusDocument } from '../../shared/api/documents';
import { FieldError } from '../../shared/api/run-options';
import { FakeClock, turn } from '../support/fake-clock';
import { simRun, tempStore } from '../compare/fixtures';

const stores: RunStore[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.close()));

/** What a run's documents say as data: status documents are the replay's own, sequence numbers places in a stream. */
const stored = (docs: readonly RunDocument[]) => docs.filter((d) => d.type !== 'status').map((d) => ({ ...d, seq: 0 }));

/** The documents without their measured arrays, and the arrays as bytes (deep equality of typed arrays is slow). */
function split(docs: readonly RunDocument[]) {
  const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  const data = docs.map((d) => (d.type === 'batch' && d.data ? [d.data.digital, d.data.saliency, d.data.level, d.data.codes].map(bytes).join('|') : null));
  const plain = stored(docs).map((d) => {
    if (d.type !== 'batch') return d;
    const copy: Record<string, unknown> = { ...d };
    delete copy.data;
    return copy;
  });
  return { plain, data: data.filter((x) => x !== null) };
}

/** A run of 2000 vectors in 8 blocks, its start at T0, block k committed at T0 + (k + 1) s, its end at T0 + 9.5 s. */
async function pacedRun(): Promise<{ store: RunStore; runId: number }> {
  const store = tempStore();
  stores.push(store);
  const s = await simRun(store, { vectors: 2000, batch: 250, seed: 4 });
  const t0 = Date.parse('2026-01-01T00:00:00.000Z');
  const iso = (ms: number) => new Date(t0 + ms).toISOString();
  store.db.prepare(`UPDATE runs SET started_at = ?, ended_at = ? WHERE id = ?`).run(iso(0), iso(9500), s.runId);
  const set = store.db.prepare(`UPDATE result_blocks SET committed_at = ? WHERE run_id = ? AND block = ?`);
  for (let k = 0; k < 8; k++) set.run(iso((k + 1) * 1000), s.runId, k);
  return { store, runId: s.runId };
}

function collect(h: ReplayHandle): RunDocument[] {
  const docs: RunDocument[] = [];
  h.documents.subscribe((d) => docs.push(d));
  return docs;
}

const batches = (docs: readonly RunDocument[]) => docs.filter((d) => d.type === 'batch').map((d) => (d.type === 'batch' ? d.block : -1));

/** Move the fake clock on in steps, letting the replay act at each. */
async function advance(clock: FakeClock, ms: number, step = 50): Promise<void> {
  await turn();
  for (let t = 0; t < ms; t += step) {
    clock.advance(Math.min(step, ms - t));
    await turn();
    await turn();
  }
}

describe('replay', () => {
  it('as fast as possible: exactly the stored documents, measured arrays and all, numbered from 0', async () => {
    const { store, runId } = await pacedRun();
    const h = replayRun(store, runId, { speed: null, clock: new FakeClock() });
    const docs = collect(h);
    const summary = await h.done;
    expect(summary).toMatchObject({ runId, state: 'completed', batches: 8, vectors: 2000, pace: 'commit-times', durationMs: 9500 });
    expect(docs.map((d) => d.seq)).toEqual(docs.map((_, i) => i));
    const back = [...readRunDocuments(store, runId, { withData: true })];
    const live = split(docs);
    const kept = split(back);
    expect(live.plain).toEqual(kept.plain);
    expect(live.data).toHaveLength(8);
    expect(live.data).toEqual(kept.data);
    expect(docs.filter((d) => d.type === 'batch').every((d) => d.type === 'batch' && d.data !== undefined && d.data.digital.length === d.vectors * 8)).toBe(true);
    // a progress report after every batch, the last at the end of the run
    expect(docs.filter((d) => d.type === 'status')).toHaveLength(8);
    expect(docs.findLast((d) => d.type === 'status')).toMatchObject({ vectorsDone: 2000, vectorsTotal: 2000, state: 'running' });
    expect(h.documents.isEnded).toBe(true);
  });

  it("at the run's own pace, from its commit times, and four times faster", async () => {
    const { store, runId } = await pacedRun();
    for (const speed of [1, 4]) {
      const clock = new FakeClock();
      const h = replayRun(store, runId, { speed, clock });
      const docs = collect(h);
      await advance(clock, 999 / speed, 1);
      expect(docs.map((d) => d.type)).toEqual(['start', 'descriptor']);
      await advance(clock, 1 / speed + 1, 1);
      expect(batches(docs)).toEqual([0]);
      await advance(clock, 3000 / speed);
      expect(batches(docs)).toEqual([0, 1, 2, 3]);
      await advance(clock, 4000 / speed);
      expect(batches(docs)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(docs.some((d) => d.type === 'stop')).toBe(false);
      await advance(clock, 1500 / speed);
      expect(docs.at(-1)).toMatchObject({ type: 'stop', state: 'completed' });
      expect((await h.done).state).toBe('completed');
    }
  });

  it('pauses, then goes on with what was left of the gap', async () => {
    const { store, runId } = await pacedRun();
    const clock = new FakeClock();
    const h = replayRun(store, runId, { speed: 1, clock });
    const docs = collect(h);
    await advance(clock, 2500);
    expect(batches(docs)).toEqual([0, 1]);
    h.control.pause();
    expect(h.control.isPaused).toBe(true);
    await advance(clock, 60_000, 1000);
    expect(batches(docs)).toEqual([0, 1]);
    expect(docs.at(-1)).toMatchObject({ type: 'status', state: 'paused', event: { kind: 'pause' }, vectorsDone: 500 });
    h.control.resume();
    // 500 ms of the gap to block 2 were gone before the pause
    await advance(clock, 450, 10);
    expect(batches(docs)).toEqual([0, 1]);
    await advance(clock, 100, 10);
    expect(batches(docs)).toEqual([0, 1, 2]);
    expect(docs.filter((d) => d.type === 'status').map((d) => (d.type === 'status' ? d.state : ''))).toContain('running');
    h.control.abort();
    const summary = await h.done;
    expect(summary).toMatchObject({ state: 'aborted', batches: 3 });
    expect(docs.at(-1)).toMatchObject({ type: 'status', state: 'aborted' });
    expect(docs.some((d) => d.type === 'stop')).toBe(false);
  });

  it('a new speed in the middle of a gap rescales what is left of it, and the ETA follows', async () => {
    const { store, runId } = await pacedRun();
    const clock = new FakeClock();
    const h = replayRun(store, runId, { speed: 1, clock, withData: false });
    const docs = collect(h);
    // blocks 0 and 1 out (at 1 s and 2 s); half of the gap to block 2 gone
    await advance(clock, 2500, 10);
    expect(batches(docs)).toEqual([0, 1]);
    expect(h.control.speed).toBe(1);
    h.control.setSpeed(4);
    expect(h.control.speed).toBe(4);
    const changed = docs.at(-1) as StatusDocument;
    expect(changed).toMatchObject({ type: 'status', state: 'running', vectorsDone: 500, event: { kind: 'speed', detail: expect.stringContaining('4×') as unknown } });
    // 7 s of the run left at four times its pace
    expect(changed.etaSeconds).toBeCloseTo(1.75, 6);
    // the 500 ms left of the gap take 125 ms now, not 500 ms (nor 250 ms for a gap started again)
    await advance(clock, 115, 5);
    expect(batches(docs)).toEqual([0, 1]);
    await advance(clock, 15, 5);
    expect(batches(docs)).toEqual([0, 1, 2]);
    expect((docs.at(-1) as StatusDocument).etaSeconds).toBeCloseTo(6.5 / 4, 6);
    // the next gap (1 s of the run) whole at the new pace
    await advance(clock, 240, 5);
    expect(batches(docs)).toEqual([0, 1, 2]);
    await advance(clock, 15, 5);
    expect(batches(docs)).toEqual([0, 1, 2, 3]);
    // as fast as possible: the rest at once, with no time passing
    h.control.setSpeed(null);
    expect(h.control.speed).toBeNull();
    expect(docs.at(-1)).toMatchObject({ type: 'status', event: { kind: 'speed', detail: expect.stringContaining('as fast as possible') as unknown } });
    const summary = await h.done;
    expect(summary).toMatchObject({ state: 'completed', batches: 8, vectors: 2000 });
    expect(batches(docs)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(docs.at(-1)).toMatchObject({ type: 'stop', state: 'completed' });
  });

  it('a lower speed mid-gap, and a pace taken up from as fast as possible, time the rest at the new speed', async () => {
    const { store, runId } = await pacedRun();
    const clock = new FakeClock();
    const h = replayRun(store, runId, { speed: 4, clock, withData: false });
    const docs = collect(h);
    // block 0 at 250 ms; at 375 ms half of the run's second to block 1 is gone
    await advance(clock, 375, 5);
    expect(batches(docs)).toEqual([0]);
    h.control.setSpeed(1);
    await advance(clock, 490, 5);
    expect(batches(docs)).toEqual([0]);
    await advance(clock, 15, 5);
    expect(batches(docs)).toEqual([0, 1]);
    // paused, a new speed waits for the resume, then times what is left of the gap
    await advance(clock, 500, 5);
    h.control.pause();
    h.control.setSpeed(2);
    expect(docs.at(-1)).toMatchObject({ type: 'status', state: 'paused', event: { kind: 'speed' } });
    await advance(clock, 5000, 100);
    expect(batches(docs)).toEqual([0, 1]);
    h.control.resume();
    await advance(clock, 240, 5);
    expect(batches(docs)).toEqual([0, 1]);
    await advance(clock, 15, 5);
    expect(batches(docs)).toEqual([0, 1, 2]);
    h.control.abort();
    expect((await h.done).state).toBe('aborted');

    // from as fast as possible to the run's own pace at the first batch: the next one a second later
    const clock2 = new FakeClock();
    const fast = replayRun(store, runId, { speed: null, clock: clock2, withData: false });
    const seen: RunDocument[] = [];
    fast.documents.subscribe((d) => {
      seen.push(d);
      if (d.type === 'batch' && d.block === 0) fast.control.setSpeed(1);
    });
    await advance(clock2, 990, 10);
    expect(batches(seen)).toEqual([0]);
    await advance(clock2, 20, 10);
    expect(batches(seen)).toEqual([0, 1]);
    fast.control.abort();
    await fast.done;
  });

  it('refuses a speed of 0, below 0 or not a number, naming `speed`', async () => {
    const { store, runId } = await pacedRun();
    const h = replayRun(store, runId, { speed: 1, clock: new FakeClock(), withData: false });
    for (const bad of [0, -2, Number.NaN]) {
      const thrown = (() => {
        try {
          h.control.setSpeed(bad);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(thrown).toBeInstanceOf(FieldError);
      expect(thrown).toMatchObject({ field: 'speed' });
    }
    expect(h.control.speed).toBe(1);
    expect(() => replayRun(store, runId, { speed: 0, clock: new FakeClock() })).toThrow(/^speed: must be above 0/);
    h.control.abort();
    await h.done;
  });

  it("seeks to the block holding a vector, forwards and back, with the run's figures as they were there", async () => {
    const { store, runId } = await pacedRun();
    const back = [...readRunDocuments(store, runId, { withData: false })];
    const storedBatch = (block: number) => stored(back).find((d) => d.type === 'batch' && d.block === block);
    const clock = new FakeClock();
    const h = replayRun(store, runId, { speed: 1, clock, withData: false });
    const docs = collect(h);
    await advance(clock, 1500);
    expect(batches(docs)).toEqual([0]);
    h.control.seek(1300);
    expect(h.control.position).toBe(1250);
    await advance(clock, 20, 10);
    // at once, the block holding vector 1300 (vectors 1250..1499)
    expect(batches(docs)).toEqual([0, 5]);
    expect(stored(docs).find((d) => d.type === 'batch' && d.block === 5)).toEqual(storedBatch(5));
    expect(docs.find((d) => d.type === 'status' && d.event?.kind === 'seek')).toMatchObject({ event: { detail: expect.stringContaining('block 5') as unknown } });
    await advance(clock, 1000);
    expect(batches(docs)).toEqual([0, 5, 6]);
    h.control.seek(10);
    await advance(clock, 20, 10);
    expect(batches(docs)).toEqual([0, 5, 6, 0]);
    expect(() => h.control.seek(5000)).toThrow(/vector 5000/);
    h.control.abort();
    expect((await h.done).state).toBe('aborted');
  });

  it('starts from a vector: the run opens it, then the block holding it', async () => {
    const { store, runId } = await pacedRun();
    const h = replayRun(store, runId, { speed: null, clock: new FakeClock(), fromVector: 1750, withData: false });
    const docs = collect(h);
    await h.done;
    expect(docs.filter((d) => d.type !== 'status').map((d) => (d.type === 'batch' ? d.block : d.type))).toEqual(['start', 'descriptor', 7, 'stop']);
    expect(docs.find((d) => d.type === 'batch')).not.toHaveProperty('data');
    expect(() => replayRun(store, runId, { speed: 1, clock: new FakeClock(), fromVector: 2000 })).toThrow(/vector 2000/);
    expect(() => replayRun(store, 999, { speed: 1, clock: new FakeClock() })).toThrow(/no run '999'/);
  });

  it('paces evenly over the run when the commit times do not read', async () => {
    const { store, runId } = await pacedRun();
    store.db.prepare(`UPDATE result_blocks SET committed_at = 'not a time' WHERE run_id = ? AND block = 3`).run(runId);
    const clock = new FakeClock();
    const h = replayRun(store, runId, { speed: 1, clock });
    const docs = collect(h);
    // 9.5 s over 8 batches
    await advance(clock, 1180, 10);
    expect(batches(docs)).toEqual([]);
    await advance(clock, 20, 10);
    expect(batches(docs)).toEqual([0]);
    h.control.abort();
    expect(await h.done).toMatchObject({ pace: 'even', durationMs: 9500 });
  });
});
