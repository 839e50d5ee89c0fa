// A run exported as CSV, Parquet and JSON Lines and read back by an independent reader (DuckDB for
// CSV and Parquet, JSON.parse for JSON): every value of every MAC equals the store's, the
// provenance travels with the file, large outputs wait for a slow destination, and bad input is
// refused with the field at fault, leaving no file behind.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writableSink } from '../../engine/export/byte-sink';
import { exportRun, exportRunTo } from '../../engine/export/export-run';
import type { Bench } from '../../engine/service/bench';
import { FieldError } from '../../shared/api/run-options';
import { differences, duckdb, expectedRows, openBench, query, simulatedRun, tempDir } from './support';

let bench: Bench;
let runId: number;
let guid: string;
let expected: Record<string, unknown>[];
const dir = tempDir();
const DIE = 'OSA-TT-0001';

beforeAll(async () => {
  bench = openBench();
  ({ runId, guid } = await simulatedRun(bench, { batch: 300, label: 'export test', die: 'drivers/sim/dies/typical.json' }));
  bench.store.note(runId, 'a note, with "quotes", commas and <markup>');
  expected = expectedRows(bench.store, runId, DIE);
});
afterAll(() => bench.close());

describe('export', () => {
  it('CSV: DuckDB reads every value back as the store holds it, one row per MAC', async () => {
    const out = join(dir, 'run.csv');
    const r = await exportRun(bench.store, runId, out, { format: 'csv' });
    expect(r).toMatchObject({ format: 'csv', run: guid, runs: 1, blocks: 4, rows: 8000 });
    const c = await duckdb();
    const back = await query(c, `SELECT * FROM read_csv_auto('${out}') ORDER BY block, vector, repeat, output`);
    expect(back.columns.slice(0, 13)).toEqual([
      'run_guid',
      'die_id',
      'block',
      'vector',
      'repeat',
      'output',
      'level',
      'digital_d_xw',
      'saliency_s_xw',
      'yhat_xw',
      'model_yhat_xw',
      'exact_y_xw',
      'model_level',
    ]);
    expect(back.columns).toHaveLength(13 + 64);
    expect(differences(back.columns, back.rows, expected)).toEqual([]);
    // pandas and polars read the same header: names only (units at their ends), no comment lines
    expect(readFileSync(out, 'utf8').split('\n', 1)[0]).toMatch(
      /^run_guid,die_id,block,vector,repeat,output,level,digital_d_xw,saliency_s_xw,yhat_xw,model_yhat_xw,exact_y_xw,model_level,code_p0_lsb,.*,code_p63_lsb$/,
    );
  });

  it('Parquet: DuckDB reads every value back, GZIP-compressed in row groups, with the provenance in the metadata', async () => {
    const out = join(dir, 'run.parquet');
    // small row groups, so that blocks span groups (a group never spans blocks: each block is encoded on its own)
    const r = await exportRun(bench.store, runId, out, { format: 'parquet', parquet: { rowGroupRows: 1500, gzipLevel: 1 } });
    expect(r).toMatchObject({ format: 'parquet', runs: 1, blocks: 4, rows: 8000 });
    const c = await duckdb();
    const back = await query(c, `SELECT * FROM read_parquet('${out}')`);
    expect(differences(back.columns, back.rows, expected)).toEqual([]);
    const types = await query(c, `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${out}'))`);
    expect(Object.fromEntries(types.rows)).toMatchObject({
      run_guid: 'VARCHAR',
      vector: 'INTEGER',
      level: 'UTINYINT',
      digital_d_xw: 'INTEGER',
      yhat_xw: 'DOUBLE',
      exact_y_xw: 'INTEGER',
      code_p0_lsb: 'SMALLINT',
    });
    const groups = await query(c, `SELECT count(DISTINCT row_group_id), min(compression), max(compression) FROM parquet_metadata('${out}')`);
    const blockRows = bench.store.blockSummaries(runId).map((b) => b.vectors * b.repeat * b.outputs);
    expect(groups.rows[0]).toEqual([blockRows.reduce((n, rows) => n + Math.ceil(rows / 1500), 0), 'GZIP', 'GZIP']);
    const kv = await query(c, `SELECT decode(key), decode(value) FROM parquet_kv_metadata('${out}')`);
    const meta = Object.fromEntries(kv.rows as [string, string][]);
    const runs = JSON.parse(meta['osa-bench.runs'] as string) as {
      guid: string;
      dieId: string;
      provenance: Record<string, unknown>;
      notes: { text: string }[];
      label: string;
    }[];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      guid,
      dieId: DIE,
      label: 'export test',
      provenance: bench.store.getRun(runId)?.provenance,
      notes: [{ text: 'a note, with "quotes", commas and <markup>' }],
    });
    const header = JSON.parse(meta['osa-bench.export'] as string) as { format: string; rows: number; columns: { name: string; unit: string | null }[] };
    expect(header).toMatchObject({ format: 'osa-bench-export', rows: 8000 });
    expect(header.columns.find((col) => col.name === 'yhat_xw')?.unit).toBe('x*w');
    expect(header.columns.find((col) => col.name === 'code_p5_lsb')?.unit).toBe('LSB');
  });

  it('Parquet encoded in threads: the very bytes encoded in one thread', async () => {
    const now = () => new Date('2026-01-02T03:04:05Z');
    const one = join(dir, 'one-thread.parquet');
    const two = join(dir, 'two-threads.parquet');
    await exportRun(bench.store, runId, one, { format: 'parquet', now, parquet: { workers: 0 } });
    // threads for any size, small row groups so that each thread encodes several
    const r = await exportRun(bench.store, runId, two, { format: 'parquet', now, parquet: { workers: 2, workerMinMacs: 0, rowGroupRows: 1000 } });
    expect(r).toMatchObject({ rows: 8000, blocks: 4 });
    await exportRun(bench.store, runId, one, { format: 'parquet', now, parquet: { workers: 0, rowGroupRows: 1000 } });
    expect(readFileSync(two).equals(readFileSync(one))).toBe(true);
    const c = await duckdb();
    const back = await query(c, `SELECT * FROM read_parquet('${two}')`);
    expect(differences(back.columns, back.rows, expected)).toEqual([]);
  }, 60_000);

  it("without the model's columns: CSV, Parquet and JSON Lines hold every other column, read back as the store holds it", async () => {
    const model = ['model_yhat_xw', 'exact_y_xw', 'model_level'];
    const rest = expected.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !model.includes(k))));
    const c = await duckdb();
    for (const [format, read] of [
      ['parquet', 'read_parquet'],
      ['csv', 'read_csv_auto'],
    ] as const) {
      const out = join(dir, `no-model.${format}`);
      const r = await exportRun(bench.store, runId, out, { format, model: false });
      expect(r).toMatchObject({ rows: 8000, blocks: 4 });
      const back = await query(c, `SELECT * FROM ${read}('${out}') ORDER BY block, vector, repeat, output`);
      expect(
        back.columns.filter((n) => model.includes(n)),
        format,
      ).toEqual([]);
      expect(back.columns, format).toHaveLength(Object.keys(rest[0] as object).length);
      expect(differences(back.columns, back.rows, rest), format).toEqual([]);
    }
    const out = join(dir, 'no-model.jsonl');
    await exportRun(bench.store, runId, out, { format: 'json', model: false });
    const lines = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; columns: Record<string, unknown> });
    expect((lines[0]?.columns as unknown as { name: string }[]).map((col) => col.name).filter((n) => model.includes(n))).toEqual([]);
    for (const l of lines.filter((x) => x.type === 'block')) expect(Object.keys(l.columns).filter((n) => model.includes(n))).toEqual([]);
  }, 60_000);

  it('JSON Lines: an export line, a run line with the provenance, a line per block with its rows as columns, an end line', async () => {
    const out = join(dir, 'run.jsonl');
    await exportRun(bench.store, runId, out, { format: 'json' });
    const lines = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.type)).toEqual(['export', 'run', 'block', 'block', 'block', 'block', 'end']);
    expect(lines[1]).toMatchObject({ type: 'run', guid, dieId: DIE, provenance: bench.store.getRun(runId)?.provenance, config: bench.store.getRun(runId)?.config });
    expect(lines.at(-1)).toEqual({ type: 'end', runs: 1, blocks: 4, rows: 8000 });
    const rows: Record<string, unknown>[] = [];
    for (const l of lines.filter((x) => x.type === 'block')) {
      expect(l).toMatchObject({ run: guid, figures: expect.any(Object) as unknown, power: expect.any(Object) as unknown });
      const cols = l.columns as Record<string, unknown[]>;
      for (let i = 0; i < (l.rows as number); i++)
        rows.push({ run_guid: l.run, die_id: DIE, block: l.block, ...Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, v[i]])) });
    }
    const names = Object.keys(expected[0] as object);
    expect(
      differences(
        names,
        rows.map((r) => names.map((n) => r[n])),
        expected,
      ),
    ).toEqual([]);
  });

  it('exports a procedure as the rows of its steps, each row naming its run', async () => {
    const proc = await bench.startProcedure({ board: 'sim', procedure: 'snr-sweep', params: { vectors: 200, from: 8, to: 9 } });
    await proc.done;
    const out = join(dir, 'sweep.parquet');
    const r = await exportRun(bench.store, proc.runId, out, { format: 'parquet' });
    const steps = bench.store.childRuns(proc.runId);
    expect(r).toMatchObject({ runs: 2, rows: 2 * 200 * 8 });
    const c = await duckdb();
    const back = await query(c, `SELECT run_guid, count(*) FROM read_parquet('${out}') GROUP BY run_guid ORDER BY run_guid`);
    expect(back.rows).toEqual(steps.map((s) => [s.guid, 1600]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    const kv = await query(c, `SELECT decode(value) FROM parquet_kv_metadata('${out}') WHERE decode(key) = 'osa-bench.runs'`);
    const runs = JSON.parse(kv.rows[0]?.[0] as string) as { guid: string; parentGuid: string | null; kind: string }[];
    expect(runs.map((x) => x.kind)).toEqual(['snr-sweep', 'run', 'run']);
    expect(runs.slice(1).every((x) => x.parentGuid === runs[0]?.guid)).toBe(true);
  });

  it('a run with repeats: a row per measurement, the repeat index counting them, the model the same for each', async () => {
    const rep = await simulatedRun(bench, { workload: { kind: 'relu', vectors: 120, seed: 5 }, repeat: 3, batch: 50, die: 'drivers/sim/dies/typical.json' });
    const out = join(dir, 'repeats.parquet');
    const r = await exportRun(bench.store, rep.runId, out, { format: 'parquet', parquet: { rowGroupRows: 700, gzipLevel: 1 } });
    expect(r.rows).toBe(120 * 3 * 8);
    const c = await duckdb();
    const back = await query(c, `SELECT * FROM read_parquet('${out}')`);
    expect(differences(back.columns, back.rows, expectedRows(bench.store, rep.runId, DIE))).toEqual([]);
    const perMac = await query(
      c,
      `SELECT count(*), count(DISTINCT repeat), max(repeat), count(DISTINCT model_yhat_xw), count(DISTINCT exact_y_xw)
         FROM read_parquet('${out}') GROUP BY vector, output ORDER BY 1 DESC, 2 DESC, 4 DESC LIMIT 1`,
    );
    expect(perMac.rows).toEqual([[3, 3, 2, 1, 1]]);
  });

  it('waits for a slow destination: never more than a chunk past its high-water mark in its buffer, the same bytes as the file', async () => {
    let most = 0;
    let largest = 0;
    const chunks: Buffer[] = [];
    const slow = new Writable({
      highWaterMark: 4096,
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        largest = Math.max(largest, chunk.length);
        setImmediate(done);
      },
    });
    const write = slow.write.bind(slow);
    slow.write = ((chunk: Buffer | string, ...rest: never[]) => {
      const ok = write(chunk, ...rest);
      most = Math.max(most, slow.writableLength);
      return ok;
    }) as typeof slow.write;
    const r = await exportRunTo(bench.store, runId, writableSink(slow), { format: 'csv' });
    expect(r.rows).toBe(8000);
    // a write is taken while the buffer is under the high-water mark; past it the export waits for 'drain'
    expect(most).toBeLessThanOrEqual(largest + 4096);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(readFileSync(join(dir, 'run.csv'), 'utf8'));
  });

  it('refuses bad input with the field at fault, and leaves no file behind', async () => {
    const folder = join(dir, 'refusals');
    mkdirSync(folder);
    const parent = bench.store.createRun({ kind: 'snr-sweep', mode: 'sweep', config: {}, provenance: {}, vectorSet: null, weightSet: null, vectorsTotal: 0, repeat: 1 });
    const cases: [string | number, string, string, string, RegExp][] = [
      [999, join(folder, 'a.csv'), 'csv', 'run', /no run '999'/],
      ['nosuchguid', join(folder, 'a.csv'), 'csv', 'run', /no run 'nosuchguid'/],
      [parent.id, join(folder, 'a.csv'), 'csv', 'run', /nothing to export .*procedure's parent \(snr-sweep\) with no measured step/],
      [runId, join(folder, 'missing', 'a.csv'), 'csv', 'out', /the folder .*missing does not exist/],
      [runId, folder, 'parquet', 'out', /is a folder/],
      [runId, join(folder, 'a.xml'), 'xml', 'format', /must be one of csv, json, parquet/],
    ];
    for (const [ref, out, format, field, message] of cases) {
      const e = await exportRun(bench.store, ref, out, { format: format as 'csv' }).catch((x: unknown) => x);
      expect(e, `${String(ref)} ${out} ${format}`).toBeInstanceOf(FieldError);
      expect(e).toMatchObject({ field });
      expect((e as FieldError).problem).toMatch(message);
    }
    expect(readdirSync(folder)).toEqual([]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(existsSync(join(folder, 'missing'))).toBe(false);
  });
});
