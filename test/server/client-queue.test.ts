// A client's queue, against a sink a test stalls and drains at will: batches coalesce per run,
// everything else is kept, order is kept, and a client too far behind is let go.
import { describe, expect, it } from 'vitest';
import type { RunDocument } from '../../shared/api/documents';
import { ClientQueue, type QueueLimits } from '../../engine/server/client-queue';

/** A socket whose buffer the test fills and empties. */
class FakeSink {
  bufferedAmount = 0;
  readonly sent: string[] = [];
  private readonly callbacks: (() => void)[] = [];
  stalled = false;

  send(text: string, sent: () => void): void {
    this.sent.push(text);
    if (this.stalled) {
      this.bufferedAmount += text.length;
      this.callbacks.push(sent);
    } else sent();
  }

  /** The peer reads everything: the buffer empties and each send completes. */
  drain(): void {
    this.stalled = false;
    this.bufferedAmount = 0;
    for (const cb of this.callbacks.splice(0)) cb();
  }

  docs(): { type: string; runId: number; seq: number }[] {
    return this.sent
      .map((t) => JSON.parse(t) as { params?: { document: { type: string; runId: number; seq: number } } })
      .flatMap((m) => (m.params ? [m.params.document] : []));
  }
}

const LIMITS: QueueLimits = { highWaterBytes: 1, maxPending: 50, maxPendingBytes: 1e9 };
let seq = 0;
const doc = (type: 'start' | 'batch' | 'status' | 'stop', runId = 1): RunDocument => ({ type, runId, seq: seq++ }) as unknown as RunDocument;

describe('a client queue', () => {
  it('sends a replay’s documents as replay.document, its batches superseded apart from the run’s own', () => {
    const sink = new FakeSink();
    const q = new ClientQueue(sink, LIMITS, () => undefined);
    sink.stalled = true;
    q.document(doc('start')); // sent: fills the buffer
    q.replayDocument(7, doc('batch'));
    q.document(doc('batch'));
    q.replayDocument(7, doc('batch'));
    q.replayDocument(8, doc('batch'));
    q.replayDocument(7, doc('stop'));
    expect(q.stats).toMatchObject({ pending: 4, coalesced: 1 });
    sink.drain();
    const got = sink.sent.slice(1).map((t) => JSON.parse(t) as { method: string; params: { replayId?: number; document: { type: string } } });
    expect(got.map((m) => `${m.method} ${m.params.replayId ?? '-'} ${m.params.document.type}`)).toEqual([
      'run.document - batch',
      'replay.document 7 batch',
      'replay.document 8 batch',
      'replay.document 7 stop',
    ]);
  });

  it('sends at once while the socket has room', () => {
    const sink = new FakeSink();
    const q = new ClientQueue(sink, LIMITS, () => undefined);
    q.document(doc('start'));
    q.document(doc('batch'));
    expect(sink.docs().map((d) => d.type)).toEqual(['start', 'batch']);
    expect(q.stats).toMatchObject({ pending: 0, sent: 2, coalesced: 0 });
  });

  it('keeps only the newest batch of each run while the socket is full, and every other document, in order', () => {
    const sink = new FakeSink();
    const q = new ClientQueue(sink, LIMITS, () => undefined);
    sink.stalled = true;
    q.document(doc('start')); // sent: fills the buffer
    const held = [doc('batch'), doc('status'), doc('batch', 2), doc('batch'), doc('status'), doc('batch'), doc('batch', 2), doc('stop')];
    held.forEach((d) => q.document(d));
    expect(q.stats).toMatchObject({ pending: 5, coalesced: 3 });
    sink.drain();
    const got = sink.docs();
    expect(got.map((d) => `${d.type}${d.runId}`)).toEqual(['start1', 'status1', 'status1', 'batch1', 'batch2', 'stop1']);
    const seqs = got.map((d) => d.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(q.stats.pending).toBe(0);
  });

  it('stays bounded however long the socket stalls: one batch per run, plus what is never dropped', () => {
    const sink = new FakeSink();
    const q = new ClientQueue(sink, LIMITS, () => undefined);
    sink.stalled = true;
    q.document(doc('start'));
    for (let i = 0; i < 2000; i++) q.document(doc('batch'));
    expect(q.stats.pending).toBe(1);
    expect(q.stats.maxPending).toBe(1);
  });

  it('sends documents asked for from history, all of them, before the live ones that follow', () => {
    const sink = new FakeSink();
    const q = new ClientQueue(sink, LIMITS, () => undefined);
    sink.stalled = true;
    q.text('{"jsonrpc":"2.0","id":1,"result":null}');
    q.history([doc('start'), doc('batch'), doc('batch'), doc('batch')]);
    q.document(doc('batch'));
    q.document(doc('batch'));
    expect(q.stats).toMatchObject({ pending: 5, coalesced: 1 });
    sink.drain();
    expect(sink.docs().map((d) => d.type)).toEqual(['start', 'batch', 'batch', 'batch', 'batch']);
  });

  it('lets a client go that falls too far behind, rather than drop what it must get', () => {
    const sink = new FakeSink();
    const reasons: string[] = [];
    const q = new ClientQueue(sink, LIMITS, (why) => reasons.push(why));
    sink.stalled = true;
    for (let i = 0; i < 60; i++) q.document(doc('status'));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/fell too far behind.*reconnect/);
    expect(q.stats.pending).toBe(0);
  });

  it('counts the bytes of answers waiting', () => {
    const sink = new FakeSink();
    const reasons: string[] = [];
    const q = new ClientQueue(sink, { ...LIMITS, maxPendingBytes: 1000 }, (why) => reasons.push(why));
    sink.stalled = true;
    q.text('x'.repeat(10));
    q.text('x'.repeat(600));
    expect(reasons).toHaveLength(0);
    q.text('x'.repeat(600));
    expect(reasons).toHaveLength(1);
  });
});
