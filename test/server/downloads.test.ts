// A run's export and report from the engine: export.write to a file on the engine's machine, and
// GET /download/runs/RUN.EXT for a browser, each format read back (CSV parsed, JSON Lines, Parquet
// through DuckDB, HTML); the token as on the API, errors naming the field at fault.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadUrl } from '../../shared/api/downloads';
import { RPC_ERRORS } from '../../shared/api/rpc';
import { duckdb, query } from '../export/support';
import { RpcClient, SMALL_RUN, startTestServer, type TestServer } from './server-fixture';

// SMALL_RUN: 1000 vectors of 8 outputs, one row per MAC
const MACS = 8000;

describe('the engine server: exports and downloads', () => {
  let s: TestServer;
  let c: RpcClient;
  let runId: number;
  let other: number;
  let origin: string;
  let out: string;
  beforeAll(async () => {
    s = await startTestServer();
    c = await RpcClient.open(s.server.apiUrl);
    for (const seed of [1, 1]) {
      const started = await c.call('run.start', { ...SMALL_RUN, workload: { ...SMALL_RUN.workload, seed } });
      await c.call('run.subscribe', { runId: started.runId });
      await c.stopOf(started.runId);
      if (runId === undefined) runId = started.runId;
      else other = started.runId;
    }
    origin = `http://127.0.0.1:${s.server.port}`;
    out = join(s.dir, 'out');
    mkdirSync(out);
  });
  afterAll(async () => {
    await c.close();
    await s.close();
  });

  const get = (url: string, init: RequestInit = {}) => fetch(url, init);

  it('writes each format to a file on the engine’s machine', async () => {
    for (const [format, name] of [
      ['csv', 'run.csv'],
      ['json', 'run.jsonl'],
      ['parquet', 'run.parquet'],
      ['html', 'run.html'],
    ] as const) {
      const path = join(out, name);
      const written = await c.call('export.write', { run: runId, format, out: path });
      expect(written).toEqual({ path, bytes: statSync(path).size });
    }
    expect(readFileSync(join(out, 'run.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(MACS + 1);
    expect(readFileSync(join(out, 'run.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    const db = await duckdb();
    expect((await query(db, `SELECT count(*), count(DISTINCT vector) FROM read_parquet('${join(out, 'run.parquet')}')`)).rows).toEqual([[MACS, 1000]]);
    // the comparison of two runs over the same stimulus, as a report
    const compared = await c.call('export.write', { run: runId, format: 'html', with: other, out: join(out, 'compare.html') });
    expect(readFileSync(compared.path, 'utf8')).toMatch(/<!doctype html>/i);
  });

  it('refuses an out that is relative or in no folder, and a comparison that is not a report', async () => {
    const relative = await c.request('export.write', { run: runId, format: 'csv', out: 'run.csv' });
    expect(relative.error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { field: 'out' }, message: /absolute/ });
    const nowhere = await c.request('export.write', { run: runId, format: 'csv', out: join(out, 'no', 'such', 'run.csv') });
    expect(nowhere.error).toMatchObject({ code: RPC_ERRORS.INVALID_PARAMS, data: { field: 'out' }, message: /does not exist/ });
    expect(existsSync(join(out, 'no'))).toBe(false);
    const csvWith = await c.request('export.write', { run: runId, format: 'csv', with: other, out: join(out, 'x.csv') });
    expect(csvWith.error).toMatchObject({ data: { field: 'with' } });
    expect((await c.request('export.write', { run: 999, format: 'csv', out: join(out, 'x.csv') })).error).toMatchObject({ code: RPC_ERRORS.REFUSED });
  });

  it('streams a CSV download as an attachment', async () => {
    const r = await get(downloadUrl(origin, s.server.token, runId, 'csv'));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(r.headers.get('content-disposition')).toBe(`attachment; filename="run-${runId}.csv"`);
    const lines = (await r.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(MACS + 1);
    const header = lines[0]!.split(',');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.every((cells) => cells.length === header.length)).toBe(true);
    const vector = header.indexOf('vector');
    expect(new Set(rows.map((cells) => cells[vector])).size).toBe(1000);
    // the same bytes as export.write's file
    expect(lines.join('\n')).toBe(readFileSync(join(out, 'run.csv'), 'utf8').trimEnd());
  });

  it('streams JSON Lines, Parquet and the HTML report; HEAD answers the headers', async () => {
    const jsonl = await get(downloadUrl(origin, s.server.token, runId, 'json'));
    expect(jsonl.headers.get('content-disposition')).toBe(`attachment; filename="run-${runId}.jsonl"`);
    const lines = (await jsonl.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type?: string; rows?: number });
    expect(lines.at(-1)).toMatchObject({ type: 'end', rows: MACS });

    const parquet = await get(downloadUrl(origin, s.server.token, s.bench.getRun(runId)!.guid.slice(0, 8), 'parquet'));
    expect(parquet.status).toBe(200);
    expect(parquet.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(parquet.headers.get('content-disposition')).toBe(`attachment; filename="run-${runId}.parquet"`);
    const file = join(out, 'downloaded.parquet');
    const bytes = Buffer.from(await parquet.arrayBuffer());
    await import('node:fs/promises').then((fs) => fs.writeFile(file, bytes));
    const db = await duckdb();
    expect((await query(db, `SELECT count(*), count(DISTINCT vector), min(vector), max(vector) FROM read_parquet('${file}')`)).rows).toEqual([[MACS, 1000, 0, 999]]);

    const html = await get(downloadUrl(origin, s.server.token, runId, 'html'));
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toMatch(new RegExp(`Run ${runId}`));
    const compared = await get(downloadUrl(origin, s.server.token, runId, 'html', other));
    expect(compared.status).toBe(200);
    expect(compared.headers.get('content-disposition')).toBe(`attachment; filename="run-${runId}-vs-${other}.html"`);

    const head = await get(downloadUrl(origin, s.server.token, runId, 'csv'), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-disposition')).toBe(`attachment; filename="run-${runId}.csv"`);
    expect(await head.text()).toBe('');
  });

  it('refuses a download without the token, of an unknown run or format, and anything but GET and HEAD', async () => {
    expect((await get(`${origin}/download/runs/${runId}.csv`)).status).toBe(401);
    expect((await get(downloadUrl(origin, 'wrong-token-of-some-length', runId, 'csv'))).status).toBe(401);
    const bearer = await get(`${origin}/download/runs/${runId}.csv`, { headers: { Authorization: `Bearer ${s.server.token}` } });
    expect(bearer.status).toBe(200);
    await bearer.arrayBuffer();
    // a page of another origin in the user's browser is refused, as on the API
    expect((await get(downloadUrl(origin, s.server.token, runId, 'csv'), { headers: { Origin: 'http://evil.example' } })).status).toBe(403);

    const unknown = await get(downloadUrl(origin, s.server.token, 999, 'csv'));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ field: 'run', error: expect.stringMatching(/no run/) as unknown });
    const format = await get(`${origin}/download/runs/${runId}.xlsx?token=${s.server.token}`);
    expect(format.status).toBe(400);
    expect(await format.json()).toMatchObject({ field: 'format', error: expect.stringMatching(/xlsx/) as unknown });
    const withCsv = await get(downloadUrl(origin, s.server.token, runId, 'csv', other));
    expect(withCsv.status).toBe(400);
    expect(await withCsv.json()).toMatchObject({ field: 'with' });
    const post = await get(downloadUrl(origin, s.server.token, runId, 'csv'), { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
