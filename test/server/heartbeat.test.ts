// The server pings its clients on its clock: one that answers stays, one that stopped reading (it
// cannot answer) is dropped at the next ping, and its runs are none the worse.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../drivers/clock';
import { startServer } from '../../engine/server/server';
import { boardInfo } from '../../engine/service/board-info';
import { Bench } from '../../engine/service/bench';
import { runRecords } from '../../engine/service/run-records';
import { FakeClock } from '../support/fake-clock';
import { RpcClient, StalledClient } from './server-fixture';

/** Until `check` holds, looking again after each turn of the event loop. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

describe('the engine server: heartbeat', () => {
  it('drops a client that does not answer a ping, and keeps one that does', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'osa-server-ping-')), 'runs.db');
    const bench = new Bench({ dbPath, clock: systemClock, session: { operator: null, bench: null, ambientC: null, notes: null }, telemetryMs: 0, writer: 'inline' });
    const clock = new FakeClock();
    const logs: string[] = [];
    const server = await startServer(
      {
        bench,
        records: runRecords(bench.store),
        boardInfo: (c) => boardInfo(c, systemClock),
        listPorts: () => Promise.resolve([]),
        about: { name: 'osa-bench', version: 'test', db: dbPath },
        clock,
        log: (l) => logs.push(l),
      },
      { pingMs: 30_000 },
    );
    try {
      const live = await RpcClient.open(server.apiUrl);
      const stalled = await StalledClient.open(server.port, server.token);
      await until(() => server.clients().length === 2);

      const pinged = once(live.ws, 'ping');
      clock.advance(30_000);
      await pinged;
      await live.call('bench.info'); // its pong went before this request: the server has it
      clock.advance(30_000);
      await until(() => server.clients().length === 1);
      expect(logs).toEqual([expect.stringMatching(/did not answer a ping for 30000 ms: dropped/) as unknown]);
      expect(await live.call('bench.info')).toMatchObject({ name: 'osa-bench' });
      stalled.destroy();
      await live.close();
    } finally {
      await server.close();
      await bench.close();
    }
  });
});
