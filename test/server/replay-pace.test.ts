// A replay's documents to one client, paced where it was started for display (replay.start's
// forDisplay): at full speed a replay emits thousands of batches and statuses a second, and a page
// that watches it would parse and fold every one. Its batches go out at most one every 20 ms and its
// statuses without an event one every 250 ms, the newest held meanwhile; everything else
// (start, descriptor, a status with an event, stop) goes at once, after what is held, so the order
// of sequence numbers holds.
import { describe, expect, it } from 'vitest';
import type { RunDocument } from '../../shared/api/documents';
import { ClientQueue, DISPLAY_PACE, type QueueLimits } from '../../engine/server/client-queue';
import { FakeClock } from '../support/fake-clock';

const LIMITS: QueueLimits = { highWaterBytes: 1e9, maxPending: 50, maxPendingBytes: 1e9 };

class Sink {
  bufferedAmount = 0;
  readonly sent: string[] = [];
  send(text: string, sent: () => void): void {
    this.sent.push(text);
    sent();
  }
  docs(): string[] {
    return this.sent.map((t) => {
      const d = (JSON.parse(t) as { params: { document: { type: string; runId: number; seq: number; event?: { kind: string } | null } } }).params.document;
      return `${d.type}${d.event ? `:${d.event.kind}` : ''}#${d.seq}`;
    });
  }
}

let seq = 0;
const doc = (type: 'start' | 'batch' | 'status' | 'stop', extra: Record<string, unknown> = {}): RunDocument =>
  ({ type, runId: 1, seq: seq++, ...(type === 'status' ? { event: null, step: null } : {}), ...extra }) as unknown as RunDocument;

/** A queue whose replay 3 was started for display. */
function setup(forDisplay = true) {
  seq = 0;
  const clock = new FakeClock();
  const sink = new Sink();
  const q = new ClientQueue(sink, LIMITS, () => undefined, clock);
  if (forDisplay) q.paceReplay(3, DISPLAY_PACE);
  return { clock, sink, q };
}

describe('a replay’s documents to a client, paced', () => {
  it('holds a burst of batches and statuses back, and sends the newest of each when its time comes', () => {
    const { clock, sink, q } = setup();
    q.replayDocument(3, doc('start'));
    // a replay at full speed: 100 batches, each with its status, in the same instant
    for (let i = 0; i < 100; i++) {
      q.replayDocument(3, doc('batch'));
      q.replayDocument(3, doc('status'));
    }
    // the first of each at once, the rest held
    expect(sink.docs()).toEqual(['start#0', 'batch#1', 'status#2']);
    clock.advance(20);
    // the batch interval is up: the newest batch goes (the newest status is newer, and waits its own time)
    expect(sink.docs().slice(3)).toEqual(['batch#199']);
    clock.advance(230);
    expect(sink.docs().slice(4)).toEqual(['status#200']);
    expect(q.stats.coalesced).toBe(98 + 98);
    clock.advance(1000);
    expect(sink.sent).toHaveLength(5);
  });

  it('sends what is held before a document that is never held back, in order', () => {
    const { sink, q } = setup();
    q.replayDocument(3, doc('batch'));
    q.replayDocument(3, doc('status'));
    q.replayDocument(3, doc('batch'));
    q.replayDocument(3, doc('status'));
    q.replayDocument(3, doc('batch'));
    q.replayDocument(3, doc('status', { event: { kind: 'pause', detail: null } }));
    q.replayDocument(3, doc('stop'));
    expect(sink.docs()).toEqual(['batch#0', 'status#1', 'status#3', 'batch#4', 'status:pause#5', 'stop#6']);
  });

  it('lets a slow replay through untouched: a batch more than the interval after the last goes at once', () => {
    const { clock, sink, q } = setup();
    for (let i = 0; i < 5; i++) {
      q.replayDocument(3, doc('batch'));
      q.replayDocument(3, doc('status'));
      clock.advance(300);
    }
    expect(sink.docs()).toHaveLength(10);
    expect(q.stats.coalesced).toBe(0);
  });

  it('keeps a procedure’s runs apart: a batch of another run sends what is held of the one before', () => {
    const { clock, sink, q } = setup();
    q.replayDocument(3, doc('batch'));
    q.replayDocument(3, doc('batch'));
    q.replayDocument(3, doc('batch', { runId: 2 }));
    expect(sink.docs()).toEqual(['batch#0', 'batch#1']);
    clock.advance(20);
    expect(sink.docs()).toEqual(['batch#0', 'batch#1', 'batch#2']);
  });

  it('does not merge statuses of different procedure steps', () => {
    const { clock, sink, q } = setup();
    q.replayDocument(3, doc('status', { step: { name: 'a', index: 1, of: 2, sweepEtaSeconds: null } }));
    q.replayDocument(3, doc('status', { step: { name: 'a', index: 1, of: 2, sweepEtaSeconds: null } }));
    q.replayDocument(3, doc('status', { step: { name: 'b', index: 2, of: 2, sweepEtaSeconds: null } }));
    clock.advance(250);
    expect(sink.docs()).toEqual(['status#0', 'status#1', 'status#2']);
  });

  it('sends what is held when the replay ends, and leaves a live run’s documents as they come', () => {
    const { clock, sink, q } = setup();
    q.replayDocument(3, doc('batch'));
    q.replayDocument(3, doc('batch'));
    q.replayEnded(3);
    expect(sink.docs()).toEqual(['batch#0', 'batch#1']);
    for (let i = 0; i < 5; i++) q.document(doc('batch'));
    expect(sink.sent).toHaveLength(7);
    clock.advance(1000);
    expect(sink.sent).toHaveLength(7);
  });

  it('sends every document of a replay not started for display as it comes (the API promises them all)', () => {
    const { clock, sink, q } = setup(false);
    for (let i = 0; i < 10; i++) {
      q.replayDocument(3, doc('batch'));
      q.replayDocument(3, doc('status'));
    }
    expect(sink.sent).toHaveLength(20);
    clock.advance(1000);
    expect(sink.sent).toHaveLength(20);
  });
});
