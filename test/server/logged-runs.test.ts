// Logged runs over the API against the real engine and the simulated board: a replay streamed to
// the client that started it (equal to the stored run's documents), paused, sought and stopped, its
// speed changed while it plays;
// re-score, re-measure, re-decode and resume, each tracked as run.start's runs are; the
// comparisons; and the typed client's replay watch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EngineClient, type SocketLike } from '../../shared/api/client';
import { RPC_ERRORS, type WireDocument } from '../../shared/api/rpc';
import { RpcClient, SMALL_RUN, startTestServer, type TestServer } from './server-fixture';

type ReplayMessage = { method?: string; params?: { replayId: number; document: WireDocument } };

/** The replay documents a client has received, of one replay. */
const replayDocs = (c: RpcClient, replayId: number): WireDocument[] =>
  (c.messages as ReplayMessage[]).filter((m) => m.method === 'replay.document' && m.params?.replayId === replayId).map((m) => m.params!.document);

/** Resolves once `check` holds, polled (the server's side of a close has no event to wait on). */
const until = (check: () => boolean) =>
  new Promise<void>((resolve) => {
    const poll = () => (check() ? resolve() : setTimeout(poll, 5));
    poll();
  });

const withoutSeq = (d: WireDocument) => {
  const copy: Partial<WireDocument> = { ...d };
  delete copy.seq;
  return copy;
};

describe('the engine server: logged runs', () => {
  let s: TestServer;
  let c: RpcClient;
  let runId: number;
  beforeAll(async () => {
    s = await startTestServer();
    c = await RpcClient.open(s.server.apiUrl);
    ({ runId } = await c.call('run.start', SMALL_RUN));
    await c.call('run.subscribe', { runId });
    await c.stopOf(runId);
  });
  afterAll(async () => {
    await c.close();
    await s.close();
  });

  /** Started (and tracked) runs end; resolves with the stop document. */
  const finished = async (id: number) => {
    await c.call('run.subscribe', { runId: id });
    return c.stopOf(id);
  };

  it('streams a replay to the client that started it: the stored run’s documents, in order, then its own end', async () => {
    const stored = (await c.call('run.read', { runId })).documents;
    const started = await c.call('replay.start', { run: runId, speed: null });
    expect(started).toMatchObject({ runId, guid: s.bench.getRun(runId)!.guid });
    await c.until(() => replayDocs(c, started.replayId).some((d) => d.type === 'stop'));
    const docs = replayDocs(c, started.replayId);
    expect(docs.filter((d) => d.type !== 'status').map(withoutSeq)).toEqual(stored.map(withoutSeq));
    // numbered by the replay's own stream, in order; status documents are the replay's own
    expect(docs.map((d) => d.seq)).toEqual(docs.map((_, i) => i));
    // the replay is not a run in flight, and others do not get its documents
    expect((await c.call('bench.info')).live).toEqual([]);
    expect(c.docsOf(runId).filter((d) => d.type === 'status' && d.event?.kind === 'replay')).toEqual([]);
    // over once its documents are: nothing left to control
    await c.until(() => s.server.clients().every((k) => k.replays.length === 0));
    expect((await c.request('replay.pause', { replayId: started.replayId })).error).toMatchObject({ code: RPC_ERRORS.REFUSED });
  });

  it('paces a replay started for display: a batch only where it is a stored one, the last among them, and every other document, in order', async () => {
    const stored = (await c.call('run.read', { runId })).documents;
    const started = await c.call('replay.start', { run: runId, speed: null, forDisplay: true });
    await c.until(() => replayDocs(c, started.replayId).some((d) => d.type === 'stop'));
    const docs = replayDocs(c, started.replayId);
    const batches = (list: readonly WireDocument[]) => list.filter((d) => d.type === 'batch').map(withoutSeq);
    expect(docs.filter((d) => d.type !== 'status' && d.type !== 'batch').map(withoutSeq)).toEqual(stored.filter((d) => d.type !== 'batch').map(withoutSeq));
    const shown = batches(docs);
    for (const b of shown) expect(batches(stored)).toContainEqual(b);
    // the view ends on the run's last batch: its figures are the whole run's
    expect(shown.at(-1)).toEqual(batches(stored).at(-1));
    const seqs = docs.map((d) => d.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('pauses, seeks and resumes a replay, and stops another', async () => {
    // at a twentieth of the run's pace, the first batches are seconds apart
    const { replayId } = await c.call('replay.start', { run: runId, speed: 0.05 });
    await c.until(() => replayDocs(c, replayId).some((d) => d.type === 'descriptor'));
    expect(await c.call('replay.pause', { replayId })).toEqual({ replayId, paused: true, position: 0, speed: 0.05 });
    await c.until(() => replayDocs(c, replayId).some((d) => d.type === 'status' && d.state === 'paused'));
    expect(await c.call('replay.seek', { replayId, vector: 650 })).toEqual({ replayId, paused: true, position: 600, speed: 0.05 });
    expect((await c.request('replay.seek', { replayId, vector: 5000 })).error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { field: 'vector' } });
    expect(await c.call('replay.resume', { replayId })).toMatchObject({ replayId, paused: false });
    // the block sought goes out at once, from its first vector
    await c.until(() => replayDocs(c, replayId).some((d) => d.type === 'batch'));
    expect(replayDocs(c, replayId).filter((d) => d.type === 'batch')[0]).toMatchObject({ firstVector: 600 });
    expect(await c.call('replay.stop', { replayId })).toMatchObject({ replayId, position: 800 });
    await c.until(() => replayDocs(c, replayId).some((d) => d.type === 'status' && d.state === 'aborted'));
    const docs = replayDocs(c, replayId);
    expect(docs.some((d) => d.type === 'status' && d.event?.kind === 'seek')).toBe(true);
    expect(docs.some((d) => d.type === 'stop')).toBe(false);

    const fast = await c.call('replay.start', { run: runId, speed: null, fromVector: 400 });
    await c.until(() => replayDocs(c, fast.replayId).some((d) => d.type === 'stop'));
    const batches = replayDocs(c, fast.replayId).filter((d) => d.type === 'batch');
    expect(batches.map((d) => (d.type === 'batch' ? d.firstVector : -1))).toEqual([400, 600, 800]);
  });

  it('changes the speed of a replay as it plays: it goes on from where it was, nothing sent again', async () => {
    // a twentieth of the run's pace: the first batch is seconds away
    const { replayId } = await c.call('replay.start', { run: runId, speed: 0.05 });
    await c.until(() => replayDocs(c, replayId).some((d) => d.type === 'descriptor'));
    expect((await c.request('replay.speed', { replayId, speed: 0 })).error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { field: 'speed' } });
    expect((await c.request('replay.speed', { replayId })).error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { field: 'speed' } });
    expect(await c.call('replay.speed', { replayId, speed: null })).toMatchObject({ replayId, paused: false, speed: null });
    // the rest at once: each batch once, in order, then the run's stop
    await c.until(() => replayDocs(c, replayId).some((d) => d.type === 'stop'));
    const docs = replayDocs(c, replayId);
    expect(docs.filter((d) => d.type === 'batch').map((d) => (d.type === 'batch' ? d.firstVector : -1))).toEqual([0, 200, 400, 600, 800]);
    expect(docs.filter((d) => d.type === 'start')).toHaveLength(1);
    const changed = docs.find((d) => d.type === 'status' && d.event?.kind === 'speed');
    expect(changed).toMatchObject({ state: 'running', vectorsDone: 0, event: { detail: expect.stringContaining('as fast as possible') as unknown } });
    // over: nothing left to change
    await c.until(() => s.server.clients().every((k) => k.replays.length === 0));
    expect((await c.request('replay.speed', { replayId, speed: 4 })).error).toMatchObject({ code: RPC_ERRORS.REFUSED });
  });

  it('stops a replay whose client leaves', async () => {
    const other = await RpcClient.open(s.server.apiUrl);
    const { replayId } = await other.call('replay.start', { run: runId, speed: 0.01 });
    await other.until(() => replayDocs(other, replayId).length > 0);
    expect(s.server.clients().find((k) => k.replays.includes(replayId))).toBeDefined();
    await other.close();
    await until(() => s.server.clients().length === 1);
    expect(s.server.clients().some((k) => k.replays.includes(replayId))).toBe(false);
    // another client cannot control a replay that is not its own
    expect((await c.request('replay.stop', { replayId })).error).toMatchObject({ code: RPC_ERRORS.REFUSED });
  });

  it('re-scores, re-measures and re-decodes a run; compares it with the model and with its re-measure', async () => {
    const rescore = await c.call('runs.rescore', { run: runId, mode: 'hcim', boundary: 9, label: 'hcim 9' });
    expect(await finished(rescore.runId)).toMatchObject({ type: 'stop', state: 'completed' });
    expect(s.bench.getRun(rescore.runId)).toMatchObject({ kind: 'rescore', parentId: runId, label: 'hcim 9', mode: 'hcim' });

    const remeasure = await c.call('runs.remeasure', { run: runId, board: 'sim', label: 'again' });
    expect(await finished(remeasure.runId)).toMatchObject({ type: 'stop', state: 'completed' });
    expect(s.bench.getRun(remeasure.runId)).toMatchObject({ parentId: runId, label: 'again', vectorsDone: 1000 });

    const redecode = await c.call('runs.redecode', { run: runId });
    expect(redecode).toMatchObject({ runId, blocks: 5, equal: 5, differing: 0, missing: 0, undecodable: 0, problems: [] });

    const one = await c.call('compare.run', { run: runId, outliers: 3 });
    expect(one).toMatchObject({ kind: 'run', run: { runId, vectors: 1000 } });
    const two = await c.call('compare.runs', { run: runId, with: remeasure.runId });
    expect(two).toMatchObject({ kind: 'runs', a: { runId }, b: { runId: remeasure.runId }, vectors: 1000 });
    expect((await c.request('compare.runs', { run: runId })).error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { field: 'with' } });
    expect((await c.request('runs.redecode', { run: 999 })).error).toMatchObject({ data: { field: 'run' } });
  });

  it('resumes an interrupted run, and refuses a re-score (it has no board to go on)', async () => {
    const { runId: cut } = await c.call('run.start', { ...SMALL_RUN, workload: { kind: 'relu', vectors: 4000, seed: 3 }, batch: 200 });
    await c.call('run.subscribe', { runId: cut });
    await c.until(() => c.docsOf(cut).some((d) => d.type === 'batch'));
    await c.call('run.abort', { runId: cut });
    await c.stopOf(cut);
    const done = s.bench.getRun(cut)!.vectorsDone;
    expect(done).toBeLessThan(4000);
    // as a crash leaves it: the store marks runs of a process that is gone interrupted when it opens
    s.bench.store.setState(cut, 'interrupted', 'test: the process was killed');
    const resumed = await c.call('runs.resume', { run: cut, board: 'sim' });
    expect(resumed.runId).toBe(cut);
    expect((await c.call('bench.info')).live.map((l) => l.runId)).toContain(cut);
    await s.bench.live(cut)!.done;
    expect(s.bench.getRun(cut)).toMatchObject({ state: 'completed', vectorsDone: 4000 });

    const rescore = await c.call('runs.rescore', { run: runId, mode: 'osa' });
    await s.bench.live(rescore.runId)!.done;
    s.bench.store.setState(rescore.runId, 'interrupted', 'test');
    const refused = await c.request('runs.resume', { run: rescore.runId, board: 'sim' });
    expect(refused.error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { field: 'run' }, message: /re-score/ });
    // a completed run is not taken up either
    expect((await c.request('runs.resume', { run: runId, board: 'sim' })).error).toMatchObject({ data: { field: 'run' } });
  });

  it('gives the typed client a replay’s documents through its watch', async () => {
    const client = new EngineClient({ url: s.server.apiUrl, socket: (url): SocketLike => new WebSocket(url) });
    await client.connect();
    const docs: WireDocument[] = [];
    const { started, watch } = await client.startReplay({ run: runId, speed: null }, (d) => docs.push(d));
    expect(started.runId).toBe(runId);
    await until(() => watch.ended);
    expect(docs[0]).toMatchObject({ type: 'start', runId });
    expect(docs.at(-1)).toMatchObject({ type: 'stop', runId });
    expect(docs.filter((d) => d.type === 'batch')).toHaveLength(5);
    client.close();
  });
});
