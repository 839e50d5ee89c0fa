// Watching runs over the API: two clients on one run, a client that leaves and comes back with
// fromSeq, a run that goes on with nobody watching, one run per board, and a stored run read back
// as its live documents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RPC_ERRORS, type WireDocument } from '../../shared/api/rpc';
import { wireDocument } from '../../engine/server/wire';
import { RpcClient, SMALL_RUN, startTestServer, type TestServer } from './server-fixture';

const types = (docs: readonly WireDocument[]) => docs.map((d) => d.type);
const seqs = (docs: readonly WireDocument[]) => docs.map((d) => d.seq);

describe('the engine server: run documents', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  /** The documents the run's stream emitted, as a client gets them. */
  const emitted = (runId: number) =>
    s.bench
      .live(runId)!
      .documents.since(0)
      .map((d) => wireDocument(d));

  it('two clients watching one run both get it from start to stop', async () => {
    const a = await RpcClient.open(s.server.apiUrl);
    const b = await RpcClient.open(s.server.apiUrl);
    const { runId } = await a.call('run.start', SMALL_RUN);
    expect(await a.call('run.subscribe', { runId })).toEqual({ runId, fromSeq: 0, source: 'stream' });
    await b.call('run.subscribe', { runId });
    await Promise.all([a.stopOf(runId), b.stopOf(runId)]);
    for (const c of [a, b]) {
      const docs = c.docsOf(runId);
      expect(types(docs).slice(0, 2)).toEqual(['start', 'descriptor']);
      expect(docs.filter((d) => d.type === 'batch')).toHaveLength(5);
      expect(docs.at(-1)).toMatchObject({ type: 'stop', state: 'completed' });
      // a client that reads along gets every document, in order, none twice
      expect(docs).toEqual(emitted(runId));
    }
    await Promise.all([a.close(), b.close()]);
  });

  it('a client that comes back with fromSeq gets exactly the documents it missed', async () => {
    const a = await RpcClient.open(s.server.apiUrl);
    const { runId } = await a.call('run.start', SMALL_RUN);
    await a.call('run.subscribe', { runId });
    await a.until(() => a.docsOf(runId).some((d) => d.type === 'batch'));
    await a.close(); // gone after its first batch; the run goes on
    const seen = a.docsOf(runId);
    const last = seen.at(-1)!.seq;

    const b = await RpcClient.open(s.server.apiUrl);
    await b.call('run.subscribe', { runId, fromSeq: last + 1 });
    await b.stopOf(runId);
    const missed = b.docsOf(runId);
    expect(seqs(missed)[0]).toBe(last + 1);
    expect([...seen, ...missed]).toEqual(emitted(runId));
    await b.close();
  });

  it('a run goes on when every client has left', async () => {
    const a = await RpcClient.open(s.server.apiUrl);
    const { runId } = await a.call('run.start', SMALL_RUN);
    await a.call('run.subscribe', { runId });
    await a.close();
    await expect(s.bench.live(runId)!.done).resolves.toMatchObject({ state: 'completed', vectors: 1000 });
  });

  it('one run per board: a second run.start on a busy board is refused, naming the board', async () => {
    const a = await RpcClient.open(s.server.apiUrl);
    const { runId } = await a.call('run.start', { ...SMALL_RUN, workload: { kind: 'relu', vectors: 10_000, seed: 1 }, batch: 500 });
    await a.call('run.subscribe', { runId });
    // paused (after the batch in hand), so that it is still there for what follows
    expect(await a.call('run.pause', { runId })).toEqual({ runId, paused: true });
    const second = await a.request('run.start', SMALL_RUN);
    expect(second.error).toMatchObject({ code: RPC_ERRORS.REFUSED, message: /busy/, data: { field: 'board' } });
    expect((await a.call('bench.info')).live).toEqual([{ runId, guid: expect.any(String) as unknown, paused: true }]);
    await a.until(() => a.docsOf(runId).some((d) => d.type === 'status' && d.state === 'paused'));
    expect(await a.call('run.resume', { runId })).toEqual({ runId, paused: false });
    expect(await a.call('run.abort', { runId })).toEqual({ runId });
    expect(await a.stopOf(runId)).toMatchObject({ state: 'aborted' });
    await expect(a.call('run.pause', { runId })).rejects.toThrow(/not in flight/);
    // the board is free again
    const next = await a.call('run.start', SMALL_RUN);
    await a.call('run.subscribe', { runId: next.runId });
    await a.stopOf(next.runId);
    await a.close();
  });

  it('a stored run reads back as its live documents, and a new server serves it from the store', async () => {
    const a = await RpcClient.open(s.server.apiUrl);
    const { runId } = await a.call('run.start', SMALL_RUN);
    await a.call('run.subscribe', { runId });
    await a.stopOf(runId);
    const live = a.docsOf(runId).filter((d) => d.type !== 'status');
    const read = (await a.call('run.read', { runId })).documents;
    // same documents, numbered in the read-back's own order (it has no status documents)
    const unnumbered = (docs: readonly WireDocument[]) => docs.map((d) => ({ ...d, seq: 0 }));
    expect(unnumbered(read)).toEqual(unnumbered(live));
    await a.close();

    const other = await startTestServer({}, s.dbPath);
    try {
      const b = await RpcClient.open(other.server.apiUrl);
      expect(await b.call('run.subscribe', { runId, fromSeq: 2 })).toEqual({ runId, fromSeq: 2, source: 'store' });
      await b.stopOf(runId);
      expect(b.docsOf(runId)).toEqual(read.slice(2));
      await b.close();
    } finally {
      await other.close();
    }
  });
});
