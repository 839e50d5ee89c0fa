// The typed API client (shared/api/client.ts) against the real engine server, with the ws
// package's WebSocket as its socket: typed calls, errors with their field, a run's documents to
// its subscriber, a procedure's child runs to the procedure's subscriber, a lost connection taken
// up again from the last sequence number seen, a replay watched, and a refused token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLIENT_ERRORS, EngineClient, RpcClientError, type ConnectionStatus, type SocketLike } from '../shared/api/client';
import { RPC_ERRORS, type WireDocument } from '../shared/api/rpc';
import { SMALL_RUN, startTestServer, type TestServer } from './server/server-fixture';

/** The ws package's socket, and every one the client opened, so a test can cut one. */
function wsFactory() {
  const opened: WebSocket[] = [];
  const socket = (url: string): SocketLike => {
    const ws = new WebSocket(url);
    opened.push(ws);
    return ws;
  };
  return { socket, opened };
}

/** Resolves once the client's documents satisfy `check`. */
function until(docs: readonly WireDocument[], check: (docs: readonly WireDocument[]) => boolean, client: EngineClient): Promise<void> {
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (check(docs)) return resolve();
      if (client.status.state === 'closed' || client.status.state === 'failed') return reject(new Error(`client ${client.status.state}`));
      setTimeout(poll, 5);
    };
    poll();
  });
}

const isStopOf = (runId: number) => (docs: readonly WireDocument[]) => docs.some((d) => d.type === 'stop' && d.runId === runId);

describe('EngineClient against the engine server', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  const connected = async (backoff = { initialMs: 10, maxMs: 50 }) => {
    const f = wsFactory();
    const client = new EngineClient({ url: s.server.apiUrl, socket: f.socket, backoff });
    await client.connect();
    return { client, ...f };
  };

  it('answers typed calls', async () => {
    const { client } = await connected();
    const info = await client.call('bench.info', {});
    expect(info.methods).toContain('run.start');
    expect(info.api).toBeGreaterThanOrEqual(1);
    const board = await client.call('board.info', { board: 'sim' });
    expect(board.identity.vendor).toMatch(/SIM/);
    client.close();
    expect(client.status.state).toBe('closed');
  });

  it('rejects with the engine error, its code and the field it names', async () => {
    const { client } = await connected();
    const e = await client.call('run.start', { board: 'sim', workload: { kind: 'relu', vectors: 0 }, mode: 'osa' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(RpcClientError);
    const err = e as RpcClientError;
    expect(err.code).toBe(RPC_ERRORS.INVALID_PARAMS);
    expect(err.field).toBe('workload.vectors');
    expect(err.method).toBe('run.start');
    expect(err.isRefusal).toBe(true);
    const unknown = (await client.call('runs.get', { run: 999_999 }).catch((x: unknown) => x)) as RpcClientError;
    expect(unknown.code).toBe(RPC_ERRORS.REFUSED);
    expect(unknown.field).toBeNull();
    client.close();
  });

  it('sends a run’s documents to its subscriber, start to stop, in order', async () => {
    const { client } = await connected();
    const { runId } = await client.call('run.start', SMALL_RUN);
    const docs: WireDocument[] = [];
    const sub = client.subscribe(runId, (d) => docs.push(d));
    expect(await sub.ready).toMatchObject({ runId, fromSeq: 0 });
    await until(docs, isStopOf(runId), client);
    expect(docs[0]?.type).toBe('start');
    expect(docs.at(-1)).toMatchObject({ type: 'stop', state: 'completed' });
    expect(docs.every((d, i) => i === 0 || d.seq > docs[i - 1]!.seq)).toBe(true);
    expect(sub.lastSeq).toBe(docs.at(-1)!.seq);
    client.close();
  });

  it('gives a procedure’s subscriber the documents of its child runs', async () => {
    const { client } = await connected();
    const { runId } = await client.call('procedure.start', { board: 'sim', procedure: 'snr-sweep', params: { vectors: 200, from: 8, to: 9 } });
    const docs: WireDocument[] = [];
    client.subscribe(runId, (d) => docs.push(d));
    await until(docs, isStopOf(runId), client);
    const children = new Set(docs.filter((d) => d.type === 'start' && d.parentId === runId).map((d) => d.runId));
    expect(children.size).toBe(2);
    for (const child of children) expect(docs.some((d) => d.type === 'stop' && d.runId === child)).toBe(true);
    const stop = docs.at(-1)!;
    expect(stop).toMatchObject({ type: 'stop', runId });
    client.close();
  });

  it('gives a run two subscribers, the second from the start though it came late, and keeps one when the other leaves', async () => {
    const { client } = await connected();
    const { runId } = await client.call('run.start', SMALL_RUN);
    const first: WireDocument[] = [];
    const second: WireDocument[] = [];
    const a = client.subscribe(runId, (d) => first.push(d));
    await until(first, (docs) => docs.some((d) => d.type === 'batch'), client);
    const b = client.subscribe(runId, (d) => second.push(d));
    await b.ready;
    await until(second, (docs) => docs.some((d) => d.type === 'batch'), client);
    a.close();
    await until(second, isStopOf(runId), client);
    expect(second[0]?.type).toBe('start');
    const seqs = second.map((d) => d.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    // the first saw nothing twice when the stream was sent again for the second
    expect(new Set(first.map((d) => d.seq)).size).toBe(first.length);
    client.close();
  });

  it('reconnects after a lost connection and takes the run up from the last sequence number it saw', async () => {
    const { client, opened } = await connected();
    const states: ConnectionStatus['state'][] = [];
    client.onStatus((st) => states.push(st.state));
    const { runId } = await client.call('run.start', SMALL_RUN);
    const docs: WireDocument[] = [];
    let cut = false;
    client.subscribe(runId, (d) => {
      docs.push(d);
      // the connection drops on the first batch: nothing after it can come on this socket
      if (d.type === 'batch' && !cut) {
        cut = true;
        opened[0]!.terminate();
      }
    });
    await until(docs, isStopOf(runId), client);
    expect(opened.length).toBeGreaterThanOrEqual(2);
    expect(states).toContain('reconnecting');
    expect(client.status.state).toBe('open');
    // none twice, none out of order, and every document that is never coalesced is there
    const seqs = docs.map((d) => d.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    const emitted = s.bench.live(runId)?.documents.since(0) ?? [];
    const kept = (list: readonly { type: string; seq: number }[]) => list.filter((d) => d.type !== 'batch').map((d) => d.seq);
    expect(kept(docs)).toEqual(kept(emitted));
    client.close();
  });

  it('gives a replay’s documents to its watch, and ends the watch when the connection is lost', async () => {
    const { client, opened } = await connected();
    const { runId } = await client.call('run.start', SMALL_RUN);
    const live: WireDocument[] = [];
    client.subscribe(runId, (d) => live.push(d));
    await until(live, isStopOf(runId), client);

    const docs: WireDocument[] = [];
    const { started, watch } = await client.startReplay({ run: runId, speed: null }, (d) => docs.push(d));
    expect(started).toMatchObject({ runId });
    await until(docs, isStopOf(runId), client);
    expect(watch.ended).toBe(true);
    const stored = (await client.call('run.read', { runId })).documents;
    expect(docs.filter((d) => d.type !== 'status').map((d) => d.type)).toEqual(stored.map((d) => d.type));

    // a slow replay, cut off with its connection: it ended with it, on the engine too
    const slow: WireDocument[] = [];
    const cut = await client.startReplay({ run: runId, speed: 0.01 }, (d) => slow.push(d));
    await until(slow, (d) => d.length > 0, client);
    expect(cut.watch.ended).toBe(false);
    opened[0]!.terminate();
    await until(slow, () => cut.watch.ended, client);
    await until(slow, () => s.server.clients().every((k) => !k.replays.includes(cut.started.replayId)), client);
    client.close();
  });

  it('rejects calls while the connection is down, and after close', async () => {
    const { client, opened } = await connected({ initialMs: 60_000, maxMs: 60_000 });
    const lost = new Promise<void>((resolve) => client.onStatus((st) => st.state === 'reconnecting' && resolve()));
    opened[0]!.terminate();
    await lost;
    const e = (await client.call('bench.info', {}).catch((x: unknown) => x)) as RpcClientError;
    expect(e.code).toBe(CLIENT_ERRORS.DISCONNECTED);
    expect(e.isRefusal).toBe(false);
    client.close();
    expect(client.status.state).toBe('closed');
  });

  it('fails the first open when the engine refuses the token, and tries no more', async () => {
    const f = wsFactory();
    const url = s.server.apiUrl.replace(/token=[^&]+/, 'token=wrong-token-0123456789');
    const client = new EngineClient({ url, socket: f.socket, backoff: { initialMs: 1 } });
    await expect(client.connect()).rejects.toBeInstanceOf(RpcClientError);
    expect(client.status.state).toBe('failed');
    await new Promise((r) => setTimeout(r, 30));
    expect(f.opened).toHaveLength(1);
  });
});
