// A client that stops reading never holds up a run: its socket fills, its queue keeps the newest
// batch and the documents it must get, and the run ends as it would without it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcClient, SMALL_RUN, StalledClient, startTestServer, type TestServer } from './server-fixture';

describe('the engine server: a stalled client', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('does not stop a run from completing, and its queue stays bounded', async () => {
    const watcher = await RpcClient.open(s.server.apiUrl);
    // a run with big blocks, whose arrays will stall the socket
    const big = await watcher.call('run.start', { ...SMALL_RUN, batch: 1000 });
    await watcher.call('run.subscribe', { runId: big.runId });
    await watcher.stopOf(big.runId);

    const stalled = await StalledClient.open(s.server.port, s.server.token);
    // 1.6 MB of answer each: more than the kernel's socket buffers take
    for (let i = 0; i < 16; i++) stalled.request(i, 'run.batchData', { runId: big.runId, block: 0 });
    const client = () => s.server.clients().find((c) => c.id === Math.max(...s.server.clients().map((x) => x.id)))!;
    await new Promise<void>((resolve) => {
      // wait until the server holds answers it cannot send: the socket is full
      const check = () => (client().pending > 0 ? resolve() : setImmediate(check));
      check();
    });

    const { runId } = await watcher.call('run.start', { ...SMALL_RUN, batch: 50 }); // 20 batches
    stalled.request(100, 'run.subscribe', { runId });
    await watcher.call('run.subscribe', { runId });
    await expect(s.bench.live(runId)!.done).resolves.toMatchObject({ state: 'completed', vectors: 1000 });
    expect(await watcher.stopOf(runId)).toMatchObject({ state: 'completed' });

    const stats = client();
    expect(stats.subscriptions).toEqual([]); // its run ended
    expect(stats.coalesced).toBeGreaterThan(0);
    // answers not sent, one batch, and the start, descriptor, status and stop documents
    const watched = watcher.docsOf(runId);
    const control = watched.filter((d) => d.type !== 'batch').length;
    expect(stats.maxPending).toBeLessThanOrEqual(16 + 1 + control + 1);
    stalled.destroy();
    await watcher.close();
  });
});
