// @vitest-environment happy-dom
// The replay store on a fake engine: replay.start, the replay's documents (replay.document
// notifications) folded into the Run screen's view as a run's are; pause, resume, stop; a seek that
// starts the plots again from the block sought; a new speed sent to the replay playing
// (replay.speed, not a stop and a new start), and kept for the next start when none plays; the
// engine's refusal shown by the field it names.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WireDocument } from '../../shared/api/rpc';
import { setConnectionDeps, useConnectionStore } from '../../renderer/src/stores/connection';
import { useReplayStore } from '../../renderer/src/stores/replay';
import { engineError, FakeEngine, settle, until } from './support/fake-engine';
import { runStream, statusDoc } from './support/streams';

beforeEach(() => {
  localStorage.clear();
  setActivePinia(createPinia());
});
afterEach(() => setConnectionDeps(null));

/** A stored run as a replay sends it: its own documents without the run's statuses, numbered afresh. */
function storedDocs(runId: number, batches = 5): WireDocument[] {
  return runStream(runId, batches)
    .filter((d) => d.type !== 'status')
    .map((d, seq) => ({ ...d, seq }));
}

function replayEngine(): { engine: FakeEngine; send: (replayId: number, doc: WireDocument) => void } {
  let nextReplay = 40;
  const engine = new FakeEngine((method, params) => {
    if (method === 'replay.start') return { replayId: ++nextReplay, runId: params.run, guid: `guid-${String(params.run)}` };
    if (method === 'replay.speed') return { replayId: params.replayId, paused: false, position: 800, speed: params.speed };
    if (method.startsWith('replay.')) return { replayId: params.replayId, paused: method === 'replay.pause', position: 800, speed: 1 };
    return null;
  });
  const send = (replayId: number, document: WireDocument) => {
    for (const s of engine.sockets) s.deliver({ jsonrpc: '2.0', method: 'replay.document', params: { replayId, document } });
  };
  return { engine, send };
}

async function connected(engine: FakeEngine): Promise<void> {
  engine.install();
  await useConnectionStore().connect();
}

describe('the replay store', () => {
  it('starts a replay as fast as possible and folds its documents into a run view', async () => {
    const { engine, send } = replayEngine();
    await connected(engine);
    const replay = useReplayStore();
    expect(await replay.start(7)).toBe(true);
    expect(engine.requests.find((r) => r.method === 'replay.start')?.params).toEqual({ run: 7, speed: null, forDisplay: true });
    expect(replay.active).toBe(true);
    for (const d of storedDocs(7)) send(41, d);
    await until(() => replay.ended, 'the replay ended with the run’s stop');
    expect(replay.view?.runId).toBe(7);
    expect(replay.view?.batches).toBe(5);
    expect(replay.view?.state).toBe('completed');
    expect(replay.view?.summary?.vectors).toBe(2000);
    expect(replay.active).toBe(false);
    // documents of another replay are not this one's
    send(99, storedDocs(7)[2] as WireDocument);
    await settle();
    expect(replay.view?.batches).toBe(5);
  });

  it('keeps the documents that come in the same read as the answer to replay.start', async () => {
    const { engine } = replayEngine();
    await connected(engine);
    const socket = engine.sockets[0]!;
    const deliver = socket.deliver.bind(socket);
    // the engine's answer and the whole replay in one go, with no turn in between
    socket.deliver = (message) => {
      deliver(message);
      const replayId = (message as { result?: { replayId?: number } }).result?.replayId;
      if (replayId !== undefined) for (const document of storedDocs(7)) deliver({ jsonrpc: '2.0', method: 'replay.document', params: { replayId, document } });
    };
    const replay = useReplayStore();
    expect(await replay.start(7)).toBe(true);
    await until(() => replay.ended, 'the replay ended with the run’s stop');
    expect(replay.view?.batches).toBe(5);
    expect(replay.view?.summary?.vectors).toBe(2000);
  });

  it('pauses, resumes and stops the replay by its id', async () => {
    const { engine, send } = replayEngine();
    await connected(engine);
    const replay = useReplayStore();
    await replay.start(7, { speed: 4 });
    const docs = storedDocs(7);
    for (const d of docs.slice(0, 3)) send(41, d);
    await until(() => replay.view?.batches === 1, 'a batch');
    await replay.pause();
    expect(replay.paused).toBe(true);
    expect(replay.canResume).toBe(true);
    await replay.resume();
    expect(replay.paused).toBe(false);
    await replay.stop();
    expect(engine.requests.filter((r) => r.method.startsWith('replay.')).map((r) => [r.method, r.params.replayId ?? r.params.speed])).toEqual([
      ['replay.start', 4],
      ['replay.pause', 41],
      ['replay.resume', 41],
      ['replay.stop', 41],
    ]);
    expect(replay.active).toBe(false);
    expect(replay.view?.batches).toBe(1);
  });

  it('ends when the engine says the replay stopped (its aborted status)', async () => {
    const { engine, send } = replayEngine();
    await connected(engine);
    const replay = useReplayStore();
    await replay.start(7);
    for (const d of storedDocs(7).slice(0, 3)) send(41, d);
    send(41, statusDoc(7, 3, { state: 'aborted', vectorsDone: 400, vectorsTotal: 2000, event: { kind: 'replay', detail: 'stopped at vector 400' } }));
    await until(() => replay.ended, 'the replay ended');
    expect(replay.active).toBe(false);
    await until(() => replay.view?.state === 'aborted', 'the view aborted');
    expect(engine.requests.some((r) => r.method === 'replay.stop')).toBe(false);
  });

  it('starts the fold again at a seek, keeping the run’s start', async () => {
    const { engine, send } = replayEngine();
    await connected(engine);
    const replay = useReplayStore();
    await replay.start(7);
    const docs = storedDocs(7);
    for (const d of docs.slice(0, 5)) send(41, d);
    await until(() => replay.view?.batches === 3, 'three batches');
    await replay.seek(400);
    expect(engine.requests.find((r) => r.method === 'replay.seek')?.params).toEqual({ replayId: 41, vector: 400 });
    send(41, statusDoc(7, 5, { vectorsDone: 400, vectorsTotal: 2000, event: { kind: 'seek', detail: 'to vector 400: block 1 of run 7, from vector 400' } }));
    send(41, { ...(docs[3] as WireDocument), seq: 6 });
    await until(() => replay.view?.batches === 1, 'the fold started again');
    expect(replay.view?.kind).toBe('run');
    expect(replay.view?.vectorsTotal).toBe(2000);
    expect(replay.view?.events.map((e) => e.kind)).toEqual(['seek']);
  });

  it('changes the speed of the replay playing (replay.speed): it goes on in the same plots, nothing sent again', async () => {
    const { engine, send } = replayEngine();
    await connected(engine);
    const replay = useReplayStore();
    await replay.start(7, { speed: 1 });
    const docs = storedDocs(7);
    for (const d of docs.slice(0, 4)) send(41, d);
    await until(() => replay.view?.batches === 2, 'two batches');
    const fold = replay.view;
    expect(await replay.setSpeed(16)).toBe(true);
    const calls = engine.requests.filter((r) => r.method.startsWith('replay.'));
    expect(calls.map((r) => r.method)).toEqual(['replay.start', 'replay.speed']);
    expect(calls[1]?.params).toEqual({ replayId: 41, speed: 16 });
    expect(replay.speed).toBe(16);
    expect(replay.replayId).toBe(41);
    expect(replay.active).toBe(true);
    // the engine's speed event is in the run's log; the same replay's documents go on in the same fold
    send(41, statusDoc(7, 4, { vectorsDone: 800, vectorsTotal: 2000, event: { kind: 'speed', detail: "16× the run's pace (was 1× the run's pace) at vector 800" } }));
    for (const [k, d] of docs.slice(4).entries()) send(41, { ...d, seq: 5 + k });
    await until(() => replay.ended, 'the replay ended');
    expect(replay.view?.batches).toBe(5);
    expect(replay.view?.runId).toBe(fold?.runId);
    expect(replay.view?.events.map((e) => e.kind)).toContain('speed');
    // as fast as possible, on the replay playing, keeps it paused when it was
    await replay.start(7, { speed: 4 });
    send(42, docs[0] as WireDocument);
    await replay.pause();
    expect(await replay.setSpeed(null)).toBe(true);
    expect(engine.requests.filter((r) => r.method === 'replay.speed').at(-1)?.params).toEqual({ replayId: 42, speed: null });
    expect(replay.speed).toBeNull();
    expect(engine.requests.filter((r) => r.method === 'replay.start')).toHaveLength(2);
  });

  it('keeps a speed for the next start when no replay plays, and shows a refused speed by its field', async () => {
    const { engine, send } = replayEngine();
    await connected(engine);
    const replay = useReplayStore();
    await replay.start(7, { speed: 1 });
    for (const d of storedDocs(7)) send(41, d);
    await until(() => replay.ended, 'the replay ended');
    expect(await replay.setSpeed(4)).toBe(true);
    expect(engine.requests.some((r) => r.method === 'replay.speed' || r.method === 'replay.stop')).toBe(false);
    expect(replay.speed).toBe(4);
    await replay.start(7);
    expect(engine.requests.filter((r) => r.method === 'replay.start').at(-1)?.params).toEqual({ run: 7, speed: 4, forDisplay: true });

    engine.handler = (method) => {
      if (method === 'replay.speed') throw engineError(-32602, 'speed: must be above 0 (or null: as fast as possible), got 0', 'speed');
      return null;
    };
    expect(await replay.setSpeed(16)).toBe(false);
    expect(replay.errors).toEqual({ speed: 'must be above 0 (or null: as fast as possible), got 0' });
    expect(replay.speed).toBe(4);
  });

  it('shows the engine’s refusal by the field it names', async () => {
    const engine = new FakeEngine((method) => {
      if (method === 'replay.start') throw engineError(-32602, 'fromVector: run 7 has no committed block holding vector 90000', 'fromVector');
      return null;
    });
    await connected(engine);
    const replay = useReplayStore();
    expect(await replay.start(7, { fromVector: 90_000 })).toBe(false);
    expect(replay.errors).toEqual({ fromVector: 'run 7 has no committed block holding vector 90000' });
    expect(replay.view).toBeNull();
  });
});
