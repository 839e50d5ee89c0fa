// npm run bench -- open-run: a 1,000,000-vector run (bench/big-runs.mts) opened over the API as
// the Run screen opens it: a fresh EngineClient connects to the engine served as `osa-bench serve`
// serves it, then runs.get, the first page of run.read (the batch documents from the block
// summaries) and run.batchData of block 0 (the first plot's MACs). Milliseconds from the client's
// creation to the last answer, against the 1 s target; each call's share.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { systemClock } from '../drivers/clock';
import { serveBench } from '../engine/server/serve-bench';
import { EngineClient, type SocketLike } from '../shared/api/client';
import { bigRuns } from './big-runs.mjs';
import { median, report, type Row } from './report';

const ROUNDS = 7;
const TARGET_MS = 1000;

export async function benchOpenRun(vectors = 1_000_000): Promise<void> {
  const runs = await bigRuns(vectors);
  const dir = mkdtempSync(join(tmpdir(), 'osa-bench-open-'));
  const served = await serveBench({
    dbPath: runs.dbPath,
    folders: { profiles: join(dir, 'profiles'), imports: join(dir, 'imports') },
    clock: systemClock,
    session: { operator: 'bench', bench: 'open-run', ambientC: null, notes: null },
    version: 'bench',
    log: () => undefined,
    telemetryMs: 0,
  });
  const times = { connect: [] as number[], get: [] as number[], read: [] as number[], data: [] as number[], total: [] as number[] };
  let docs = 0;
  let bytes = 0;
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const t0 = performance.now();
      const client = new EngineClient({ url: served.server.apiUrl, socket: (url): SocketLike => new WebSocket(url) });
      await client.connect();
      const t1 = performance.now();
      await client.call('runs.get', { run: runs.b });
      const t2 = performance.now();
      const page = await client.call('run.read', { runId: runs.b, fromSeq: 0 });
      const t3 = performance.now();
      const data = await client.call('run.batchData', { runId: runs.b, block: 0 });
      const t4 = performance.now();
      client.close();
      docs = page.documents.length;
      bytes = JSON.stringify(page).length + JSON.stringify(data).length;
      times.connect.push(t1 - t0);
      times.get.push(t2 - t1);
      times.read.push(t3 - t2);
      times.data.push(t4 - t3);
      times.total.push(t4 - t0);
      console.log(
        `round ${r + 1}: ${(t4 - t0).toFixed(0)} ms (connect ${(t1 - t0).toFixed(0)}, runs.get ${(t2 - t1).toFixed(0)}, run.read ${(t3 - t2).toFixed(0)}, run.batchData ${(t4 - t3).toFixed(0)})`,
      );
    }
  } finally {
    await served.close();
  }
  const rows: Row[] = [
    ['open a run, ms', median(times.total), `a ${vectors.toLocaleString('en-US')}-vector run, median of ${ROUNDS}, fresh client each`],
    ['open / target', median(times.total) / TARGET_MS, `target ${TARGET_MS} ms`],
    ['first open, ms', times.total[0] ?? 0, 'the store cold in this process'],
    ['connect ms', median(times.connect), ''],
    ['runs.get ms', median(times.get), ''],
    ['run.read ms', median(times.read), `first page: ${docs} documents`],
    ['run.batchData ms', median(times.data), 'block 0'],
    ['answers, bytes', bytes, 'run.read page + block 0, as JSON text'],
    ['load average', (await import('node:os')).loadavg()[0] ?? 0, '2 cores: wall times stretch with it'],
  ];
  report('open-run', rows);
}
